package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/zhili-project/zhili"
)

// RhythmService runs the seed's rhythm on the store: sweeps, reviews, visits, the
// dispatch list, the bulletin and the supervision of passed deadlines.
type RhythmService struct{ db *DB }

// NewRhythmService returns the rhythm service of db.
func NewRhythmService(db *DB) *RhythmService { return &RhythmService{db: db} }

var _ zhili.RhythmService = (*RhythmService)(nil)

// scopedRegion is a region in the actor's scope, for the lists that take one.
type scopedRegion struct {
	ID    int64
	Name  string
	Path  string
	Level zhili.RegionLevel
}

// scopedRegion checks the actor may read business data and that the region lies
// in its scope; anything else is ENOTFOUND, so the answer does not reveal it exists.
func (db *DB) scopedRegion(ctx context.Context, a *zhili.Actor, id int64) (*scopedRegion, error) {
	if err := a.Require(zhili.ActBusinessRead); err != nil {
		return nil, err
	}
	cond, args := scopeRegions(a, "r")
	r := &scopedRegion{ID: id}
	err := db.queryRow(ctx, `SELECT r.name, r.path, r.level FROM regions r WHERE r.id = ? AND `+cond,
		append([]any{id}, args...)...).Scan(&r.Name, &r.Path, &r.Level)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhili.Errorf(zhili.ENOTFOUND, "Region not found.")
	} else if err != nil {
		return nil, fmt.Errorf("find region %d: %w", id, err)
	}
	return r, nil
}

// inStates is "col IN (?, …)" for a list of states, with its arguments.
func inStates(col string, states []zhili.CaseState) (string, []any) {
	args := make([]any, len(states))
	for i, s := range states {
		args[i] = string(s)
	}
	return col + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(states)), ", ") + ")", args
}

// DeadlineStatus classifies a case's current deadline now.
func (s *RhythmService) DeadlineStatus(ctx context.Context, c *zhili.Case) (zhili.DeadlineStatus, error) {
	a, err := actor(ctx)
	if err != nil {
		return "", err
	}
	if err := a.Require(zhili.ActBusinessRead); err != nil {
		return "", err
	}
	if c == nil || c.Due == nil {
		return zhili.DeadlineNone, nil
	}
	now := s.db.Clock.Now()
	cal, err := loadCalendar(ctx, s.db.read, s.db.dialect, minTime(now, *c.Due))
	if err != nil {
		return "", err
	}
	return cal.Status(c.Due, now), nil
}

// RhythmReport returns a snapshot a scheduled job stored for a region in scope.
func (s *RhythmService) RhythmReport(ctx context.Context, job, period string, regionID int64) (*zhili.RhythmReport, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.db.scopedRegion(ctx, a, regionID); err != nil {
		return nil, err
	}
	r := &zhili.RhythmReport{Job: job, Period: period, RegionID: regionID}
	var body, created string
	err = s.db.queryRow(ctx, `SELECT body, created_at FROM rhythm_reports WHERE job = ? AND period = ? AND region_id = ?`,
		job, period, regionID).Scan(&body, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhili.Errorf(zhili.ENOTFOUND, "No %s report for %s.", job, period)
	} else if err != nil {
		return nil, fmt.Errorf("rhythm report %s %s: %w", job, period, err)
	}
	r.Body, r.CreatedAt = json.RawMessage(body), parseTS(created)
	return r, nil
}
