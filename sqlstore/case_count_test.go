package sqlstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// cntBook builds the hand-made data set of the count tests: each case is reported
// and moved at China-time instants set on the fixed clock, and remembered by name.
type cntBook struct {
	t     *testing.T
	db    *sqlstore.DB
	cases *sqlstore.CaseService
	clock *zhili.FixedClock
	ids   map[string]int64
}

// at sets the clock to a China-time instant "2026-03-31 23:59:59".
func (b *cntBook) at(s string) {
	b.t.Helper()
	t, err := time.ParseInLocation(time.DateTime, s, zhili.ChinaTime)
	if err != nil {
		b.t.Fatal(err)
	}
	b.clock.T = t.UTC()
}

func (b *cntBook) report(name string, kind zhili.CaseKind, category string, region *zhili.Region, when string, workers int) {
	b.t.Helper()
	b.at(when)
	c := &zhili.Case{Kind: kind, Category: category, Title: name, RegionID: region.ID, Workers: workers}
	if err := b.cases.ReportCase(storetest.System(), c, nil); err != nil {
		b.t.Fatalf("report %s: %v", name, err)
	}
	b.ids[name] = c.ID
}

func (b *cntBook) act(name, when string, act zhili.CaseAct) {
	b.t.Helper()
	b.at(when)
	if _, err := b.cases.Act(storetest.System(), b.ids[name], act); err != nil {
		b.t.Fatalf("%s %s: %v", name, act.Action, err)
	}
}

// resolve accepts and resolves a case; paid and fen are for labour complaints.
func (b *cntBook) resolve(name, when string, paid int, fen int64) {
	b.t.Helper()
	b.act(name, when, zhili.CaseAct{Action: zhili.DoAccept})
	b.act(name, when, zhili.CaseAct{Action: zhili.DoResolve, Method: "人民调解", Outcome: "已化解", WorkersPaid: paid, WagesRecovered: fen})
}

func (b *cntBook) reopen(name, when string) {
	b.t.Helper()
	b.act(name, when, zhili.CaseAct{Action: zhili.DoReopen, Note: "当事人反悔"})
}

// cntData enters the data set; the comments give each case's fate in March 2026.
func cntData(t *testing.T, db *sqlstore.DB, f *storetest.Fixture) *cntBook {
	b := &cntBook{t: t, db: db, cases: sqlstore.NewCaseService(db), clock: confClock(t, db), ids: map[string]int64{}}
	const d, e, h, l, w = zhili.KindDispute, zhili.KindEmergency, zhili.KindHazard, zhili.KindLivelihood, zhili.KindLaborComplaint
	// Disputes: the cohort reported in March.
	b.report("D1", d, "neighbour", f.GridA, "2026-03-01 00:00:00", 0) // first instant: counts
	b.resolve("D1", "2026-03-05 10:00:00", 0, 0)
	b.report("D2", d, "land_forest", f.GridA2, "2026-03-10 09:00:00", 0) // open
	b.act("D2", "2026-03-10 10:00:00", zhili.CaseAct{Action: zhili.DoAccept})
	b.report("D3", d, "property", f.GridB, "2026-03-31 23:59:59", 0)  // last second: counts
	b.resolve("D3", "2026-04-02 10:00:00", 0, 0)                      // resolved after March: still of the cohort
	b.report("D4", d, "property", f.GridB, "2026-04-01 00:00:00", 0)  // the next day: not March
	b.report("D5", d, "neighbour", f.GridA, "2026-02-28 23:59:59", 0) // February
	b.resolve("D5", "2026-03-03 10:00:00", 0, 0)
	b.report("D6", d, "neighbour", f.GridA, "2026-03-15 09:00:00", 0) // rejected: never counts
	b.act("D6", "2026-03-15 10:00:00", zhili.CaseAct{Action: zhili.DoReject, Note: "不属于受理范围"})
	b.report("D7", d, "land_forest", f.GridA2, "2026-03-16 09:00:00", 0) // duplicate of D2: never counts
	b.act("D7", "2026-03-16 10:00:00", zhili.CaseAct{Action: zhili.DoLinkDuplicate, DuplicateOf: b.ids["D2"]})
	b.report("D8", d, "neighbour", f.GridA, "2026-03-20 09:00:00", 0) // resolved, then reopened: not resolved
	b.resolve("D8", "2026-03-21 09:00:00", 0, 0)
	b.reopen("D8", "2026-03-25 09:00:00")
	b.report("D9", d, "marriage_family", f.GridB, "2026-03-12 09:00:00", 0) // resolved through to closed
	b.resolve("D9", "2026-03-13 09:00:00", 0, 0)
	b.act("D9", "2026-03-14 09:00:00", zhili.CaseAct{Action: zhili.DoVerify})
	b.act("D9", "2026-03-15 09:00:00", zhili.CaseAct{Action: zhili.DoVisit, Satisfaction: 5})
	b.act("D9", "2026-03-16 09:00:00", zhili.CaseAct{Action: zhili.DoClose})
	// Emergencies, hazards, livelihood: counted by the day they were resolved.
	b.report("E1", e, "accident", f.GridA, "2026-02-25 09:00:00", 0)
	b.resolve("E1", "2026-03-02 09:00:00", 0, 0)
	b.report("E2", e, "natural", f.GridB, "2026-03-10 09:00:00", 0)
	b.resolve("E2", "2026-04-01 00:00:00", 0, 0) // April
	b.report("E3", e, "natural", f.GridB, "2026-03-10 09:00:00", 0)
	b.resolve("E3", "2026-03-31 23:59:59", 0, 0)
	b.report("E4", e, "accident", f.GridA2, "2026-03-05 09:00:00", 0)
	b.resolve("E4", "2026-03-06 09:00:00", 0, 0)
	b.reopen("E4", "2026-03-07 09:00:00") // reopened: no longer handled
	b.report("E5", e, "accident", f.GridA, "2026-02-26 09:00:00", 0)
	b.resolve("E5", "2026-02-27 09:00:00", 0, 0)
	b.reopen("E5", "2026-03-03 09:00:00")
	b.act("E5", "2026-03-04 09:00:00", zhili.CaseAct{Action: zhili.DoResolve, Method: "现场处置", Outcome: "已处置"}) // counts once, on 4 March
	b.report("H1", h, "fire", f.GridA, "2026-03-09 09:00:00", 0)
	b.resolve("H1", "2026-03-10 09:00:00", 0, 0)
	b.report("H2", h, "gas", f.GridB, "2026-03-09 09:00:00", 0) // open
	b.report("H3", h, "road", f.GridB, "2026-03-09 09:00:00", 0)
	b.resolve("H3", "2026-03-11 09:00:00", 0, 0)
	b.report("L1", l, "water", f.GridA2, "2026-03-19 09:00:00", 0)
	b.resolve("L1", "2026-03-20 09:00:00", 0, 0)
	b.act("L1", "2026-03-21 09:00:00", zhili.CaseAct{Action: zhili.DoVerify})
	b.report("L2", l, "hardship", f.GridA, "2026-03-19 09:00:00", 0)
	b.act("L2", "2026-03-19 10:00:00", zhili.CaseAct{Action: zhili.DoReject, Note: "重复反映"})
	// Labour complaints: received by the day reported, paid by the day resolved.
	b.report("W1", w, "wage_arrears", f.GridA, "2026-03-03 09:00:00", 10)
	b.resolve("W1", "2026-03-10 09:00:00", 8, 200_000_000) // 200万元 exactly
	b.report("W2", w, "wage_arrears", f.GridB, "2026-02-20 09:00:00", 5)
	b.resolve("W2", "2026-03-15 09:00:00", 5, 156_780_050) // 1,567,800.50 元
	b.report("W3", w, "contract", f.GridB, "2026-03-18 09:00:00", 2)
	b.report("W4", w, "wage_arrears", f.GridA2, "2026-03-19 09:00:00", 3)
	b.act("W4", "2026-03-19 10:00:00", zhili.CaseAct{Action: zhili.DoReject, Note: "非本县管辖"})
	b.report("W5", w, "wage_arrears", f.GridA, "2026-03-20 09:00:00", 4)
	b.resolve("W5", "2026-03-22 09:00:00", 3, 100)
	b.reopen("W5", "2026-03-25 09:00:00")
	return b
}

// cntWant is one figure's expectation for the county and both townships.
type cntWant struct {
	id                 string
	county, a, b       int64
	records            []string // the county's records, by case name
	countyDisplay, aDi string
}

var cntWants = []cntWant{
	{id: zhili.CountDisputeTotal, county: 5, a: 3, b: 2, records: []string{"D1", "D2", "D3", "D8", "D9"}, countyDisplay: "5件"},
	{id: zhili.CountDisputeResolved, county: 3, a: 1, b: 2, records: []string{"D1", "D3", "D9"}, countyDisplay: "3件"},
	{id: zhili.CountDisputeRate, county: 600, a: 333, b: 1000, records: []string{"D1", "D2", "D3", "D8", "D9"}, countyDisplay: "60.0％", aDi: "33.3％"},
	{id: zhili.CountEmergencyHandled, county: 3, a: 2, b: 1, records: []string{"E1", "E3", "E5"}, countyDisplay: "3起"},
	{id: zhili.CountHazardRectified, county: 2, a: 1, b: 1, records: []string{"H1", "H3"}, countyDisplay: "2条"},
	{id: zhili.CountLivelihoodResolved, county: 1, a: 1, b: 0, records: []string{"L1"}, countyDisplay: "1件"},
	{id: zhili.CountLaborComplaints, county: 3, a: 2, b: 1, records: []string{"W1", "W3", "W5"}, countyDisplay: "3件"},
	{id: zhili.CountLaborWorkersPaid, county: 13, a: 8, b: 5, records: []string{"W1", "W2"}, countyDisplay: "13名"},
	{id: zhili.CountLaborWagesRecovered, county: 356_780_050, a: 200_000_000, b: 156_780_050, records: []string{"W1", "W2"},
		countyDisplay: "350多万元", aDi: "200万元"},
}

// TestCaseCounts checks every case figure on the hand-built data set: the value for
// the county and each township (the county is their sum, bar the rate), the seed's
// display form, and that the drill-down lists exactly the cases counted.
func TestCaseCounts(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		b := cntData(t, db, f)
		ctx := f.Ctx(t, db, "leader")
		count := func(id string, r *zhili.Region, from, to string) *zhili.Figure {
			t.Helper()
			fig, err := b.cases.Count(ctx, id, r.ID, from, to)
			if err != nil {
				t.Fatalf("%s under %s: %v", id, r.Name, err)
			}
			return fig
		}
		for _, w := range cntWants {
			county, a, bb := count(w.id, f.County, "2026-03-01", "2026-03-31"), count(w.id, f.TownA, "2026-03-01", "2026-03-31"), count(w.id, f.TownB, "2026-03-01", "2026-03-31")
			if county.Value != w.county || a.Value != w.a || bb.Value != w.b {
				t.Errorf("%s: county %d, A %d, B %d; want %d, %d, %d", w.id, county.Value, a.Value, bb.Value, w.county, w.a, w.b)
			}
			if w.id != zhili.CountDisputeRate && county.Value != a.Value+bb.Value {
				t.Errorf("%s: county %d is not the sum of its townships %d + %d", w.id, county.Value, a.Value, bb.Value)
			}
			if county.Display != w.countyDisplay || (w.aDi != "" && a.Display != w.aDi) {
				t.Errorf("%s: display %q (A %q), want %q (A %q)", w.id, county.Display, a.Display, w.countyDisplay, w.aDi)
			}
			ids, err := b.cases.CountRecords(ctx, w.id, f.County.ID, "2026-03-01", "2026-03-31")
			if err != nil {
				t.Fatal(err)
			}
			var want []int64
			for _, n := range w.records {
				want = append(want, b.ids[n])
			}
			slices.Sort(want)
			if !slices.Equal(ids, want) {
				t.Errorf("%s records: %v, want %v %v", w.id, ids, want, w.records)
			}
			cntCheckDrill(t, ctx, b.cases, w.id, county, ids)
		}
	})
}

// cntCheckDrill checks that the drill-down adds up to the figure: as many cases as
// a count, the same sum for the sums, the denominator for the rate.
func cntCheckDrill(t *testing.T, ctx context.Context, cases *sqlstore.CaseService, id string, fig *zhili.Figure, ids []int64) {
	t.Helper()
	var sum int64
	for _, cid := range ids {
		c, err := cases.FindCase(ctx, cid)
		if err != nil {
			t.Fatal(err)
		}
		switch id {
		case zhili.CountLaborWorkersPaid:
			sum += int64(c.WorkersPaid)
		case zhili.CountLaborWagesRecovered:
			sum += c.WagesRecovered
		default:
			sum++
		}
	}
	want := fig.Value
	if id == zhili.CountDisputeRate {
		want = fig.Den
	}
	if sum != want {
		t.Errorf("%s: drill-down adds up to %d, the figure is %d", id, sum, want)
	}
}

// TestCaseCountBoundaries checks single days at the edges of March: a case
// reported at 23:59:59 on the 31st is that day's, one at 00:00 on 1 April is the
// next day's, and the same holds for the day a case was resolved.
func TestCaseCountBoundaries(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		b := cntData(t, db, f)
		ctx := f.Ctx(t, db, "center")
		for _, c := range []struct {
			id, day string
			want    []string
		}{
			{zhili.CountDisputeTotal, "2026-03-31", []string{"D3"}},
			{zhili.CountDisputeTotal, "2026-04-01", []string{"D4"}},
			{zhili.CountDisputeTotal, "2026-03-01", []string{"D1"}},
			{zhili.CountDisputeTotal, "2026-02-28", []string{"D5"}},
			{zhili.CountEmergencyHandled, "2026-03-31", []string{"E3"}},
			{zhili.CountEmergencyHandled, "2026-04-01", []string{"E2"}},
			{zhili.CountEmergencyHandled, "2026-02-27", nil}, // E5's first resolution was undone
		} {
			fig, err := b.cases.Count(ctx, c.id, f.County.ID, c.day, c.day)
			if err != nil {
				t.Fatal(err)
			}
			ids, err := b.cases.CountRecords(ctx, c.id, f.County.ID, c.day, c.day)
			if err != nil {
				t.Fatal(err)
			}
			var want []int64
			for _, n := range c.want {
				want = append(want, b.ids[n])
			}
			if fig.Value != int64(len(c.want)) || len(ids) != len(want) || !slices.Equal(ids, want) && len(want) > 0 {
				t.Errorf("%s on %s: %d %v, want %v", c.id, c.day, fig.Value, ids, c.want)
			}
		}
		// A period with no disputes has no rate.
		fig, err := b.cases.Count(ctx, zhili.CountDisputeRate, f.County.ID, "2025-01-01", "2025-12-31")
		if err != nil || fig.Den != 0 || fig.Display != "—" {
			t.Errorf("empty rate: %+v %v", fig, err)
		}
	})
}

// TestCaseCountRefusals: the region must be in the caller's scope (ENOTFOUND, as
// for a region that does not exist), the role must read business data, and bad
// figures or periods name the field.
func TestCaseCountRefusals(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		cases := sqlstore.NewCaseService(db)
		townA := f.Ctx(t, db, "townA")
		if _, err := cases.Count(townA, zhili.CountDisputeTotal, f.TownA.ID, "2026-03-01", "2026-03-31"); err != nil {
			t.Fatalf("own township: %v", err)
		}
		for _, r := range []int64{f.TownB.ID, f.County.ID, 999999} {
			_, err := cases.Count(townA, zhili.CountDisputeTotal, r, "2026-03-01", "2026-03-31")
			confCode(t, err, zhili.ENOTFOUND)
			_, err = cases.CountRecords(townA, zhili.CountDisputeTotal, r, "2026-03-01", "2026-03-31")
			confCode(t, err, zhili.ENOTFOUND)
		}
		_, err := cases.Count(f.Ctx(t, db, "auditor"), zhili.CountDisputeTotal, f.County.ID, "2026-03-01", "2026-03-31")
		confCode(t, err, zhili.EFORBIDDEN)
		_, err = cases.Count(confNoActor(), zhili.CountDisputeTotal, f.County.ID, "2026-03-01", "2026-03-31")
		confCode(t, err, zhili.EUNAUTHORIZED)
		_, err = cases.Count(townA, "dispute.bogus", f.TownA.ID, "2026-03-01", "2026-03-31")
		confField(t, err, "id")
		_, err = cases.Count(townA, zhili.CountDisputeTotal, f.TownA.ID, "2026-03-31", "2026-03-01")
		confField(t, err, "to")
		_, err = cases.CountRecords(townA, zhili.CountDisputeTotal, f.TownA.ID, "2026/03/01", "2026-03-31")
		confField(t, err, "from")
	})
}
