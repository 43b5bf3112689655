package sqlstore

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/zhili-project/zhili"
)

// CalendarService keeps the working calendar and the deadline table.
type CalendarService struct{ db *DB }

// NewCalendarService returns the calendar service of db.
func NewCalendarService(db *DB) *CalendarService { return &CalendarService{db: db} }

var _ zhili.CalendarService = (*CalendarService)(nil)

// requireCalendarWrite lets the system administrator and governance-centre
// operators at county level or above change the calendar and the deadline table:
// they are deployment-wide, so a township centre may not change them.
func (db *DB) requireCalendarWrite(ctx context.Context, a *zhili.Actor) error {
	if a.Can(zhili.ActRegionWrite) {
		return nil
	}
	if a.Role == zhili.RoleCenter {
		var level zhili.RegionLevel
		if err := db.queryRow(ctx, `SELECT level FROM regions WHERE id = ?`, a.ScopeRegionID).Scan(&level); err == nil && level <= zhili.LevelCounty {
			return nil
		}
	}
	return zhili.Errorf(zhili.EFORBIDDEN, "Only the system administrator or the county governance centre may change the calendar and deadlines.")
}

// CalendarDays lists the listed days between from and to inclusive.
func (s *CalendarService) CalendarDays(ctx context.Context, from, to string) ([]*zhili.CalendarDay, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActRegionRead); err != nil {
		return nil, err
	}
	if bad := append(validDay("from", from), validDay("to", to)...); len(bad) > 0 {
		return nil, zhili.Invalid("Bad date.", bad...)
	}
	rows, err := s.db.query(ctx, `SELECT day, workday, name FROM calendar_days WHERE day >= ? AND day <= ? ORDER BY day`, from, to)
	if err != nil {
		return nil, fmt.Errorf("calendar days: %w", err)
	}
	defer rows.Close()
	var out []*zhili.CalendarDay
	for rows.Next() {
		var d zhili.CalendarDay
		if err := rows.Scan(&d.Day, &d.Workday, &d.Name); err != nil {
			return nil, fmt.Errorf("scan calendar day: %w", err)
		}
		out = append(out, &d)
	}
	return out, rows.Err()
}

// validateCalendarDays checks a batch: real days, each once, short names.
func validateCalendarDays(days []*zhili.CalendarDay) []zhili.FieldError {
	var bad []zhili.FieldError
	if len(days) == 0 {
		return []zhili.FieldError{{Field: "days", Code: "required", Reason: "give at least one day"}}
	}
	if len(days) > 1000 {
		return []zhili.FieldError{{Field: "days", Code: "too_many", Reason: "at most 1000 days at once"}}
	}
	seen := map[string]int{}
	for i, d := range days {
		field := func(f string) string { return fmt.Sprintf("days[%d].%s", i, f) }
		if d == nil {
			bad = append(bad, zhili.FieldError{Row: i + 1, Field: field("day"), Code: "required", Reason: "empty entry"})
			continue
		}
		if _, err := time.Parse(dayLayout, d.Day); err != nil {
			bad = append(bad, zhili.FieldError{Row: i + 1, Field: field("day"), Code: "malformed", Reason: fmt.Sprintf("%q is not a date like 2026-10-01", d.Day)})
		} else if j, ok := seen[d.Day]; ok {
			bad = append(bad, zhili.FieldError{Row: i + 1, Field: field("day"), Code: "duplicate", Reason: fmt.Sprintf("%s is also entry %d", d.Day, j)})
		}
		seen[d.Day] = i
		if utf8.RuneCountInString(d.Name) > 50 {
			bad = append(bad, zhili.FieldError{Row: i + 1, Field: field("name"), Code: "too_long", Reason: "name is longer than 50 characters"})
		}
	}
	return bad
}

// SetCalendarDays adds or replaces listed days in one transaction, audited.
func (s *CalendarService) SetCalendarDays(ctx context.Context, days []*zhili.CalendarDay) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := s.db.requireCalendarWrite(ctx, a); err != nil {
		return err
	}
	if bad := validateCalendarDays(days); len(bad) > 0 {
		return zhili.Invalid("The calendar entries are not valid.", bad...)
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, d := range days {
		if _, err := tx.exec(ctx, `INSERT INTO calendar_days (day, workday, name, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (day) DO UPDATE SET workday = excluded.workday, name = excluded.name, updated_at = excluded.updated_at`,
			d.Day, d.Workday, d.Name, ts(tx.now)); err != nil {
			return fmt.Errorf("set calendar day %s: %w", d.Day, err)
		}
	}
	if err := tx.audit(ctx, a, "calendar.set", "calendar", nil, days); err != nil {
		return err
	}
	return tx.Commit()
}

// DeleteCalendarDay unlists a day, audited.
func (s *CalendarService) DeleteCalendarDay(ctx context.Context, day string) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := s.db.requireCalendarWrite(ctx, a); err != nil {
		return err
	}
	if bad := validDay("day", day); bad != nil {
		return zhili.Invalid("Bad date.", bad...)
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.exec(ctx, `DELETE FROM calendar_days WHERE day = ?`, day)
	if err != nil {
		return fmt.Errorf("delete calendar day %s: %w", day, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return zhili.Errorf(zhili.ENOTFOUND, "%s is not listed in the calendar.", day)
	}
	if err := tx.audit(ctx, a, "calendar.delete", "calendar", day, nil); err != nil {
		return err
	}
	return tx.Commit()
}

// Calendar returns the working calendar from a little before now onward, for
// warnings and deadline arithmetic outside a case transaction.
func (s *CalendarService) Calendar(ctx context.Context) (*zhili.Calendar, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActRegionRead); err != nil {
		return nil, err
	}
	return loadCalendar(ctx, s.db.read, s.db.dialect, s.db.Clock.Now())
}
