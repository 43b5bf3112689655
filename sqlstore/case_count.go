package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/zhili-project/zhili"
)

var _ zhili.CaseCountService = (*CaseService)(nil)

// countBy says which date puts a case in the period.
type countBy int

const (
	// byReported: reported in the period and not rejected or merged as a duplicate.
	byReported countBy = iota
	// byResolved: resolved in the period and resolved still (a reopened case has
	// no resolved_at until it is resolved again).
	byResolved
)

// caseCount is how one case figure is computed; docs/cases.md says it in words.
type caseCount struct {
	kind zhili.CaseKind
	by   countBy
	// resolved keeps, of the cases reported in the period, those resolved now.
	resolved bool
	// sum names the column summed; empty counts cases.
	sum string
}

// caseCounts holds every case figure but the rate, which divides two of them.
var caseCounts = map[string]caseCount{
	zhili.CountDisputeTotal:        {kind: zhili.KindDispute, by: byReported},
	zhili.CountDisputeResolved:     {kind: zhili.KindDispute, by: byReported, resolved: true},
	zhili.CountEmergencyHandled:    {kind: zhili.KindEmergency, by: byResolved},
	zhili.CountHazardRectified:     {kind: zhili.KindHazard, by: byResolved},
	zhili.CountLivelihoodResolved:  {kind: zhili.KindLivelihood, by: byResolved},
	zhili.CountLaborComplaints:     {kind: zhili.KindLaborComplaint, by: byReported},
	zhili.CountLaborWorkersPaid:    {kind: zhili.KindLaborComplaint, by: byResolved, sum: "c.workers_paid"},
	zhili.CountLaborWagesRecovered: {kind: zhili.KindLaborComplaint, by: byResolved, sum: "c.wages_recovered_fen"},
}

// countStates is "col IN (?, ?…)" with the states as arguments.
func countStates(col string, states []zhili.CaseState) (string, []any) {
	args := make([]any, len(states))
	for i, s := range states {
		args[i] = string(s)
	}
	return col + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(states)), ", ") + ")", args
}

// where is the condition on cases c for the figure in the subtree at path over
// [start, end).
func (cc caseCount) where(path string, start, end time.Time) (string, []any) {
	region, args := underRegion("c.region_id", path)
	conds := []string{"c.kind = ?", region}
	args = append([]any{string(cc.kind)}, args...)
	var states string
	var sargs []any
	if cc.by == byReported {
		conds = append(conds, "c.reported_at >= ?", "c.reported_at < ?")
		args = append(args, ts(start), ts(end))
		states, sargs = countStates("c.state NOT", []zhili.CaseState{zhili.CaseRejected, zhili.CaseDuplicate})
		conds, args = append(conds, states), append(args, sargs...)
	}
	if cc.by == byResolved {
		conds = append(conds, "c.resolved_at >= ?", "c.resolved_at < ?")
		args = append(args, ts(start), ts(end))
	}
	if cc.by == byResolved || cc.resolved {
		states, sargs = countStates("c.state", zhili.ResolvedStates)
		conds, args = append(conds, states), append(args, sargs...)
	}
	return strings.Join(conds, " AND "), args
}

// countScope checks the caller, the figure and the period, and returns the path of
// region under, which must lie in the caller's scope.
func (s *CaseService) countScope(ctx context.Context, id string, under int64, from, to string) (path string, start, end time.Time, err error) {
	a, err := actor(ctx)
	if err != nil {
		return "", start, end, err
	}
	if err := a.Require(zhili.ActBusinessRead); err != nil {
		return "", start, end, err
	}
	if _, ok := zhili.FindCaseCount(id); !ok {
		return "", start, end, zhili.Invalid("Unknown figure.", zhili.FieldError{Field: "id", Code: "unknown_figure", Reason: fmt.Sprintf("no case figure %q", id)})
	}
	if start, end, err = zhili.ParseDayRange(from, to); err != nil {
		return "", start, end, err
	}
	cond, args := scopeRegions(a, "r")
	err = s.db.queryRow(ctx, `SELECT r.path FROM regions r WHERE r.id = ? AND `+cond, append([]any{under}, args...)...).Scan(&path)
	if errors.Is(err, sql.ErrNoRows) {
		return "", start, end, zhili.Errorf(zhili.ENOTFOUND, "Region not found.")
	} else if err != nil {
		return "", start, end, fmt.Errorf("count region %d: %w", under, err)
	}
	return path, start, end, nil
}

// Count computes a case figure for a region subtree and a period of days.
func (s *CaseService) Count(ctx context.Context, id string, under int64, from, to string) (*zhili.Figure, error) {
	path, start, end, err := s.countScope(ctx, id, under, from, to)
	if err != nil {
		return nil, err
	}
	desc, _ := zhili.FindCaseCount(id)
	f := &zhili.Figure{ID: id, RegionID: under, From: from, To: to, Unit: desc.Unit}
	if id == zhili.CountDisputeRate {
		cc := caseCounts[zhili.CountDisputeTotal]
		w, args := cc.where(path, start, end)
		resolved, rargs := countStates("c.state", zhili.ResolvedStates)
		err := s.db.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN `+resolved+` THEN 1 ELSE 0 END), 0) FROM cases c WHERE `+w,
			append(rargs, args...)...).Scan(&f.Den, &f.Num)
		if err != nil {
			return nil, fmt.Errorf("count %s: %w", id, err)
		}
		f.Value = zhili.RateTenths(f.Num, f.Den)
		f.Display = zhili.FormatRate(f.Value)
		if f.Den == 0 {
			f.Display = "—"
		}
		return f, nil
	}
	cc := caseCounts[id]
	w, args := cc.where(path, start, end)
	agg := "COUNT(*)"
	if cc.sum != "" {
		agg = "COALESCE(SUM(" + cc.sum + "), 0)"
	}
	if err := s.db.queryRow(ctx, `SELECT `+agg+` FROM cases c WHERE `+w, args...).Scan(&f.Value); err != nil {
		return nil, fmt.Errorf("count %s: %w", id, err)
	}
	f.Display = strconv.FormatInt(f.Value, 10) + desc.Unit
	if id == zhili.CountLaborWagesRecovered {
		f.Display = zhili.FormatWanDuo(f.Value)
	}
	return f, nil
}

// CountRecords lists the cases behind a figure. The rate's records are its
// denominator, every dispute of the cohort; dispute.resolved gives the numerator.
func (s *CaseService) CountRecords(ctx context.Context, id string, under int64, from, to string) ([]int64, error) {
	path, start, end, err := s.countScope(ctx, id, under, from, to)
	if err != nil {
		return nil, err
	}
	if id == zhili.CountDisputeRate {
		id = zhili.CountDisputeTotal
	}
	w, args := caseCounts[id].where(path, start, end)
	rows, err := s.db.query(ctx, `SELECT c.id FROM cases c WHERE `+w+` ORDER BY c.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("records of %s: %w", id, err)
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("scan record: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
