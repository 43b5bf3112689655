package sqlstore_test

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

const rhDay = 24 * time.Hour

// rhRaw opens a plain connection to db's database for counting rows.
func rhRaw(tb testing.TB, db *sqlstore.DB) *sql.DB {
	tb.Helper()
	driver, dsn := "pgx", db.DSN
	if db.Dialect() == "sqlite" {
		driver, dsn = "sqlite", "file:"+strings.TrimPrefix(dsn, "sqlite:")+"?_pragma=busy_timeout(10000)"
	}
	r, err := sql.Open(driver, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { r.Close() })
	return r
}

// rhCount runs a COUNT query on the raw connection; ? placeholders only for SQLite,
// so the queries here take their values inline.
func rhCount(tb testing.TB, r *sql.DB, q string) int {
	tb.Helper()
	var n int
	if err := r.QueryRow(q).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	return n
}

// rhReport reports a case as the fixture account who, in a region.
func rhReport(t *testing.T, db *sqlstore.DB, f *storetest.Fixture, who string, region *zhili.Region, title string, parties ...*zhili.Party) *zhili.Case {
	t.Helper()
	c := &zhili.Case{Kind: zhili.KindDispute, Category: "neighbour", Title: title, RegionID: region.ID}
	if err := sqlstore.NewCaseService(db).ReportCase(f.Ctx(t, db, who), c, parties); err != nil {
		t.Fatal(err)
	}
	return c
}

// rhResolve has the holder accept and resolve a case reported in village A.
func rhResolve(t *testing.T, db *sqlstore.DB, f *storetest.Fixture, id int64) {
	t.Helper()
	cases, ctx := sqlstore.NewCaseService(db), f.Ctx(t, db, "villageA")
	if _, err := cases.Act(ctx, id, zhili.CaseAct{Action: zhili.DoAccept, From: zhili.CaseReported}); err != nil {
		t.Fatal(err)
	}
	if _, err := cases.Act(ctx, id, zhili.CaseAct{Action: zhili.DoResolve, Method: "人民调解", Outcome: "和解"}); err != nil {
		t.Fatal(err)
	}
}

func rhIDs(cs []*zhili.Case) []int64 {
	var out []int64
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

// TestVisitsAndDispatch: a case resolved 11 days ago without a visit is overdue for
// its visit, one resolved 9 days ago is not; a case open 16 days is on the dispatch
// list with its timeline, one open 14 days is not; a township sees only its own.
func TestVisitsAndDispatch(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			clock, rh := db.Clock.(*zhili.FixedClock), sqlstore.NewRhythmService(db)
			open := rhReport(t, db, f, "gridA", f.GridA, "长期未结")
			other := rhReport(t, db, f, "center", f.GridB, "东城街道未结")
			early := rhReport(t, db, f, "gridA", f.GridA, "十一天前化解")
			rhResolve(t, db, f, early.ID)
			clock.Advance(2 * rhDay)
			late := rhReport(t, db, f, "gridA", f.GridA, "九天前化解")
			rhResolve(t, db, f, late.ID)
			young := rhReport(t, db, f, "gridA", f.GridA, "十四天未结")

			clock.Advance(9 * rhDay) // day 11
			visits, err := rh.OverdueVisits(f.Ctx(t, db, "townA"), f.TownA.ID, clock.Now())
			if err != nil || !slices.Equal(rhIDs(visits), []int64{early.ID}) {
				t.Fatalf("overdue visits on day 11: %v %v, want [%d]", err, rhIDs(visits), early.ID)
			}

			clock.Advance(5 * rhDay) // day 16
			list, err := rh.DispatchList(f.Ctx(t, db, "center"), f.County.ID, clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, it := range list {
				ids = append(ids, it.Case.ID)
			}
			if !slices.Equal(ids, []int64{open.ID, other.ID}) || list[0].DaysOpen != 16 || len(list[0].Timeline) != 1 ||
				list[0].Timeline[0].Action != zhili.DoReport {
				t.Fatalf("dispatch list: %v (want %d, %d; not %d) %+v", ids, open.ID, other.ID, young.ID, list[0])
			}
			townA := f.Ctx(t, db, "townA")
			list, err = rh.DispatchList(townA, f.TownA.ID, clock.Now())
			if err != nil || len(list) != 1 || list[0].Case.ID != open.ID {
				t.Fatalf("township A's dispatch list: %v %d items", err, len(list))
			}
			// Another township's lists, or the county's, are not there for township A.
			_, err = rh.DispatchList(townA, f.TownB.ID, clock.Now())
			rhCode(t, "dispatch list of township B", err, zhili.ENOTFOUND)
			_, err = rh.DispatchList(townA, f.County.ID, clock.Now())
			rhCode(t, "dispatch list of the county", err, zhili.ENOTFOUND)
			_, err = rh.OverdueVisits(townA, f.TownB.ID, clock.Now())
			rhCode(t, "visits of township B", err, zhili.ENOTFOUND)
			_, err = rh.MissingChecks(townA, f.TownB.ID, "2026-03-02")
			rhCode(t, "missing checks of township B", err, zhili.ENOTFOUND)
			_, err = rh.WeeklyReview(townA, f.TownB.ID, "2026-W10")
			rhCode(t, "weekly review of township B", err, zhili.ENOTFOUND)
			_, err = rh.MonthlyBulletinData(townA, f.TownB.ID, "2026-03")
			rhCode(t, "bulletin of township B", err, zhili.ENOTFOUND)
			_, err = rh.DispatchList(f.Ctx(t, db, "sysadmin"), f.County.ID, clock.Now())
			rhCode(t, "the system administrator sees no business data", err, zhili.EFORBIDDEN)
			_, err = rh.DispatchList(context.Background(), f.County.ID, clock.Now())
			rhCode(t, "anonymous", err, zhili.EUNAUTHORIZED)
		})
	}
}

// rhMember creates a person in a village with a grid-member post in a grid and an
// account linked to them in the village's office.
func rhMember(t *testing.T, db *sqlstore.DB, f *storetest.Fixture, name string, village, grid *zhili.Region) context.Context {
	t.Helper()
	sys := storetest.System()
	people := sqlstore.NewPersonService(db)
	p := &zhili.Person{Name: name, RegionID: village.ID}
	if err := people.CreatePerson(sys, p); err != nil {
		t.Fatal(err)
	}
	if err := people.CreatePosition(sys, &zhili.Position{PersonID: p.ID, Role: zhili.PositionGridMember, RegionID: grid.ID, Start: "2026-01-01"}); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.Offices[village.Code]; !ok {
		t.Fatalf("no office for %s", village.Name)
	}
	u, err := sqlstore.NewUserService(db).CreateUser(sys, zhili.UserCreate{Username: "m" + p.Name, Name: name, Role: zhili.RoleGridMember,
		UnitID: f.Offices[village.Code].ID, PersonID: p.ID, Password: storetest.Password})
	if err != nil {
		t.Fatal(err)
	}
	f.Users[u.Username] = u
	return f.Ctx(t, db, u.Username)
}

// TestDailyChecks: a grid member files a zero-report for their own grid only, once a
// day; the next day, the grid whose member filed nothing is listed as missing and
// the one with the zero-report is not.
func TestDailyChecks(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			clock, rh := db.Clock.(*zhili.FixedClock), sqlstore.NewRhythmService(db)
			wang := rhMember(t, db, f, "王网格", f.VillageA, f.GridA)
			rhMember(t, db, f, "李网格", f.CommunityA, f.GridA2)
			rhMember(t, db, f, "赵网格", f.VillageB, f.GridB)

			c, err := rh.FileDailyCheck(wang, f.GridA.ID, "2026-03-02", 0, "")
			if err != nil || !c.ZeroReport || c.ID == 0 {
				t.Fatalf("zero-report: %v %+v", err, c)
			}
			_, err = rh.FileDailyCheck(wang, f.GridA.ID, "2026-03-02", 1, "")
			rhCode(t, "second sweep of the day", err, zhili.ECONFLICT)
			_, err = rh.FileDailyCheck(wang, f.GridA2.ID, "2026-03-02", 0, "")
			rhCode(t, "another village's grid", err, zhili.ENOTFOUND)
			_, err = rh.FileDailyCheck(wang, f.VillageA.ID, "2026-03-02", 0, "")
			rhCode(t, "a village is not a grid", err, zhili.ENOTFOUND)
			_, err = rh.FileDailyCheck(wang, f.GridA.ID, "2026-02-20", 0, "")
			rhCode(t, "a sweep of last month", err, zhili.EINVALID)
			_, err = rh.FileDailyCheck(wang, f.GridA.ID, "2026-03-02", -1, "")
			rhCode(t, "negative found", err, zhili.EINVALID)
			_, err = rh.FileDailyCheck(f.Ctx(t, db, "leader"), f.GridA.ID, "2026-03-02", 0, "")
			rhCode(t, "a leader files a sweep", err, zhili.EFORBIDDEN)
			// The fixture's grid member has no person link: its scope decides.
			if _, err := rh.FileDailyCheck(f.Ctx(t, db, "gridA"), f.GridA.ID, "2026-03-02", 2, "两处隐患"); err != nil {
				t.Fatal(err)
			}

			clock.Advance(rhDay)
			missing, err := rh.MissingChecks(f.Ctx(t, db, "townA"), f.TownA.ID, "2026-03-02")
			if err != nil || len(missing) != 1 || missing[0].GridID != f.GridA2.ID || !slices.Equal(missing[0].Members, []string{"李网格"}) ||
				missing[0].TownshipID != f.TownA.ID {
				t.Fatalf("township A missing: %v %+v", err, missing)
			}
			missing, err = rh.MissingChecks(f.Ctx(t, db, "center"), f.County.ID, "2026-03-02")
			if err != nil || len(missing) != 2 || missing[0].GridID != f.GridB.ID || missing[1].GridID != f.GridA2.ID { // by code
				t.Fatalf("county missing: %v %+v", err, missing)
			}
			// Yesterday may still be filed; then the grid is no longer missing.
			li := f.Ctx(t, db, "m"+"李网格")
			if _, err := rh.FileDailyCheck(li, f.GridA2.ID, "2026-03-02", 0, ""); err != nil {
				t.Fatal(err)
			}
			if missing, _ = rh.MissingChecks(f.Ctx(t, db, "townA"), f.TownA.ID, "2026-03-02"); len(missing) != 0 {
				t.Fatalf("after the late filing: %+v", missing)
			}
			_, err = rh.MissingChecks(f.Ctx(t, db, "townA"), f.TownA.ID, "3 March")
			rhCode(t, "bad day", err, zhili.EINVALID)
		})
	}
}
