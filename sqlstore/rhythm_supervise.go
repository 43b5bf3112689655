package sqlstore

import (
	"context"
	"fmt"

	"github.com/zhili-project/zhili"
)

// Supervise is 超期自动督办: every case whose current deadline has passed gets, once
// per (case, step, deadline), a case_overdue row charged to the unit holding the
// step and a "supervise" event on its timeline. Running it again records nothing
// new. Only the system (the scheduler, the CLI) runs it: EFORBIDDEN otherwise.
func (s *RhythmService) Supervise(ctx context.Context) (int, error) {
	a, err := actor(ctx)
	if err != nil {
		return 0, err
	}
	if !a.System {
		return 0, zhili.Errorf(zhili.EFORBIDDEN, "Automatic supervision is run by the system.")
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	n, err := tx.supervise(ctx, a)
	if err != nil {
		return 0, err
	}
	return n, tx.Commit()
}

// overdueStep is a passed deadline not yet recorded.
type overdueStep struct {
	caseID, holder int64
	state          zhili.CaseState
	step, due      string
	holderName     string
}

// supervise records the passed deadlines as of tx.now and returns how many.
func (tx *Tx) supervise(ctx context.Context, a *zhili.Actor) (int, error) {
	rows, err := tx.query(ctx, `SELECT c.id, c.state, c.due_step, c.due_at, c.holder_unit_id, u.name
		FROM cases c JOIN units u ON u.id = c.holder_unit_id
		WHERE c.due_at IS NOT NULL AND c.due_at < ? AND c.due_step <> ''
		AND NOT EXISTS (SELECT 1 FROM case_overdue o WHERE o.case_id = c.id AND o.step = c.due_step AND o.due_at = c.due_at)
		ORDER BY c.due_at, c.id`, ts(tx.now))
	if err != nil {
		return 0, fmt.Errorf("find overdue cases: %w", err)
	}
	var todo []overdueStep
	for rows.Next() {
		var o overdueStep
		if err := rows.Scan(&o.caseID, &o.state, &o.step, &o.due, &o.holder, &o.holderName); err != nil {
			rows.Close()
			return 0, fmt.Errorf("scan overdue case: %w", err)
		}
		todo = append(todo, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("find overdue cases: %w", err)
	}
	var ids []int64
	for _, o := range todo {
		res, err := tx.exec(ctx, `INSERT INTO case_overdue (case_id, step, due_at, noticed_at, holder_unit_id) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (case_id, step, due_at) DO NOTHING`, o.caseID, o.step, o.due, ts(tx.now), o.holder)
		if err != nil {
			return 0, fmt.Errorf("record overdue case %d: %w", o.caseID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue
		}
		due := parseTS(o.due).In(zhili.ChinaTime).Format("2006-01-02 15:04")
		note := fmt.Sprintf("超期自动督办：%s期限（%s）已过，请%s抓紧办理。", zhili.StepLabel(o.step), due, o.holderName)
		if err := tx.caseEvent(ctx, a, o.caseID, zhili.DoSupervise, o.state, o.state, note); err != nil {
			return 0, err
		}
		ids = append(ids, o.caseID)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	detail := map[string]any{"count": len(ids), "cases": ids[:min(len(ids), 200)]}
	if err := tx.audit(ctx, a, "case.supervise_overdue", "case", nil, detail); err != nil {
		return 0, err
	}
	return len(ids), nil
}
