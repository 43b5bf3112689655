package sqlstore_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// TestWeeklyReviewAndBulletin: a fortnight in 青山县. Township A gets four cases in
// week 10 (one party in two of them, and in one of township B's), two resolved and
// verified, one visited on time and one late; three acceptances pass their deadline
// and are supervised. The weekly review and the monthly bulletin count all that per
// township and name the overdue cases.
func TestWeeklyReviewAndBulletin(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			clock, rh, cases := db.Clock.(*zhili.FixedClock), sqlstore.NewRhythmService(db), sqlstore.NewCaseService(db)
			party := func() *zhili.Party { return &zhili.Party{Name: "张三", IDNumber: "11010519491231002X"} }
			a1 := rhReport(t, db, f, "gridA", f.GridA, "一号", party())
			a2 := rhReport(t, db, f, "gridA", f.GridA, "二号", party())
			a3 := rhReport(t, db, f, "townA", f.GridA2, "三号")
			a4 := rhReport(t, db, f, "gridA", f.GridA, "四号")
			b1 := rhReport(t, db, f, "center", f.GridB, "东城一号", party())
			town := f.Ctx(t, db, "townA")
			act := func(id int64, a zhili.CaseAct) {
				t.Helper()
				if _, err := cases.Act(town, id, a); err != nil {
					t.Fatalf("%s case %d: %v", a.Action, id, err)
				}
			}
			for _, c := range []*zhili.Case{a1, a4} {
				rhResolve(t, db, f, c.ID)
				act(c.ID, zhili.CaseAct{Action: zhili.DoVerify})
			}
			clock.Advance(31 * time.Hour) // Wednesday 00:00: acceptances of a2, a3, b1 are overdue
			if n, err := rh.Supervise(storetest.System()); err != nil || n != 3 {
				t.Fatalf("supervise: %d %v", n, err)
			}
			clock.Advance(17 * time.Hour) // Wednesday 17:00: a3 accepted, a day late
			act(a3.ID, zhili.CaseAct{Action: zhili.DoAccept})
			clock.Advance(3 * rhDay)
			act(a1.ID, zhili.CaseAct{Action: zhili.DoVisit, Satisfaction: 5})
			clock.Advance(8 * rhDay) // Sunday 15 March 17:00, past a4's visit deadline (the 12th)
			act(a4.ID, zhili.CaseAct{Action: zhili.DoVisit, Satisfaction: 4})

			w, err := rh.WeeklyReview(town, f.TownA.ID, "2026-W10")
			if err != nil {
				t.Fatal(err)
			}
			if w.New != 4 || w.Resolved != 2 || w.Open != 2 || !w.From.Equal(time.Date(2026, 3, 1, 16, 0, 0, 0, time.UTC)) {
				t.Fatalf("weekly review: %+v", w)
			}
			if len(w.OpenByCategory) != 1 || w.OpenByCategory[0].Key != "dispute/neighbour" || w.OpenByCategory[0].Count != 2 ||
				len(w.OpenByRisk) != 1 || w.OpenByRisk[0].Key != "low" || w.OpenByRisk[0].Count != 2 {
				t.Fatalf("open breakdown: %+v %+v", w.OpenByCategory, w.OpenByRisk)
			}
			if len(w.HotSpots) != 2 || w.HotSpots[0].Key != fmt.Sprint(f.GridA.ID) || w.HotSpots[0].Count != 3 {
				t.Fatalf("hot spots: %+v", w.HotSpots)
			}
			if len(w.RepeatParties) != 1 || w.RepeatParties[0].Cases != 2 || w.RepeatParties[0].IDNumberMasked != "110***********002X" ||
				w.RepeatParties[0].NameMasked != "张*" {
				t.Fatalf("repeat parties (township B's case must not count): %+v", w.RepeatParties)
			}
			if w, err = rh.WeeklyReview(town, f.TownA.ID, "2026-W09"); err != nil || w.New != 0 || w.Open != 0 {
				t.Fatalf("week 9: %v %+v", err, w)
			}
			for _, bad := range []string{"2026-W54", "W10", "2026-10"} {
				_, err = rh.WeeklyReview(town, f.TownA.ID, bad)
				rhCode(t, "week "+bad, err, zhili.EINVALID)
			}

			b, err := rh.MonthlyBulletinData(f.Ctx(t, db, "center"), f.County.ID, "2026-03")
			if err != nil {
				t.Fatal(err)
			}
			if len(b.Rows) != 2 {
				t.Fatalf("bulletin rows: %+v", b.Rows)
			}
			rows := map[int64]zhili.BulletinRow{}
			for _, r := range b.Rows {
				rows[r.RegionID] = r
			}
			if r := rows[f.TownA.ID]; r.New != 4 || r.Resolved != 2 || r.ResolutionRate != 0.5 || r.OverdueSteps != 2 || r.VisitsOnTime != 1 || r.VisitsLate != 1 {
				t.Fatalf("township A: %+v", r)
			}
			if r := rows[f.TownB.ID]; r.New != 1 || r.Resolved != 0 || r.ResolutionRate != 0 || r.OverdueSteps != 1 {
				t.Fatalf("township B: %+v", r)
			}
			want := map[int64]int{a2.ID: 12, a3.ID: 1, b1.ID: 12}
			if len(b.Overdue) != 3 {
				t.Fatalf("overdue cases: %+v", b.Overdue)
			}
			for _, o := range b.Overdue {
				if o.Step != zhili.StepAccept || o.DaysOverdue != want[o.CaseID] || o.No == "" || o.HolderUnit == "" || o.Township == "" {
					t.Errorf("overdue %+v, want %d days", o, want[o.CaseID])
				}
			}
			if b, err = rh.MonthlyBulletinData(town, f.TownA.ID, "2026-03"); err != nil || len(b.Rows) != 1 || b.Rows[0].New != 4 || len(b.Overdue) != 2 {
				t.Fatalf("township A's own bulletin: %v %+v", err, b)
			}
			_, err = rh.MonthlyBulletinData(town, f.County.ID, "2026-03")
			rhCode(t, "the county's bulletin for a township", err, zhili.ENOTFOUND)
			_, err = rh.MonthlyBulletinData(town, f.TownA.ID, "March")
			rhCode(t, "bad month", err, zhili.EINVALID)
		})
	}
}
