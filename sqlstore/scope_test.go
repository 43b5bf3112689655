package sqlstore_test

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// confScopeWorld is the fixture with a person registered and in post in every village,
// community and grid, and one at county level in the governance centre.
type confScopeWorld struct {
	f         *storetest.Fixture
	regions   []*zhili.Region           // all nine fixture regions
	people    map[int64]*zhili.Person   // by region registered in
	positions map[int64]*zhili.Position // by person id
}

func confNewScopeWorld(t *testing.T, db *sqlstore.DB) *confScopeWorld {
	t.Helper()
	f := storetest.NewFixture(t, db)
	w := &confScopeWorld{f: f, people: map[int64]*zhili.Person{}, positions: map[int64]*zhili.Position{},
		regions: []*zhili.Region{f.County, f.TownA, f.TownB, f.VillageA, f.CommunityA, f.VillageB, f.GridA, f.GridA2, f.GridB}}
	svc := sqlstore.NewPersonService(db)
	sys := storetest.System()
	for i, r := range []*zhili.Region{f.County, f.VillageA, f.CommunityA, f.VillageB, f.GridA, f.GridB} {
		p := &zhili.Person{Name: confName("居民", i), RegionID: r.ID, Phone: "1380000" + strconv.Itoa(1000+i)}
		if err := svc.CreatePerson(sys, p); err != nil {
			t.Fatal(err)
		}
		pos := &zhili.Position{PersonID: p.ID, Role: zhili.PositionGridMember, RegionID: r.ID, Start: "2026-01-01"}
		if r == f.County {
			pos = &zhili.Position{PersonID: p.ID, Role: zhili.PositionCenterStaff, UnitID: f.Centers[zhili.UnitGovernanceCenter].ID, Start: "2026-01-01"}
		}
		if err := svc.CreatePosition(sys, pos); err != nil {
			t.Fatal(err)
		}
		w.people[r.ID], w.positions[p.ID] = p, pos
	}
	return w
}

// visible lists the fixture regions in the subtree of root.
func (w *confScopeWorld) visible(root *zhili.Region) map[int64]bool {
	out := map[int64]bool{}
	for _, r := range w.regions {
		if strings.HasPrefix(r.Path, root.Path) {
			out[r.ID] = true
		}
	}
	return out
}

// Reads of objects outside the actor's subtree are ENOTFOUND — never EFORBIDDEN,
// never data — and reads inside it succeed.
func TestScopeBoundsEveryRead(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		w := confNewScopeWorld(t, db)
		f := w.f
		regions, units, people := sqlstore.NewRegionService(db), sqlstore.NewUnitService(db), sqlstore.NewPersonService(db)
		// Each read returns the region of what it saw; has says whether the region
		// holds such an object at all (offices are not in grids, for one).
		always := func(*zhili.Region) bool { return true }
		reads := []struct {
			name string
			has  func(r *zhili.Region) bool
			read func(ctx context.Context, r *zhili.Region) (int64, error)
		}{
			{"FindRegion", always, func(ctx context.Context, r *zhili.Region) (int64, error) {
				got, err := regions.FindRegion(ctx, r.ID)
				return confIDOf(got), err
			}},
			{"FindRegionByCode", always, func(ctx context.Context, r *zhili.Region) (int64, error) {
				got, err := regions.FindRegionByCode(ctx, r.Code)
				return confIDOf(got), err
			}},
			{"RegionHistory", always, func(ctx context.Context, r *zhili.Region) (int64, error) {
				h, err := regions.RegionHistory(ctx, r.ID)
				if len(h) > 0 {
					return h[0].RegionID, err
				}
				return 0, err
			}},
			{"FindUnit office", func(r *zhili.Region) bool { return f.Offices[r.Code] != nil }, func(ctx context.Context, r *zhili.Region) (int64, error) {
				got, err := units.FindUnit(ctx, f.Offices[r.Code].ID)
				if got != nil {
					return got.RegionID, err
				}
				return 0, err
			}},
			{"FindPerson registered there", func(r *zhili.Region) bool { return w.people[r.ID] != nil }, func(ctx context.Context, r *zhili.Region) (int64, error) {
				got, err := people.FindPerson(ctx, w.people[r.ID].ID)
				if got != nil {
					return got.RegionID, err
				}
				return 0, err
			}},
			{"CountPeople under it", always, func(ctx context.Context, r *zhili.Region) (int64, error) {
				_, err := people.CountPeople(ctx, zhili.PositionGridMember, r.ID, "2026-03-01")
				return r.ID, err
			}},
		}
		for _, actor := range []struct {
			name  string
			scope *zhili.Region
		}{{"townA", f.TownA}, {"townB", f.TownB}, {"villageA", f.VillageA}, {"leader", f.County}} {
			ctx := f.Ctx(t, db, actor.name)
			visible := w.visible(actor.scope)
			for _, r := range w.regions {
				for _, rd := range reads {
					if !rd.has(r) {
						continue
					}
					outcome := "not found"
					if visible[r.ID] {
						outcome = "found"
					}
					t.Run(actor.name+"/"+rd.name+"/"+r.Name+" is "+outcome, func(t *testing.T) {
						t.Parallel()
						id, err := rd.read(ctx, r)
						if !visible[r.ID] {
							confCode(t, err, zhili.ENOTFOUND)
							return
						}
						confCode(t, err, "")
						if id != r.ID {
							t.Fatalf("read returned region %d, want %d", id, r.ID)
						}
					})
				}
			}
		}
	})
}

func confIDOf(r *zhili.Region) int64 {
	if r == nil {
		return 0
	}
	return r.ID
}

// Lists hold exactly the actor's subtree, whatever the filter asks for.
func TestScopeBoundsEveryList(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		w := confNewScopeWorld(t, db)
		f := w.f
		regions, units, people := sqlstore.NewRegionService(db), sqlstore.NewUnitService(db), sqlstore.NewPersonService(db)
		for _, actor := range []struct {
			name  string
			scope *zhili.Region
			other *zhili.Region // a region outside the scope
		}{{"townA", f.TownA, f.TownB}, {"townB", f.TownB, f.TownA}, {"villageA", f.VillageA, f.CommunityA}, {"leader", f.County, nil}} {
			ctx := f.Ctx(t, db, actor.name)
			visible := w.visible(actor.scope)
			t.Run(actor.name+" lists only its subtree", func(t *testing.T) {
				t.Parallel()
				rs, n, err := regions.FindRegions(ctx, zhili.RegionFilter{})
				if err != nil {
					t.Fatal(err)
				}
				if n != len(visible) || len(rs) != n {
					t.Errorf("FindRegions: %d regions (total %d), want %d", len(rs), n, len(visible))
				}
				for _, r := range rs {
					if !visible[r.ID] || !strings.HasPrefix(r.Path, actor.scope.Path) {
						t.Errorf("FindRegions lists %s outside the scope", r.Name)
					}
				}
				us, _, err := units.FindUnits(ctx, zhili.UnitFilter{})
				if err != nil {
					t.Fatal(err)
				}
				for _, u := range us {
					if !visible[u.RegionID] {
						t.Errorf("FindUnits lists %s outside the scope", u.Name)
					}
				}
				ps, n, err := people.FindPositions(ctx, zhili.PositionFilter{})
				if err != nil {
					t.Fatal(err)
				}
				want := 0
				for _, pos := range w.positions {
					if visible[pos.RegionID] {
						want++
					}
				}
				if n != want || len(ps) != want {
					t.Errorf("FindPositions: %d (total %d), want %d", len(ps), n, want)
				}
				for _, p := range ps {
					if !visible[p.RegionID] {
						t.Errorf("FindPositions lists position %d of %s outside the scope", p.ID, p.PersonName)
					}
				}
			})
			if actor.other == nil {
				continue
			}
			t.Run(actor.name+" filters aimed outside find nothing", func(t *testing.T) {
				t.Parallel()
				other := actor.other.ID
				name := actor.other.Name
				for _, filter := range []zhili.RegionFilter{{Under: &other}, {ParentID: &other}, {ID: &other}, {Name: name}, {Code: &actor.other.Code}} {
					rs, n, err := regions.FindRegions(ctx, filter)
					if err != nil || n != 0 || len(rs) != 0 {
						t.Errorf("FindRegions(%+v) = %d regions, total %d, %v", filter, len(rs), n, err)
					}
				}
				us, n, err := units.FindUnits(ctx, zhili.UnitFilter{Under: &other})
				if err != nil || n != 0 || len(us) != 0 {
					t.Errorf("FindUnits(under other) = %d, %d, %v", len(us), n, err)
				}
				us, n, err = units.FindUnits(ctx, zhili.UnitFilter{RegionID: &other})
				if err != nil || n != 0 || len(us) != 0 {
					t.Errorf("FindUnits(region other) = %d, %d, %v", len(us), n, err)
				}
				ps, n, err := people.FindPositions(ctx, zhili.PositionFilter{Under: &other})
				if err != nil || n != 0 || len(ps) != 0 {
					t.Errorf("FindPositions(under other) = %d, %d, %v", len(ps), n, err)
				}
				for _, p := range w.people {
					if pos := w.positions[p.ID]; !w.visible(actor.scope)[pos.RegionID] {
						ps, n, err := people.FindPositions(ctx, zhili.PositionFilter{PersonID: &p.ID})
						if err != nil || n != 0 || len(ps) != 0 {
							t.Errorf("FindPositions(person %d outside) = %d, %d, %v", p.ID, len(ps), n, err)
						}
					}
				}
			})
		}
	})
}

// Writes aimed outside the scope fail without revealing or changing anything.
func TestScopeBoundsEveryWrite(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		w := confNewScopeWorld(t, db)
		f := w.f
		people := sqlstore.NewPersonService(db)
		personA, personB := w.people[f.GridA.ID], w.people[f.GridB.ID]
		posB := w.positions[personB.ID]
		townA := f.Ctx(t, db, "townA")

		sysUsers := sqlstore.NewUserService(db)
		townAdmin := func(role zhili.Role) context.Context {
			u, err := sysUsers.CreateUser(f.Ctx(t, db, "sysadmin"), zhili.UserCreate{Username: "townA-" + string(role), Role: role,
				UnitID: f.Offices[f.TownA.Code].ID, Password: storetest.Password})
			if err != nil {
				t.Fatal(err)
			}
			return storetest.As(t, db, &zhili.Actor{UserID: u.ID, Username: u.Username, Role: role, UnitID: u.UnitID, ScopeRegionID: f.TownA.ID})
		}
		sysA, secA := townAdmin(zhili.RoleSysadmin), townAdmin(zhili.RoleSecadmin)
		userB := f.Users["townB"].ID
		regions, units := sqlstore.NewRegionService(db), sqlstore.NewUnitService(db)
		name := "改名"
		auditBefore := confAuditCount(t, db)

		for _, tc := range []struct {
			name  string
			write func() error
			code  string
			field string
		}{
			{"township operator registering a person in B is invalid region", func() error {
				return people.CreatePerson(townA, &zhili.Person{Name: "越界", RegionID: f.VillageB.ID})
			}, zhili.EINVALID, "region_id"},
			{"township operator placing B's person is invalid person", func() error {
				return people.CreatePosition(townA, &zhili.Position{PersonID: personB.ID, Role: zhili.PositionGridMember, RegionID: f.GridA.ID, Start: "2026-03-01"})
			}, zhili.EINVALID, "person_id"},
			{"township operator placing in B's grid is invalid region", func() error {
				return people.CreatePosition(townA, &zhili.Position{PersonID: personA.ID, Role: zhili.PositionGridMember, RegionID: f.GridB.ID, Start: "2026-03-01"})
			}, zhili.EINVALID, "region_id"},
			{"township operator placing in B's office is invalid region", func() error {
				return people.CreatePosition(townA, &zhili.Position{PersonID: personA.ID, Role: zhili.PositionMediator, UnitID: f.Offices[f.TownB.Code].ID, Start: "2026-03-01"})
			}, zhili.EINVALID, "region_id"},
			{"township operator ending B's position is not found", func() error {
				return people.EndPosition(townA, posB.ID, "2026-03-01")
			}, zhili.ENOTFOUND, ""},
			{"township operator revealing B's person is not found", func() error {
				_, err := people.RevealPerson(townA, personB.ID)
				return err
			}, zhili.ENOTFOUND, ""},
			{"township sysadmin reading B's user is not found", func() error {
				_, err := sysUsers.FindUser(sysA, userB)
				return err
			}, zhili.ENOTFOUND, ""},
			{"township sysadmin disabling B's user is not found", func() error {
				return sysUsers.SetUserDisabled(sysA, userB, true)
			}, zhili.ENOTFOUND, ""},
			{"township sysadmin creating a user in B's office is invalid unit", func() error {
				_, err := sysUsers.CreateUser(sysA, zhili.UserCreate{Username: "intruder", Role: zhili.RoleTownship, UnitID: f.Offices[f.TownB.Code].ID, Password: storetest.Password})
				return err
			}, zhili.EINVALID, "unit_id"},
			{"township sysadmin adding a village to B is invalid parent", func() error {
				return regions.CreateRegion(sysA, &zhili.Region{Code: "419901001299", Name: "越界村", ParentID: f.TownB.ID, Level: zhili.LevelVillage, Kind: zhili.KindVillage})
			}, zhili.EINVALID, "parent_id"},
			{"township sysadmin renaming B's village is not found", func() error {
				_, err := regions.UpdateRegion(sysA, f.VillageB.ID, zhili.RegionUpdate{Name: &name})
				return err
			}, zhili.ENOTFOUND, ""},
			{"township sysadmin moving its village to B is invalid parent", func() error {
				_, err := regions.UpdateRegion(sysA, f.VillageA.ID, zhili.RegionUpdate{ParentID: &f.TownB.ID})
				return err
			}, zhili.EINVALID, "parent_id"},
			{"township sysadmin importing under B is invalid parent", func() error {
				_, err := regions.ImportRegions(sysA, []zhili.RegionRow{{Line: 2, Code: "419901001299", Name: "越界村", ParentCode: f.TownB.Code, Level: zhili.LevelVillage, Kind: zhili.KindVillage}})
				return err
			}, zhili.EINVALID, "parent_code"},
			{"township sysadmin renaming B's village by import is invalid", func() error {
				_, err := regions.ImportRegions(sysA, []zhili.RegionRow{{Line: 2, Code: f.VillageB.Code, Name: "改名村", ParentCode: f.TownB.Code, Level: zhili.LevelVillage, Kind: zhili.KindVillage}})
				return err
			}, zhili.EINVALID, "code"},
			{"township sysadmin drawing B's grid is invalid code", func() error {
				_, err := regions.SetBoundaries(sysA, map[string]json.RawMessage{f.GridB.Code: json.RawMessage(`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}`)})
				return err
			}, zhili.EINVALID, "code"},
			{"township sysadmin adding a unit in B is invalid region", func() error {
				return units.CreateUnit(sysA, &zhili.Unit{Kind: zhili.UnitDepartment, Name: "越界部门", RegionID: f.TownB.ID})
			}, zhili.EINVALID, "region_id"},
			{"township sysadmin retiring B's office is not found", func() error {
				return units.RetireUnit(sysA, f.Offices[f.TownB.Code].ID)
			}, zhili.ENOTFOUND, ""},
			{"township secadmin changing B's role is not found", func() error {
				return sysUsers.SetUserRole(secA, userB, zhili.RoleLeader)
			}, zhili.ENOTFOUND, ""},
			{"township secadmin unlocking B's user is not found", func() error {
				return sysUsers.UnlockUser(secA, userB)
			}, zhili.ENOTFOUND, ""},
			{"township secadmin resetting B's password is not found", func() error {
				return sysUsers.SetPassword(secA, userB, "", "Another@2026!pw")
			}, zhili.ENOTFOUND, ""},
			{"township secadmin resetting B's second factor is not found", func() error {
				return sysUsers.ResetTOTP(secA, userB)
			}, zhili.ENOTFOUND, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := tc.write()
				confCode(t, err, tc.code)
				if tc.field != "" {
					confField(t, err, tc.field)
				}
			})
		}
		if after := confAuditCount(t, db); after != auditBefore {
			t.Errorf("audit %d → %d: a refused write was recorded as done", auditBefore, after)
		}
		ps, _, err := people.FindPositions(f.Ctx(t, db, "townB"), zhili.PositionFilter{PersonID: &personB.ID})
		if err != nil || len(ps) != 1 || ps[0].End != "" {
			t.Fatalf("B's position changed: %+v, %v", ps, err)
		}
		u, err := sysUsers.FindUser(f.Ctx(t, db, "sysadmin"), userB)
		if err != nil || u.Disabled || u.Role != zhili.RoleTownship {
			t.Fatalf("B's account changed: %+v, %v", u, err)
		}
		vb, err := regions.FindRegion(storetest.System(), f.VillageB.ID)
		if err != nil || vb.Name != f.VillageB.Name {
			t.Fatalf("B's village changed: %+v, %v", vb, err)
		}
	})
}

// A region whose id starts with the digits of the actor's scope root ("/1/2/" and
// "/1/23/") is not in the scope: scope is a subtree, not a string prefix.
func TestScopeIsNotAStringPrefix(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		regions, people := sqlstore.NewRegionService(db), sqlstore.NewPersonService(db)
		sys := storetest.System()
		prefix := strconv.FormatInt(f.TownA.ID, 10)
		var twin *zhili.Region
		for i := 0; twin == nil; i++ {
			if i == 300 {
				t.Fatalf("no township id starting with %s after 300 inserts", prefix)
			}
			r := &zhili.Region{Code: "419901" + strconv.Itoa(200+i) + "000", Name: confName("孪生镇", i), ParentID: f.County.ID, Level: zhili.LevelTownship, Kind: zhili.KindTown}
			if err := regions.CreateRegion(sys, r); err != nil {
				t.Fatal(err)
			}
			if id := strconv.FormatInt(r.ID, 10); strings.HasPrefix(id, prefix) && id != prefix {
				twin = r
			}
		}
		p := &zhili.Person{Name: "孪生", RegionID: twin.ID}
		if err := people.CreatePerson(sys, p); err != nil {
			t.Fatal(err)
		}
		townA := f.Ctx(t, db, "townA")
		_, err := regions.FindRegion(townA, twin.ID)
		confCode(t, err, zhili.ENOTFOUND)
		_, err = people.FindPerson(townA, p.ID)
		confCode(t, err, zhili.ENOTFOUND)
		rs, _, err := regions.FindRegions(townA, zhili.RegionFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(rs, func(r *zhili.Region) bool { return r.ID == twin.ID }) {
			t.Fatalf("township A (path %s) lists township %s (path %s)", f.TownA.Path, twin.Name, twin.Path)
		}
	})
}
