package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/zhili-project/zhili"
)

var _ zhili.CaseQueueService = (*CaseService)(nil)

// Now is the clock the store sets deadlines by.
func (s *CaseService) Now() time.Time { return s.db.Clock.Now().UTC() }

// Calendar is the working calendar from a little before now onward: enough for
// the warning of every running deadline (see zhili.Calendar.Warning).
func (s *CaseService) Calendar(ctx context.Context) (*zhili.Calendar, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActBusinessRead); err != nil {
		return nil, err
	}
	return loadCalendar(ctx, s.db.read, s.db.dialect, s.Now())
}

// CaseCategories lists categories by kind in the default tree's order, "other" last.
func (s *CaseService) CaseCategories(ctx context.Context, kind *zhili.CaseKind) ([]zhili.Category, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActBusinessRead); err != nil {
		return nil, err
	}
	q, args := `SELECT kind, code, label, parent FROM case_categories`, []any{}
	if kind != nil {
		q, args = q+` WHERE kind = ?`, append(args, string(*kind))
	}
	rows, err := s.db.query(ctx, q+` ORDER BY kind, parent, code`, args...)
	if err != nil {
		return nil, fmt.Errorf("case categories: %w", err)
	}
	defer rows.Close()
	out := []zhili.Category{}
	for rows.Next() {
		var c zhili.Category
		if err := rows.Scan(&c.Kind, &c.Code, &c.Label, &c.Parent); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	// The table has no order of its own: keep the default tree's order, a county's
	// own categories after those of their kind, "other" last.
	rank := map[zhili.Category]int{}
	for i, c := range zhili.DefaultCategories {
		rank[zhili.Category{Kind: c.Kind, Code: c.Code}] = i
	}
	kindIndex := func(k zhili.CaseKind) int {
		for i, x := range zhili.CaseKinds {
			if x.Kind == k {
				return i
			}
		}
		return len(zhili.CaseKinds)
	}
	order := func(c zhili.Category) int {
		r, ok := rank[zhili.Category{Kind: c.Kind, Code: c.Code}]
		if !ok {
			r = len(zhili.DefaultCategories)
		}
		if c.Code == "other" {
			r += 2 * len(zhili.DefaultCategories)
		}
		return r
	}
	slices.SortStableFunc(out, func(x, y zhili.Category) int {
		if d := kindIndex(x.Kind) - kindIndex(y.Kind); d != 0 {
			return d
		}
		return order(x) - order(y)
	})
	return out, rows.Err()
}

func stateList(states ...zhili.CaseState) (string, []any) {
	args := make([]any, len(states))
	for i, s := range states {
		args[i] = string(s)
	}
	return "(" + strings.TrimSuffix(strings.Repeat("?, ", len(states)), ", ") + ")", args
}

var (
	// holdStates are the states in which the holder owes the next move.
	holdStates = []zhili.CaseState{zhili.CaseReported, zhili.CaseAccepted, zhili.CaseAssigned, zhili.CaseHandling, zhili.CaseSuspended}
	// superviseStates wait for the supervising unit: verify, visit, close.
	superviseStates = []zhili.CaseState{zhili.CaseResolved, zhili.CaseVerified, zhili.CaseVisited}
	// extensionStates are those in which an extension request can wait.
	extensionStates = []zhili.CaseState{zhili.CaseAccepted, zhili.CaseAssigned, zhili.CaseHandling}
	// overseeStates are those an overseer may supervise (督办).
	overseeStates = zhili.CaseTransitions[zhili.DoSupervise].From
)

// oversees reports whether the actor's queue holds the overdue cases in scope:
// leaders and centre operators supervise them, read-only supervisors watch them.
func oversees(a *zhili.Actor) bool {
	return a.System || a.Role == zhili.RoleCenter || !a.Can(zhili.ActBusinessWrite)
}

// Queue lists the cases that need the caller's action: those whose current step
// the caller's unit holds, those it supervises after resolution or with an
// extension request waiting, and for overseers every overdue case in scope. Most
// urgent first: earliest deadline first, cases without one last.
func (s *CaseService) Queue(ctx context.Context, f zhili.QueueFilter) ([]*zhili.QueueItem, int, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, 0, err
	}
	if err := a.Require(zhili.ActBusinessRead); err != nil {
		return nil, 0, err
	}
	now := s.Now()
	cal, err := loadCalendar(ctx, s.db.read, s.db.dialect, now)
	if err != nil {
		return nil, 0, err
	}
	var mine []string
	var args []any
	if a.UnitID != 0 && a.Can(zhili.ActBusinessWrite) {
		hold, hargs := stateList(holdStates...)
		sup, sargs := stateList(superviseStates...)
		ext, eargs := stateList(extensionStates...)
		mine = append(mine, "(c.holder_unit_id = ? AND c.state IN "+hold+")",
			"(c.supervisor_unit_id = ? AND (c.state IN "+sup+" OR (c.extension_days > 0 AND c.state IN "+ext+")))")
		args = append(append(append(append(append(args, a.UnitID), hargs...), a.UnitID), sargs...), eargs...)
	}
	if oversees(a) {
		over, oargs := stateList(overseeStates...)
		mine = append(mine, "(c.due_at < ? AND c.state IN "+over+")")
		args = append(append(args, ts(now)), oargs...)
	}
	if len(mine) == 0 {
		return []*zhili.QueueItem{}, 0, nil
	}
	cond, sargs := scopeRegions(a, "r")
	conds := []string{"(" + strings.Join(mine, " OR ") + ")", cond}
	args = append(args, sargs...)
	if f.Kind != nil {
		conds, args = append(conds, "c.kind = ?"), append(args, string(*f.Kind))
	}
	switch f.Warning {
	case zhili.WarnRed:
		conds, args = append(conds, "c.due_at < ?"), append(args, ts(now))
	case zhili.WarnYellow:
		conds, args = append(conds, "c.due_at >= ? AND c.due_at < ?"), append(args, ts(now), ts(cal.YellowBefore(now)))
	}
	w := strings.Join(conds, " AND ")
	var total int
	if err := s.db.queryRow(ctx, `SELECT COUNT(*)`+caseFrom+` WHERE `+w, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count queue: %w", err)
	}
	rows, err := s.db.query(ctx, `SELECT `+caseColumns+caseFrom+` WHERE `+w+
		` ORDER BY CASE WHEN c.due_at IS NULL THEN 1 ELSE 0 END, c.due_at, c.id`+limit(f.Offset, f.Limit), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("queue: %w", err)
	}
	defer rows.Close()
	out := []*zhili.QueueItem{}
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("scan case: %w", err)
		}
		out = append(out, &zhili.QueueItem{Case: &c.Case, Reason: queueReason(a, c), Warning: cal.Warning(c.Due, now)})
	}
	return out, total, rows.Err()
}

func queueReason(a *zhili.Actor, c *caseRow) zhili.QueueReason {
	switch {
	case a.UnitID != 0 && c.HolderUnitID == a.UnitID && slices.Contains(holdStates, c.State):
		return zhili.QueueHold
	case a.UnitID != 0 && c.SupervisorUnitID == a.UnitID && slices.Contains(superviseStates, c.State):
		return zhili.QueueSupervise
	case a.UnitID != 0 && c.SupervisorUnitID == a.UnitID && c.extensionDays > 0:
		return zhili.QueueExtension
	}
	return zhili.QueueOverdue
}
