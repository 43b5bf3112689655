package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhili-project/zhili"
)

var _ zhili.CaseQueueService = (*CaseService)(nil)

// Now is the clock the store sets deadlines by.
func (s *CaseService) Now() time.Time { return s.db.Clock.Now().UTC() }

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
		conds, args = append(conds, "c.due_at >= ? AND c.due_at <= ?"), append(args, ts(now), ts(now.Add(zhili.DueSoon)))
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
		out = append(out, &zhili.QueueItem{Case: &c.Case, Reason: queueReason(a, c), Warning: zhili.Warning(c.Due, now)})
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

// SavedSearches lists the caller's own saved searches by name.
func (s *CaseService) SavedSearches(ctx context.Context) ([]*zhili.SavedSearch, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActBusinessRead); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT id, user_id, name, query, created_at FROM saved_searches WHERE user_id = ? ORDER BY name, id`, a.UserID)
	if err != nil {
		return nil, fmt.Errorf("saved searches: %w", err)
	}
	defer rows.Close()
	out := []*zhili.SavedSearch{}
	for rows.Next() {
		var ss zhili.SavedSearch
		var created string
		if err := rows.Scan(&ss.ID, &ss.UserID, &ss.Name, &ss.Query, &created); err != nil {
			return nil, err
		}
		ss.CreatedAt = parseTS(created)
		out = append(out, &ss)
	}
	return out, rows.Err()
}

// CreateSavedSearch saves a named list filter for the caller. The query keeps only
// the list's own keys, normalised (sorted, encoded).
func (s *CaseService) CreateSavedSearch(ctx context.Context, ss *zhili.SavedSearch) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := a.Require(zhili.ActBusinessRead); err != nil {
		return err
	}
	if a.UserID == 0 {
		return zhili.Errorf(zhili.EFORBIDDEN, "Saved searches belong to a user account.")
	}
	var bad []zhili.FieldError
	ss.Name = strings.TrimSpace(ss.Name)
	if ss.Name == "" {
		bad = append(bad, zhili.FieldError{Field: "name", Code: "required", Reason: "name is required"})
	} else if utf8.RuneCountInString(ss.Name) > 50 {
		bad = append(bad, zhili.FieldError{Field: "name", Code: "too_long", Reason: "name is longer than 50 characters"})
	}
	values, err := url.ParseQuery(strings.TrimPrefix(strings.TrimSpace(ss.Query), "?"))
	switch {
	case err != nil:
		bad = append(bad, zhili.FieldError{Field: "query", Code: "malformed", Reason: "query is not a URL query string"})
	case len(ss.Query) > 2000:
		bad = append(bad, zhili.FieldError{Field: "query", Code: "too_long", Reason: "query is longer than 2000 characters"})
	default:
		for k, v := range values {
			if !slices.Contains(zhili.CaseListParams, k) {
				bad = append(bad, zhili.FieldError{Field: "query", Code: "unknown_param",
					Reason: fmt.Sprintf("%q is not a case-list filter (%s)", k, strings.Join(zhili.CaseListParams, ", "))})
			} else if len(v) == 1 && v[0] == "" {
				values.Del(k)
			}
		}
	}
	if len(bad) > 0 {
		return zhili.Invalid("The saved search is not valid.", bad...)
	}
	ss.Query, ss.UserID = values.Encode(), a.UserID
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM saved_searches WHERE user_id = ?`, a.UserID).Scan(&n); err != nil {
		return fmt.Errorf("count saved searches: %w", err)
	}
	if n >= zhili.MaxSavedSearches {
		return zhili.Errorf(zhili.ECONFLICT, "You already keep %d saved searches; delete one first.", n)
	}
	ss.CreatedAt = tx.now
	err = tx.queryRow(ctx, `INSERT INTO saved_searches (user_id, name, query, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
		a.UserID, ss.Name, ss.Query, ts(tx.now)).Scan(&ss.ID)
	if tx.db.dialect.isUnique(err) {
		return zhili.Errorf(zhili.ECONFLICT, "You already have a saved search named %q.", ss.Name)
	} else if err != nil {
		return fmt.Errorf("insert saved search: %w", err)
	}
	if err := tx.audit(ctx, a, "saved_search.create", "saved_search", ss.ID, map[string]string{"name": ss.Name}); err != nil {
		return err
	}
	return tx.Commit()
}

// DeleteSavedSearch deletes one of the caller's saved searches.
func (s *CaseService) DeleteSavedSearch(ctx context.Context, id int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := a.Require(zhili.ActBusinessRead); err != nil {
		return err
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.exec(ctx, `DELETE FROM saved_searches WHERE id = ? AND user_id = ?`, id, a.UserID)
	if err != nil {
		return fmt.Errorf("delete saved search: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return zhili.Errorf(zhili.ENOTFOUND, "Saved search not found.")
	}
	if err := tx.audit(ctx, a, "saved_search.delete", "saved_search", id, nil); err != nil {
		return err
	}
	return tx.Commit()
}

// BulkAssign assigns every case to unit in one transaction, each as Act would with
// its own event and audit entry. Nothing is assigned unless every case can be.
func (s *CaseService) BulkAssign(ctx context.Context, ids []int64, unit int64, note string) ([]*zhili.Case, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActBusinessWrite); err != nil {
		return nil, err
	}
	var bad []zhili.FieldError
	switch {
	case len(ids) == 0:
		bad = append(bad, zhili.FieldError{Field: "case_ids", Code: "required", Reason: "name at least one case"})
	case len(ids) > zhili.MaxBulkAssign:
		bad = append(bad, zhili.FieldError{Field: "case_ids", Code: "too_many", Reason: fmt.Sprintf("at most %d cases at once", zhili.MaxBulkAssign)})
	}
	seen := map[int64]bool{}
	for i, id := range ids {
		if seen[id] {
			bad = append(bad, zhili.FieldError{Field: fmt.Sprintf("case_ids[%d]", i), Code: "duplicate", Reason: "the case is listed twice"})
		}
		seen[id] = true
	}
	if unit == 0 {
		bad = append(bad, zhili.FieldError{Field: "unit_id", Code: "required", Reason: "unit_id is required"})
	}
	if utf8.RuneCountInString(note) > 2000 {
		bad = append(bad, zhili.FieldError{Field: "note", Code: "too_long", Reason: "note is longer than 2000 characters"})
	}
	if len(bad) > 0 {
		return nil, zhili.Invalid("The bulk assignment is not valid.", bad...)
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := tx.lockCases(ctx, ids); err != nil {
		return nil, err
	}
	var first error
	for i, id := range ids {
		err := tx.actOn(ctx, a, id, zhili.CaseAct{Action: zhili.DoAssign, UnitID: unit, Note: note})
		if err == nil {
			continue
		} else if zhili.ErrorCode(err) == zhili.EINTERNAL {
			return nil, err
		}
		if first == nil {
			first = err
		}
		code := zhili.ErrorCode(err)
		if fs := zhili.ErrorFields(err); len(fs) > 0 {
			code = fs[0].Code
		}
		bad = append(bad, zhili.FieldError{Field: fmt.Sprintf("case_ids[%d]", i), Code: code, Reason: zhili.ErrorMessage(err)})
	}
	if first != nil {
		return nil, &zhili.Error{Code: zhili.ErrorCode(first), Fields: bad,
			Message: fmt.Sprintf("%d of the %d cases cannot be assigned, so none was: %s", len(bad), len(ids), zhili.ErrorMessage(first))}
	}
	if err := tx.audit(ctx, a, "case.bulk_assign", "case", nil, map[string]any{"case_ids": ids, "unit_id": unit}); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	out := make([]*zhili.Case, 0, len(ids))
	for _, id := range ids {
		c, err := s.FindCase(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// lockCases takes the row locks of the cases, in id order, before the first audit
// entry takes the audit chain's lock. A single Act locks its row and then the
// chain; a bulk assignment that held the chain while waiting for a row would
// deadlock with it. SQLite has one writer and needs no locks.
func (tx *Tx) lockCases(ctx context.Context, ids []int64) error {
	if tx.db.dialect.name() != "postgres" || len(ids) == 0 {
		return nil
	}
	sorted := slices.Sorted(slices.Values(ids))
	_, err := tx.exec(ctx, `SELECT id FROM cases WHERE id IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(sorted)), ", ")+
		`) ORDER BY id FOR UPDATE`, toAny(sorted)...)
	if err != nil {
		return fmt.Errorf("lock cases: %w", err)
	}
	return nil
}

// actOn is Act inside a transaction the caller owns: compare-and-set, the event and
// the audit entry, no commit. It repeats Act's body so that Act's file stays as
// it is; Act could become begin + actOn + commit.
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
	if err := tx.caseEvent(ctx, a, id, act.Action, c.State, next.State, eventNote(act)); err != nil {
		return err
	}
	return tx.audit(ctx, a, "case."+string(act.Action), "case", id, map[string]any{"from": c.State, "to": next.State})
}

// CaseTargets lists the active units a case in scope may be sent to: those over
// its place (escalation and assignment up or across to the county's centres and
// departments) and those under it (assignment down), the current holder excepted.
func (s *CaseService) CaseTargets(ctx context.Context, id int64) ([]*zhili.Unit, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.db.findCase(ctx, s.db.read, a, id)
	if err != nil {
		return nil, err
	}
	var path string
	if err := s.db.queryRow(ctx, `SELECT path FROM regions WHERE id = ?`, c.RegionID).Scan(&path); err != nil {
		return nil, fmt.Errorf("case region: %w", err)
	}
	ids := pathIDs(path)
	if len(ids) == 0 {
		return nil, errors.New("case region has an empty path")
	}
	under, uargs := subtree("r.path", path)
	args := append(append([]any{c.HolderUnitID}, toAny(ids)...), uargs...)
	rows, err := s.db.query(ctx, `SELECT `+unitColumns+` FROM units u JOIN regions r ON r.id = u.region_id
		WHERE u.retired_at IS NULL AND u.id <> ? AND (u.region_id IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")+`) OR `+under+`)
		ORDER BY r.level, u.kind, u.id LIMIT 500`, args...)
	if err != nil {
		return nil, fmt.Errorf("case targets: %w", err)
	}
	defer rows.Close()
	out := []*zhili.Unit{}
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
