package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
)

// Password is the password of every fixture account; it passes the policy.
const Password = "Zhili@2026!pass"

// Fixture is a small fictional county: 青山县 with townships A (a town) and B (a
// street), one village and one community under A, one village under B, and a
// grid in each village or community; an office in every region, the three centres
// at county level, and one account per role.
type Fixture struct {
	County, TownA, TownB           *zhili.Region
	VillageA, CommunityA, VillageB *zhili.Region
	GridA, GridA2, GridB           *zhili.Region
	// Offices maps a region code to its office unit.
	Offices map[string]*zhili.Unit
	Centers map[zhili.UnitKind]*zhili.Unit
	// Users holds the accounts by a short name: "sysadmin", "secadmin", "auditor",
	// "leader", "center", "townA", "townB", "villageA", "gridA", "mediator",
	// "department", "supervisor".
	Users map[string]*zhili.User
}

// square returns a GeoJSON polygon of a d-degree square with its south-west corner
// at (lng, lat).
func square(lng, lat, d float64) []byte {
	return fmt.Appendf(nil, `{"type":"Polygon","coordinates":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}`,
		lng, lat, lng+d, lat, lng+d, lat+d, lng, lat+d, lng, lat)
}

// NewFixture builds the fixture county in db. Grid boundaries are squares of 0.01°
// at lng 113.60/113.61/113.62, lat 34.70.
func NewFixture(tb testing.TB, db *sqlstore.DB) *Fixture {
	tb.Helper()
	ctx := System()
	regions := sqlstore.NewRegionService(db)
	rows := []zhili.RegionRow{
		{Line: 2, Code: "419901000000", Name: "青山县", Level: zhili.LevelCounty, Kind: zhili.KindCounty},
		{Line: 3, Code: "419901100000", Name: "青山镇", ParentCode: "419901000000", Level: zhili.LevelTownship, Kind: zhili.KindTown, CountySeat: true},
		{Line: 4, Code: "419901001000", Name: "东城街道", ParentCode: "419901000000", Level: zhili.LevelTownship, Kind: zhili.KindStreet},
		{Line: 5, Code: "419901100201", Name: "石桥村", ParentCode: "419901100000", Level: zhili.LevelVillage, Kind: zhili.KindVillage},
		{Line: 6, Code: "419901100001", Name: "青山社区", ParentCode: "419901100000", Level: zhili.LevelVillage, Kind: zhili.KindCommunity},
		{Line: 7, Code: "419901001201", Name: "河东村", ParentCode: "419901001000", Level: zhili.LevelVillage, Kind: zhili.KindVillage},
		{Line: 8, Code: "419901100201001", Name: "石桥村第一网格", ParentCode: "419901100201", Level: zhili.LevelGrid, Kind: zhili.KindComprehensive},
		{Line: 9, Code: "419901100001001", Name: "青山社区第一网格", ParentCode: "419901100001", Level: zhili.LevelGrid, Kind: zhili.KindComprehensive},
		{Line: 10, Code: "419901001201001", Name: "河东村第一网格", ParentCode: "419901001201", Level: zhili.LevelGrid, Kind: zhili.KindComprehensive},
	}
	if _, err := regions.ImportRegions(ctx, rows); err != nil {
		tb.Fatalf("fixture regions: %v", err)
	}
	if _, err := regions.SetBoundaries(ctx, map[string]json.RawMessage{
		"419901100201001": square(113.60, 34.70, 0.01),
		"419901100001001": square(113.61, 34.70, 0.01),
		"419901001201001": square(113.62, 34.70, 0.01),
	}); err != nil {
		tb.Fatalf("fixture boundaries: %v", err)
	}
	f := &Fixture{Offices: map[string]*zhili.Unit{}, Centers: map[zhili.UnitKind]*zhili.Unit{}, Users: map[string]*zhili.User{}}
	get := func(code string) *zhili.Region {
		r, err := regions.FindRegionByCode(ctx, code)
		if err != nil {
			tb.Fatalf("fixture region %s: %v", code, err)
		}
		return r
	}
	f.County, f.TownA, f.TownB = get("419901000000"), get("419901100000"), get("419901001000")
	f.VillageA, f.CommunityA, f.VillageB = get("419901100201"), get("419901100001"), get("419901001201")
	f.GridA, f.GridA2, f.GridB = get("419901100201001"), get("419901100001001"), get("419901001201001")
	return f.finish(tb, db)
}

func (f *Fixture) finish(tb testing.TB, db *sqlstore.DB) *Fixture {
	tb.Helper()
	ctx := System()
	units := sqlstore.NewUnitService(db)
	unit := func(kind zhili.UnitKind, name string, r *zhili.Region, code string) *zhili.Unit {
		u := &zhili.Unit{Kind: kind, Name: name, RegionID: r.ID, Code: code}
		if err := units.CreateUnit(ctx, u); err != nil {
			tb.Fatalf("fixture unit %s: %v", name, err)
		}
		return u
	}
	for _, r := range []*zhili.Region{f.County, f.TownA, f.TownB, f.VillageA, f.CommunityA, f.VillageB} {
		f.Offices[r.Code] = unit(zhili.UnitOffice, r.Name+"办公室", r, "")
	}
	for _, k := range []zhili.UnitKind{zhili.UnitGovernanceCenter, zhili.UnitMediationCenter, zhili.UnitLegalServiceCenter} {
		f.Centers[k] = unit(k, "青山县"+k.Label(), f.County, "")
	}
	police := unit(zhili.UnitDepartment, "青山县公安局", f.County, "police")
	users := sqlstore.NewUserService(db)
	for _, u := range []struct {
		name string
		role zhili.Role
		unit *zhili.Unit
	}{
		{"sysadmin", zhili.RoleSysadmin, f.Offices[f.County.Code]},
		{"secadmin", zhili.RoleSecadmin, f.Offices[f.County.Code]},
		{"auditor", zhili.RoleAuditor, f.Offices[f.County.Code]},
		{"leader", zhili.RoleLeader, f.Offices[f.County.Code]},
		{"center", zhili.RoleCenter, f.Centers[zhili.UnitGovernanceCenter]},
		{"townA", zhili.RoleTownship, f.Offices[f.TownA.Code]},
		{"townB", zhili.RoleTownship, f.Offices[f.TownB.Code]},
		{"villageA", zhili.RoleVillage, f.Offices[f.VillageA.Code]},
		{"gridA", zhili.RoleGridMember, f.Offices[f.VillageA.Code]},
		{"mediator", zhili.RoleMediator, f.Centers[zhili.UnitMediationCenter]},
		{"department", zhili.RoleDepartment, police},
		{"supervisor", zhili.RoleSupervisor, f.Offices[f.County.Code]},
	} {
		created, err := users.CreateUser(ctx, zhili.UserCreate{Username: u.name, Name: u.name, Role: u.role, UnitID: u.unit.ID, Password: Password})
		if err != nil {
			tb.Fatalf("fixture user %s: %v", u.name, err)
		}
		f.Users[u.name] = created
	}
	return f
}

// Actor returns the actor of a fixture account, scoped to its unit's region.
func (f *Fixture) Actor(tb testing.TB, db *sqlstore.DB, name string) *zhili.Actor {
	tb.Helper()
	u, ok := f.Users[name]
	if !ok {
		tb.Fatalf("no fixture user %q", name)
	}
	unit, err := sqlstore.NewUnitService(db).FindUnit(System(), u.UnitID)
	if err != nil {
		tb.Fatal(err)
	}
	reg, err := sqlstore.NewRegionService(db).FindRegion(System(), unit.RegionID)
	if err != nil {
		tb.Fatal(err)
	}
	return &zhili.Actor{UserID: u.ID, Username: u.Username, Role: u.Role, UnitID: u.UnitID, ScopeRegionID: reg.ID, ScopePath: reg.Path, IP: "127.0.0.1"}
}

// Ctx returns a context acting as the fixture account name.
func (f *Fixture) Ctx(tb testing.TB, db *sqlstore.DB, name string) context.Context {
	return zhili.NewContextWithActor(context.Background(), f.Actor(tb, db, name))
}
