package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/geo"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// The fixture's grids are 0.01° squares with south-west corners at lat 34.70 and
// lng 113.60 (GridA), 113.61 (GridA2) and 113.62 (GridB).
func confSquare(lng, lat, d float64) json.RawMessage {
	return fmt.Appendf(nil, `{"type":"Polygon","coordinates":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}`,
		lng, lat, lng+d, lat, lng+d, lat+d, lng, lat+d, lng, lat)
}

func TestLocate(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		loc := sqlstore.NewLocateService(db)
		leader := f.Ctx(t, db, "leader")
		type pt struct{ lng, lat float64 }
		for _, tc := range []struct {
			name string
			p    pt
			want *zhili.Region // nil: ENOTFOUND
		}{
			{"centre of grid A", pt{113.605, 34.705}, f.GridA},
			{"corner of grid A", pt{113.6001, 34.7001}, f.GridA},
			{"centre of grid A2", pt{113.615, 34.705}, f.GridA2},
			{"north-east of grid A2", pt{113.6199, 34.7099}, f.GridA2},
			{"centre of grid B", pt{113.625, 34.705}, f.GridB},
			{"east of every grid", pt{113.635, 34.705}, nil},
			{"north of every grid", pt{113.605, 34.715}, nil},
			{"south of every grid", pt{113.605, 34.695}, nil},
			{"far away", pt{116.4, 39.9}, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				got, err := loc.Locate(leader, tc.p.lng, tc.p.lat, "wgs84")
				if tc.want == nil {
					confCode(t, err, zhili.ENOTFOUND)
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if got.ID != tc.want.ID {
					t.Fatalf("located %s, want %s", got.Name, tc.want.Name)
				}
				// The same point as a Chinese map SDK reports it.
				gx, gy := geo.WGS84ToGCJ02(tc.p.lng, tc.p.lat)
				got, err = loc.Locate(leader, gx, gy, "gcj02")
				if err != nil || got.ID != tc.want.ID {
					t.Fatalf("GCJ-02 (%f, %f) located %+v, %v; want %s", gx, gy, got, err, tc.want.Name)
				}
			})
		}
		t.Run("GCJ-02 read as WGS-84 lands elsewhere", func(t *testing.T) {
			// The offset here is about 0.006° east: grid A's centre moves into A2.
			gx, gy := geo.WGS84ToGCJ02(113.605, 34.705)
			got, err := loc.Locate(leader, gx, gy, "wgs84")
			if err != nil || got.ID != f.GridA2.ID {
				t.Fatalf("located %+v, %v; want %s", got, err, f.GridA2.Name)
			}
		})
		t.Run("unknown CRS is invalid", func(t *testing.T) {
			_, err := loc.Locate(leader, 113.605, 34.705, "bd09-ish")
			confCode(t, err, zhili.EINVALID)
			confField(t, err, "crs")
		})
		t.Run("no actor is unauthorized", func(t *testing.T) {
			_, err := loc.Locate(context.Background(), 113.605, 34.705, "wgs84")
			confCode(t, err, zhili.EUNAUTHORIZED)
		})
	})
}

func TestLocateIsScoped(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		loc := sqlstore.NewLocateService(db)
		centre := map[int64][2]float64{f.GridA.ID: {113.605, 34.705}, f.GridA2.ID: {113.615, 34.705}, f.GridB.ID: {113.625, 34.705}}
		for _, tc := range []struct {
			who   string
			grid  *zhili.Region
			found bool
		}{
			{"townA", f.GridA, true}, {"townA", f.GridA2, true}, {"townA", f.GridB, false},
			{"townB", f.GridA, false}, {"townB", f.GridA2, false}, {"townB", f.GridB, true},
			{"villageA", f.GridA, true}, {"villageA", f.GridA2, false}, {"villageA", f.GridB, false},
			{"gridA", f.GridA, true}, {"gridA", f.GridB, false},
		} {
			outcome := "not found"
			if tc.found {
				outcome = "found"
			}
			t.Run(tc.who+" locating in "+tc.grid.Name+" is "+outcome, func(t *testing.T) {
				t.Parallel()
				c := centre[tc.grid.ID]
				got, err := loc.Locate(f.Ctx(t, db, tc.who), c[0], c[1], "wgs84")
				if !tc.found {
					confCode(t, err, zhili.ENOTFOUND)
					if got != nil {
						t.Fatalf("returned %+v with the error", got)
					}
					return
				}
				if err != nil || got.ID != tc.grid.ID {
					t.Fatalf("located %+v, %v", got, err)
				}
			})
		}
	})
}

// Boundary changes reach the index: at once with RefreshEvery = 0, and after
// Invalidate with the default interval.
func TestLocateSeesBoundaryChanges(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		regions := sqlstore.NewRegionService(db)
		sysadmin, leader := f.Ctx(t, db, "sysadmin"), f.Ctx(t, db, "leader")
		eager := sqlstore.NewLocateService(db)
		eager.RefreshEvery = 0
		lazy := sqlstore.NewLocateService(db)
		for _, loc := range []*sqlstore.LocateService{eager, lazy} {
			if got, err := loc.Locate(leader, 113.625, 34.705, "wgs84"); err != nil || got.ID != f.GridB.ID {
				t.Fatalf("before the move: %+v, %v", got, err)
			}
		}
		locate := func(t *testing.T, lng, lat float64, want *zhili.Region) {
			t.Helper()
			lazy.Invalidate()
			for name, loc := range map[string]*sqlstore.LocateService{"eager": eager, "invalidated": lazy} {
				got, err := loc.Locate(leader, lng, lat, "wgs84")
				if want == nil {
					if zhili.ErrorCode(err) != zhili.ENOTFOUND {
						t.Fatalf("%s: located %+v, %v; want not found", name, got, err)
					}
					continue
				}
				if err != nil || got.ID != want.ID {
					t.Fatalf("%s: located %+v, %v; want %s", name, got, err, want.Name)
				}
			}
		}

		t.Run("moved grid is found at its new place only", func(t *testing.T) {
			if _, err := regions.SetBoundaries(sysadmin, map[string]json.RawMessage{f.GridB.Code: confSquare(113.70, 34.70, 0.01)}); err != nil {
				t.Fatal(err)
			}
			locate(t, 113.625, 34.705, nil)
			locate(t, 113.705, 34.705, f.GridB)
		})
		t.Run("bad geometry changes nothing", func(t *testing.T) {
			_, err := regions.SetBoundaries(sysadmin, map[string]json.RawMessage{
				f.GridA.Code:  confSquare(113.80, 34.70, 0.01),
				f.GridA2.Code: json.RawMessage(`{"type":"Polygon","coordinates":[]}`),
			})
			confCode(t, err, zhili.EINVALID)
			locate(t, 113.605, 34.705, f.GridA)
			locate(t, 113.805, 34.705, nil)
		})
		t.Run("new grid is found", func(t *testing.T) {
			if _, err := regions.ImportRegions(sysadmin, []zhili.RegionRow{{Line: 2, Code: "419901001201002", Name: "河东村第二网格",
				ParentCode: f.VillageB.Code, Level: zhili.LevelGrid, Kind: zhili.KindDedicated}}); err != nil {
				t.Fatal(err)
			}
			if _, err := regions.SetBoundaries(sysadmin, map[string]json.RawMessage{"419901001201002": confSquare(113.62, 34.70, 0.01)}); err != nil {
				t.Fatal(err)
			}
			g, err := regions.FindRegionByCode(sysadmin, "419901001201002")
			if err != nil {
				t.Fatal(err)
			}
			locate(t, 113.625, 34.705, g)
		})
		t.Run("retired grid is not found", func(t *testing.T) {
			if _, err := regions.UpdateRegion(sysadmin, f.GridB.ID, zhili.RegionUpdate{Retire: true}); err != nil {
				t.Fatal(err)
			}
			locate(t, 113.705, 34.705, nil)
		})
		t.Run("moved village takes its grids out of the old township's reach", func(t *testing.T) {
			if _, err := regions.UpdateRegion(sysadmin, f.VillageA.ID, zhili.RegionUpdate{ParentID: &f.TownB.ID}); err != nil {
				t.Fatal(err)
			}
			eager.Invalidate()
			_, err := eager.Locate(f.Ctx(t, db, "townA"), 113.605, 34.705, "wgs84")
			confCode(t, err, zhili.ENOTFOUND)
			got, err := eager.Locate(f.Ctx(t, db, "townB"), 113.605, 34.705, "wgs84")
			if err != nil || got.ID != f.GridA.ID {
				t.Fatalf("township B: %+v, %v", got, err)
			}
		})
	})
}

// Lookups run while boundaries are replaced; run with -race.
func TestLocateDuringBoundaryChanges(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		regions := sqlstore.NewRegionService(db)
		loc := sqlstore.NewLocateService(db)
		loc.RefreshEvery = 0
		leader, sysadmin := f.Ctx(t, db, "leader"), f.Ctx(t, db, "sysadmin")
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Go(func() {
				for range 20 {
					// Grid A never moves, so it is always found.
					got, err := loc.Locate(leader, 113.605, 34.705, "wgs84")
					if err != nil || got.ID != f.GridA.ID {
						t.Errorf("worker %d: %+v, %v", w, got, err)
						return
					}
				}
			})
		}
		for i := range 5 {
			if _, err := regions.SetBoundaries(sysadmin, map[string]json.RawMessage{f.GridB.Code: confSquare(113.70+float64(i)/100, 34.70, 0.01)}); err != nil {
				t.Fatal(err)
			}
		}
		wg.Wait()
		got, err := loc.Locate(leader, 113.745, 34.705, "wgs84")
		if err != nil || got.ID != f.GridB.ID {
			t.Fatalf("after the last move: %+v, %v", got, err)
		}
	})
}
