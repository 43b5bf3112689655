package sqlstore_test

import (
	"testing"
	"time"

	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// TestSynthFastConsistent: the databases' own generators (Fast) draw each
// case's random values once, so a case has a resolution time exactly when its
// state is resolved or later, and wages only then.
func TestSynthFastConsistent(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		ctx := storetest.System()
		if err := db.SynthIndicatorData(ctx, sqlstore.SynthOptions{Cases: 5000, Regions: []int64{f.GridA.ID, f.GridB.ID},
			Unit: f.Offices[f.County.Code].ID, From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC),
			Seed: 5, Fast: true}); err != nil {
			t.Fatal(err)
		}
		done := `state IN ('resolved', 'verified', 'visited', 'closed')`
		for q, want := range map[string]int64{
			`SELECT COUNT(*) FROM cases`: 5000,
			`SELECT COUNT(*) FROM cases WHERE ` + done + ` AND resolved_at IS NULL`:                               0,
			`SELECT COUNT(*) FROM cases WHERE NOT ` + done + ` AND resolved_at IS NOT NULL`:                       0,
			`SELECT COUNT(*) FROM cases WHERE NOT ` + done + ` AND (workers_paid > 0 OR wages_recovered_fen > 0)`: 0,
			`SELECT COUNT(*) FROM cases WHERE resolved_at < reported_at`:                                          0,
		} {
			if n, err := db.QueryIntForTest(ctx, q); err != nil || n != want {
				t.Errorf("%s: %s = %d (%v), want %d", d, q, n, err, want)
			}
		}
	})
}
