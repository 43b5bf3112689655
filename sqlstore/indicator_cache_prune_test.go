package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/indicator"
	"github.com/zhili-project/zhili/ledger"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// pruneSetup is a database with synthetic cases and ledger records, and what
// the tests need to change and check them.
type pruneSetup struct {
	db      *sqlstore.DB
	ctx     context.Context
	leaves  []int64
	schemas map[string]*zhili.LedgerSchema
	check   []*zhili.Region
	periods [][2]string
}

func newPruneSetup(t *testing.T, d string) *pruneSetup {
	t.Helper()
	db := storetest.Open(t, d)
	f := storetest.NewFixture(t, db)
	s := &pruneSetup{db: db, ctx: storetest.System(), schemas: map[string]*zhili.LedgerSchema{},
		check:   []*zhili.Region{f.County, f.TownA, f.VillageB, f.GridA},
		periods: [][2]string{{"2025-12-01", "2025-12-31"}, {"2025-01-01", "2026-12-31"}, {"2026-02-28", "2026-02-28"}}}
	for _, r := range []*zhili.Region{f.VillageA, f.CommunityA, f.VillageB, f.GridA, f.GridA2, f.GridB} {
		s.leaves = append(s.leaves, r.ID)
	}
	for _, sc := range ledger.Default().Schemas() {
		s.schemas[sc.Name] = sc
	}
	if err := db.SynthIndicatorData(s.ctx, sqlstore.SynthOptions{Cases: 600, LedgerRecords: 300, Regions: s.leaves,
		Unit: f.Offices[f.County.Code].ID, From: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		Schemas: ledger.Default().Schemas(), Seed: 7}); err != nil {
		t.Fatal(err)
	}
	return s
}

// store is a new instance's cache over the database: pruning at every refresh
// (every = 0) or never (every < 0), with small batches.
func (s *pruneSetup) store(every time.Duration) *sqlstore.IndicatorStore {
	st := sqlstore.NewIndicatorStore(s.db, indicator.Default())
	st.Fresh = 0
	st.SetCaseLogPruning(24*time.Hour, every, 100)
	return st
}

// change writes n case and ledger changes.
func (s *pruneSetup) change(t *testing.T, n int, seed uint64) {
	t.Helper()
	if err := s.db.SynthChanges(s.ctx, n, s.leaves, s.schemas, seed); err != nil {
		t.Fatal(err)
	}
}

// age makes every row now in the change log two days old.
func (s *pruneSetup) age(t *testing.T) {
	t.Helper()
	if err := s.db.ExecForTest(s.ctx, `UPDATE indicator_case_changes SET at = at - ?`, 2*24*3600); err != nil {
		t.Fatal(err)
	}
}

func (s *pruneSetup) count(t *testing.T, q string, args ...any) int64 {
	t.Helper()
	n, err := s.db.QueryIntForTest(s.ctx, q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// TestIndicatorCaseLogPrune checks that pruning deletes the rows older than the
// retention and only those, records its horizon, and that SQLite's MAX(seq) + 1
// never hands out a seq again.
func TestIndicatorCaseLogPrune(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		s := newPruneSetup(t, d)
		st := s.store(-1)
		s.age(t)
		s.change(t, 150, 1) // young rows after the old ones
		cutoff := time.Now().Add(-24 * time.Hour).Unix()
		old := s.count(t, `SELECT COUNT(*) FROM indicator_case_changes WHERE at < ?`, cutoff)
		young := s.count(t, `SELECT COUNT(*) FROM indicator_case_changes WHERE at >= ?`, cutoff)
		if old < 600 || young == 0 {
			t.Fatalf("log: %d old rows, %d young; want at least 600 and some", old, young)
		}
		var total int64
		for {
			n, err := st.PruneCaseLog(s.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
			total += n
		}
		if left := s.count(t, `SELECT COUNT(*) FROM indicator_case_changes WHERE at < ?`, cutoff); left != 0 || total != old {
			t.Errorf("pruned %d rows, %d old rows left; want %d pruned and none left", total, left, old)
		}
		if kept := s.count(t, `SELECT COUNT(*) FROM indicator_case_changes WHERE at >= ?`, cutoff); kept != young {
			t.Errorf("%d young rows kept, want %d", kept, young)
		}
		if h := s.count(t, `SELECT value FROM indicator_cache_marks WHERE name = 'case_log_pruned'`); h <= 0 {
			t.Errorf("horizon %d after pruning, want > 0", h)
		}
		// Everything old: SQLite keeps the newest row, so the next seq goes on
		// from it; PostgreSQL's xids go on anyway.
		key := "seq"
		if d == "postgres" {
			key = "xid"
		}
		last := s.count(t, `SELECT MAX(`+key+`) FROM indicator_case_changes`)
		s.age(t)
		if _, err := st.PruneCaseLog(s.ctx); err != nil {
			t.Fatal(err)
		}
		left := s.count(t, `SELECT COUNT(*) FROM indicator_case_changes`)
		if d == "sqlite" && (left == 0 || s.count(t, `SELECT MAX(seq) FROM indicator_case_changes`) != last) {
			t.Errorf("SQLite: %d rows left, want the newest (seq %d) kept", left, last)
		}
		s.change(t, 5, 2)
		if next := s.count(t, `SELECT MIN(`+key+`) FROM indicator_case_changes WHERE at >= ?`, cutoff); next <= last {
			t.Errorf("new change has %s %d, not above the last one handed out (%d)", key, next, last)
		}
		if h := s.count(t, `SELECT value FROM indicator_cache_marks WHERE name = 'case_log_pruned'`); h >= last+1 && d == "sqlite" {
			t.Errorf("horizon %d reaches the newest seq %d", h, last)
		}
	})
}

// TestIndicatorCacheBehindReloads checks that an instance that did not refresh
// while the log it needed was pruned reloads its cases whole (dropping deleted
// cases too) and then equals the raw SQL.
func TestIndicatorCacheBehindReloads(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		s := newPruneSetup(t, d)
		pruner, idle := s.store(0), s.store(-1)
		indCompare(t, s.ctx, idle, s.check, s.periods)
		s.change(t, 200, 3)
		// Cases deleted while the instance is away are gone after the reload.
		if err := s.db.ExecForTest(s.ctx, `DELETE FROM cases WHERE id IN (SELECT id FROM cases ORDER BY id LIMIT 20)`); err != nil {
			t.Fatal(err)
		}
		s.age(t)
		if err := pruner.Refresh(s.ctx); err != nil { // loads, then prunes every old row
			t.Fatal(err)
		}
		if n := s.count(t, `SELECT COUNT(*) FROM indicator_case_changes WHERE at < ?`, time.Now().Add(-24*time.Hour).Unix()); n > 1 {
			t.Fatalf("%d old rows left after pruning", n)
		}
		indCompare(t, s.ctx, idle, s.check, s.periods)
		if n := idle.CaseReloads(); n < 1 || (n > 1 && d == "sqlite") {
			t.Errorf("idle instance reloaded %d times, want 1", n)
		}
		// Back in step: further changes are followed incrementally again.
		s.change(t, 100, 4)
		indCompare(t, s.ctx, idle, s.check, s.periods)
		indCompare(t, s.ctx, pruner, s.check, s.periods)
		if n := idle.CaseReloads() + pruner.CaseReloads(); n != 1 {
			if d == "sqlite" {
				t.Errorf("%d reloads in all, want still 1", n)
			} else {
				t.Logf("%d reloads in all (more than 1 is harmless: see TestIndicatorCachesSharePrunedLog)", n)
			}
		}
	})
}

// TestIndicatorCachesSharePrunedLog runs two instances on one database, both
// pruning at every refresh, through rounds of changes and pruning: each stays
// equal to the raw SQL without reloading.
func TestIndicatorCachesSharePrunedLog(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		s := newPruneSetup(t, d)
		a, b := s.store(0), s.store(0)
		for round := uint64(1); round <= 3; round++ {
			s.change(t, 150, 10+round)
			for _, st := range []*sqlstore.IndicatorStore{a, b} {
				if err := st.Refresh(s.ctx); err != nil {
					t.Fatal(err)
				}
			}
			s.age(t) // both have read every row: pruning them all loses nothing
			indCompare(t, s.ctx, a, s.check, s.periods)
			indCompare(t, s.ctx, b, s.check, s.periods)
			s.change(t, 50, 20+round) // young rows, read incrementally
			indCompare(t, s.ctx, b, s.check, s.periods)
			indCompare(t, s.ctx, a, s.check, s.periods)
		}
		if n := s.count(t, `SELECT value FROM indicator_cache_marks WHERE name = 'case_log_pruned'`); n == 0 {
			t.Error("nothing was pruned")
		}
		// A spurious reload would be harmless; on PostgreSQL a transaction of another
		// test open across a refresh can cause one, so only SQLite insists on none.
		if n := a.CaseReloads() + b.CaseReloads(); n != 0 {
			if d == "sqlite" {
				t.Errorf("%d reloads, want none", n)
			} else {
				t.Logf("%d reloads (harmless)", n)
			}
		}
	})
}

// TestIndicatorCacheForeignHorizon: a pruning horizon beyond every xid of the
// cluster (a database copied from another cluster with pg_dump) is forgotten
// rather than making every refresh reload. PostgreSQL only: SQLite's horizon is
// a seq of its own file.
func TestIndicatorCacheForeignHorizon(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		if d != "postgres" {
			t.Skip("xid horizons are PostgreSQL's")
		}
		s := newPruneSetup(t, d)
		st := s.store(-1)
		indCompare(t, s.ctx, st, s.check, s.periods)
		if err := s.db.ExecForTest(s.ctx, `UPDATE indicator_cache_marks SET value = 9000000000000 WHERE name = 'case_log_pruned'`); err != nil {
			t.Fatal(err)
		}
		for round := uint64(0); round < 3; round++ {
			s.change(t, 50, 10+round)
			indCompare(t, s.ctx, st, s.check, s.periods)
		}
		if n := st.CaseReloads(); n != 0 {
			t.Errorf("%d reloads after a foreign horizon, want 0", n)
		}
		if n := s.count(t, `SELECT value FROM indicator_cache_marks WHERE name = 'case_log_pruned'`); n != 0 {
			t.Errorf("foreign horizon kept as %d", n)
		}
	})
}
