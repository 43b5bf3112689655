package geo

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// TestIndexMatchesLinearScan is the main correctness check: on synthetic
// county data the index must return exactly what a linear scan with the
// same tie rule returns, at grid densities from coarse to fine.
func TestIndexMatchesLinearScan(t *testing.T) {
	n := 10000
	if testing.Short() {
		n = 1000
	}
	shapes := SyntheticGrids(n, 7)
	nv := newNaive(shapes)
	pts := randomPoints(rand.New(rand.NewPCG(8, 9)), shapes, 100_000, 3)
	checkAgree(t, NewIndex(shapes), nv, pts)
	for _, density := range []float64{0.05, 1, 100} {
		checkAgree(t, buildIndex(shapes, density), nv, pts[:20_000])
	}
}

// TestIndexSmallData covers one-shape, two-shape and tiny tilings, where the
// bucket grid is one or a few cells.
func TestIndexSmallData(t *testing.T) {
	for n := 1; n <= 40; n++ {
		shapes := SyntheticGrids(n, int64(n))
		checkAgree(t, NewIndex(shapes), newNaive(shapes), randomPoints(rand.New(rand.NewPCG(1, uint64(n))), shapes, 2000, 5))
	}
}

// TestSharedEdgesHaveNoGaps checks the point of exact predicates: a point on
// or within an ulp of an edge shared by two grids is in at least one of them,
// in two or more only when exactly on the edge, and Locate still picks one.
// Outer rings are sampled because their edges are all shared (with a
// neighbour, or with the grid filling a hole) except on the area's border.
func TestSharedEdgesHaveNoGaps(t *testing.T) {
	shapes := SyntheticGrids(400, 3)
	nv := newNaive(shapes)
	ix := NewIndex(shapes)
	rng := rand.New(rand.NewPCG(4, 5))
	inner := SyntheticArea.Pad(-0.03) // away from the ragged outer border
	exact, near := 0, 0
	for k := range 60_000 {
		g := shapes[rng.IntN(len(shapes))].Geometry
		r := g[rng.IntN(len(g))][0]
		e := rng.IntN(len(r) - 1)
		a, b := r[e], r[e+1]
		f := rng.Float64()
		switch k % 3 {
		case 0:
			f = 0 // the vertex itself
		case 1:
			f = 0.5 // often exactly representable, so exactly on the edge
		}
		p := orb.Point{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1])}
		if !inner.Contains(p) {
			continue
		}
		onEdge := orient(a[0], a[1], b[0], b[1], p[0], p[1]) == 0
		c := nv.count(p[0], p[1])
		switch {
		case c == 0:
			t.Fatalf("point %v on a grid edge is in no grid", p)
		case onEdge && c < 2:
			t.Fatalf("point %v exactly on a shared edge is in %d grids, want 2 or more", p, c)
		case !onEdge && c != 1:
			t.Fatalf("point %v off the edge is in %d grids, want 1", p, c)
		}
		if onEdge {
			exact++
		} else {
			near++
		}
		id, _, ok := ix.Locate(p[0], p[1])
		if wid, _, _ := nv.locate(p[0], p[1]); !ok || id != wid {
			t.Fatalf("Locate(%v) = %d, %v; want %d", p, id, ok, wid)
		}
	}
	t.Logf("%d points exactly on shared edges, %d within an ulp of one", exact, near)
	if exact < 10_000 || near < 10_000 {
		t.Errorf("sampling went wrong: %d exact, %d near", exact, near)
	}
}

// TestLargeCoordinates feeds the index coordinates that are not degrees, as a
// caller passing Web Mercator metres would, and absurd ones whose products
// overflow: the index must still agree with the linear scan.
func TestLargeCoordinates(t *testing.T) {
	for _, scale := range []float64{1e5, 1e150} {
		shapes := SyntheticGrids(200, 5)
		for _, s := range shapes {
			for _, p := range s.Geometry {
				for _, r := range p {
					for k := range r {
						r[k] = orb.Point{r[k][0] * scale, r[k][1] * scale}
					}
				}
			}
		}
		pts := randomPoints(rand.New(rand.NewPCG(6, 7)), shapes, 20_000, 3)
		for k := range pts {
			if k%10 >= 3 { // randomPoints draws these from the unscaled area
				pts[k] = orb.Point{pts[k][0] * scale, pts[k][1] * scale}
			}
		}
		checkAgree(t, NewIndex(shapes), newNaive(shapes), pts)
	}
}
