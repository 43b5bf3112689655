package sqlstore

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/zhili-project/zhili"
)

// DeadlineRules lists the deadline table, by step and from general to specific.
func (s *CalendarService) DeadlineRules(ctx context.Context) ([]*zhili.DeadlineRule, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActRegionRead); err != nil {
		return nil, err
	}
	return loadRules(ctx, s.db.read, s.db.dialect, "")
}

// validateRule checks a rule's fields; a category needs its kind, since category
// codes are per kind.
func (db *DB) validateRule(ctx context.Context, r *zhili.DeadlineRule) []zhili.FieldError {
	var bad []zhili.FieldError
	fail := func(field, code, reason string) {
		bad = append(bad, zhili.FieldError{Field: field, Code: code, Reason: reason})
	}
	if zhili.StepLabel(r.Step) == r.Step {
		fail("step", "unknown_step", fmt.Sprintf("unknown step %q (accept, handle, verify, visit)", r.Step))
	}
	if r.Kind != "" && !r.Kind.Valid() {
		fail("kind", "unknown_kind", fmt.Sprintf("unknown case kind %q", r.Kind))
	}
	if r.Category != "" {
		if r.Kind == "" {
			fail("kind", "required", "a rule for a category names its kind")
		} else if ok, err := db.categoryExists(ctx, r.Kind, r.Category); err != nil || !ok {
			fail("category", "unknown_category", fmt.Sprintf("category %q is not one of kind %s", r.Category, r.Kind))
		}
	}
	if r.Level < 0 || r.Level > zhili.LevelVillage {
		fail("level", "out_of_range", "level is 0 (any), 1 county, 2 township or 3 village")
	}
	if r.Days < 1 || r.Days > 365 {
		fail("working_days", "out_of_range", "working_days must be 1–365")
	}
	if utf8.RuneCountInString(r.Note) > 200 {
		fail("note", "too_long", "note is longer than 200 characters")
	}
	return bad
}

// SetDeadlineRule adds a rule, or replaces the one with the same key, audited.
func (s *CalendarService) SetDeadlineRule(ctx context.Context, r *zhili.DeadlineRule) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := s.db.requireCalendarWrite(ctx, a); err != nil {
		return err
	}
	if bad := s.db.validateRule(ctx, r); len(bad) > 0 {
		return zhili.Invalid("The deadline rule is not valid.", bad...)
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.queryRow(ctx, `INSERT INTO deadline_rules (kind, category, level, step, working_days, note) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (kind, category, level, step) DO UPDATE SET working_days = excluded.working_days, note = excluded.note RETURNING id`,
		string(r.Kind), r.Category, int(r.Level), r.Step, r.Days, r.Note).Scan(&r.ID); err != nil {
		return fmt.Errorf("set deadline rule: %w", err)
	}
	if err := tx.audit(ctx, a, "deadline_rule.set", "deadline_rule", r.ID, r); err != nil {
		return err
	}
	return tx.Commit()
}

// DeleteDeadlineRule removes a rule, audited; cases fall back to the next most
// specific rule from then on.
func (s *CalendarService) DeleteDeadlineRule(ctx context.Context, id int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := s.db.requireCalendarWrite(ctx, a); err != nil {
		return err
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rules, err := loadRules(ctx, tx.Tx, tx.db.dialect, "id = ?", id)
	if err != nil {
		return err
	}
	if len(rules) == 0 {
		return zhili.Errorf(zhili.ENOTFOUND, "Deadline rule %d not found.", id)
	}
	if _, err := tx.exec(ctx, `DELETE FROM deadline_rules WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete deadline rule %d: %w", id, err)
	}
	if err := tx.audit(ctx, a, "deadline_rule.delete", "deadline_rule", id, rules[0]); err != nil {
		return err
	}
	return tx.Commit()
}
