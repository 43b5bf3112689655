package indicators_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/indicator"
	"github.com/zhili-project/zhili/ledger"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

const from, to = "2025-01-01", "2025-12-31" // the year computed

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n >= 0 {
		return n
	}
	return def
}

// city is the synthetic city in a database: its code, a township's code and a
// context acting as the system.
type city struct {
	db       *sqlstore.DB
	code     string
	township string
}

// openDB opens the dialect's database: a kept SQLite file when ZHILI_BENCH_SQLITE
// names one, a kept PostgreSQL database when ZHILI_BENCH_POSTGRES holds its URL,
// otherwise a fresh test database.
func openDB(b *testing.B, dialect string) *sqlstore.DB {
	if path := os.Getenv("ZHILI_BENCH_SQLITE"); dialect == "sqlite" && path != "" {
		db, err := sqlstore.Open("sqlite:" + path)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(context.Background()); err != nil {
			b.Fatal(err)
		}
		return db
	}
	if url := os.Getenv("ZHILI_BENCH_POSTGRES"); dialect == "postgres" && url != "" {
		db, err := sqlstore.Open(url)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(context.Background()); err != nil {
			b.Fatal(err)
		}
		return db
	}
	return storetest.Open(b, dialect)
}

// build makes (or finds) the city: 4 counties × 12 townships × 16 villages × 6
// grids (4,608 grids), cases and ledger records spread over its grids from
// January 2025 to February 2026.
func build(b *testing.B, dialect string, cases, records int) *city {
	b.Helper()
	db := openDB(b, dialect)
	ctx := storetest.System()
	c := &city{db: db, code: "419900000000", township: "419901101000"}
	regions := sqlstore.NewRegionService(db)
	if _, err := regions.FindRegionByCode(ctx, c.code); err == nil {
		b.Logf("reusing the city already in the %s database", dialect)
		return c
	}
	rows := []zhili.RegionRow{{Line: 2, Code: c.code, Name: "青山市", Level: zhili.LevelCity, Kind: zhili.KindCity}}
	add := func(code, name, parent string, level zhili.RegionLevel, kind zhili.RegionKind) {
		rows = append(rows, zhili.RegionRow{Line: len(rows) + 2, Code: code, Name: name, ParentCode: parent, Level: level, Kind: kind})
	}
	for k := 1; k <= 4; k++ {
		county := fmt.Sprintf("4199%02d000000", k)
		add(county, fmt.Sprintf("第%d县", k), c.code, zhili.LevelCounty, zhili.KindCounty)
		for t := 1; t <= 12; t++ {
			town := fmt.Sprintf("4199%02d%03d000", k, 100+t)
			add(town, fmt.Sprintf("第%d县%d镇", k, t), county, zhili.LevelTownship, zhili.KindTown)
			for v := 1; v <= 16; v++ {
				village := fmt.Sprintf("4199%02d%03d%03d", k, 100+t, 200+v)
				add(village, fmt.Sprintf("%d镇%d村", t, v), town, zhili.LevelVillage, zhili.KindVillage)
				for g := 1; g <= 6; g++ {
					add(fmt.Sprintf("%s%03d", village, g), fmt.Sprintf("%d村%d网格", v, g), village, zhili.LevelGrid, zhili.KindComprehensive)
				}
			}
		}
	}
	if _, err := regions.ImportRegions(ctx, rows); err != nil {
		b.Fatal(err)
	}
	all, _, err := regions.FindRegions(ctx, zhili.RegionFilter{Limit: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	var grids []int64
	var root int64
	for _, r := range all {
		if r.Level == zhili.LevelGrid {
			grids = append(grids, r.ID)
		}
		if r.Code == c.code {
			root = r.ID
		}
	}
	office := &zhili.Unit{Kind: zhili.UnitOffice, Name: "青山市政府", RegionID: root}
	if err := sqlstore.NewUnitService(db).CreateUnit(ctx, office); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := db.SynthIndicatorData(ctx, sqlstore.SynthOptions{Cases: cases, LedgerRecords: records, Regions: grids, Unit: office.ID,
		From: time.Date(2024, 12, 31, 16, 0, 0, 0, time.UTC), To: time.Date(2026, 2, 28, 16, 0, 0, 0, time.UTC),
		Schemas: ledger.Default().Schemas(), Seed: 7, Fast: true}); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: generated %d cases and %d ledger records in %s", dialect, cases, records, time.Since(start).Round(time.Millisecond))
	return c
}

// BenchmarkIndicators computes every indicator of the catalogue for the city
// and for one township over 2025: from the cache, from the raw SQL definitions,
// and as one plain GROUP BY per source. Before timing it checks that the cache
// equals the raw definition for every indicator.
func BenchmarkIndicators(b *testing.B) {
	cases, records := envInt("ZHILI_BENCH_CASES", 100_000), envInt("ZHILI_BENCH_LEDGER", 20_000)
	for _, d := range storetest.Dialects() {
		b.Run(d, func(b *testing.B) {
			c := build(b, d, cases, records)
			cat := indicator.Default()
			st := sqlstore.NewIndicatorStore(c.db, cat)
			eng := indicator.NewEngine(cat, st)
			raw := sqlstore.NewIndicatorStore(c.db, cat)
			raw.NoCache = true
			rawEng := indicator.NewEngine(cat, raw)
			ctx := storetest.System()

			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			if err := st.Refresh(ctx); err != nil {
				b.Fatal(err)
			}
			load := time.Since(start)
			runtime.GC()
			runtime.ReadMemStats(&after)
			recs, entries := st.CacheStats()
			b.Logf("%s: cache loaded %d records (%d entries) in %s, heap +%d MB", d, recs, entries, load.Round(time.Millisecond),
				(int64(after.HeapAlloc)-int64(before.HeapAlloc))>>20)

			check := []string{c.code, c.township}
			if os.Getenv("ZHILI_BENCH_CHECK") == "0" { // the check already passed on this database
				check = nil
				b.Logf("%s: cache = raw SQL check skipped (ZHILI_BENCH_CHECK=0)", d)
			}
			for _, region := range check {
				fast, err := eng.All(ctx, region, from, to)
				if err != nil {
					b.Fatal(err)
				}
				slow, err := rawEng.All(ctx, region, from, to)
				if err != nil {
					b.Fatal(err)
				}
				for i := range fast {
					if fast[i].Raw != slow[i].Raw || fast[i].Num != slow[i].Num || fast[i].Den != slow[i].Den {
						b.Fatalf("%s under %s: cache %+v, SQL %+v", fast[i].ID, region, fast[i], slow[i])
					}
				}
			}
			if check != nil {
				b.Logf("%s: cache equals the raw SQL definition for all %d indicators, city and township", d, len(cat.Defs))
			}

			b.Run("cache/city", func(b *testing.B) { all(b, eng, c.code) })
			b.Run("cache/township", func(b *testing.B) { all(b, eng, c.township) })
			b.Run("sql/city", func(b *testing.B) { all(b, rawEng, c.code) })
			b.Run("sql/township", func(b *testing.B) { all(b, rawEng, c.township) })
			b.Run("groupby/city", func(b *testing.B) { groupBy(b, c.db) })
			b.Run("bulletin/city", func(b *testing.B) { bulletin(b, c.db, eng, "monthly_bulletin", c.code, "html") })
			b.Run("bulletin/city-docx", func(b *testing.B) { bulletin(b, c.db, eng, "monthly_bulletin", c.code, "docx") })
			b.Run("bulletin/township", func(b *testing.B) { bulletin(b, c.db, eng, "monthly_bulletin", c.township, "html") })
			b.Run("bulletin/issue-city", func(b *testing.B) { bulletin(b, c.db, eng, "bulletin_issue", c.code, "html") })
			b.Run("bulletin/sql", func(b *testing.B) { bulletinSQL(b, c.db) })
		})
	}
}

// all computes the whole catalogue for a region b.N times.
func all(b *testing.B, eng *indicator.Engine, region string) {
	ctx := storetest.System()
	for b.Loop() {
		if _, err := eng.All(ctx, region, from, to); err != nil {
			b.Fatal(err)
		}
	}
}

// groupBy runs the plain SQL a dashboard would otherwise run: cases grouped by
// kind and state over the year by report day and by resolution day, and ledger
// records grouped by ledger over the year.
func groupBy(b *testing.B, db *sqlstore.DB) {
	ctx := context.Background()
	start, end, err := zhili.ParseDayRange(from, to)
	if err != nil {
		b.Fatal(err)
	}
	s, e := start.Format("2006-01-02T15:04:05.000000Z"), end.Format("2006-01-02T15:04:05.000000Z")
	queries := []struct {
		q    string
		args []any
	}{
		{`SELECT kind, state, COUNT(*), SUM(workers_paid), SUM(wages_recovered_fen) FROM cases WHERE reported_at >= ? AND reported_at < ? GROUP BY kind, state`, []any{s, e}},
		{`SELECT kind, state, COUNT(*), SUM(workers_paid), SUM(wages_recovered_fen) FROM cases WHERE resolved_at >= ? AND resolved_at < ? GROUP BY kind, state`, []any{s, e}},
		{`SELECT ledger, COUNT(*) FROM ledger_records WHERE record_date >= ? AND record_date <= ? AND deleted_at IS NULL GROUP BY ledger`, []any{from, to}},
	}
	for b.Loop() {
		for _, q := range queries {
			if err := db.QueryRowsDiscard(ctx, q.q, q.args...); err != nil {
				b.Fatal(err)
			}
		}
	}
}
