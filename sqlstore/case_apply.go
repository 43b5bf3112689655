package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/zhili-project/zhili"
)

// apply validates an action's input and sets the fields it changes on next.
func (tx *Tx) apply(ctx context.Context, a *zhili.Actor, c, next *caseRow, act zhili.CaseAct) error {
	now := tx.now
	switch act.Action {
	case zhili.DoAccept:
		next.AcceptedAt = &now
		return tx.restartClock(ctx, next, now)
	case zhili.DoReject:
		if err := noteRequired(act, "Rejecting"); err != nil {
			return err
		}
		next.Due, next.dueStep = nil, ""
	case zhili.DoAssign:
		if act.UnitID == 0 {
			return zhili.Invalid("Choose the unit to assign to.", zhili.FieldError{Field: "unit_id", Code: "required", Reason: "unit_id is required"})
		}
		if err := tx.checkTarget(ctx, c, act.UnitID, false); err != nil {
			return err
		}
		next.SupervisorUnitID, next.HolderUnitID = c.HolderUnitID, act.UnitID
		return tx.restartClock(ctx, next, now)
	case zhili.DoStart:
		if next.Due == nil {
			return tx.restartClock(ctx, next, now)
		}
	case zhili.DoResolve:
		var bad []zhili.FieldError
		act.Method, act.Outcome = strings.TrimSpace(act.Method), strings.TrimSpace(act.Outcome)
		if act.Method == "" {
			bad = append(bad, zhili.FieldError{Field: "method", Code: "required", Reason: "the resolution method is required (" + strings.Join(zhili.ResolutionMethods, "、") + ")"})
		}
		if act.Outcome == "" {
			bad = append(bad, zhili.FieldError{Field: "outcome", Code: "required", Reason: "the outcome is required"})
		}
		if act.WorkersPaid < 0 || act.WagesRecovered < 0 {
			bad = append(bad, zhili.FieldError{Field: "wages_recovered_fen", Code: "out_of_range", Reason: "cannot be negative"})
		}
		if c.Kind == zhili.KindLaborComplaint && c.Workers > 0 && act.WorkersPaid > c.Workers {
			bad = append(bad, zhili.FieldError{Field: "workers_paid", Code: "out_of_range", Reason: fmt.Sprintf("more workers paid than the %d in the complaint", c.Workers)})
		}
		if len(bad) > 0 {
			return zhili.Invalid("The resolution is incomplete.", bad...)
		}
		next.Method, next.Outcome, next.Agreement = act.Method, act.Outcome, act.Agreement
		if c.Kind == zhili.KindLaborComplaint {
			next.WorkersPaid, next.WagesRecovered = act.WorkersPaid, act.WagesRecovered
		}
		next.ResolvedAt = &now
		return tx.restartClock(ctx, next, now)
	case zhili.DoVerify:
		next.VerifiedAt = &now
		// 十日回访: the visit is due ten days after resolution, not after verification.
		next.dueStep = "visit"
		due, err := tx.deadline(ctx, &next.Kind, next.Category, next.HolderUnitID, "visit", *c.ResolvedAt)
		next.Due = due
		return err
	case zhili.DoVisit:
		if act.Satisfaction < 1 || act.Satisfaction > 5 {
			return zhili.Invalid("Satisfaction is 1 to 5.", zhili.FieldError{Field: "satisfaction", Code: "out_of_range", Reason: "satisfaction must be 1–5"})
		}
		next.Satisfaction, next.VisitedAt = act.Satisfaction, &now
		next.Due, next.dueStep = nil, ""
	case zhili.DoClose:
		next.ClosedAt = &now
		next.Due, next.dueStep = nil, ""
	case zhili.DoEscalate:
		target := act.UnitID
		if target == 0 {
			var err error
			if target, err = tx.escalationTarget(ctx, c); err != nil {
				return err
			}
		} else if err := tx.checkTarget(ctx, c, target, true); err != nil {
			return err
		}
		sup, err := tx.supervisorOf(ctx, target)
		if err != nil {
			return err
		}
		next.HolderUnitID, next.SupervisorUnitID, next.AcceptedAt = target, sup, nil
		return tx.restartClock(ctx, next, now)
	case zhili.DoReturn:
		if err := noteRequired(act, "Returning"); err != nil {
			return err
		}
		sup, err := tx.supervisorOf(ctx, c.SupervisorUnitID)
		if err != nil {
			return err
		}
		next.HolderUnitID, next.SupervisorUnitID = c.SupervisorUnitID, sup
		return tx.restartClock(ctx, next, now)
	case zhili.DoSuspend:
		if err := noteRequired(act, "Suspending"); err != nil {
			return err
		}
		next.SuspendedFrom, next.Due, next.dueStep = c.State, nil, ""
	case zhili.DoResume:
		next.SuspendedFrom = ""
		return tx.restartClock(ctx, next, now)
	case zhili.DoReopen:
		if err := noteRequired(act, "Reopening"); err != nil {
			return err
		}
		next.ResolvedAt, next.VerifiedAt, next.VisitedAt, next.Satisfaction = nil, nil, nil, 0
		return tx.restartClock(ctx, next, now)
	case zhili.DoLinkDuplicate:
		if act.DuplicateOf == 0 || act.DuplicateOf == c.ID {
			return zhili.Invalid("Name the case this one duplicates.", zhili.FieldError{Field: "duplicate_of", Code: "required", Reason: "duplicate_of must be another case"})
		}
		other, err := tx.db.findCase(ctx, tx, a, act.DuplicateOf)
		if err != nil || other.State == zhili.CaseDuplicate {
			return zhili.Invalid("The other case does not exist.", zhili.FieldError{Field: "duplicate_of", Code: "unknown_case", Reason: "no such case in your area (or it is itself a duplicate)"})
		}
		next.DuplicateOf, next.Due, next.dueStep = other.ID, nil, ""
	case zhili.DoRequestExtension:
		if act.ExtensionDays < 1 || act.ExtensionDays > 30 {
			return zhili.Invalid("Ask for 1 to 30 days.", zhili.FieldError{Field: "extension_days", Code: "out_of_range", Reason: "extension_days must be 1–30"})
		}
		if c.extensionDays > 0 {
			return zhili.Errorf(zhili.ECONFLICT, "An extension request is already waiting for a decision.")
		}
		next.extensionDays = act.ExtensionDays
	case zhili.DoDecideExtension:
		if c.extensionDays == 0 {
			return zhili.Errorf(zhili.ECONFLICT, "No extension request is waiting.")
		}
		if act.Approve && next.Due != nil {
			due, err := tx.extend(ctx, *next.Due, c.extensionDays)
			if err != nil {
				return err
			}
			next.Due = &due
		}
		next.extensionDays = 0
	case zhili.DoComment, zhili.DoSupervise:
		return noteRequired(act, "A "+act.Action.Label())
	default:
		return zhili.Invalid("Unknown action.", zhili.FieldError{Field: "action", Code: "unknown_action", Reason: fmt.Sprintf("unknown action %q", act.Action)})
	}
	return nil
}

// checkTarget checks a unit that a case is sent to: it exists and sits on the same
// line of the tree as the case (above it for escalation; above or below for
// assignment, so a township can assign down to a village or across to a county
// department).
func (tx *Tx) checkTarget(ctx context.Context, c *caseRow, unit int64, up bool) error {
	var targetPath, casePath string
	err := tx.queryRow(ctx, `SELECT r.path FROM units u JOIN regions r ON r.id = u.region_id WHERE u.id = ? AND u.retired_at IS NULL`, unit).Scan(&targetPath)
	if errors.Is(err, sql.ErrNoRows) {
		return zhili.Invalid("The unit does not exist.", zhili.FieldError{Field: "unit_id", Code: "unknown_unit", Reason: "no such active unit"})
	} else if err != nil {
		return fmt.Errorf("target unit: %w", err)
	}
	if err := tx.queryRow(ctx, `SELECT path FROM regions WHERE id = ?`, c.RegionID).Scan(&casePath); err != nil {
		return fmt.Errorf("case region: %w", err)
	}
	above := strings.HasPrefix(casePath, targetPath)
	below := strings.HasPrefix(targetPath, casePath)
	if unit == c.HolderUnitID || !(above || (!up && below)) {
		return zhili.Invalid("The unit cannot take this case.", zhili.FieldError{Field: "unit_id", Code: "bad_target",
			Reason: "the unit must be over the case's place (or under it, when assigning) and not the current holder"})
	}
	return nil
}

// escalationTarget is one level up: the supervising office, or for a major-risk case
// the county's governance centre (越级上报).
func (tx *Tx) escalationTarget(ctx context.Context, c *caseRow) (int64, error) {
	if c.Risk == zhili.RiskMajor {
		var path string
		if err := tx.queryRow(ctx, `SELECT path FROM regions WHERE id = ?`, c.RegionID).Scan(&path); err != nil {
			return 0, err
		}
		ids := pathIDs(path)
		var centre int64
		err := tx.queryRow(ctx, `SELECT u.id FROM units u JOIN regions r ON r.id = u.region_id WHERE u.kind = ? AND r.level = ? AND u.region_id IN (`+
			strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")+`) AND u.retired_at IS NULL ORDER BY u.id LIMIT 1`,
			append([]any{string(zhili.UnitGovernanceCenter), int(zhili.LevelCounty)}, toAny(ids)...)...).Scan(&centre)
		if err == nil && centre != c.HolderUnitID {
			return centre, nil
		}
	}
	sup, err := tx.supervisorOf(ctx, c.HolderUnitID)
	if err != nil {
		return 0, err
	}
	if sup == c.HolderUnitID {
		return 0, zhili.Errorf(zhili.ECONFLICT, "The case is already at the top level; there is no one above to escalate to.")
	}
	return sup, nil
}

func toAny(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}
