package sqlstore_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

func TestCreateRegionRejectsBadFields(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		ctx := f.Ctx(t, db, "sysadmin")
		regions := sqlstore.NewRegionService(db)
		before := confRegionCount(t, db)
		for _, tc := range []struct {
			name  string
			r     zhili.Region
			field string
		}{
			{"short code is invalid code", zhili.Region{Code: "4199011", Name: "新镇", ParentID: f.County.ID, Level: zhili.LevelTownship, Kind: zhili.KindTown}, "code"},
			{"letters in code is invalid code", zhili.Region{Code: "41990110200A", Name: "新镇", ParentID: f.County.ID, Level: zhili.LevelTownship, Kind: zhili.KindTown}, "code"},
			{"grid with 12 digits is invalid code", zhili.Region{Code: "419901100202", Name: "网格", ParentID: f.VillageA.ID, Level: zhili.LevelGrid, Kind: zhili.KindComprehensive}, "code"},
			{"level 7 is invalid level", zhili.Region{Code: "419901102000", Name: "新镇", ParentID: f.County.ID, Level: 7, Kind: zhili.KindTown}, "level"},
			{"negative level is invalid level", zhili.Region{Code: "419901102000", Name: "新镇", ParentID: f.County.ID, Level: -1, Kind: zhili.KindTown}, "level"},
			{"village kind at township level is invalid kind", zhili.Region{Code: "419901102000", Name: "新镇", ParentID: f.County.ID, Level: zhili.LevelTownship, Kind: zhili.KindVillage}, "kind"},
			{"empty kind is invalid kind", zhili.Region{Code: "419901102000", Name: "新镇", ParentID: f.County.ID, Level: zhili.LevelTownship}, "kind"},
			{"blank name is invalid name", zhili.Region{Code: "419901102000", Name: "  ", ParentID: f.County.ID, Level: zhili.LevelTownship, Kind: zhili.KindTown}, "name"},
			{"long name is invalid name", zhili.Region{Code: "419901102000", Name: strings.Repeat("镇", 101), ParentID: f.County.ID, Level: zhili.LevelTownship, Kind: zhili.KindTown}, "name"},
			{"unknown parent is invalid parent", zhili.Region{Code: "419901102000", Name: "新镇", ParentID: 999999, Level: zhili.LevelTownship, Kind: zhili.KindTown}, "parent_id"},
			{"village under county is invalid parent", zhili.Region{Code: "419901102201", Name: "新村", ParentID: f.County.ID, Level: zhili.LevelVillage, Kind: zhili.KindVillage}, "parent_id"},
			{"grid under township is invalid parent", zhili.Region{Code: "419901100000009", Name: "网格", ParentID: f.TownA.ID, Level: zhili.LevelGrid, Kind: zhili.KindComprehensive}, "parent_id"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := tc.r
				err := regions.CreateRegion(ctx, &r)
				confCode(t, err, zhili.EINVALID)
				confField(t, err, tc.field)
			})
		}
		t.Run("township without parent is invalid parent", func(t *testing.T) {
			err := regions.CreateRegion(storetest.System(), &zhili.Region{Code: "419901102000", Name: "新镇", Level: zhili.LevelTownship, Kind: zhili.KindTown})
			confCode(t, err, zhili.EINVALID)
			confField(t, err, "parent_id")
		})
		t.Run("county administrator adding a root is forbidden", func(t *testing.T) {
			err := regions.CreateRegion(ctx, &zhili.Region{Code: "419902000000", Name: "邻县", Level: zhili.LevelCounty, Kind: zhili.KindCounty})
			confCode(t, err, zhili.EFORBIDDEN)
		})
		if after := confRegionCount(t, db); after != before {
			t.Fatalf("regions %d → %d after rejected creates", before, after)
		}
	})
}

func TestCreateRegionDuplicateCodeConflicts(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		ctx := f.Ctx(t, db, "sysadmin")
		dup := &zhili.Region{Code: f.VillageA.Code, Name: "另一个村", ParentID: f.TownB.ID, Level: zhili.LevelVillage, Kind: zhili.KindVillage}
		err := sqlstore.NewRegionService(db).CreateRegion(ctx, dup)
		confCode(t, err, zhili.ECONFLICT)
		confField(t, err, "code")
	})
}

func TestRegionWritesNeedSysadmin(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		regions := sqlstore.NewRegionService(db)
		for _, who := range []string{"secadmin", "auditor", "leader", "center", "townA", "villageA", "gridA"} {
			t.Run(who+" is forbidden", func(t *testing.T) {
				ctx := f.Ctx(t, db, who)
				err := regions.CreateRegion(ctx, &zhili.Region{Code: "419901100299", Name: "新村", ParentID: f.TownA.ID, Level: zhili.LevelVillage, Kind: zhili.KindVillage})
				confCode(t, err, zhili.EFORBIDDEN)
				name := "改名"
				_, err = regions.UpdateRegion(ctx, f.VillageA.ID, zhili.RegionUpdate{Name: &name})
				confCode(t, err, zhili.EFORBIDDEN)
			})
		}
		t.Run("no actor is unauthorized", func(t *testing.T) {
			_, err := regions.FindRegion(confNoActor(), f.County.ID)
			confCode(t, err, zhili.EUNAUTHORIZED)
		})
	})
}

func TestRegionHistoryKeepsEveryChange(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		ctx := f.Ctx(t, db, "sysadmin")
		regions := sqlstore.NewRegionService(db)

		v := &zhili.Region{Code: "419901100202", Name: "新桥村", ParentID: f.TownA.ID, Level: zhili.LevelVillage, Kind: zhili.KindVillage}
		if err := regions.CreateRegion(ctx, v); err != nil {
			t.Fatal(err)
		}
		name := "新桥社区"
		kind := zhili.KindCommunity
		if _, err := regions.UpdateRegion(ctx, v.ID, zhili.RegionUpdate{Name: &name, Kind: &kind}); err != nil {
			t.Fatal(err)
		}
		if _, err := regions.UpdateRegion(ctx, v.ID, zhili.RegionUpdate{ParentID: &f.TownB.ID}); err != nil {
			t.Fatal(err)
		}
		got, err := regions.UpdateRegion(ctx, v.ID, zhili.RegionUpdate{Retire: true})
		if err != nil {
			t.Fatal(err)
		}
		if got.Retired == nil || got.Name != name || got.ParentID != f.TownB.ID || got.Kind != kind {
			t.Fatalf("after updates: %+v", got)
		}

		hist, err := regions.RegionHistory(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		type ev struct{ action, before, after string }
		want := []ev{
			{"create", "", "419901100202 新桥村"},
			{"rename", "新桥村", "新桥社区"},
			{"kind", "village", "community"},
			{"move", f.TownA.Code, f.TownB.Code},
			{"retire", "", ""},
		}
		if len(hist) != len(want) {
			t.Fatalf("history has %d events, want %d: %+v", len(hist), len(want), hist)
		}
		for i, e := range hist {
			if (ev{e.Action, e.Before, e.After}) != want[i] {
				t.Errorf("event %d = %s %q→%q, want %+v", i, e.Action, e.Before, e.After, want[i])
			}
			if e.UserID != f.Users["sysadmin"].ID || e.RegionID != v.ID {
				t.Errorf("event %d: user %d region %d", i, e.UserID, e.RegionID)
			}
		}

		t.Run("retired region is kept but hidden from lists", func(t *testing.T) {
			r, err := regions.FindRegion(ctx, v.ID)
			if err != nil || r.Retired == nil {
				t.Fatalf("FindRegion of retired region: %+v, %v", r, err)
			}
			rs, _, err := regions.FindRegions(ctx, zhili.RegionFilter{ParentID: &f.TownB.ID})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rs {
				if r.ID == v.ID {
					t.Fatal("retired region listed without IncludeRetired")
				}
			}
		})
		t.Run("retired region cannot change", func(t *testing.T) {
			n := "复活村"
			_, err := regions.UpdateRegion(ctx, v.ID, zhili.RegionUpdate{Name: &n})
			confCode(t, err, zhili.ECONFLICT)
		})
		t.Run("retired parent takes no children", func(t *testing.T) {
			g := &zhili.Region{Code: "419901100202001", Name: "网格", ParentID: v.ID, Level: zhili.LevelGrid, Kind: zhili.KindComprehensive}
			err := regions.CreateRegion(ctx, g)
			confCode(t, err, zhili.EINVALID)
			confField(t, err, "parent_id")
		})
	})
}

func TestUpdateRegionRejectsBadChanges(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		ctx := f.Ctx(t, db, "sysadmin")
		regions := sqlstore.NewRegionService(db)
		blank, grid := " ", zhili.KindDedicated
		missing := int64(999999)
		for _, tc := range []struct {
			name  string
			id    int64
			u     zhili.RegionUpdate
			code  string
			field string
		}{
			{"blank name is invalid", f.VillageA.ID, zhili.RegionUpdate{Name: &blank}, zhili.EINVALID, "name"},
			{"grid kind on village is invalid", f.VillageA.ID, zhili.RegionUpdate{Kind: &grid}, zhili.EINVALID, "kind"},
			{"village under village is invalid", f.VillageA.ID, zhili.RegionUpdate{ParentID: &f.VillageB.ID}, zhili.EINVALID, "parent_id"},
			{"village under unknown parent is invalid", f.VillageA.ID, zhili.RegionUpdate{ParentID: &missing}, zhili.EINVALID, "parent_id"},
			{"township with live villages cannot retire", f.TownA.ID, zhili.RegionUpdate{Retire: true}, zhili.ECONFLICT, ""},
			{"village with a live grid cannot retire", f.VillageA.ID, zhili.RegionUpdate{Retire: true}, zhili.ECONFLICT, ""},
			{"unknown region is not found", missing, zhili.RegionUpdate{Retire: true}, zhili.ENOTFOUND, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := regions.UpdateRegion(ctx, tc.id, tc.u)
				confCode(t, err, tc.code)
				if tc.field != "" {
					confField(t, err, tc.field)
				}
			})
		}
		// Nothing above changed anything.
		hist, err := regions.RegionHistory(ctx, f.VillageA.ID)
		if err != nil || len(hist) != 1 || hist[0].Action != "create" {
			t.Fatalf("village history after rejected updates: %+v, %v", hist, err)
		}
		confChildPaths(t, db)

		t.Run("retiring the children first lets the parent retire", func(t *testing.T) {
			for _, id := range []int64{f.GridA.ID, f.VillageA.ID} {
				if _, err := regions.UpdateRegion(ctx, id, zhili.RegionUpdate{Retire: true}); err != nil {
					t.Fatalf("retire %d: %v", id, err)
				}
			}
		})
	})
}

func TestMoveRegionRewritesSubtreeScope(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		regions := sqlstore.NewRegionService(db)
		people := sqlstore.NewPersonService(db)
		sys := storetest.System()
		p := &zhili.Person{Name: "王五", RegionID: f.GridA.ID}
		if err := people.CreatePerson(sys, p); err != nil {
			t.Fatal(err)
		}

		moved, err := regions.UpdateRegion(f.Ctx(t, db, "sysadmin"), f.VillageA.ID, zhili.RegionUpdate{ParentID: &f.TownB.ID})
		if err != nil {
			t.Fatal(err)
		}
		if want := f.TownB.Path + strings.TrimPrefix(f.VillageA.Path, f.TownA.Path); moved.Path != want {
			t.Fatalf("moved village path %q, want %q", moved.Path, want)
		}
		confChildPaths(t, db)

		townA, townB := f.Ctx(t, db, "townA"), f.Ctx(t, db, "townB")
		for _, r := range []*zhili.Region{f.VillageA, f.GridA} {
			t.Run("new township sees "+r.Name, func(t *testing.T) {
				got, err := regions.FindRegion(townB, r.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(got.Path, f.TownB.Path) {
					t.Fatalf("path %q not under township B %q", got.Path, f.TownB.Path)
				}
				if _, err := regions.FindRegionByCode(townB, r.Code); err != nil {
					t.Fatal(err)
				}
			})
			t.Run("old township gets not found for "+r.Name, func(t *testing.T) {
				_, err := regions.FindRegion(townA, r.ID)
				confCode(t, err, zhili.ENOTFOUND)
				_, err = regions.FindRegionByCode(townA, r.Code)
				confCode(t, err, zhili.ENOTFOUND)
			})
		}
		t.Run("lists follow the move", func(t *testing.T) {
			_, nA, err := regions.FindRegions(townA, zhili.RegionFilter{})
			if err != nil {
				t.Fatal(err)
			}
			_, nB, err := regions.FindRegions(townB, zhili.RegionFilter{})
			if err != nil {
				t.Fatal(err)
			}
			// A keeps itself, its community and that grid; B adds the village and its grid.
			if nA != 3 || nB != 5 {
				t.Fatalf("township A sees %d regions, B sees %d; want 3 and 5", nA, nB)
			}
		})
		t.Run("people registered in the subtree follow the move", func(t *testing.T) {
			if _, err := people.FindPerson(townB, p.ID); err != nil {
				t.Fatalf("township B: %v", err)
			}
			_, err := people.FindPerson(townA, p.ID)
			confCode(t, err, zhili.ENOTFOUND)
		})
		t.Run("history records the move", func(t *testing.T) {
			hist, err := regions.RegionHistory(townB, f.VillageA.ID)
			if err != nil {
				t.Fatal(err)
			}
			last := hist[len(hist)-1]
			if last.Action != "move" || last.Before != f.TownA.Code || last.After != f.TownB.Code {
				t.Fatalf("last event %+v", last)
			}
		})
	})
}

// Two administrators editing one region at once: each call either succeeds or
// conflicts, the history stays a consistent sequence, and the audit chain verifies.
func TestConcurrentRegionRenames(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		ctx := f.Ctx(t, db, "sysadmin")
		regions := sqlstore.NewRegionService(db)
		const rounds = 10
		for round := range rounds {
			var wg sync.WaitGroup
			errs := make([]error, 2)
			start := make(chan struct{})
			for i := range 2 {
				wg.Go(func() {
					<-start
					name := confName([]string{"甲村", "乙村"}[i], round)
					_, errs[i] = regions.UpdateRegion(ctx, f.VillageA.ID, zhili.RegionUpdate{Name: &name})
				})
			}
			close(start)
			wg.Wait()
			for _, err := range errs {
				if err != nil && zhili.ErrorCode(err) != zhili.ECONFLICT {
					t.Fatalf("round %d: concurrent rename failed: %v", round, err)
				}
			}
		}
		got, err := regions.FindRegion(ctx, f.VillageA.ID)
		if err != nil {
			t.Fatal(err)
		}
		hist, err := regions.RegionHistory(ctx, f.VillageA.ID)
		if err != nil {
			t.Fatal(err)
		}
		name := f.VillageA.Name
		for _, e := range hist[1:] {
			if e.Action != "rename" {
				t.Fatalf("unexpected event %+v", e)
			}
			if e.Before != name {
				t.Errorf("rename %q→%q does not follow the name before it, %q", e.Before, e.After, name)
			}
			name = e.After
		}
		if name != got.Name {
			t.Errorf("history ends at %q, region is named %q", name, got.Name)
		}
		if v := confVerify(t, db); !v.OK() {
			t.Fatalf("audit chain broken after concurrent renames: %+v", v.Broken)
		}
	})
}

// Moving the same village to two townships at once must leave the tree consistent:
// the village's path matches its parent, so scope follows the parent.
func TestConcurrentMovesKeepPathsConsistent(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		ctx := f.Ctx(t, db, "sysadmin")
		regions := sqlstore.NewRegionService(db)
		townC := &zhili.Region{Code: "419901102000", Name: "丙镇", ParentID: f.County.ID, Level: zhili.LevelTownship, Kind: zhili.KindTown}
		if err := regions.CreateRegion(ctx, townC); err != nil {
			t.Fatal(err)
		}
		towns := []int64{f.TownA.ID, f.TownB.ID, townC.ID}
		for round := range 20 {
			v, err := regions.FindRegion(ctx, f.VillageA.ID)
			if err != nil {
				t.Fatal(err)
			}
			// Two movers to each of the two townships the village is not in.
			var targets []int64
			for _, id := range towns {
				if id != v.ParentID {
					targets = append(targets, id, id)
				}
			}
			var wg sync.WaitGroup
			errs := make([]error, len(targets))
			start := make(chan struct{})
			for i := range targets {
				wg.Go(func() {
					<-start
					_, errs[i] = regions.UpdateRegion(ctx, f.VillageA.ID, zhili.RegionUpdate{ParentID: &targets[i]})
				})
			}
			close(start)
			wg.Wait()
			for _, err := range errs {
				if err != nil && zhili.ErrorCode(err) != zhili.ECONFLICT {
					t.Fatalf("round %d: concurrent move failed: %v", round, err)
				}
			}
			confChildPaths(t, db)
			if t.Failed() {
				t.Fatalf("round %d: paths no longer follow parents", round)
			}
		}
		if v := confVerify(t, db); !v.OK() {
			t.Fatalf("audit chain broken after concurrent moves: %+v", v.Broken)
		}
	})
}
