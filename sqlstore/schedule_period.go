package sqlstore

import (
	"fmt"
	"time"

	"github.com/zhili-project/zhili"
)

// Periods are counted in China time. Each kind has the start of the period that
// holds a time, the start of the next one, and a label that names it in job_runs
// and rhythm_reports.

func dayStart(t time.Time) time.Time { return zhili.StartOfDay(t) }
func dayNext(p time.Time) time.Time  { return p.AddDate(0, 0, 1) }
func dayLabel(p time.Time) string    { return p.In(zhili.ChinaTime).Format(dayLayout) }

// weekStart is the Monday of the ISO week holding t.
func weekStart(t time.Time) time.Time {
	d := zhili.StartOfDay(t)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}
func weekNext(p time.Time) time.Time { return p.AddDate(0, 0, 7) }

// weekLabel names an ISO week: "2026-W10".
func weekLabel(p time.Time) string {
	y, w := p.In(zhili.ChinaTime).ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// parseWeek returns the Monday 00:00 of an ISO week label.
func parseWeek(s string) (time.Time, error) {
	var y, w int
	if _, err := fmt.Sscanf(s, "%4d-W%2d", &y, &w); err != nil || w < 1 || w > 53 {
		return time.Time{}, zhili.Invalid("Bad week.", zhili.FieldError{Field: "week", Code: "malformed", Reason: fmt.Sprintf("%q is not an ISO week like 2026-W10", s)})
	}
	// 4 January is always in week 1.
	p := weekStart(time.Date(y, 1, 4, 12, 0, 0, 0, zhili.ChinaTime)).AddDate(0, 0, 7*(w-1))
	if weekLabel(p) != s {
		return time.Time{}, zhili.Invalid("Bad week.", zhili.FieldError{Field: "week", Code: "malformed", Reason: fmt.Sprintf("%q is not an ISO week like 2026-W10", s)})
	}
	return p, nil
}

// halfStart is the 1st or the 16th of the month holding t (半月调度).
func halfStart(t time.Time) time.Time {
	y, m, d := t.In(zhili.ChinaTime).Date()
	if d >= 16 {
		d = 16
	} else {
		d = 1
	}
	return time.Date(y, m, d, 0, 0, 0, 0, zhili.ChinaTime)
}
func halfNext(p time.Time) time.Time { return halfStart(p.AddDate(0, 0, 17)) }

// halfLabel names a half month: "2026-03-A" from the 1st, "2026-03-B" from the 16th.
func halfLabel(p time.Time) string {
	p = p.In(zhili.ChinaTime)
	if p.Day() >= 16 {
		return p.Format("2006-01") + "-B"
	}
	return p.Format("2006-01") + "-A"
}

func monthStart(t time.Time) time.Time {
	y, m, _ := t.In(zhili.ChinaTime).Date()
	return time.Date(y, m, 1, 0, 0, 0, 0, zhili.ChinaTime)
}
func monthNext(p time.Time) time.Time { return p.AddDate(0, 1, 0) }
func monthLabel(p time.Time) string   { return p.In(zhili.ChinaTime).Format("2006-01") }

// parseMonth returns the 1st 00:00 of a month label ("2026-03").
func parseMonth(s string) (time.Time, error) {
	p, err := time.ParseInLocation("2006-01", s, zhili.ChinaTime)
	if err != nil {
		return time.Time{}, zhili.Invalid("Bad month.", zhili.FieldError{Field: "month", Code: "malformed", Reason: fmt.Sprintf("%q is not a month like 2026-03", s)})
	}
	return p, nil
}

// slot is the supervision period: ten minutes.
const slot = 10 * time.Minute

// slotStart truncates to ten minutes; China time is a whole number of slots from
// UTC, so truncating the instant gives the same slots in either zone.
func slotStart(t time.Time) time.Time { return t.Truncate(slot).In(zhili.ChinaTime) }
func slotNext(p time.Time) time.Time  { return p.Add(slot) }
func slotLabel(p time.Time) string    { return p.In(zhili.ChinaTime).Format("2006-01-02T15:04") }

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
