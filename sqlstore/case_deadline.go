package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/zhili-project/zhili"
)

// rowsQuerier is what both a pool and a transaction offer for reading, so the
// deadline arithmetic runs the same inside a case transaction and in a report.
type rowsQuerier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// calendarLookBack is how far before a start day the calendar is loaded: the
// yellow warning walks back from a deadline to the working day before it.
const calendarLookBack = 60

// loadCalendar reads the listed days from shortly before since onward. The table
// holds a few dozen rows a year, so one indexed range read per transaction or job
// is all the caching it needs.
func loadCalendar(ctx context.Context, q rowsQuerier, d dialect, since time.Time) (*zhili.Calendar, error) {
	from := zhili.Day(since.AddDate(0, 0, -calendarLookBack))
	rows, err := q.QueryContext(ctx, d.rebind(`SELECT day, workday, name FROM calendar_days WHERE day >= ? ORDER BY day`), from)
	if err != nil {
		return nil, fmt.Errorf("load calendar: %w", err)
	}
	defer rows.Close()
	var days []zhili.CalendarDay
	for rows.Next() {
		var c zhili.CalendarDay
		if err := rows.Scan(&c.Day, &c.Workday, &c.Name); err != nil {
			return nil, fmt.Errorf("scan calendar day: %w", err)
		}
		days = append(days, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load calendar: %w", err)
	}
	return zhili.NewCalendar(days), nil
}

const ruleColumns = `id, kind, category, level, step, working_days, note`

// loadRules reads deadline rules; where is a condition on the table, or "".
func loadRules(ctx context.Context, q rowsQuerier, d dialect, where string, args ...any) ([]*zhili.DeadlineRule, error) {
	if where != "" {
		where = " WHERE " + where
	}
	rows, err := q.QueryContext(ctx, d.rebind(`SELECT `+ruleColumns+` FROM deadline_rules`+where+
		` ORDER BY step, kind, category, level`), args...)
	if err != nil {
		return nil, fmt.Errorf("load deadline rules: %w", err)
	}
	defer rows.Close()
	var out []*zhili.DeadlineRule
	for rows.Next() {
		var r zhili.DeadlineRule
		if err := rows.Scan(&r.ID, &r.Kind, &r.Category, &r.Level, &r.Step, &r.Days, &r.Note); err != nil {
			return nil, fmt.Errorf("scan deadline rule: %w", err)
		}
		out = append(out, &r)
	}
	return out, rows.Err()
}

// deadline returns when a step that starts at from must be done: the most specific
// rule of the deadline table for the case's kind and category and the level of the
// holder unit's region, counted on the working calendar (calendar days for the
// visit). No step, or no rule for it, means no deadline.
func (tx *Tx) deadline(ctx context.Context, kind *zhili.CaseKind, category string, holder int64, step string, from time.Time) (*time.Time, error) {
	if step == "" {
		return nil, nil
	}
	var k zhili.CaseKind
	if kind != nil {
		k = *kind
	}
	// One read for the rules that can match: the level is the holder's region's.
	rules, err := loadRules(ctx, tx.Tx, tx.db.dialect, `step = ? AND kind IN ('', ?) AND category IN ('', ?)
		AND level IN (0, (SELECT r.level FROM units u JOIN regions r ON r.id = u.region_id WHERE u.id = ?))`,
		step, string(k), category, holder)
	if err != nil {
		return nil, err
	}
	var r *zhili.DeadlineRule
	for _, x := range rules {
		if r == nil || x.Specificity() > r.Specificity() {
			r = x
		}
	}
	if r == nil {
		return nil, nil
	}
	cal, err := loadCalendar(ctx, tx.Tx, tx.db.dialect, from)
	if err != nil {
		return nil, err
	}
	due := cal.Due(step, from, r.Days)
	return &due, nil
}

// extend moves a deadline by an approved number of working days: the new deadline
// is the end of the days-th working day after the old one's day.
func (tx *Tx) extend(ctx context.Context, due time.Time, days int) (time.Time, error) {
	cal, err := loadCalendar(ctx, tx.Tx, tx.db.dialect, due)
	if err != nil {
		return due, err
	}
	return cal.AddWorkingDays(due, days), nil
}
