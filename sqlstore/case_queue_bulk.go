package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/zhili-project/zhili"
)

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
