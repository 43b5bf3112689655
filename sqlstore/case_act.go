package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhili-project/zhili"
)

// sides are the parts the actor plays on a case (the case is already in scope).
func sides(a *zhili.Actor, c *caseRow) []zhili.CaseSide {
	var out []zhili.CaseSide
	if a.System {
		return []zhili.CaseSide{zhili.SideHolder, zhili.SideSupervisor, zhili.SideOverseer}
	}
	if a.UnitID == c.HolderUnitID {
		out = append(out, zhili.SideHolder)
	}
	if a.UnitID == c.SupervisorUnitID {
		out = append(out, zhili.SideSupervisor)
	}
	switch a.Role {
	case zhili.RoleCenter: // 综治中心 triages, dispatches and supervises everything in its area
		out = append(out, zhili.SideHolder, zhili.SideSupervisor, zhili.SideOverseer)
	case zhili.RoleLeader:
		out = append(out, zhili.SideOverseer)
	}
	return out
}

// may reports whether a may take action on c now, and why not.
func may(a *zhili.Actor, c *caseRow, action zhili.CaseAction) error {
	if _, ok := zhili.NextState(action, c.State, c.SuspendedFrom); !ok {
		return zhili.Errorf(zhili.ECONFLICT, "A case that is %s cannot be %s.", c.State.Label(), action.Label())
	}
	acting := zhili.ActingSides(action, sides(a, c))
	if len(acting) == 0 {
		return zhili.Errorf(zhili.EFORBIDDEN, "Your unit does not hold this case's current step (%s).", action.Label())
	}
	// Any side that may take the action will do, with that side's permission.
	var err error
	for _, side := range acting {
		if err = a.Require(zhili.SidePermission(side)); err == nil {
			return nil
		}
	}
	return err
}

// AllowedActions lists what the caller may do on the case now, for the case page.
func (s *CaseService) AllowedActions(ctx context.Context, id int64) ([]zhili.CaseAction, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.db.findCase(ctx, s.db.read, a, id)
	if err != nil {
		return nil, err
	}
	var out []zhili.CaseAction
	for action := range zhili.CaseTransitions {
		if may(a, c, action) == nil {
			out = append(out, action)
		}
	}
	slices.Sort(out)
	return out, nil
}

// Act applies one workflow action as a compare-and-set on the state (and version)
// the caller loaded; the event and the audit entry go in the same transaction.
func (s *CaseService) Act(ctx context.Context, id int64, act zhili.CaseAct) (*zhili.Case, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := tx.actOn(ctx, a, id, act); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return s.FindCase(ctx, id)
}

// actOn applies one action inside a transaction the caller owns: the
// compare-and-set on the state (and version), the event and the audit entry, no
// commit. Act and BulkAssign both go through it.
func (tx *Tx) actOn(ctx context.Context, a *zhili.Actor, id int64, act zhili.CaseAct) error {
	c, err := tx.db.findCase(ctx, tx, a, id)
	if err != nil {
		return err
	}
	if act.From != "" && act.From != c.State {
		return zhili.Errorf(zhili.ECONFLICT, "The case is now %s, not %s; reload it.", c.State.Label(), act.From.Label())
	}
	if err := may(a, c, act.Action); err != nil {
		return err
	}
	next := *c
	next.State, _ = zhili.NextState(act.Action, c.State, c.SuspendedFrom)
	if err := tx.apply(ctx, a, c, &next, act); err != nil {
		return err
	}
	res, err := tx.exec(ctx, `UPDATE cases SET state = ?, holder_unit_id = ?, supervisor_unit_id = ?, suspended_from = ?, due_at = ?, due_step = ?,
		extension_days = ?, duplicate_of = ?, method = ?, outcome = ?, agreement = ?, satisfaction = ?, workers_paid = ?, wages_recovered_fen = ?,
		accepted_at = ?, resolved_at = ?, verified_at = ?, visited_at = ?, closed_at = ?, updated_at = ?
		WHERE id = ? AND state = ? AND updated_at = ? AND extension_days = ?`,
		string(next.State), next.HolderUnitID, next.SupervisorUnitID, string(next.SuspendedFrom), nullTS(next.Due), next.dueStep,
		next.extensionDays, nullID(next.DuplicateOf), next.Method, next.Outcome, next.Agreement, next.Satisfaction, next.WorkersPaid, next.WagesRecovered,
		nullTS(next.AcceptedAt), nullTS(next.ResolvedAt), nullTS(next.VerifiedAt), nullTS(next.VisitedAt), nullTS(next.ClosedAt), ts(tx.now),
		id, string(c.State), c.updatedRaw, c.extensionDays)
	if err != nil {
		return fmt.Errorf("act %s on case %d: %w", act.Action, id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return zhili.Errorf(zhili.ECONFLICT, "Someone changed the case meanwhile; reload it.")
	}
	if err := tx.caseEvent(ctx, a, id, act.Action, c.State, next.State, act.EventNote()); err != nil {
		return err
	}
	return tx.audit(ctx, a, "case."+string(act.Action), "case", id, map[string]any{"from": c.State, "to": next.State})
}

// stepOf names the deadline that runs in a state.
func stepOf(s zhili.CaseState) string {
	switch s {
	case zhili.CaseReported:
		return "accept"
	case zhili.CaseAccepted, zhili.CaseAssigned, zhili.CaseHandling:
		return "handle"
	case zhili.CaseResolved:
		return "verify"
	case zhili.CaseVerified:
		return "visit"
	}
	return ""
}

func noteRequired(act zhili.CaseAct, what string) error {
	if strings.TrimSpace(act.Note) == "" {
		return zhili.Invalid(what+" needs a note.", zhili.FieldError{Field: "note", Code: "required", Reason: "a note (reason) is required"})
	}
	if utf8.RuneCountInString(act.Note) > 2000 {
		return zhili.Invalid("The note is too long.", zhili.FieldError{Field: "note", Code: "too_long", Reason: "note is longer than 2000 characters"})
	}
	return nil
}

// restartClock sets the deadline of the step the next state starts, from now.
func (tx *Tx) restartClock(ctx context.Context, next *caseRow, from time.Time) error {
	next.dueStep = stepOf(next.State)
	due, err := tx.deadline(ctx, &next.Kind, next.Category, next.HolderUnitID, next.dueStep, from)
	next.Due = due
	return err
}
