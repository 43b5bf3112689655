package geo

import (
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/paulmach/orb"
)

// naive is the reference locator: a linear scan with a bounding-box check,
// applying the tie rule directly with Contains.
type naive struct {
	shapes []Shape
	bounds []orb.Bound
}

func newNaive(shapes []Shape) *naive {
	nv := &naive{shapes: shapes, bounds: make([]orb.Bound, len(shapes))}
	for i, s := range shapes {
		nv.bounds[i] = s.Geometry.Bound()
	}
	return nv
}

// locate returns the lowest-ID shape containing the point, earliest on equal IDs.
func (nv *naive) locate(lng, lat float64) (int64, string, bool) {
	best := -1
	for i := range nv.shapes {
		b := &nv.bounds[i]
		if lng < b.Min[0] || lng > b.Max[0] || lat < b.Min[1] || lat > b.Max[1] {
			continue
		}
		if (best < 0 || nv.shapes[i].ID < nv.shapes[best].ID) && Contains(nv.shapes[i].Geometry, lng, lat) {
			best = i
		}
	}
	if best < 0 {
		return 0, "", false
	}
	return nv.shapes[best].ID, nv.shapes[best].Code, true
}

// count returns how many shapes contain the point.
func (nv *naive) count(lng, lat float64) int {
	n := 0
	for i := range nv.shapes {
		if nv.bounds[i].Contains(orb.Point{lng, lat}) && Contains(nv.shapes[i].Geometry, lng, lat) {
			n++
		}
	}
	return n
}

// fixture is the benchmark data set: 10,000 synthetic grids and a million
// uniform points over their area, built once per test binary.
type fixture struct {
	shapes []Shape
	pts    []orb.Point
}

var (
	fixtureOnce sync.Once
	fixtureData fixture
)

func bigFixture() *fixture {
	fixtureOnce.Do(func() {
		fixtureData.shapes = SyntheticGrids(10000, 1)
		fixtureData.pts = randomPoints(rand.New(rand.NewPCG(2, 3)), fixtureData.shapes, 1_000_000, 0)
	})
	return &fixtureData
}

// randomPoints returns n points: uniform over SyntheticArea, except that the
// first hard in every ten are the hard cases, half of them grid vertices and
// half points on (within an ulp of) grid edges.
func randomPoints(rng *rand.Rand, shapes []Shape, n, hard int) []orb.Point {
	pts := make([]orb.Point, n)
	b := SyntheticArea
	for k := range pts {
		if k%10 >= hard {
			pts[k] = orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
			continue
		}
		g := shapes[rng.IntN(len(shapes))].Geometry
		poly := g[rng.IntN(len(g))]
		r := poly[rng.IntN(len(poly))]
		e := rng.IntN(len(r) - 1)
		if k%2 == 0 {
			pts[k] = r[e]
			continue
		}
		t := rng.Float64()
		pts[k] = orb.Point{r[e][0] + t*(r[e+1][0]-r[e][0]), r[e][1] + t*(r[e+1][1]-r[e][1])}
	}
	return pts
}

// square returns a closed counter-clockwise axis-aligned square ring.
func square(x0, y0, x1, y1 float64) orb.Ring {
	return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
}

// checkAgree fails t at the first point where ix and nv disagree.
func checkAgree(t *testing.T, ix *Index, nv *naive, pts []orb.Point) {
	t.Helper()
	bad := 0
	for _, p := range pts {
		id, code, ok := ix.Locate(p[0], p[1])
		wid, wcode, wok := nv.locate(p[0], p[1])
		if id != wid || code != wcode || ok != wok {
			t.Errorf("Locate(%v, %v) = (%d, %q, %v), linear scan says (%d, %q, %v)", p[0], p[1], id, code, ok, wid, wcode, wok)
			if bad++; bad > 10 {
				t.FailNow()
			}
		}
	}
}
