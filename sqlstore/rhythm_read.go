package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/zhili-project/zhili"
)

var _ zhili.RhythmReader = (*RhythmService)(nil)

// Today is the current China-time day on the store's clock.
func (s *RhythmService) Today() string { return zhili.Day(s.db.Clock.Now()) }

// DailyChecks lists the sweeps filed for day in the grids under a region in the
// caller's scope, by grid code and filing time.
func (s *RhythmService) DailyChecks(ctx context.Context, under int64, day string) ([]*zhili.FiledCheck, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if bad := validDay("day", day); bad != nil {
		return nil, zhili.Invalid("Bad date.", bad...)
	}
	reg, err := s.db.scopedRegion(ctx, a, under)
	if err != nil {
		return nil, err
	}
	cond, args := subtree("g.path", reg.Path)
	rows, err := s.db.query(ctx, `SELECT d.id, d.grid_id, d.user_id, d.day, d.found, d.zero_report, d.note, d.created_at, g.code, g.name, u.name
		FROM daily_checks d JOIN regions g ON g.id = d.grid_id JOIN users u ON u.id = d.user_id
		WHERE d.day = ? AND `+cond+` ORDER BY g.code, d.created_at, d.id`, append([]any{day}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("daily checks: %w", err)
	}
	defer rows.Close()
	out := []*zhili.FiledCheck{}
	for rows.Next() {
		var c zhili.FiledCheck
		var created string
		if err := rows.Scan(&c.ID, &c.GridID, &c.UserID, &c.Day, &c.Found, &c.ZeroReport, &c.Note, &created, &c.GridCode, &c.GridName, &c.UserName); err != nil {
			return nil, fmt.Errorf("scan daily check: %w", err)
		}
		c.CreatedAt = parseTS(created)
		out = append(out, &c)
	}
	return out, rows.Err()
}

// JobRuns lists the scheduler's runs, newest period first. They hold no
// business data but describe the whole deployment, so they are read by those who
// may change its calendar: the system administrator and the county centre.
func (s *RhythmService) JobRuns(ctx context.Context, job string, limit int) ([]*zhili.JobRun, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.db.requireCalendarWrite(ctx, a); err != nil {
		return nil, zhili.Errorf(zhili.EFORBIDDEN, "Only the system administrator or the county governance centre may read the scheduler's runs.")
	}
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	where, args := "1 = 1", []any{}
	if job != "" {
		where, args = "job = ?", append(args, job)
	}
	rows, err := s.db.query(ctx, `SELECT job, period, period_start, instance, started_at, finished_at, error, attempts
		FROM job_runs WHERE `+where+` ORDER BY period_start DESC, job LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("job runs: %w", err)
	}
	defer rows.Close()
	out := []*zhili.JobRun{}
	for rows.Next() {
		var r zhili.JobRun
		var start, started string
		var finished sql.NullString
		if err := rows.Scan(&r.Job, &r.Period, &start, &r.Instance, &started, &finished, &r.Error, &r.Attempts); err != nil {
			return nil, fmt.Errorf("scan job run: %w", err)
		}
		r.PeriodStart, r.StartedAt = parseTS(start), parseTS(started)
		if finished.Valid {
			t := parseTS(finished.String)
			r.FinishedAt = &t
		}
		out = append(out, &r)
	}
	return out, rows.Err()
}

// SweepGrids lists the grids the caller may sweep on day, by the rule of
// maySweep: the grids of its person's grid-member posts, or every grid in scope
// for an account without a person link.
func (s *RhythmService) SweepGrids(ctx context.Context, day string) ([]*zhili.Region, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActBusinessWrite); err != nil {
		return nil, err
	}
	if bad := validDay("day", day); bad != nil {
		return nil, zhili.Invalid("Bad date.", bad...)
	}
	var person int64
	if err := s.db.queryRow(ctx, `SELECT COALESCE(person_id, 0) FROM users WHERE id = ?`, a.UserID).Scan(&person); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("account %d: %w", a.UserID, err)
	}
	cond, args := scopeRegions(a, "g")
	q := `SELECT g.id, g.code, g.name FROM regions g WHERE g.level = ? AND g.retired_at IS NULL AND ` + cond
	args = append([]any{int(zhili.LevelGrid)}, args...)
	if person != 0 {
		// Posts count wherever they are: the post, not the account's unit, says
		// which grid a member sweeps (maySweep allows it).
		q = `SELECT g.id, g.code, g.name FROM regions g WHERE g.level = ? AND g.retired_at IS NULL AND g.id IN
			(SELECT region_id FROM positions WHERE person_id = ? AND role = ? AND start_day <= ? AND (end_day IS NULL OR end_day >= ?))`
		args = []any{int(zhili.LevelGrid), person, string(zhili.PositionGridMember), day, day}
	}
	rows, err := s.db.query(ctx, q+` ORDER BY g.code LIMIT 500`, args...)
	if err != nil {
		return nil, fmt.Errorf("sweep grids: %w", err)
	}
	defer rows.Close()
	out := []*zhili.Region{}
	for rows.Next() {
		r := &zhili.Region{Level: zhili.LevelGrid}
		if err := rows.Scan(&r.ID, &r.Code, &r.Name); err != nil {
			return nil, fmt.Errorf("scan grid: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
