package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// cockpitNow is the instant the cockpit tests look from: after the count tests'
// data set, so some of its open cases are overdue and on the dispatch list.
const cockpitNow = "2026-04-20 12:00:00"

// cockpitData enters the count tests' cases and sets the clock to cockpitNow.
func cockpitData(t *testing.T, db *sqlstore.DB, f *storetest.Fixture) *cntBook {
	t.Helper()
	b := cntData(t, db, f)
	b.at(cockpitNow)
	return b
}

// total counts the case list's records for a filter: what a cockpit number's
// link opens.
func total(t *testing.T, ctx context.Context, cases *sqlstore.CaseService, f zhili.CaseFilter) int {
	t.Helper()
	f.Limit = 1
	_, n, err := cases.FindCases(ctx, f)
	if err != nil {
		t.Fatalf("find cases: %v", err)
	}
	return n
}

func dayStart(t *testing.T, day string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, day, zhili.ChinaTime)
	if err != nil {
		t.Fatal(err)
	}
	return d.UTC()
}

func TestCockpitTrend(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			b := cockpitData(t, db, f)
			svc := sqlstore.NewCockpitService(db)
			for _, who := range []string{"leader", "townA"} {
				ctx := f.Ctx(t, db, who)
				tr, err := svc.CockpitTrend(ctx, zhili.CockpitQuery{From: "2026-02-15", To: "2026-04-10"})
				if err != nil {
					t.Fatalf("%s: trend: %v", who, err)
				}
				if got := len(tr.Months); got != 3 || tr.Months[0] != "2026-02" || tr.MonthFrom[0] != "2026-02-15" || tr.MonthTo[2] != "2026-04-10" {
					t.Fatalf("%s: months %v %v %v", who, tr.Months, tr.MonthFrom, tr.MonthTo)
				}
				// Recount: every case of the caller's area, bucketed here.
				all, _, err := b.cases.FindCases(ctx, zhili.CaseFilter{Limit: 1000})
				if err != nil {
					t.Fatal(err)
				}
				month := func(at *time.Time, i int) bool {
					return at != nil && !at.Before(dayStart(t, tr.MonthFrom[i])) && at.Before(dayStart(t, tr.MonthTo[i]).AddDate(0, 0, 1))
				}
				seen := 0
				for _, s := range tr.Series {
					for i := range tr.Months {
						var nw, res int
						for _, c := range all {
							if c.Kind != s.Kind {
								continue
							}
							if at := c.ReportedAt; month(&at, i) {
								nw++
							}
							if month(c.ResolvedAt, i) {
								res++
							}
						}
						if s.New[i] != nw || s.Resolved[i] != res {
							t.Errorf("%s: %s %s: new %d resolved %d, recount %d %d", who, s.Kind, tr.Months[i], s.New[i], s.Resolved[i], nw, res)
						}
						// The new bar's link: the case list by kind and days.
						from, to := dayStart(t, tr.MonthFrom[i]), dayStart(t, tr.MonthTo[i]).AddDate(0, 0, 1)
						kind := s.Kind
						if n := total(t, ctx, b.cases, zhili.CaseFilter{Kind: &kind, ReportedFrom: &from, ReportedTo: &to}); n != s.New[i] {
							t.Errorf("%s: %s %s: new %d, case list %d", who, s.Kind, tr.Months[i], s.New[i], n)
						}
						seen += s.New[i]
					}
				}
				if seen == 0 {
					t.Errorf("%s: the trend counts nothing", who)
				}
			}
			_, err := svc.CockpitTrend(f.Ctx(t, db, "leader"), zhili.CockpitQuery{From: "2020-01-01", To: "2026-03-31"})
			if fe := zhili.ErrorFields(err); len(fe) != 1 || fe[0].Field != "from" {
				t.Errorf("a 75-month trend: %v, want EINVALID on from", err)
			}
		})
	}
}

func TestCockpitMap(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			b := cockpitData(t, db, f)
			svc := sqlstore.NewCockpitService(db)
			ctx := f.Ctx(t, db, "leader")
			m, err := svc.CockpitMap(ctx, zhili.CockpitQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if m.Region.Code != f.County.Code || len(m.Grids) != 3 {
				t.Fatalf("map of %s with %d grids", m.Region.Code, len(m.Grids))
			}
			now := db.Clock.Now()
			var open, overdue int
			for _, g := range m.Grids {
				if len(g.Boundary) == 0 {
					t.Errorf("grid %s has no boundary", g.Code)
				}
				id := g.ID
				if n := total(t, ctx, b.cases, zhili.CaseFilter{Under: &id, States: zhili.OpenStates}); n != g.Open {
					t.Errorf("grid %s: open %d, case list %d", g.Code, g.Open, n)
				}
				if n := total(t, ctx, b.cases, zhili.CaseFilter{Under: &id, DueBefore: &now}); n != g.Overdue {
					t.Errorf("grid %s: overdue %d, case list %d", g.Code, g.Overdue, n)
				}
				open, overdue = open+g.Open, overdue+g.Overdue
			}
			if open == 0 || overdue == 0 {
				t.Errorf("the data set should have open (%d) and overdue (%d) cases", open, overdue)
			}
			if m.TileURL != "" {
				t.Errorf("tiles %q without the setting", m.TileURL)
			}
			const tiles = "/tiles/{z}/{x}/{y}.png"
			if _, err := confRaw(t, db).Exec(`INSERT INTO settings (key, value) VALUES ('map_tile_url', ' ` + tiles + ` ')`); err != nil {
				t.Fatal(err)
			}
			if m, err := svc.CockpitMap(ctx, zhili.CockpitQuery{}); err != nil || m.TileURL != tiles {
				t.Errorf("tiles from the setting: %v %+v", err, m)
			}
			// A township sees its own grids; the other township is not found,
			// exactly like a region that does not exist.
			ta := f.Ctx(t, db, "townA")
			if m, err := svc.CockpitMap(ta, zhili.CockpitQuery{}); err != nil || len(m.Grids) != 2 || m.Region.Code != f.TownA.Code {
				t.Errorf("townA's own map: %v", err)
			}
			for _, code := range []string{f.TownB.Code, f.GridB.Code, "419901999000"} {
				if _, err := svc.CockpitMap(ta, zhili.CockpitQuery{Region: code}); zhili.ErrorCode(err) != zhili.ENOTFOUND {
					t.Errorf("townA asks for %s: %v, want ENOTFOUND", code, err)
				}
			}
			if _, err := svc.CockpitMap(f.Ctx(t, db, "auditor"), zhili.CockpitQuery{}); zhili.ErrorCode(err) != zhili.EFORBIDDEN {
				t.Errorf("auditor: %v, want EFORBIDDEN", err)
			}
		})
	}
}

func TestCockpitBoard(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			b := cockpitData(t, db, f)
			svc := sqlstore.NewCockpitService(db)
			ctx := f.Ctx(t, db, "center")
			q := zhili.CockpitQuery{Region: f.County.Code, From: "2026-03-01", To: "2026-03-31"}
			bd, err := svc.CockpitBoard(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(bd.Rankings) != 2 || bd.Rankings[0].Code != f.TownB.Code || bd.Today != "2026-04-20" {
				t.Fatalf("rankings %+v, today %s", bd.Rankings, bd.Today)
			}
			now := db.Clock.Now()
			from, to := dayStart(t, q.From), dayStart(t, q.To).AddDate(0, 0, 1)
			var sumNew int
			for _, r := range bd.Rankings {
				id := r.RegionID
				want := []struct {
					name     string
					got      int
					f        zhili.CaseFilter
					nonEmpty bool
				}{
					{"new", r.New, zhili.CaseFilter{Under: &id, ReportedFrom: &from, ReportedTo: &to}, true},
					{"resolved", r.Resolved, zhili.CaseFilter{Under: &id, ReportedFrom: &from, ReportedTo: &to, States: zhili.ResolvedStates}, true},
					{"open", r.Open, zhili.CaseFilter{Under: &id, States: zhili.OpenStates}, true},
					{"overdue", r.Overdue, zhili.CaseFilter{Under: &id, DueBefore: &now}, false},
				}
				for _, w := range want {
					if n := total(t, ctx, b.cases, w.f); n != w.got || (w.nonEmpty && n == 0) {
						t.Errorf("%s %s: %d, case list %d", r.Name, w.name, w.got, n)
					}
				}
				if r.Rate != zhili.RateTenths(int64(r.Resolved), int64(r.New)) {
					t.Errorf("%s: rate %d", r.Name, r.Rate)
				}
				sumNew += r.New
			}
			if n := total(t, ctx, b.cases, zhili.CaseFilter{ReportedFrom: &from, ReportedTo: &to}); n != sumNew {
				t.Errorf("rankings add up to %d new cases, the county has %d", sumNew, n)
			}
			if n := total(t, ctx, b.cases, zhili.CaseFilter{DueBefore: &now}); n != bd.OverdueTotal || n == 0 || len(bd.Overdue) != min(n, zhili.CockpitListSize) {
				t.Errorf("overdue %d (%d listed), case list %d", bd.OverdueTotal, len(bd.Overdue), n)
			}
			for i := 1; i < len(bd.Overdue); i++ {
				if bd.Overdue[i].DueAt.After(*bd.Overdue[i-1].DueAt) {
					t.Errorf("overdue alerts not newest first: %v after %v", bd.Overdue[i].DueAt, bd.Overdue[i-1].DueAt)
				}
			}
			rhythm := sqlstore.NewRhythmService(db)
			dl, err := rhythm.DispatchList(ctx, f.County.ID, now)
			if err != nil {
				t.Fatal(err)
			}
			if bd.DispatchTotal != len(dl) || len(dl) == 0 || bd.Dispatch[0].ID != dl[0].Case.ID {
				t.Errorf("dispatch %d, rhythm's list %d", bd.DispatchTotal, len(dl))
			}
			ms, err := rhythm.MissingChecks(ctx, f.County.ID, bd.Today)
			if err != nil {
				t.Fatal(err)
			}
			if bd.MissingTotal != len(ms) {
				t.Errorf("missing %d, rhythm's list %d", bd.MissingTotal, len(ms))
			}
			// A township's board ranks its villages and sees only its own cases.
			tb, err := svc.CockpitBoard(f.Ctx(t, db, "townB"), zhili.CockpitQuery{From: q.From, To: q.To})
			if err != nil {
				t.Fatal(err)
			}
			if len(tb.Rankings) != 1 || tb.Rankings[0].Code != f.VillageB.Code || tb.Rankings[0].New != bd.Rankings[0].New {
				t.Errorf("townB rankings %+v", tb.Rankings)
			}
			for _, c := range tb.Overdue {
				if c.RegionName != f.GridB.Name {
					t.Errorf("townB sees case %d of %s", c.ID, c.RegionName)
				}
			}
			if _, err := svc.CockpitBoard(ctx, zhili.CockpitQuery{From: "2026-03-31", To: "2026-03-01"}); zhili.ErrorCode(err) != zhili.EINVALID {
				t.Errorf("reversed period: %v, want EINVALID", err)
			}
		})
	}
}
