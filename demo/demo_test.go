package demo

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/paulmach/orb/planar"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/geo"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// allRegions pages through every region of db.
func allRegions(t *testing.T, db *sqlstore.DB) []*zhili.Region {
	t.Helper()
	var out []*zhili.Region
	for {
		page, total, err := sqlstore.NewRegionService(db).FindRegions(storetest.System(), zhili.RegionFilter{Offset: len(out), Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page...)
		if len(out) >= total || len(page) == 0 {
			return out
		}
	}
}

// TestSeed seeds the default county once per dialect and checks what the
// demo promises: counts, boundaries, units, people, positions and logins.
func TestSeed(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			ctx := storetest.System()
			res, err := Seed(ctx, db, Options{Seed: 7})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %s", d, res)
			if res.Townships != 12 || res.Villages < 180 || res.Grids < 700 || res.DedicatedGrids < 4 || res.Communities < 20 {
				t.Fatalf("counts: %s", res)
			}
			if res.County.Code != CountyCode || res.County.Name != CountyName || len(res.County.Boundary) == 0 {
				t.Fatalf("county: %+v", res.County)
			}
			checkRegions(t, db, res)
			checkUnits(t, db)
			checkPeople(t, db, res)
			checkAccounts(t, db, res)

			// A second seed is refused and changes nothing.
			_, err = Seed(ctx, db, Options{Seed: 7})
			if zhili.ErrorCode(err) != zhili.ECONFLICT {
				t.Fatalf("second seed: want conflict, got %v", err)
			}
			if n := len(allRegions(t, db)); n != 1+res.Townships+res.Villages+res.Grids {
				t.Fatalf("second seed changed the regions: %d", n)
			}
		})
	}
}

// checkRegions compares the stored tree with a fresh plan of the same seed (so
// seeding is deterministic), checks every boundary, and locates a few grids.
func checkRegions(t *testing.T, db *sqlstore.DB, res *Result) {
	opt, _ := Options{Seed: 7}.withDefaults()
	want := newPlan(opt).rows()
	got := allRegions(t, db)
	if len(got) != len(want) {
		t.Fatalf("%d regions stored, plan has %d", len(got), len(want))
	}
	byCode := map[string]*zhili.Region{}
	for _, r := range got {
		byCode[r.Code] = r
	}
	locate := sqlstore.NewLocateService(db)
	located := 0
	for k, w := range want {
		r := byCode[w.Code]
		if r == nil || r.Name != w.Name || r.Level != w.Level || r.Kind != w.Kind || r.CountySeat != w.CountySeat {
			t.Fatalf("region %s: stored %+v, planned %+v", w.Code, r, w)
		}
		g, err := geo.ParseGeometry(r.Boundary)
		if err != nil {
			t.Fatalf("region %s %s boundary: %v", r.Code, r.Name, err)
		}
		if r.Level != zhili.LevelGrid || k%97 != 0 || len(g[0]) > 1 {
			continue
		}
		c, _ := planar.CentroidArea(g[0][0])
		at, err := locate.Locate(storetest.System(), c[0], c[1], "wgs84")
		if err != nil || at.Code != r.Code {
			t.Fatalf("locate the centre of %s %s: %v, %v", r.Code, r.Name, at, err)
		}
		located++
	}
	if located < 5 {
		t.Fatalf("located only %d grids", located)
	}
}

// checkUnits checks the centres, the leading group and the departments.
func checkUnits(t *testing.T, db *sqlstore.DB) {
	units, total, err := sqlstore.NewUnitService(db).FindUnits(storetest.System(), zhili.UnitFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[zhili.UnitKind]int{}
	codes := map[string]bool{}
	var lead int64
	for _, u := range units {
		kinds[u.Kind]++
		codes[u.Code] = true
		if u.Kind == zhili.UnitLeadingGroup {
			lead = u.ID
		}
	}
	if kinds[zhili.UnitGovernanceCenter] != 13 || kinds[zhili.UnitMediationCenter] != 1 || kinds[zhili.UnitLegalServiceCenter] != 1 ||
		kinds[zhili.UnitLeadingGroup] != 1 || kinds[zhili.UnitSpecialGroup] != 8 || kinds[zhili.UnitOffice] < 190 {
		t.Fatalf("unit kinds: %v of %d", kinds, total)
	}
	for _, c := range []string{"police", "court", "procuratorate", "justice", "labor", "civil_affairs", "housing", "finance", "education"} {
		if !codes[c] {
			t.Fatalf("no department %s", c)
		}
	}
	for _, u := range units {
		if u.Kind == zhili.UnitSpecialGroup && u.ParentID != lead {
			t.Fatalf("special group %s has parent %d, not the leading group %d", u.Name, u.ParentID, lead)
		}
	}
}

// checkPeople checks counts by role and day, shared advisers and stored ID numbers.
func checkPeople(t *testing.T, db *sqlstore.DB, res *Result) {
	ctx := storetest.System()
	people := sqlstore.NewPersonService(db)
	before, err := people.CountPeople(ctx, zhili.PositionGridMember, res.County.ID, "2024-12-31")
	if err != nil {
		t.Fatal(err)
	}
	now, err := people.CountPeople(ctx, zhili.PositionGridMember, res.County.ID, "2026-02-28")
	if err != nil {
		t.Fatal(err)
	}
	if now < res.Grids || before >= now {
		t.Fatalf("grid members: %d at the end of 2024, %d now, for %d grids", before, now, res.Grids)
	}
	role := zhili.PositionLegalAdviser
	advisers, n, err := people.FindPositions(ctx, zhili.PositionFilter{Role: &role, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	perPerson := map[int64]int{}
	for _, p := range advisers {
		perPerson[p.PersonID]++
	}
	if n != res.Villages || len(perPerson) >= n {
		t.Fatalf("%d legal adviser positions held by %d people, for %d villages", n, len(perPerson), res.Villages)
	}
	for _, at := range advisers[:5] {
		p, err := people.RevealPerson(ctx, at.PersonID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(p.IDNumber, idPrefix) || len(p.Phone) != 11 {
			t.Fatalf("person %d: %s %s", p.ID, p.IDNumberMasked, p.PhoneMasked)
		}
	}
}

// checkAccounts logs every demo account in with its printed password.
func checkAccounts(t *testing.T, db *sqlstore.DB, res *Result) {
	var out bytes.Buffer
	if err := res.WriteAccounts(&out); err != nil {
		t.Fatal(err)
	}
	roles := map[zhili.Role]bool{}
	auth := sqlstore.NewAuthService(db)
	for _, a := range res.Accounts {
		_, u, err := auth.Login(context.Background(), a.Username, a.Password, "127.0.0.1")
		if err != nil {
			t.Fatalf("log in as %s: %v", a.Username, err)
		}
		if u.Role != a.Role || u.UnitName != a.Unit {
			t.Fatalf("account %s: %+v", a.Username, u)
		}
		if !strings.Contains(out.String(), a.Username) || !strings.Contains(out.String(), a.Password) {
			t.Fatalf("WriteAccounts leaves out %s:\n%s", a.Username, out.String())
		}
		roles[a.Role] = true
		if (a.Username == "wangge" || a.Username == "tiaojie") && a.PersonID == 0 {
			t.Fatalf("account %s has no person", a.Username)
		}
	}
	for _, r := range zhili.Roles {
		if !roles[r.Role] {
			t.Fatalf("no demo account for role %s", r.Role)
		}
	}
	if strings.Contains(res.String(), res.Accounts[0].Password) {
		t.Fatal("Result.String shows a password")
	}
}

// TestSeedSmall seeds a small county with one given password on every dialect.
func TestSeedSmall(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			res, err := Seed(storetest.System(), db, Options{Seed: 3, Townships: 3, VillagesPerTownship: 4, GridsPerVillage: 2, Password: storetest.Password})
			if err != nil {
				t.Fatal(err)
			}
			if res.Townships != 3 || res.Villages != 12 || res.Grids < 24 {
				t.Fatalf("counts: %s", res)
			}
			for _, a := range res.Accounts {
				if _, _, err := sqlstore.NewAuthService(db).Login(context.Background(), a.Username, storetest.Password, ""); err != nil {
					t.Fatalf("log in as %s: %v", a.Username, err)
				}
			}
		})
	}
}

// TestSeedRefuses checks the guards that run before anything is written.
func TestSeedRefuses(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, "sqlite")
	user := zhili.NewContextWithActor(context.Background(), &zhili.Actor{UserID: 1, Username: "x", Role: zhili.RoleSysadmin})
	for _, tc := range []struct {
		name string
		ctx  context.Context
		opt  Options
		code string
	}{
		{"a user is not the system", user, Options{}, zhili.EFORBIDDEN},
		{"too many townships", storetest.System(), Options{Townships: MaxTownships + 1}, zhili.EINVALID},
		{"a weak password", storetest.System(), Options{Password: "12345678"}, zhili.EINVALID},
	} {
		if _, err := Seed(tc.ctx, db, tc.opt); zhili.ErrorCode(err) != tc.code {
			t.Errorf("%s: want %s, got %v", tc.name, tc.code, err)
		}
	}
	storetest.NewFixture(t, db)
	if _, err := Seed(storetest.System(), db, Options{}); zhili.ErrorCode(err) != zhili.ECONFLICT {
		t.Fatalf("non-empty database: want conflict, got %v", err)
	}
}
