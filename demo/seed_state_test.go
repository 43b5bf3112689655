package demo

import (
	"strings"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// TestSeedFailedPartWay checks what a seed that fails leaves: within the batch
// (regions to sweeps) nothing, so the next Seed fills the database; after it (in
// the Fillers) a database the next Seed refuses with an error saying to
// recreate it (not ECONFLICT, which serve --demo takes for "keep the data").
// A finished seed reads as finished.
func TestSeedFailedPartWay(t *testing.T) {
	t.Parallel()
	small := Options{Seed: 3, Townships: 2, VillagesPerTownship: 3, GridsPerVillage: 1, CasesPerGrid: 2, SweepDays: 2}
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			for _, after := range []string{"regions", "cases and sweeps"} {
				db := storetest.Open(t, d)
				opt := small
				opt.failAfter = after
				if _, err := Seed(storetest.System(), db, opt); err == nil {
					t.Fatalf("fail after %s: the seed succeeded", after)
				}
				_, n, err := sqlstore.NewRegionService(db).FindRegions(storetest.System(), zhili.RegionFilter{IncludeRetired: true, Limit: 1})
				if err != nil || n != 0 {
					t.Fatalf("fail after %s: %d regions left, %v", after, n, err)
				}
				if _, err := Seed(storetest.System(), db, small); err != nil {
					t.Fatalf("fail after %s: reseed: %v", after, err)
				}
			}
			for _, after := range []string{"commit", "ledgers"} {
				db := storetest.Open(t, d)
				opt := small
				opt.failAfter = after
				if _, err := Seed(storetest.System(), db, opt); err == nil {
					t.Fatalf("fail after %s: the seed succeeded", after)
				}
				if begun, finished, err := db.DemoSeedState(storetest.System()); err != nil || !begun || finished {
					t.Fatalf("fail after %s: state begun %v finished %v, %v", after, begun, finished, err)
				}
				_, err := Seed(storetest.System(), db, small)
				if err == nil || zhili.ErrorCode(err) == zhili.ECONFLICT || !strings.Contains(err.Error(), "recreate the database") {
					t.Fatalf("fail after %s: reseed: want a refusal, got %v", after, err)
				}
			}
			db := storetest.Open(t, d)
			if _, err := Seed(storetest.System(), db, small); err != nil {
				t.Fatal(err)
			}
			if begun, finished, err := db.DemoSeedState(storetest.System()); err != nil || !begun || !finished {
				t.Fatalf("finished seed: state begun %v finished %v, %v", begun, finished, err)
			}
			if _, err := Seed(storetest.System(), db, small); zhili.ErrorCode(err) != zhili.ECONFLICT {
				t.Fatalf("reseed a finished demo: want conflict, got %v", err)
			}
		})
	}
}
