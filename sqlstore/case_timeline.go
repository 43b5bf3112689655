package sqlstore

import (
	"context"
	"fmt"

	"github.com/zhili-project/zhili"
)

// CaseTimeline lists the events of a case in scope, oldest first.
func (s *CaseService) CaseTimeline(ctx context.Context, id int64) ([]*zhili.CaseEvent, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.db.findCase(ctx, s.db.read, a, id); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT e.id, e.case_id, e.action, e.from_state, e.to_state, COALESCE(e.user_id, 0), e.user_name,
		COALESCE(e.unit_id, 0), COALESCE(u.name, ''), e.note, e.at
		FROM case_events e LEFT JOIN units u ON u.id = e.unit_id WHERE e.case_id = ? ORDER BY e.id`, id)
	if err != nil {
		return nil, fmt.Errorf("case timeline: %w", err)
	}
	defer rows.Close()
	var out []*zhili.CaseEvent
	for rows.Next() {
		var e zhili.CaseEvent
		var at string
		if err := rows.Scan(&e.ID, &e.CaseID, &e.Action, &e.FromState, &e.ToState, &e.UserID, &e.UserName, &e.UnitID, &e.UnitName, &e.Note, &at); err != nil {
			return nil, err
		}
		e.At = parseTS(at)
		out = append(out, &e)
	}
	return out, rows.Err()
}
