package sqlstore_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/assess"
	"github.com/zhili-project/zhili/ledger"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// TestAssessQuarterExplained: the fortnight of TestWeeklyReviewAndBulletin plus a
// grid member in grid A who files one sweep and a legal-publicity ledger record
// in township A's village in January. The township scheme for 2026-Q1 scores each township and explains
// every item down to its records: the unresolved and overdue cases by number
// with links, the late visit, the grid's missing days, the ledger months.
func TestAssessQuarterExplained(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			clock, rh, cases := db.Clock.(*zhili.FixedClock), sqlstore.NewRhythmService(db), sqlstore.NewCaseService(db)
			wang := rhMember(t, db, f, "王网格", f.VillageA, f.GridA)
			if _, err := rh.FileDailyCheck(wang, f.GridA.ID, "2026-03-02", 0, ""); err != nil {
				t.Fatal(err)
			}
			meeting := &zhili.LedgerRecord{Ledger: "legal_publicity", RegionID: f.VillageA.ID, Data: publicity("2026-01-20", "event", 30)}
			if err := sqlstore.NewLedgerService(db, ledger.Default()).CreateLedgerRecord(f.Ctx(t, db, "townA"), meeting); err != nil {
				t.Fatal(err)
			}
			a1 := rhReport(t, db, f, "gridA", f.GridA, "一号")
			a2 := rhReport(t, db, f, "gridA", f.GridA, "二号")
			a3 := rhReport(t, db, f, "townA", f.GridA2, "三号")
			a4 := rhReport(t, db, f, "gridA", f.GridA, "四号")
			b1 := rhReport(t, db, f, "center", f.GridB, "东城一号")
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
			clock.Advance(31 * time.Hour)
			if n, err := rh.Supervise(storetest.System()); err != nil || n != 3 {
				t.Fatalf("supervise: %d %v", n, err)
			}
			clock.Advance(17 * time.Hour)
			act(a3.ID, zhili.CaseAct{Action: zhili.DoAccept})
			clock.Advance(3 * rhDay)
			act(a1.ID, zhili.CaseAct{Action: zhili.DoVisit, Satisfaction: 5})
			clock.Advance(8 * rhDay) // Sunday 15 March 17:00, past a4's visit deadline (the 12th)
			act(a4.ID, zhili.CaseAct{Action: zhili.DoVisit, Satisfaction: 4})

			svc := sqlstore.NewAssessService(db)
			res, err := svc.Assess(f.Ctx(t, db, "center"), "township_quarterly", "2026-Q1", "")
			if err != nil {
				t.Fatal(err)
			}
			if res.Region.Code != f.County.Code || res.From != "2026-01-01" || res.To != "2026-03-31" || len(res.Units) != 2 || res.Partial {
				t.Fatalf("result: %+v", res)
			}
			// Township B: nothing resolved (0), one overdue step (20 − 0.2), no
			// visits due or scored and no grid member (15 + 15 + 15), no ledgers
			// in January and February (10 − 4 × 2 = 2): 66.8, first.
			// Township A: 50％ resolved (0), two overdue steps (20 − 0.4), one
			// visit of two on time (7.5), mean score 4.5 (15), 1 of 73 grid-days
			// swept (15 × 1/73 = 0.21), three ledger months missing (10 − 6 = 4):
			// 46.31.
			b, a := res.Units[0], res.Units[1]
			if b.Unit.ID != f.TownB.ID || b.Rank != 1 || b.Score != 66.8 || a.Unit.ID != f.TownA.ID || a.Rank != 2 || a.Score != 46.31 || a.Lost != 53.69 {
				t.Fatalf("ranking: %+v / %+v", b, a)
			}
			if len(res.RedList) != 1 || res.RedList[0].Unit.ID != f.TownB.ID || len(res.BlackList) != 1 || res.BlackList[0].Unit.ID != f.TownA.ID {
				t.Fatalf("red and black lists: %+v %+v", res.RedList, res.BlackList)
			}
			lines := map[string]assess.Line{}
			for _, l := range a.Lines {
				lines[l.Item] = l
			}
			caseLinks := func(l assess.Line, want ...*zhili.Case) {
				t.Helper()
				if len(l.Measure.Records) != len(want) {
					t.Fatalf("%s records: %+v", l.Item, l.Measure.Records)
				}
				for i, c := range want {
					r := l.Measure.Records[i]
					if r.URL != fmt.Sprint("/cases/", c.ID) || !strings.HasPrefix(r.Text, c.No+" ") {
						t.Errorf("%s record %d: %+v, want case %s", l.Item, i, r, c.No)
					}
				}
			}
			if l := lines["resolution"]; l.Score != 0 || l.Measure.Num != 2 || l.Measure.Den != 4 || l.ValueText != "50.0％" {
				t.Fatalf("resolution: %+v", l)
			}
			caseLinks(lines["resolution"], a2, a3)
			if l := lines["overdue"]; l.Score != 19.6 || l.Measure.Count != 2 || l.PerRecord != 0.2 || !strings.Contains(l.Measure.Records[0].Text, "受理环节期限") {
				t.Fatalf("overdue: %+v", l)
			}
			caseLinks(lines["overdue"], a2, a3)
			if l := lines["visits"]; l.Score != 7.5 || l.Measure.Num != 1 || l.Measure.Den != 2 || !strings.Contains(l.Measure.Records[0].Text, "2026-03-15才回访") {
				t.Fatalf("visits: %+v", l)
			}
			caseLinks(lines["visits"], a4)
			if l := lines["satisfaction"]; l.Score != 15 || l.Measure.Value != 4.5 || len(l.Measure.Records) != 0 {
				t.Fatalf("satisfaction: %+v", l)
			}
			if l := lines["sweeps"]; l.Score != 0.21 || l.Measure.Den != 73 || l.Measure.Num != 1 || len(l.Measure.Records) != 1 ||
				!strings.Contains(l.Measure.Records[0].Text, "缺报72天") || !strings.Contains(l.Measure.Records[0].URL, "/rhythm/missing?day=2026-01-01&under="+f.GridA.Code) {
				t.Fatalf("sweeps: %+v", l)
			}
			if l := lines["ledgers"]; l.Score != 4 || len(l.Measure.Records) != 3 || l.Measure.Records[0].Text != "普法宣传台账：2026年2月无记录" ||
				!strings.HasPrefix(l.Measure.Records[0].URL, "/ledgers/legal_publicity?") {
				t.Fatalf("ledgers: %+v", l)
			}
			caseLinks(res.Units[0].Lines[1], b1)

			// Township A sees where it stands, its own lines and not B's.
			mine, err := svc.Assess(town, "township_quarterly", "2026-Q1", "")
			if err != nil {
				t.Fatal(err)
			}
			if !mine.Partial || len(mine.Units) != 2 || !mine.Units[0].Hidden || len(mine.Units[0].Lines) != 0 || mine.Units[0].Score != 66.8 ||
				mine.Units[1].Hidden || len(mine.Units[1].Lines) != 6 {
				t.Fatalf("township A's view: %+v", mine.Units)
			}
			_, err = svc.Assess(town, "township_quarterly", "2026-Q1", f.TownB.Code)
			rhCode(t, "township B's own assessment for township A", err, zhili.ENOTFOUND)
			_, err = svc.Assess(f.Ctx(t, db, "auditor"), "township_quarterly", "2026-Q1", "")
			rhCode(t, "auditor", err, zhili.EFORBIDDEN)
			_, err = svc.Assess(town, "township_quarterly", "2026-03", "")
			rhCode(t, "a month for a quarterly scheme", err, zhili.EINVALID)
			_, err = svc.Assess(town, "no_such", "2026-Q1", "")
			rhCode(t, "unknown scheme", err, zhili.ENOTFOUND)
			if _, err := svc.Assess(f.Ctx(t, db, "leader"), "department_quarterly", "2026-Q1", ""); err != nil {
				t.Fatalf("departments: %v", err)
			}
		})
	}
}

// TestAssessSchemeOverride: a county edits a scheme; the override applies, bad
// input changes nothing, and a reset restores the built-in scheme.
func TestAssessSchemeOverride(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			svc := sqlstore.NewAssessService(db)
			leader := f.Ctx(t, db, "leader")
			raw := `{"name": "township_quarterly", "label": "改", "units": "townships", "period": "month", "base_score": 10, "red_list": 1, "black_list": 1,
				"items": [{"key": "overdue", "label": "超期", "measure": "overdue_steps", "weight": 10, "rule": {"kind": "deduct", "per": 5}}]}`
			_, err := svc.SetScheme(f.Ctx(t, db, "townA"), []byte(raw))
			rhCode(t, "a township edits the scheme", err, zhili.EFORBIDDEN)
			_, err = svc.SetScheme(leader, []byte(strings.Replace(raw, `"weight": 10`, `"weight": 9`, 1)))
			if rhCode(t, "weights off", err, zhili.EINVALID); !strings.Contains(fmt.Sprint(err.(*zhili.Error).Fields), "items") {
				t.Fatalf("fields: %v", err)
			}
			if sc, err := svc.Scheme(leader, "township_quarterly"); err != nil || sc.Source != "builtin" {
				t.Fatalf("after a bad edit: %v %+v", err, sc)
			}
			if _, err := svc.SetScheme(leader, []byte(raw)); err != nil {
				t.Fatal(err)
			}
			res, err := svc.Assess(leader, "township_quarterly", "2026-03", "")
			if err != nil || res.BaseScore != 10 || len(res.Units) != 2 || res.Units[0].Score != 10 {
				t.Fatalf("override: %v %+v", err, res)
			}
			if err := svc.ResetScheme(leader, "township_quarterly"); err != nil {
				t.Fatal(err)
			}
			if sc, err := svc.Scheme(leader, "township_quarterly"); err != nil || sc.Source != "builtin" || sc.Period != "quarter" {
				t.Fatalf("after reset: %v %+v", err, sc)
			}
			rhCode(t, "reset twice", svc.ResetScheme(leader, "township_quarterly"), zhili.ENOTFOUND)
		})
	}
}
