package geo

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// tableShapes is a hand-made layout on a unit lattice near the test county:
//
//	id 5: square [0,2]×[0,2] with a hole [0.5,1.5]×[0.5,1.5]
//	id 3: square [2,4]×[0,2], sharing the edge x=2 with id 5
//	id 9: the hole of id 5, filled
//	id 7: two parts, [0,2]×[2,4] (above id 5) and [6,7]×[0,1] (far away)
//	id 4: square [2,4]×[2,4]; ids 5, 3, 7 and 4 meet at the vertex (2,2)
//	id 8: a lake-shore grid [4,5]×[0,1] with an empty hole [4.25,4.75]×[0.25,0.75]
func tableShapes() []Shape {
	const x0, y0 = 113.0, 34.0
	sq := func(a, b, c, d float64) orb.Ring { return square(x0+a, y0+b, x0+c, y0+d) }
	return []Shape{
		{ID: 5, Code: "five", Geometry: orb.MultiPolygon{{sq(0, 0, 2, 2), sq(0.5, 0.5, 1.5, 1.5)}}},
		{ID: 3, Code: "three", Geometry: orb.MultiPolygon{{sq(2, 0, 4, 2)}}},
		{ID: 9, Code: "nine", Geometry: orb.MultiPolygon{{sq(0.5, 0.5, 1.5, 1.5)}}},
		{ID: 7, Code: "seven", Geometry: orb.MultiPolygon{{sq(0, 2, 2, 4)}, {sq(6, 0, 7, 1)}}},
		{ID: 4, Code: "four", Geometry: orb.MultiPolygon{{sq(2, 2, 4, 4)}}},
		{ID: 8, Code: "eight", Geometry: orb.MultiPolygon{{sq(4, 0, 5, 1), sq(4.25, 0.25, 4.75, 0.75)}}},
	}
}

func TestLocateTable(t *testing.T) {
	shapes := tableShapes()
	ix := NewIndex(shapes)
	nv := newNaive(shapes)
	const x0, y0 = 113.0, 34.0
	tests := []struct {
		name   string
		dx, dy float64
		want   int64 // 0: no grid
	}{
		{"inside a plain square", 3, 1, 3},
		{"inside a square with a hole, outside the hole", 0.25, 0.25, 5},
		{"in a hole filled by another grid", 1, 1, 9},
		{"on the boundary of a filled hole: lower id wins", 0.5, 1, 5},
		{"on a shared edge: lower id wins", 2, 1, 3},
		{"on a shared edge, other side's id higher", 1, 2, 5},
		{"on the vertex four grids share", 2, 2, 3},
		{"on an outer edge of one grid", 3, 0, 3},
		{"on an outer corner", 4, 0, 3},
		{"first part of a multipolygon", 1, 3, 7},
		{"second part of a multipolygon", 6.5, 0.5, 7},
		{"on the second part's edge", 7, 0.5, 7},
		{"in an empty hole", 4.5, 0.5, 0},
		{"on an empty hole's edge", 4.25, 0.5, 8},
		{"between grids", 5.5, 0.5, 0},
		{"outside all bounds", -1, -1, 0},
		{"just outside an outer edge", 4 + 1e-12, 1.5, 0},
		{"just inside an outer edge", 4 - 1e-12, 1.5, 3},
	}
	for _, tt := range tests {
		x, y := x0+tt.dx, y0+tt.dy
		id, code, ok := ix.Locate(x, y)
		if ok != (tt.want != 0) || id != tt.want {
			t.Errorf("%s: Locate(%v, %v) = %d %q %v, want %d", tt.name, x, y, id, code, ok, tt.want)
		}
		if wid, _, _ := nv.locate(x, y); wid != tt.want {
			t.Errorf("%s: linear scan gives %d, want %d", tt.name, wid, tt.want)
		}
	}
}

func TestContainsHolesAndBoundaries(t *testing.T) {
	g := orb.MultiPolygon{{square(0, 0, 4, 4), square(1, 1, 3, 3)}}
	for _, tt := range []struct {
		x, y float64
		want bool
	}{
		{0.5, 0.5, true}, {2, 2, false}, {1, 2, true}, {3, 3, true}, {0, 4, true},
		{4, 2, true}, {4.5, 2, false}, {-0.1, 0, false}, {math.NaN(), 1, false}, {1, math.Inf(1), false},
	} {
		if got := Contains(g, tt.x, tt.y); got != tt.want {
			t.Errorf("Contains(%v, %v) = %v, want %v", tt.x, tt.y, got, tt.want)
		}
	}
}

// TestDegenerateInput checks inputs a validated import would reject but a
// caller might still pass: the index must not panic and must agree with the
// linear scan.
func TestDegenerateInput(t *testing.T) {
	nan := math.NaN()
	shapes := []Shape{
		{ID: 1, Code: "empty"},
		{ID: 2, Code: "no-rings", Geometry: orb.MultiPolygon{{}}},
		{ID: 3, Code: "empty-ring", Geometry: orb.MultiPolygon{{{}}}},
		{ID: 4, Code: "nan", Geometry: orb.MultiPolygon{{{{0, 0}, {nan, 1}, {1, 1}, {0, 0}}}}},
		{ID: 5, Code: "unclosed", Geometry: orb.MultiPolygon{{{{10, 10}, {11, 10}, {11, 11}, {10, 11}}}}},
		{ID: 6, Code: "flat", Geometry: orb.MultiPolygon{{{{20, 20}, {21, 21}, {22, 22}, {20, 20}}}}},
		{ID: 7, Code: "point", Geometry: orb.MultiPolygon{{{{30, 30}}}}},
		{ID: 8, Code: "clockwise", Geometry: orb.MultiPolygon{{{{40, 40}, {40, 41}, {41, 41}, {41, 40}, {40, 40}}}}},
		{ID: 8, Code: "duplicate-id", Geometry: orb.MultiPolygon{{square(40.5, 40.5, 41.5, 41.5)}}},
	}
	ix := NewIndex(shapes)
	nv := newNaive(shapes)
	pts := []orb.Point{
		{0.5, 0.7}, {10.5, 10.5}, {11, 10.5}, {21, 21}, {21.5, 21.5}, {20.5, 21}, {30, 30},
		{40.5, 40.5}, {40.7, 40.7}, {41.2, 41.2}, {nan, nan}, {1e300, 0},
	}
	checkAgree(t, ix, nv, pts)
	for _, tt := range []struct {
		p    orb.Point
		want string
	}{{orb.Point{10.5, 10.5}, "unclosed"}, {orb.Point{21, 21}, "flat"}, {orb.Point{40.7, 40.7}, "clockwise"}, {orb.Point{41.2, 41.2}, "duplicate-id"}} {
		if _, code, _ := ix.Locate(tt.p[0], tt.p[1]); code != tt.want {
			t.Errorf("Locate(%v) = %q, want %q", tt.p, code, tt.want)
		}
	}

	for _, empty := range []*Index{nil, NewIndex(nil), NewIndex(shapes[:4])} {
		if _, _, ok := empty.Locate(0.5, 0.5); ok {
			t.Errorf("an index with no usable polygon located a point")
		}
	}
	if NewIndex(shapes).Len() != len(shapes) || (*Index)(nil).Len() != 0 || (*Index)(nil).Bytes() != 0 {
		t.Errorf("Len or Bytes wrong on trivial indexes")
	}
}

// TestIndexIsACopy checks that changing the input after NewIndex does not
// change the index, which immutability depends on.
func TestIndexIsACopy(t *testing.T) {
	shapes := tableShapes()
	ix := NewIndex(shapes)
	shapes[1].Geometry[0][0][1] = orb.Point{1000, 1000}
	shapes[1].ID = 1
	if id, _, ok := ix.Locate(113+3, 34+1); !ok || id != 3 {
		t.Errorf("Locate after mutating input = %d %v, want 3", id, ok)
	}
}

// TestOrientExact compares orient with exact rational arithmetic on nearly
// collinear points, where the float filter must hand over to big.Rat.
func TestOrientExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	rat := func(f float64) *big.Rat { return new(big.Rat).SetFloat64(f) }
	exact := func(ax, ay, bx, by, px, py float64) int {
		l := new(big.Rat).Mul(new(big.Rat).Sub(rat(ax), rat(px)), new(big.Rat).Sub(rat(by), rat(py)))
		r := new(big.Rat).Mul(new(big.Rat).Sub(rat(ay), rat(py)), new(big.Rat).Sub(rat(bx), rat(px)))
		return l.Cmp(r)
	}
	zeros := 0
	for k := range 20000 {
		ax, ay := 113+rng.Float64(), 34+rng.Float64()
		bx, by := 113+rng.Float64(), 34+rng.Float64()
		t0 := rng.Float64()
		px, py := ax+t0*(bx-ax), ay+t0*(by-ay) // on the line, up to rounding
		if k%4 == 0 {
			// Dyadic coordinates: p is exactly on the line.
			ax, ay = 113+float64(rng.IntN(1024))/1024, 34+float64(rng.IntN(1024))/1024
			dx, dy := float64(rng.IntN(2048)-1024)/1024, float64(rng.IntN(2048)-1024)/1024
			bx, by = ax+dx, ay+dy
			j := float64(rng.IntN(9)) / 8
			px, py = ax+j*dx, ay+j*dy
		}
		if k%3 == 0 {
			px = math.Nextafter(px, 200)
		}
		got, want := orient(ax, ay, bx, by, px, py), exact(ax, ay, bx, by, px, py)
		if got != want {
			t.Fatalf("orient(%v,%v,%v,%v,%v,%v) = %d, exact %d", ax, ay, bx, by, px, py, got, want)
		}
		if got == 0 {
			zeros++
		}
	}
	if zeros == 0 {
		t.Errorf("no exactly collinear case was generated")
	}
}
