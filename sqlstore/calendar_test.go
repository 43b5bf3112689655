package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// rhEnd is 23:59:59 China time of a day, as deadlines are stored.
func rhEnd(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 23, 59, 59, 0, zhili.ChinaTime).UTC()
}

// rhCode fails unless err carries code.
func rhCode(t testing.TB, what string, err error, code string) {
	t.Helper()
	if got := zhili.ErrorCode(err); got != code {
		t.Fatalf("%s: got %q (%v), want %q", what, got, err, code)
	}
}

// rhAccepted reports a case in grid A as the grid member and has the village
// office accept it, starting the handle step; it returns the accepted case.
func rhAccepted(t *testing.T, db *sqlstore.DB, f *storetest.Fixture, kind zhili.CaseKind, category string) *zhili.Case {
	t.Helper()
	cases := sqlstore.NewCaseService(db)
	c := &zhili.Case{Kind: kind, Category: category, Title: "测试事件", RegionID: f.GridA.ID}
	if err := cases.ReportCase(f.Ctx(t, db, "gridA"), c, nil); err != nil {
		t.Fatal(err)
	}
	out, err := cases.Act(f.Ctx(t, db, "villageA"), c.ID, zhili.CaseAct{Action: zhili.DoAccept, From: zhili.CaseReported})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func rhDue(t *testing.T, what string, c *zhili.Case, want time.Time) {
	t.Helper()
	if c.Due == nil || !c.Due.Equal(want) {
		t.Fatalf("%s: due %v, want %s", what, c.Due, want.In(zhili.ChinaTime))
	}
}

// TestDeadlinesFollowCalendar: deadlines come from the most specific rule and count
// working days on the county's calendar: a listed holiday and the weekend are
// skipped, a makeup Saturday counts, extensions are working days, the visit is ten
// calendar days after resolution. The clock starts Monday 2 March 2026, 17:00 in China.
func TestDeadlinesFollowCalendar(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			cal, cases := sqlstore.NewCalendarService(db), sqlstore.NewCaseService(db)
			centre := f.Ctx(t, db, "center")

			// Without listed days: accept by Tuesday, handle (village, 5 days) by Monday 9th.
			c := rhAccepted(t, db, f, zhili.KindHazard, "fire")
			rhDue(t, "village handle, plain week", c, rhEnd(2026, 3, 9))

			// Wednesday 4th a holiday: one more day, past the weekend, to Tuesday 10th.
			if err := cal.SetCalendarDays(centre, []*zhili.CalendarDay{{Day: "2026-03-04", Name: "测试假日"}}); err != nil {
				t.Fatal(err)
			}
			reported := &zhili.Case{Kind: zhili.KindHazard, Category: "fire", Title: "测试受理期限", RegionID: f.GridA.ID}
			if err := cases.ReportCase(f.Ctx(t, db, "gridA"), reported, nil); err != nil {
				t.Fatal(err)
			}
			rhDue(t, "accept", reported, rhEnd(2026, 3, 3))
			c = rhAccepted(t, db, f, zhili.KindHazard, "fire")
			rhDue(t, "village handle over a holiday and a weekend", c, rhEnd(2026, 3, 10))

			// Saturday 7th a makeup working day: back to Monday 9th.
			if err := cal.SetCalendarDays(centre, []*zhili.CalendarDay{{Day: "2026-03-07", Workday: true, Name: "调休上班"}}); err != nil {
				t.Fatal(err)
			}
			c = rhAccepted(t, db, f, zhili.KindHazard, "fire")
			rhDue(t, "village handle with a makeup Saturday", c, rhEnd(2026, 3, 9))

			// A land-expropriation dispute at village level has 10 days: 3,5,6,7,9,10,11,12,13,16.
			e := rhAccepted(t, db, f, zhili.KindDispute, "expropriation")
			rhDue(t, "expropriation dispute", e, rhEnd(2026, 3, 16))

			// An approved extension of two working days: Tuesday 10th, Wednesday 11th.
			village := f.Ctx(t, db, "villageA")
			if _, err := cases.Act(village, c.ID, zhili.CaseAct{Action: zhili.DoRequestExtension, ExtensionDays: 2, Note: "需现场复查"}); err != nil {
				t.Fatal(err)
			}
			ext, err := cases.Act(f.Ctx(t, db, "townA"), c.ID, zhili.CaseAct{Action: zhili.DoDecideExtension, Approve: true})
			if err != nil {
				t.Fatal(err)
			}
			rhDue(t, "extended", ext, rhEnd(2026, 3, 11))

			// Resolved Monday 2nd: verify in 3 working days (3, 5, 6); after verification
			// the visit is due ten calendar days after resolution, on the 12th.
			res, err := cases.Act(village, c.ID, zhili.CaseAct{Action: zhili.DoResolve, Method: "整改完成", Outcome: "已清理"})
			if err != nil {
				t.Fatal(err)
			}
			rhDue(t, "verify", res, rhEnd(2026, 3, 6))
			ver, err := cases.Act(f.Ctx(t, db, "townA"), c.ID, zhili.CaseAct{Action: zhili.DoVerify})
			if err != nil {
				t.Fatal(err)
			}
			rhDue(t, "visit", ver, rhEnd(2026, 3, 12))

			// A county change to the table applies to deadlines set afterwards.
			rule := &zhili.DeadlineRule{Kind: zhili.KindHazard, Level: zhili.LevelVillage, Step: zhili.StepHandle, Days: 2}
			if err := cal.SetDeadlineRule(centre, rule); err != nil {
				t.Fatal(err)
			}
			c = rhAccepted(t, db, f, zhili.KindHazard, "fire")
			rhDue(t, "edited rule", c, rhEnd(2026, 3, 5))
			if err := cal.DeleteDeadlineRule(f.Ctx(t, db, "sysadmin"), rule.ID); err != nil {
				t.Fatal(err)
			}
			c = rhAccepted(t, db, f, zhili.KindHazard, "fire")
			rhDue(t, "rule deleted", c, rhEnd(2026, 3, 9))
		})
	}
}

// TestCalendarService: who may edit the calendar and the deadline table, and what
// bad input is refused.
func TestCalendarService(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			cal := sqlstore.NewCalendarService(db)
			days := []*zhili.CalendarDay{{Day: "2026-10-01", Name: "国庆节"}, {Day: "2026-10-10", Workday: true, Name: "国庆节调休上班"}}
			for _, who := range []string{"townA", "villageA", "gridA", "leader", "secadmin"} {
				rhCode(t, who+" sets the calendar", cal.SetCalendarDays(f.Ctx(t, db, who), days), zhili.EFORBIDDEN)
				rhCode(t, who+" sets a rule", cal.SetDeadlineRule(f.Ctx(t, db, who), &zhili.DeadlineRule{Step: "accept", Days: 2}), zhili.EFORBIDDEN)
			}
			if err := cal.SetCalendarDays(f.Ctx(t, db, "sysadmin"), days); err != nil {
				t.Fatal(err)
			}
			// Setting a day again replaces it.
			if err := cal.SetCalendarDays(f.Ctx(t, db, "center"), []*zhili.CalendarDay{{Day: "2026-10-01", Name: "国庆节（更正）"}}); err != nil {
				t.Fatal(err)
			}
			list, err := cal.CalendarDays(f.Ctx(t, db, "gridA"), "2026-01-01", "2026-12-31")
			if err != nil || len(list) != 2 || list[0].Name != "国庆节（更正）" || list[0].Workday || !list[1].Workday {
				t.Fatalf("calendar: %v %+v", err, list)
			}
			bad := []*zhili.CalendarDay{{Day: "2026-10-01"}, {Day: "2026-13-01"}, {Day: "2026-10-01"}}
			err = cal.SetCalendarDays(f.Ctx(t, db, "center"), bad)
			rhCode(t, "bad days", err, zhili.EINVALID)
			if fields := zhili.ErrorFields(err); len(fields) != 2 || fields[0].Field != "days[1].day" || fields[1].Code != "duplicate" {
				t.Fatalf("fields: %+v", fields)
			}
			rhCode(t, "delete unlisted", cal.DeleteCalendarDay(f.Ctx(t, db, "center"), "2026-10-02"), zhili.ENOTFOUND)
			if err := cal.DeleteCalendarDay(f.Ctx(t, db, "center"), "2026-10-10"); err != nil {
				t.Fatal(err)
			}
			err = cal.SetDeadlineRule(f.Ctx(t, db, "center"), &zhili.DeadlineRule{Category: "fire", Step: "answer", Level: 7, Days: 0})
			rhCode(t, "bad rule", err, zhili.EINVALID)
			want := map[string]bool{"step": true, "kind": true, "level": true, "working_days": true}
			for _, fe := range zhili.ErrorFields(err) {
				delete(want, fe.Field)
			}
			if len(want) > 0 {
				t.Fatalf("bad rule: fields %+v, missing %v", zhili.ErrorFields(err), want)
			}
			rules, err := cal.DeadlineRules(f.Ctx(t, db, "sysadmin"))
			if err != nil || len(rules) < 10 {
				t.Fatalf("seeded rules: %v, %d", err, len(rules))
			}
			rhCode(t, "delete a missing rule", cal.DeleteDeadlineRule(f.Ctx(t, db, "center"), 99999), zhili.ENOTFOUND)
			rhCode(t, "anonymous", cal.SetCalendarDays(context.Background(), days), zhili.EUNAUTHORIZED)
		})
	}
}
