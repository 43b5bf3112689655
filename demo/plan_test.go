package demo

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/geo"
	"github.com/zhili-project/zhili/password"
	"github.com/zhili-project/zhili/sensitive"
)

func testPlan(t *testing.T, seed int64) *plan {
	t.Helper()
	opt, err := Options{Seed: seed}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	return newPlan(opt)
}

// The same seed gives the same county, another seed another one.
func TestPlanDeterministic(t *testing.T) {
	t.Parallel()
	a, b, c := testPlan(t, 11), testPlan(t, 11), testPlan(t, 12)
	ra, rb, rc := a.rows(), b.rows(), c.rows()
	if len(ra) != len(rb) {
		t.Fatalf("%d rows, then %d", len(ra), len(rb))
	}
	ba, bb := a.boundaries(), b.boundaries()
	for k := range ra {
		if ra[k] != rb[k] || !bytes.Equal(ba[ra[k].Code], bb[ra[k].Code]) {
			t.Fatalf("row %d: %+v, then %+v", k, ra[k], rb[k])
		}
	}
	for k := range a.people {
		pa, pb := a.people[k], b.people[k]
		if pa.name != pb.name || pa.idNumber != pb.idNumber || pa.phone != pb.phone || len(pa.positions) != len(pb.positions) {
			t.Fatalf("person %d: %+v, then %+v", k, pa, pb)
		}
	}
	same := 0
	for k := range min(len(ra), len(rc)) {
		if ra[k].Name == rc[k].Name && ra[k].Level == zhili.LevelVillage {
			same++
		}
	}
	if same > 20 {
		t.Fatalf("seeds 11 and 12 share %d village names at the same place", same)
	}
}

// Every ID number is valid and unique, issued in the county; every phone too.
func TestPlanPeople(t *testing.T) {
	t.Parallel()
	p := testPlan(t, 5)
	seen := map[string]bool{}
	for _, ps := range p.people {
		if err := sensitive.ValidIDNumber(ps.idNumber); err != nil || !strings.HasPrefix(ps.idNumber, idPrefix) {
			t.Fatalf("%s: ID number %s: %v", ps.name, ps.idNumber, err)
		}
		if err := sensitive.ValidPhone(ps.phone); err != nil || ps.phone[1] < '3' {
			t.Fatalf("%s: phone %s: %v", ps.name, ps.phone, err)
		}
		if seen[ps.idNumber] || seen[ps.phone] {
			t.Fatalf("%s: ID number or phone given twice", ps.name)
		}
		seen[ps.idNumber], seen[ps.phone] = true, true
		if n := len([]rune(ps.name)); n < 2 || n > 3 || len(ps.positions) == 0 {
			t.Fatalf("person %q with %d positions", ps.name, len(ps.positions))
		}
		for _, at := range ps.positions {
			if at.start < "2024-01-01" || at.start > "2026-03-31" || at.end != "" && at.end < at.start {
				t.Fatalf("%s: position %+v", ps.name, at)
			}
		}
	}
	// The check character is computed, not copied: a known number from GB 11643.
	if got := idCheck("11010519491231002"); got != 'X' {
		t.Fatalf("check of 11010519491231002X: %c", got)
	}
}

// Names are unique where they must be, and grids are named after their village.
func TestPlanNames(t *testing.T) {
	t.Parallel()
	p := testPlan(t, 9)
	names := map[string]string{}
	for _, n := range p.nodes {
		if n.Level == zhili.LevelVillage {
			if other, ok := names[n.Name]; ok {
				t.Fatalf("%s names both %s and %s", n.Name, other, n.Code)
			}
			names[n.Name] = n.Code
		}
		if n.Level == zhili.LevelGrid && n.Kind == zhili.KindComprehensive && !strings.HasPrefix(n.Name, n.parent.Name+"第") {
			t.Fatalf("grid %s %s in %s", n.Code, n.Name, n.parent.Name)
		}
		if n.Level == zhili.LevelGrid && !strings.HasSuffix(n.Name, "网格") {
			t.Fatalf("grid name %s", n.Name)
		}
		if len(n.Code) != 12+3*int(n.Level/zhili.LevelGrid) || !strings.HasPrefix(n.Code, idPrefix) {
			t.Fatalf("code %s of %s", n.Code, n.Name)
		}
	}
	if len(townships) != MaxTownships {
		t.Fatalf("%d township names, MaxTownships %d", len(townships), MaxTownships)
	}
	if numeral(1) != "一" || numeral(10) != "十" || numeral(12) != "十二" || numeral(40) != "四十" || numeral(57) != "五十七" {
		t.Fatal("numerals")
	}
}

// Grids tile the county without overlapping, and every region's boundary is the
// union of its grids: the areas add up and random points agree at every level.
func TestPlanBoundaries(t *testing.T) {
	t.Parallel()
	p := testPlan(t, 2)
	area := map[string]float64{}
	var grids, villages, towns []geo.Shape
	for k, n := range p.nodes {
		for _, poly := range n.geom {
			if poly[0].Orientation() != orb.CCW {
				t.Fatalf("%s %s: outer ring is not counter-clockwise", n.Code, n.Name)
			}
		}
		s := geo.Shape{ID: int64(k + 1), Code: n.Code, Geometry: n.geom}
		switch n.Level {
		case zhili.LevelGrid:
			grids = append(grids, s)
			area[n.ParentCode] += planar.Area(n.geom)
		case zhili.LevelVillage:
			villages = append(villages, s)
			area[n.ParentCode] += planar.Area(n.geom)
		case zhili.LevelTownship:
			towns = append(towns, s)
			area[n.ParentCode] += planar.Area(n.geom)
		}
	}
	for _, n := range p.nodes {
		if n.Level < zhili.LevelGrid && math.Abs(area[n.Code]-planar.Area(n.geom)) > 1e-9 {
			t.Fatalf("%s %s: area %g, its parts %g", n.Code, n.Name, planar.Area(n.geom), area[n.Code])
		}
		if n.Level < zhili.LevelGrid && n.Level > zhili.LevelCounty && len(n.geom) != 1 {
			t.Fatalf("%s %s comes in %d parts", n.Code, n.Name, len(n.geom))
		}
	}
	gi, vi, ti := geo.NewIndex(grids), geo.NewIndex(villages), geo.NewIndex(towns)
	bounds := make([]orb.Bound, len(grids))
	for k, s := range grids {
		bounds[k] = s.Geometry.Bound()
	}
	rng := rand.New(rand.NewPCG(1, 2))
	inside := 0
	for range 20000 {
		x := Area.Min[0] + rng.Float64()*(Area.Max[0]-Area.Min[0])
		y := Area.Min[1] + rng.Float64()*(Area.Max[1]-Area.Min[1])
		_, g, okG := gi.Locate(x, y)
		_, v, okV := vi.Locate(x, y)
		_, tw, okT := ti.Locate(x, y)
		inCounty := geo.Contains(p.county.geom, x, y)
		if okG != okV || okG != okT || okG != inCounty || okG && (g[:12] != v || v[:9] != tw[:9]) {
			t.Fatalf("(%f, %f): grid %q, village %q, township %q, county %v", x, y, g, v, tw, inCounty)
		}
		if !okG {
			continue
		}
		if inside++; inside > 3000 {
			continue // the scan below is slow; 3000 points are plenty
		}
		hits := 0
		for k, s := range grids {
			if bounds[k].Contains(orb.Point{x, y}) && geo.Contains(s.Geometry, x, y) {
				hits++
			}
		}
		if hits != 1 {
			t.Fatalf("(%f, %f) lies in %d grids", x, y, hits)
		}
	}
	if inside < 5000 {
		t.Fatalf("only %d of 20000 points in the county", inside)
	}
}

// Generated passwords pass the policy and differ.
func TestNewPassword(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 200 {
		pw, err := NewPassword()
		if err != nil {
			t.Fatal(err)
		}
		if err := password.CheckPolicy(pw); err != nil || seen[pw] {
			t.Fatalf("%s: %v (seen %v)", pw, err, seen[pw])
		}
		seen[pw] = true
	}
}

// Columns line up by display width, Chinese characters counting two.
func TestWriteAccounts(t *testing.T) {
	t.Parallel()
	r := &Result{Accounts: []Account{
		{Username: "admin", RoleLabel: "系统管理员", Unit: "青山县人民政府", Name: "系统管理员", Password: "Aa1!aaaaaa"},
		{Username: "gongan", RoleLabel: "部门用户", Unit: "青山县公安局", Name: "张三", Password: "Bb2@bbbbbb"},
	}}
	var b bytes.Buffer
	if err := r.WriteAccounts(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("want header and 2 lines:\n%s", b.String())
	}
	col := func(line, cell string) int { return displayWidth(line[:strings.Index(line, cell)]) }
	if col(lines[1], "Aa1!") != col(lines[2], "Bb2@") || col(lines[1], "青山县") != col(lines[2], "青山县") {
		t.Fatalf("columns do not line up:\n%s", b.String())
	}
}
