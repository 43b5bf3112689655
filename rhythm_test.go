package zhili_test

import (
	"encoding/csv"
	"os"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
)

// cst builds a China-time instant.
func cst(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, zhili.ChinaTime)
}

// endOf is 23:59:59 China time of a day, in UTC, as deadlines are stored.
func endOf(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 23, 59, 59, 0, zhili.ChinaTime).UTC()
}

// national2026 is an example National Day: 1–7 October off, Sunday 20 September
// and Saturday 10 October makeup working days.
func national2026() *zhili.Calendar {
	days := []zhili.CalendarDay{{Day: "2026-09-20", Workday: true}, {Day: "2026-10-10", Workday: true}}
	for d := 1; d <= 7; d++ {
		days = append(days, zhili.CalendarDay{Day: time.Date(2026, 10, d, 0, 0, 0, 0, time.UTC).Format(zhili.DayLayout)})
	}
	return zhili.NewCalendar(days)
}

func TestAddWorkingDays(t *testing.T) {
	t.Parallel()
	plain := zhili.NewCalendar(nil)
	for _, tc := range []struct {
		name string
		cal  *zhili.Calendar
		from time.Time
		n    int
		want time.Time
	}{
		{"the start day does not count", plain, cst(2026, 3, 2, 17, 0), 1, endOf(2026, 3, 3)},
		{"a week of five", plain, cst(2026, 3, 2, 9, 0), 5, endOf(2026, 3, 9)},
		{"Friday to Monday", plain, cst(2026, 3, 6, 16, 0), 1, endOf(2026, 3, 9)},
		{"a Saturday start counts from Monday", plain, cst(2026, 3, 7, 10, 0), 1, endOf(2026, 3, 9)},
		// 07:30 Monday in China is still Sunday in UTC: the China day decides.
		{"China day, not UTC day", plain, time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC), 1, endOf(2026, 3, 3)},
		{"zero is the end of the start day", plain, cst(2026, 3, 2, 9, 0), 0, endOf(2026, 3, 2)},
		{"the holiday week is skipped", national2026(), cst(2026, 9, 30, 10, 0), 1, endOf(2026, 10, 8)},
		{"a makeup Saturday counts", national2026(), cst(2026, 9, 30, 10, 0), 3, endOf(2026, 10, 10)},
		{"a makeup Sunday counts", national2026(), cst(2026, 9, 18, 10, 0), 1, endOf(2026, 9, 20)},
	} {
		if got := tc.cal.AddWorkingDays(tc.from, tc.n); !got.Equal(tc.want) {
			t.Errorf("%s: got %s, want %s", tc.name, got.In(zhili.ChinaTime), tc.want.In(zhili.ChinaTime))
		}
	}
}

func TestDueVisitCountsCalendarDays(t *testing.T) {
	t.Parallel()
	cal := national2026()
	// Resolved on 28 September: ten calendar days whatever the holiday.
	if got, want := cal.Due(zhili.StepVisit, cst(2026, 9, 28, 15, 0), 10), endOf(2026, 10, 8); !got.Equal(want) {
		t.Errorf("visit due %s, want %s", got, want)
	}
	if got, want := cal.Due(zhili.StepVerify, cst(2026, 9, 29, 15, 0), 3), endOf(2026, 10, 9); !got.Equal(want) {
		t.Errorf("verify due %s, want %s", got, want)
	}
}

func TestDeadlineStatus(t *testing.T) {
	t.Parallel()
	cal := national2026()
	friday, monday, holidayEnd := endOf(2026, 3, 6), endOf(2026, 3, 9), endOf(2026, 10, 8)
	for _, tc := range []struct {
		name string
		due  *time.Time
		now  time.Time
		want zhili.DeadlineStatus
	}{
		{"no deadline", nil, cst(2026, 3, 2, 9, 0), zhili.DeadlineNone},
		{"two days left", &friday, cst(2026, 3, 4, 12, 0), zhili.DeadlineOK},
		{"the day before", &friday, cst(2026, 3, 5, 23, 59), zhili.DeadlineOK},
		{"the last day", &friday, cst(2026, 3, 6, 0, 1), zhili.DeadlineYellow},
		{"passed", &friday, cst(2026, 3, 7, 0, 0), zhili.DeadlineRed},
		{"Friday before a Monday deadline", &monday, cst(2026, 3, 6, 12, 0), zhili.DeadlineOK},
		{"the weekend before a Monday deadline", &monday, cst(2026, 3, 7, 10, 0), zhili.DeadlineYellow},
		{"the holiday before its deadline", &holidayEnd, cst(2026, 10, 2, 10, 0), zhili.DeadlineYellow},
		{"the working day before the holiday", &holidayEnd, cst(2026, 9, 30, 10, 0), zhili.DeadlineOK},
	} {
		if got := cal.Status(tc.due, tc.now); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestBestRule(t *testing.T) {
	t.Parallel()
	rules := []*zhili.DeadlineRule{
		{ID: 1, Step: "handle", Days: 15},
		{ID: 2, Step: "handle", Level: zhili.LevelVillage, Days: 5},
		{ID: 3, Step: "handle", Kind: zhili.KindDispute, Days: 12},
		{ID: 4, Step: "handle", Kind: zhili.KindDispute, Level: zhili.LevelVillage, Days: 6},
		{ID: 5, Step: "handle", Kind: zhili.KindDispute, Category: "enterprise", Days: 20},
		{ID: 6, Step: "handle", Kind: zhili.KindDispute, Category: "enterprise", Level: zhili.LevelVillage, Days: 10},
		{ID: 7, Step: "accept", Days: 1},
	}
	for _, tc := range []struct {
		kind     zhili.CaseKind
		category string
		level    zhili.RegionLevel
		step     string
		want     int64
	}{
		{zhili.KindDispute, "enterprise", zhili.LevelVillage, "handle", 6},
		{zhili.KindDispute, "enterprise", zhili.LevelTownship, "handle", 5},
		{zhili.KindDispute, "neighbour", zhili.LevelVillage, "handle", 4},
		{zhili.KindDispute, "neighbour", zhili.LevelCounty, "handle", 3},
		{zhili.KindHazard, "fire", zhili.LevelVillage, "handle", 2},
		{zhili.KindHazard, "fire", zhili.LevelCounty, "handle", 1},
		{zhili.KindHazard, "fire", zhili.LevelCounty, "accept", 7},
		{zhili.KindHazard, "fire", zhili.LevelCounty, "verify", 0},
	} {
		got := zhili.BestRule(rules, tc.kind, tc.category, tc.level, tc.step)
		var id int64
		if got != nil {
			id = got.ID
		}
		if id != tc.want {
			t.Errorf("%s/%s level %d %s: rule %d, want %d", tc.kind, tc.category, tc.level, tc.step, id, tc.want)
		}
	}
}

// TestExampleCalendar: the example 2026 calendar in docs parses, lists each day
// once, puts makeup working days only on weekends, and moves deadlines as meant.
func TestExampleCalendar(t *testing.T) {
	t.Parallel()
	f, err := os.Open("docs/examples/calendar-2026.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 2 || recs[0][0] != "day" || recs[0][1] != "workday" || recs[0][2] != "name" {
		t.Fatalf("header: %v", recs[0])
	}
	var days []zhili.CalendarDay
	seen := map[string]bool{}
	for _, rec := range recs[1:] {
		day, err := time.Parse(zhili.DayLayout, rec[0])
		if err != nil || seen[rec[0]] || (rec[1] != "true" && rec[1] != "false") || rec[2] == "" {
			t.Fatalf("bad line %v", rec)
		}
		seen[rec[0]] = true
		weekend := day.Weekday() == time.Saturday || day.Weekday() == time.Sunday
		if rec[1] == "true" && !weekend {
			t.Errorf("%s is a makeup working day but not a weekend", rec[0])
		}
		days = append(days, zhili.CalendarDay{Day: rec[0], Workday: rec[1] == "true", Name: rec[2]})
	}
	cal := zhili.NewCalendar(days)
	// Handed a case on the eve of the Spring Festival (Friday 13 February), a
	// village has 5 working days: the makeup Saturday 14th, then 24, 25, 26, 27 February.
	if got, want := cal.AddWorkingDays(cst(2026, 2, 13, 10, 0), 5), endOf(2026, 2, 27); !got.Equal(want) {
		t.Errorf("over the Spring Festival: %s, want %s", got.In(zhili.ChinaTime), want.In(zhili.ChinaTime))
	}
}
