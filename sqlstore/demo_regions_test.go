package sqlstore_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// DemoBatch.ImportRegions stores what RegionService.ImportRegions followed by
// SetBoundaries stores: regions, paths, events, the boundary version and the
// audit entries; a bad row or boundary stores nothing, and a tree that is not
// empty is refused.
func TestDemoRegionImportMatchesService(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		rows := []zhili.RegionRow{
			{Line: 5, Code: "419901001001", Name: "东村", ParentCode: "419901001000", Level: zhili.LevelVillage, Kind: zhili.KindVillage},
			{Line: 2, Code: "419901000000", Name: "青山县", Level: zhili.LevelCounty, Kind: zhili.KindCounty},
			{Line: 3, Code: "419901001000", Name: "东城街道", ParentCode: "419901000000", Level: zhili.LevelTownship, Kind: zhili.KindStreet, CountySeat: true},
			{Line: 4, Code: "419901002000", Name: "石门镇", ParentCode: "419901000000", Level: zhili.LevelTownship, Kind: zhili.KindTown},
		}
		square := json.RawMessage(`{"type":"Polygon","coordinates":[[[113.0,34.0],[113.1,34.0],[113.1,34.1],[113.0,34.1],[113.0,34.0]]]}`)
		bounds := map[string]json.RawMessage{"419901000000": square, "419901002000": square, "419901001001": square}
		at := time.Date(2025, 10, 13, 1, 0, 0, 0, time.UTC)
		dump := func(db *sqlstore.DB) [][]string {
			var out [][]string
			for _, q := range []string{
				`SELECT id, code, name, parent_id, level, kind, path, county_seat, boundary, retired_at, created_at, updated_at FROM regions ORDER BY id`,
				`SELECT id, region_id, action, before, after, at, user_id FROM region_events ORDER BY id`,
				`SELECT at, user_id, username, action, object_type, object_id, detail FROM audit_log ORDER BY id`,
				`SELECT key, value FROM settings WHERE key = 'boundary_version'`,
			} {
				rows, err := db.DumpForTest(context.Background(), q)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, rows)
			}
			return out
		}
		sys := zhili.SystemActor("demo")
		ctx := zhili.NewContextWithActor(context.Background(), sys)
		want := storetest.Open(t, d)
		want.Clock = &zhili.FixedClock{T: at}
		svc := sqlstore.NewRegionService(want)
		if _, err := svc.ImportRegions(ctx, rows); err != nil {
			t.Fatal(err)
		}
		want.Clock = &zhili.FixedClock{T: at.Add(time.Minute)}
		if _, err := svc.SetBoundaries(ctx, bounds); err != nil {
			t.Fatal(err)
		}
		got := storetest.Open(t, d)
		b, err := got.BeginDemoBatch(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ids, err := b.ImportRegions(ctx, sys, at, rows, at.Add(time.Minute), bounds)
		if err != nil || len(ids) != 4 {
			t.Fatalf("import: %v, %v", ids, err)
		}
		if err := b.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		w, g := dump(want), dump(got)
		for k := range w {
			if !slices.Equal(w[k], g[k]) || len(w[k]) == 0 {
				t.Errorf("table %d:\nservice %q\nbatch   %q", k, w[k], g[k])
			}
		}
		// Bad input stores nothing; a tree that is not empty is refused.
		for _, tc := range []struct {
			name   string
			db     *sqlstore.DB
			rows   []zhili.RegionRow
			bounds map[string]json.RawMessage
			code   string
		}{
			{"a village under the county", storetest.Open(t, d), append(slices.Clone(rows[1:2]), zhili.RegionRow{Line: 9, Code: "419901003001",
				Name: "西村", ParentCode: "419901000000", Level: zhili.LevelVillage, Kind: zhili.KindVillage}), nil, zhili.EINVALID},
			{"a boundary of no region", storetest.Open(t, d), rows, map[string]json.RawMessage{"419901009000": square}, zhili.EINVALID},
			{"a bad geometry", storetest.Open(t, d), rows, map[string]json.RawMessage{"419901000000": json.RawMessage(`{"type":"Polygon"}`)}, zhili.EINVALID},
			{"regions exist", got, rows, nil, zhili.ECONFLICT},
		} {
			before := dump(tc.db)
			b, err := tc.db.BeginDemoBatch(ctx)
			if err != nil {
				t.Fatal(err)
			}
			_, err = b.ImportRegions(ctx, sys, at, tc.rows, at, tc.bounds)
			b.Rollback()
			if zhili.ErrorCode(err) != tc.code {
				t.Errorf("%s: want %s, got %v", tc.name, tc.code, err)
			}
			if after := dump(tc.db); !slices.Equal(after[0], before[0]) || !slices.Equal(after[2], before[2]) {
				t.Errorf("%s: stored something", tc.name)
			}
		}
	})
}
