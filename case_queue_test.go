package zhili_test

import (
	"testing"
	"time"

	"github.com/zhili-project/zhili"
)

// TestWarning checks the deadline card on lists and queues against the working
// calendar: yellow on the last working day and the days off just before the
// deadline, red once it has passed.
func TestWarning(t *testing.T) {
	t.Parallel()
	cal := national2026()
	friday, monday, holidayEnd := endOf(2026, 3, 6), endOf(2026, 3, 9), endOf(2026, 10, 8)
	for _, tc := range []struct {
		name string
		due  *time.Time
		now  time.Time
		want zhili.DueWarning
	}{
		{"no deadline", nil, cst(2026, 3, 2, 9, 0), zhili.WarnNone},
		{"the day before", &friday, cst(2026, 3, 5, 18, 0), zhili.WarnNone}, // within 24 h, still no card
		{"the last working day", &friday, cst(2026, 3, 6, 0, 1), zhili.WarnYellow},
		{"the last minute", &friday, cst(2026, 3, 6, 23, 59), zhili.WarnYellow},
		{"passed", &friday, cst(2026, 3, 7, 0, 0), zhili.WarnRed},
		{"Friday before a Monday deadline", &monday, cst(2026, 3, 6, 12, 0), zhili.WarnNone},
		{"Sunday before a Monday deadline", &monday, cst(2026, 3, 8, 10, 0), zhili.WarnYellow},
		{"the holiday before its deadline", &holidayEnd, cst(2026, 10, 2, 10, 0), zhili.WarnYellow},
		{"the working day before the holiday", &holidayEnd, cst(2026, 9, 30, 10, 0), zhili.WarnNone},
	} {
		if got := cal.Warning(tc.due, tc.now); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestYellowBefore checks that the bound the queue filters yellow cards by agrees
// with Warning, for every hour of two months around a holiday and deadlines at the
// end of each day and at odd times.
func TestYellowBefore(t *testing.T) {
	t.Parallel()
	cal := national2026()
	start := cst(2026, 9, 10, 0, 0)
	var dues []time.Time
	for d := 0; d < 50; d++ {
		day := start.AddDate(0, 0, d)
		dues = append(dues, zhili.EndOfDay(day), day.Add(14*time.Hour+30*time.Minute))
	}
	yellow := 0
	for h := 0; h < 40*24; h++ {
		now := start.Add(time.Duration(h)*time.Hour + 17*time.Minute)
		bound := cal.YellowBefore(now)
		for _, due := range dues {
			inQuery := !due.Before(now) && due.Before(bound)
			isYellow := cal.Warning(&due, now) == zhili.WarnYellow
			if inQuery != isYellow {
				t.Fatalf("now %s due %s: query bound %s says %v, Warning says %v", now.In(zhili.ChinaTime), due.In(zhili.ChinaTime),
					bound.In(zhili.ChinaTime), inQuery, isYellow)
			}
			if isYellow {
				yellow++
			}
		}
	}
	if yellow == 0 {
		t.Fatal("no yellow card at all: the test checks nothing")
	}
}
