package geo

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func TestSyntheticGridsShape(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 5, 7, 49, 50, 101, 1000, 10000} {
		shapes := SyntheticGrids(n, 42)
		if len(shapes) != n {
			t.Fatalf("SyntheticGrids(%d) returned %d shapes", n, len(shapes))
		}
		ids, codes := map[int64]bool{}, map[string]bool{}
		holes, multi := 0, 0
		for _, s := range shapes {
			if s.ID < 1 || s.ID > int64(n) || ids[s.ID] || codes[s.Code] {
				t.Fatalf("n=%d: bad or repeated id %d / code %q", n, s.ID, s.Code)
			}
			ids[s.ID], codes[s.Code] = true, true
			if len(s.Geometry) > 1 {
				multi++
			}
			for _, p := range s.Geometry {
				holes += len(p) - 1
				if !SyntheticArea.Contains(p.Bound().Min) || !SyntheticArea.Contains(p.Bound().Max) {
					t.Fatalf("n=%d: shape %d leaves the area", n, s.ID)
				}
			}
		}
		if n == 10000 && (holes < 250 || multi < 100) {
			t.Errorf("n=%d: %d holes and %d multipolygons, want some of each", n, holes, multi)
		}
	}
	a, b := SyntheticGrids(300, 9), SyntheticGrids(300, 9)
	for i := range a {
		if a[i].ID != b[i].ID || !a[i].Geometry.Equal(b[i].Geometry) {
			t.Fatalf("SyntheticGrids is not deterministic for a seed")
		}
	}
}

// TestSyntheticGridsValid checks that the grids really tile: every ring is
// simple, outer rings are counter-clockwise and holes clockwise, the areas
// add up to the area covered, and random points lie in at most one grid.
func TestSyntheticGridsValid(t *testing.T) {
	shapes := SyntheticGrids(900, 4)
	total := 0.0
	for _, s := range shapes {
		for _, p := range s.Geometry {
			for k, r := range p {
				if !simple(r) {
					t.Fatalf("shape %d ring %d is not simple", s.ID, k)
				}
				if a := planar.Area(r); (k == 0) != (a > 0) {
					t.Fatalf("shape %d ring %d has the wrong orientation", s.ID, k)
				}
			}
			total += planar.Area(p)
		}
	}
	area := (SyntheticArea.Max[0] - SyntheticArea.Min[0]) * (SyntheticArea.Max[1] - SyntheticArea.Min[1])
	if math.Abs(total-area)/area > 0.02 {
		t.Errorf("grids cover %.6f square degrees of %.6f", total, area)
	}
	nv := newNaive(shapes)
	rng := rand.New(rand.NewPCG(1, 2))
	inside := 0
	for range 20000 {
		p := orb.Point{SyntheticArea.Min[0] + rng.Float64()*(SyntheticArea.Max[0]-SyntheticArea.Min[0]),
			SyntheticArea.Min[1] + rng.Float64()*(SyntheticArea.Max[1]-SyntheticArea.Min[1])}
		switch nv.count(p[0], p[1]) {
		case 0:
		case 1:
			inside++
		default:
			t.Fatalf("point %v is in more than one grid", p)
		}
	}
	if inside < 19000 {
		t.Errorf("only %d of 20000 points are in a grid, want most", inside)
	}
}

// simple reports whether no two non-adjacent edges of the closed ring r meet.
func simple(r orb.Ring) bool {
	n := len(r) - 1
	for i := range n {
		for j := i + 2; j < n; j++ {
			if i == 0 && j == n-1 {
				continue // the first and last edges share the closing vertex
			}
			if segmentsMeet(r[i], r[i+1], r[j], r[j+1]) {
				return false
			}
		}
	}
	return true
}

// segmentsMeet reports whether segments ab and cd share a point.
func segmentsMeet(a, b, c, d orb.Point) bool {
	o1, o2 := orient(a[0], a[1], b[0], b[1], c[0], c[1]), orient(a[0], a[1], b[0], b[1], d[0], d[1])
	o3, o4 := orient(c[0], c[1], d[0], d[1], a[0], a[1]), orient(c[0], c[1], d[0], d[1], b[0], b[1])
	if o1*o2 < 0 && o3*o4 < 0 {
		return true
	}
	on := func(p, q, r orb.Point) bool { // r on segment pq, given collinear
		return min(p[0], q[0]) <= r[0] && r[0] <= max(p[0], q[0]) && min(p[1], q[1]) <= r[1] && r[1] <= max(p[1], q[1])
	}
	return (o1 == 0 && on(a, b, c)) || (o2 == 0 && on(a, b, d)) || (o3 == 0 && on(c, d, a)) || (o4 == 0 && on(c, d, b))
}
