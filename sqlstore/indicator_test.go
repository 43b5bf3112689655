package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/indicator"
	"github.com/zhili-project/zhili/ledger"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// indEngine returns an engine over db whose cache refreshes on every request.
func indEngine(db *sqlstore.DB) (*indicator.Engine, *sqlstore.IndicatorStore) {
	st := sqlstore.NewIndicatorStore(db, indicator.Default())
	st.Fresh = 0
	return indicator.NewEngine(indicator.Default(), st), st
}

// TestIndicatorCaseFigures checks the case indicators of the catalogue against the
// hand-built data set of the case figures (case_count_test.go): the same values
// for the county and each township, the same display, the same records.
func TestIndicatorCaseFigures(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		b := cntData(t, db, f)
		eng, _ := indEngine(db)
		ctx := f.Ctx(t, db, "leader")
		for _, w := range cntWants {
			var got [3]*zhili.IndicatorValue
			for i, r := range []*zhili.Region{f.County, f.TownA, f.TownB} {
				v, err := eng.Indicator(ctx, zhili.IndicatorQuery{ID: w.id, Region: r.Code, From: "2026-03-01", To: "2026-03-31"})
				if err != nil {
					t.Fatalf("%s under %s: %v", w.id, r.Name, err)
				}
				got[i] = v
			}
			if got[0].Raw != w.county || got[1].Raw != w.a || got[2].Raw != w.b {
				t.Errorf("%s: county %d, A %d, B %d; want %d, %d, %d", w.id, got[0].Raw, got[1].Raw, got[2].Raw, w.county, w.a, w.b)
			}
			if got[0].Text != w.countyDisplay || (w.aDi != "" && got[1].Text != w.aDi) {
				t.Errorf("%s: text %q (A %q), want %q (A %q)", w.id, got[0].Text, got[1].Text, w.countyDisplay, w.aDi)
			}
			recs, total, err := eng.IndicatorRecords(ctx, zhili.IndicatorQuery{ID: w.id, Region: f.County.Code, From: "2026-03-01", To: "2026-03-31"}, 1, 500)
			if err != nil {
				t.Fatal(err)
			}
			var ids, want []int64
			for _, r := range recs {
				ids = append(ids, r.ID)
			}
			for _, n := range w.records {
				want = append(want, b.ids[n])
			}
			slices.Sort(want)
			if !slices.Equal(ids, want) || total != len(want) {
				t.Errorf("%s records: %v (total %d), want %v %v", w.id, ids, total, want, w.records)
			}
		}
		// A township user sees its own township's drill-down and not the other's.
		townB := f.Ctx(t, db, "townB")
		recs, _, err := eng.IndicatorRecords(townB, zhili.IndicatorQuery{ID: "dispute.resolved", Region: f.TownB.Code, From: "2026-03-01", To: "2026-03-31"}, 1, 50)
		if err != nil || len(recs) != 2 {
			t.Errorf("township B's own drill-down: %d records, %v; want 2", len(recs), err)
		}
		_, _, err = eng.IndicatorRecords(townB, zhili.IndicatorQuery{ID: "dispute.resolved", Region: f.TownA.Code, From: "2026-03-01", To: "2026-03-31"}, 1, 50)
		confCode(t, err, zhili.ENOTFOUND)
		_, err = eng.Indicator(townB, zhili.IndicatorQuery{ID: "dispute.total", Region: f.County.Code, From: "2026-03-01", To: "2026-03-31"})
		confCode(t, err, zhili.ENOTFOUND)
		_, err = eng.Indicator(f.Ctx(t, db, "sysadmin"), zhili.IndicatorQuery{ID: "dispute.total", Region: f.County.Code, From: "2026-03-01", To: "2026-03-31"})
		confCode(t, err, zhili.EFORBIDDEN)
		_, err = eng.Indicator(ctx, zhili.IndicatorQuery{ID: "dispute.total", Region: f.County.Code, From: "2026-03-31", To: "2026-03-01"})
		confCode(t, err, zhili.EINVALID)
		_, err = eng.Indicator(ctx, zhili.IndicatorQuery{ID: "no.such", Region: f.County.Code, From: "2026-03-01", To: "2026-03-31"})
		confCode(t, err, zhili.EINVALID)
	})
}

// indLedger stores a ledger record as the system on a China day.
func indLedger(t *testing.T, ctx context.Context, s *sqlstore.LedgerService, name string, r *zhili.Region, data map[string]any) int64 {
	t.Helper()
	rec := &zhili.LedgerRecord{Ledger: name, RegionID: r.ID, Data: data}
	if err := s.CreateLedgerRecord(ctx, rec); err != nil {
		t.Fatalf("ledger %s: %v", name, err)
	}
	return rec.ID
}

// TestIndicatorLedgerOrgDept checks ledger, department and org indicators on a
// small known data set: distinct counts, money in 万元 and 亿元 with the seed's
// rounding, a share above a threshold, date boundaries, counts as of the period's
// end, and parameters.
func TestIndicatorLedgerOrgDept(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		sys := storetest.System()
		ls := sqlstore.NewLedgerService(db, ledger.Default())
		// Pairings: leader 7 twice (counted once), leader 8 in April (outside).
		indLedger(t, sys, ls, "pairings", f.VillageA, map[string]any{"date": "2026-03-01", "person": 7, "role": "leader", "partner": "张三", "active": true})
		indLedger(t, sys, ls, "pairings", f.VillageB, map[string]any{"date": "2026-03-31", "person": 7, "role": "leader", "partner": "李四", "active": true})
		indLedger(t, sys, ls, "pairings", f.VillageB, map[string]any{"date": "2026-04-01", "person": 8, "role": "leader", "partner": "王五", "active": true})
		indLedger(t, sys, ls, "pairings", f.VillageB, map[string]any{"date": "2026-03-05", "person": 9, "role": "village_cadre", "partner": "赵六", "active": true})
		// Assistance: 60,000元 + 6,500元 = 6.65万元, shown "6.7万元".
		indLedger(t, sys, ls, "assistance_payouts", f.GridA, map[string]any{"date": "2026-03-02", "recipient": "甲", "kind": "temporary", "amount": 6_000_000})
		indLedger(t, sys, ls, "assistance_payouts", f.GridB, map[string]any{"date": "2026-03-03", "recipient": "乙", "kind": "medical", "amount": 650_000})
		// Village income: A 12万, community A 8万, B exactly 10万 → 2 of 3 reach 10万.
		for _, x := range []struct {
			r   *zhili.Region
			fen int64
		}{{f.VillageA, 12_000_000}, {f.CommunityA, 8_000_000}, {f.VillageB, 10_000_000}} {
			indLedger(t, sys, ls, "village_income", x.r, map[string]any{"year": 2025, "period_end": "2026-03-31", "income": x.fen})
		}
		// A convention in village A (before the period's end), one in B after it.
		indLedger(t, sys, ls, "conventions", f.VillageA, map[string]any{"date": "2025-06-01", "kind": "village_rules", "title": "村规民约"})
		indLedger(t, sys, ls, "conventions", f.VillageB, map[string]any{"date": "2026-04-02", "kind": "village_rules", "title": "村规民约"})
		// Department reports: finance 123,456,789.00元 = 1.23亿元 → "1.2亿元".
		units := sqlstore.NewUnitService(db)
		finance := &zhili.Unit{Kind: zhili.UnitDepartment, Name: "青山县金融办", RegionID: f.County.ID, Code: "finance"}
		if err := units.CreateUnit(sys, finance); err != nil {
			t.Fatal(err)
		}
		depts := sqlstore.NewDepartmentReportService(db)
		if _, err := depts.SubmitDepartmentReports(sys, []zhili.DepartmentFigure{
			{Metric: "finance.npl_recovered", RegionCode: f.County.Code, PeriodStart: "2026-03-01", PeriodEnd: "2026-03-31", Value: 12_345_678_900},
		}, zhili.DepartmentSubmit{UnitID: finance.ID, Via: "cli"}); err != nil {
			t.Fatal(err)
		}
		// Grid members: one in post on 31 March, one who left on 30 March, one from April.
		people := sqlstore.NewPersonService(db)
		for i, span := range [][2]string{{"2025-01-01", ""}, {"2025-01-01", "2026-03-30"}, {"2026-04-01", ""}} {
			p := &zhili.Person{Name: fmt.Sprintf("网格员%d", i), RegionID: f.VillageA.ID}
			if err := people.CreatePerson(sys, p); err != nil {
				t.Fatal(err)
			}
			pos := &zhili.Position{PersonID: p.ID, Role: zhili.PositionGridMember, RegionID: f.GridA.ID, Start: span[0]}
			if err := people.CreatePosition(sys, pos); err != nil {
				t.Fatal(err)
			}
			if span[1] != "" {
				if err := people.EndPosition(sys, pos.ID, span[1]); err != nil {
					t.Fatal(err)
				}
			}
		}
		eng, st := indEngine(db)
		ctx := f.Ctx(t, db, "leader")
		for _, w := range []struct {
			id     string
			region *zhili.Region
			params map[string]string
			raw    int64
			text   string
		}{
			{"pairing.leaders", f.County, nil, 1, "1名"},
			{"pairing.village_cadres", f.County, nil, 1, "1名"},
			{"pairing.village_cadres", f.TownA, nil, 0, "0名"},
			{"assistance.recipients", f.County, nil, 2, "2名"},
			{"assistance.amount", f.County, nil, 6_650_000, "6.7万元"},
			{"assistance.amount", f.TownA, nil, 6_000_000, "6.0万元"},
			{"village.income_share_at_least", f.County, nil, 666, "66％"},
			{"village.income_share_at_least", f.County, map[string]string{"threshold": "12"}, 333, "33％"},
			{"village.income_share_at_least", f.TownB, nil, 1000, "100％"},
			{"finance.npl_recovered", f.County, nil, 12_345_678_900, "1.2亿元"},
			{"grid.members", f.County, nil, 1, "1名"},
			{"grid.members", f.TownB, nil, 0, "0名"},
			{"grid.count", f.County, nil, 3, "3个"},
			{"grid.count", f.County, map[string]string{"county_seat": "true"}, 2, "2个"},
			{"region.communities", f.County, map[string]string{"county_seat": "true"}, 1, "1个"},
			{"region.villages", f.County, nil, 2, "2个"},
			{"region.villages", f.County, map[string]string{"convention": "true"}, 1, "1个"},
		} {
			v, err := eng.Indicator(ctx, zhili.IndicatorQuery{ID: w.id, Region: w.region.Code, From: "2026-03-01", To: "2026-03-31", Params: w.params})
			if err != nil {
				t.Fatalf("%s %v: %v", w.id, w.params, err)
			}
			if v.Raw != w.raw || v.Text != w.text {
				t.Errorf("%s under %s %v: %d %q, want %d %q", w.id, w.region.Name, w.params, v.Raw, v.Text, w.raw, w.text)
			}
		}
		// The figure binding: F26 is region.communities with a convention (none).
		v, err := eng.Figure(context.Background(), f.Actor(t, db, "leader"), "F25", f.County.Code, "2026-03-01", "2026-03-31")
		if err != nil || v.Raw != 1 {
			t.Errorf("F25: %+v, %v; want 1", v, err)
		}
		// A bad parameter changes nothing and names itself.
		_, err = eng.Indicator(ctx, zhili.IndicatorQuery{ID: "village.income_share_at_least", Region: f.County.Code, From: "2026-03-01", To: "2026-03-31", Params: map[string]string{"threshold": "ten"}})
		confCode(t, err, zhili.EINVALID)
		// Every indicator of the catalogue answers, and the cache agrees with SQL.
		vals, err := eng.All(ctx, f.County.Code, "2026-01-01", "2026-12-31")
		if err != nil || len(vals) != len(indicator.Default().Defs) {
			t.Fatalf("all: %d values, %v", len(vals), err)
		}
		indCompare(t, ctx, st, []*zhili.Region{f.County, f.TownA, f.VillageB, f.GridA}, [][2]string{{"2026-03-01", "2026-03-31"}, {"2025-01-01", "2026-12-31"}})
	})
}

// indCompare checks every cached indicator against its raw SQL definition for
// each region and period.
func indCompare(t *testing.T, ctx context.Context, st *sqlstore.IndicatorStore, regions []*zhili.Region, periods [][2]string) {
	t.Helper()
	n := 0
	for _, def := range indicator.Default().Defs {
		if def.Agg == indicator.AggRatio {
			continue
		}
		params := map[string]string{}
		for _, p := range def.Params {
			if p.Default != "" {
				params[p.Name] = p.Default
			}
		}
		for _, r := range regions {
			for _, pd := range periods {
				start, end, err := zhili.ParseDayRange(pd[0], pd[1])
				if err != nil {
					t.Fatal(err)
				}
				p := indicator.Period{From: pd[0], To: pd[1], Start: start, End: end}
				reg := &indicator.Region{ID: r.ID, Code: r.Code, Name: r.Name, Path: r.Path}
				fast, err := st.Compute(ctx, def, reg, p, params)
				if err != nil {
					t.Fatalf("%s fast: %v", def.ID, err)
				}
				raw, err := st.ComputeRaw(ctx, def, reg, p, params)
				if err != nil {
					t.Fatalf("%s raw: %v", def.ID, err)
				}
				if fast != raw {
					t.Errorf("%s under %s %v: cache %+v, SQL %+v", def.ID, r.Name, pd, fast, raw)
				}
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("nothing compared")
	}
}

// TestIndicatorCacheEqualsRaw builds random cases and ledger records, computes
// every indicator from the cache and from SQL, changes records at random (so
// the cache refreshes incrementally) and compares again.
func TestIndicatorCacheEqualsRaw(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		ctx := storetest.System()
		regions := []*zhili.Region{f.County, f.TownA, f.TownB, f.VillageA, f.CommunityA, f.VillageB, f.GridA, f.GridA2, f.GridB}
		var leaves []int64
		for _, r := range regions[3:] {
			leaves = append(leaves, r.ID)
		}
		schemas := map[string]*zhili.LedgerSchema{}
		for _, s := range ledger.Default().Schemas() {
			schemas[s.Name] = s
		}
		if err := db.SynthIndicatorData(ctx, sqlstore.SynthOptions{Cases: 3000, LedgerRecords: 3000, Regions: leaves,
			Unit: f.Offices[f.County.Code].ID, From: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
			Schemas: ledger.Default().Schemas(), Seed: 42}); err != nil {
			t.Fatal(err)
		}
		_, st := indEngine(db)
		var err error
		periods := [][2]string{{"2025-12-01", "2025-12-31"}, {"2026-01-15", "2026-02-14"}, {"2025-01-01", "2026-12-31"}, {"2026-02-28", "2026-02-28"}}
		check := []*zhili.Region{f.County, f.TownA, f.CommunityA, f.VillageB, f.GridA}
		indCompare(t, ctx, st, check, periods)
		for round := uint64(1); round <= 3; round++ {
			if err := db.SynthChanges(ctx, 200, leaves, schemas, round); err != nil {
				t.Fatal(err)
			}
			indCompare(t, ctx, st, check, periods)
		}
		// Moving a village to the other township moves its records' figures too.
		rs := sqlstore.NewRegionService(db)
		if _, err := rs.UpdateRegion(ctx, f.VillageA.ID, zhili.RegionUpdate{ParentID: &f.TownB.ID}); err != nil {
			t.Fatal(err)
		}
		for i, r := range check {
			if check[i], err = rs.FindRegion(ctx, r.ID); err != nil {
				t.Fatal(err)
			}
		}
		indCompare(t, ctx, st, check, periods)
		if recs, entries := st.CacheStats(); recs == 0 || entries == 0 {
			t.Errorf("cache holds %d records, %d entries", recs, entries)
		}
	})
}
