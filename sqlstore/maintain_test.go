package sqlstore_test

import (
	"strings"
	"testing"
	"time"

	"github.com/zhili-project/zhili/ledger"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// TestAnalyze: after a bulk load (SynthIndicatorData ends with Analyze) the
// planner has statistics on cases, and Analyze runs again on a loaded database.
func TestAnalyze(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		ctx := storetest.System()
		if err := db.SynthIndicatorData(ctx, sqlstore.SynthOptions{Cases: 2000, LedgerRecords: 200,
			Regions: []int64{f.GridA.ID, f.GridA2.ID, f.GridB.ID}, Unit: f.Offices[f.County.Code].ID,
			From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
			Schemas: ledger.Default().Schemas(), Seed: 3}); err != nil {
			t.Fatal(err)
		}
		q := `SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'cases'`
		if d == "postgres" {
			q = `SELECT COUNT(*) FROM pg_stats WHERE tablename = 'cases' AND schemaname = current_schema()`
		}
		n, err := db.QueryIntForTest(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Errorf("%s: no planner statistics on cases after a bulk load", d)
		}
		if err := db.Analyze(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// TestWarnings: PostgreSQL with autovacuum off is named; SQLite has nothing to warn of.
func TestWarnings(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		ctx := storetest.System()
		w, err := db.Warnings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		off := false
		if d == "postgres" {
			on, err := db.QueryIntForTest(ctx, `SELECT CASE WHEN current_setting('autovacuum') = 'on' THEN 1 ELSE 0 END`)
			if err != nil {
				t.Fatal(err)
			}
			off = on == 0
		}
		switch {
		case off && (len(w) != 1 || !strings.Contains(w[0], "autovacuum is off")):
			t.Errorf("%s: autovacuum off, warnings %q", d, w)
		case !off && len(w) != 0:
			t.Errorf("%s: nothing to warn of, warnings %q", d, w)
		}
	})
}
