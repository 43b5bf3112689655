package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/zhili-project/zhili"
)

// daysBetween counts China-time days from the day holding from to the day holding to.
func daysBetween(from, to time.Time) int {
	return int(zhili.StartOfDay(to).Sub(zhili.StartOfDay(from)).Hours() / 24)
}

// OverdueVisits lists the resolved or verified cases under a region whose visit,
// due by the end of the tenth day after resolution (十日回访), had not been made
// by the day of at: resolved before the start of the day ten days before at's day.
func (s *RhythmService) OverdueVisits(ctx context.Context, under int64, at time.Time) ([]*zhili.Case, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	reg, err := s.db.scopedRegion(ctx, a, under)
	if err != nil {
		return nil, err
	}
	cutoff := zhili.StartOfDay(at).AddDate(0, 0, -zhili.VisitDays)
	cond, args := subtree("r.path", reg.Path)
	st, stArgs := inStates("c.state", []zhili.CaseState{zhili.CaseResolved, zhili.CaseVerified})
	rows, err := s.db.query(ctx, `SELECT `+caseColumns+caseFrom+` WHERE `+cond+` AND `+st+` AND c.resolved_at < ? ORDER BY c.resolved_at, c.id`,
		append(append(args, stArgs...), ts(cutoff))...)
	if err != nil {
		return nil, fmt.Errorf("overdue visits: %w", err)
	}
	defer rows.Close()
	out := []*zhili.Case{}
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, fmt.Errorf("scan case: %w", err)
		}
		out = append(out, &c.Case)
	}
	return out, rows.Err()
}

// DispatchList lists the open cases under a region reported more than fifteen
// days before at's day (半月调度), oldest first, each with its whole timeline.
func (s *RhythmService) DispatchList(ctx context.Context, under int64, at time.Time) ([]*zhili.DispatchItem, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	reg, err := s.db.scopedRegion(ctx, a, under)
	if err != nil {
		return nil, err
	}
	return s.db.dispatchList(ctx, reg.Path, at)
}

func (db *DB) dispatchList(ctx context.Context, path string, at time.Time) ([]*zhili.DispatchItem, error) {
	cutoff := zhili.StartOfDay(at).AddDate(0, 0, -zhili.DispatchDays)
	cond, args := subtree("r.path", path)
	st, stArgs := inStates("c.state", zhili.OpenStates)
	rows, err := db.query(ctx, `SELECT `+caseColumns+caseFrom+` WHERE `+cond+` AND `+st+` AND c.reported_at < ? ORDER BY c.reported_at, c.id`,
		append(append(args, stArgs...), ts(cutoff))...)
	if err != nil {
		return nil, fmt.Errorf("dispatch list: %w", err)
	}
	out := []*zhili.DispatchItem{}
	byID := map[int64]*zhili.DispatchItem{}
	var ids []int64
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan case: %w", err)
		}
		it := &zhili.DispatchItem{Case: &c.Case, DaysOpen: daysBetween(c.ReportedAt, at), Timeline: []*zhili.CaseEvent{}}
		out, byID[c.ID], ids = append(out, it), it, append(ids, c.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("dispatch list: %w", err)
	}
	err = db.timelines(ctx, ids, func(e *zhili.CaseEvent) { byID[e.CaseID].Timeline = append(byID[e.CaseID].Timeline, e) })
	return out, err
}

// timelines reads the events of many cases, oldest first per case, in batches.
func (db *DB) timelines(ctx context.Context, ids []int64, each func(*zhili.CaseEvent)) error {
	const batch = 500
	for len(ids) > 0 {
		n := min(batch, len(ids))
		part := ids[:n]
		ids = ids[n:]
		rows, err := db.query(ctx, `SELECT e.id, e.case_id, e.action, e.from_state, e.to_state, COALESCE(e.user_id, 0), e.user_name,
			COALESCE(e.unit_id, 0), COALESCE(u.name, ''), e.note, e.at
			FROM case_events e LEFT JOIN units u ON u.id = e.unit_id WHERE e.case_id IN (`+strings.TrimSuffix(strings.Repeat("?, ", n), ", ")+`)
			ORDER BY e.case_id, e.id`, toAny(part)...)
		if err != nil {
			return fmt.Errorf("case timelines: %w", err)
		}
		for rows.Next() {
			var e zhili.CaseEvent
			var at string
			if err := rows.Scan(&e.ID, &e.CaseID, &e.Action, &e.FromState, &e.ToState, &e.UserID, &e.UserName, &e.UnitID, &e.UnitName, &e.Note, &at); err != nil {
				rows.Close()
				return fmt.Errorf("scan case event: %w", err)
			}
			e.At = parseTS(at)
			each(&e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("case timelines: %w", err)
		}
	}
	return nil
}
