package geo

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
)

// SyntheticArea is the bounding box SyntheticGrids tiles: about 50 km by
// 50 km centred on (113.6, 34.7), the size of a county near Zhengzhou.
var SyntheticArea = orb.Bound{Min: orb.Point{113.325, 34.475}, Max: orb.Point{113.875, 34.925}}

// Lattice jitter, as fractions of a cell; small enough that every ring stays
// simple (TestSyntheticGridsValid checks it).
const (
	cornerJitter = 0.15 // corners move this far in x and y
	edgeJitter   = 0.05 // edge points move this far across the edge
	edgePoints   = 3    // extra points per lattice edge
)

// SyntheticGrids returns n grids that tile SyntheticArea the way real ones
// tile a county, for tests and benchmarks. They form a jittered lattice whose
// neighbours share every vertex; about one in 50 has a hole filled by a
// further grid (a school or market inside a village), one in 100 an empty
// hole (a lake), and some are two-part multipolygons. The outline is ragged
// inwards, so some points of the area lie in no grid. IDs are a shuffle of
// 1..n, so spatial order says nothing about the tie rule, and codes are "G"
// and the zero-padded ID. The same seed gives the same grids.
func SyntheticGrids(n int, seed int64) []Shape {
	if n <= 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	cols := int(math.Ceil(math.Sqrt(float64(n))))
	rows := (n + cols - 1) / cols
	l := newLattice(rng, cols, rows)

	cells := cols * rows
	var islandHosts, lakeHosts []int
	for c := 17; c < cells && len(islandHosts) < n/50; c += 50 {
		islandHosts = append(islandHosts, c)
	}
	for c := 71; c < cells && len(lakeHosts) < n/100; c += 100 {
		lakeHosts = append(lakeHosts, c)
	}
	// Each merge turns two cells into one shape, making room for the islands
	// so that exactly n shapes come out.
	merges, half := cells+len(islandHosts)-n, cells/2
	partner := make(map[int]int, merges)
	merged := make(map[int]bool, merges)
	for k := range merges {
		a := k * max(half/merges, 1)
		partner[a], merged[a+half] = a+half, true
	}
	holes := make(map[int]orb.Ring, len(islandHosts)+len(lakeHosts))
	for _, c := range append(islandHosts, lakeHosts...) {
		holes[c] = l.hole(rng, c)
	}

	ids := rng.Perm(n)
	shapes := make([]Shape, 0, n)
	add := func(g orb.MultiPolygon) {
		id := int64(ids[len(shapes)] + 1)
		shapes = append(shapes, Shape{ID: id, Code: fmt.Sprintf("G%06d", id), Geometry: g})
	}
	poly := func(c int) orb.Polygon {
		if h, ok := holes[c]; ok {
			return orb.Polygon{l.ring(c), h}
		}
		return orb.Polygon{l.ring(c)}
	}
	for c := range cells {
		if merged[c] {
			continue
		}
		g := orb.MultiPolygon{poly(c)}
		if p, ok := partner[c]; ok {
			g = append(g, poly(p))
		}
		add(g)
	}
	for _, c := range islandHosts {
		add(orb.MultiPolygon{{reversed(holes[c])}})
	}
	return shapes
}

// lattice holds the shared vertices of a jittered cols×rows grid of cells.
type lattice struct {
	cols, rows int
	w, h       float64     // nominal cell size in degrees
	corner     []orb.Point // (cols+1)*(rows+1), row-major
	hEdge      [][]orb.Point
	vEdge      [][]orb.Point
}

// newLattice jitters the corners and the points along each edge; border
// corners only slide along the border and the area's corners stay put.
func newLattice(rng *rand.Rand, cols, rows int) *lattice {
	b := SyntheticArea
	l := &lattice{cols: cols, rows: rows, w: (b.Max[0] - b.Min[0]) / float64(cols), h: (b.Max[1] - b.Min[1]) / float64(rows)}
	jit := func(f float64) float64 { return (2*rng.Float64() - 1) * f }
	for j := 0; j <= rows; j++ {
		for i := 0; i <= cols; i++ {
			x, y := b.Min[0]+float64(i)*l.w, b.Min[1]+float64(j)*l.h
			if i > 0 && i < cols {
				x += jit(cornerJitter * l.w)
			}
			if j > 0 && j < rows {
				y += jit(cornerJitter * l.h)
			}
			l.corner = append(l.corner, orb.Point{x, y})
		}
	}
	// along returns the points of one edge; on the border they move inwards
	// only (side +1 or -1), so the outline is ragged but inside the area.
	along := func(a, b orb.Point, dx, dy float64, side int) []orb.Point {
		pts := make([]orb.Point, edgePoints)
		for k := range pts {
			t := float64(k+1) / (edgePoints + 1)
			f := jit(1)
			if side != 0 {
				f = float64(side) * math.Abs(f)
			}
			pts[k] = orb.Point{a[0] + t*(b[0]-a[0]) + f*dx, a[1] + t*(b[1]-a[1]) + f*dy}
		}
		return pts
	}
	border := func(k, n int) int {
		switch k {
		case 0:
			return 1
		case n:
			return -1
		}
		return 0
	}
	for j := 0; j <= rows; j++ {
		for i := range cols {
			l.hEdge = append(l.hEdge, along(l.at(i, j), l.at(i+1, j), 0, edgeJitter*l.h, border(j, rows)))
		}
	}
	for j := range rows {
		for i := 0; i <= cols; i++ {
			l.vEdge = append(l.vEdge, along(l.at(i, j), l.at(i, j+1), edgeJitter*l.w, 0, border(i, cols)))
		}
	}
	return l
}

// at returns corner (i, j).
func (l *lattice) at(i, j int) orb.Point { return l.corner[j*(l.cols+1)+i] }

// ring returns cell c's boundary, counter-clockwise as RFC 7946 asks, built
// from the shared vertices so that neighbours' edges coincide exactly.
func (l *lattice) ring(c int) orb.Ring {
	i, j := c%l.cols, c/l.cols
	r := orb.Ring{l.at(i, j)}
	r = append(r, l.hEdge[j*l.cols+i]...)
	r = append(r, l.at(i+1, j))
	r = append(r, l.vEdge[j*(l.cols+1)+i+1]...)
	r = append(r, l.at(i+1, j+1))
	r = append(r, reversed(l.hEdge[(j+1)*l.cols+i])...)
	r = append(r, l.at(i, j+1))
	r = append(r, reversed(l.vEdge[j*(l.cols+1)+i])...)
	return append(r, l.at(i, j))
}

// hole returns a clockwise hexagon near cell c's centre, well clear of the
// cell's jittered edges.
func (l *lattice) hole(rng *rand.Rand, c int) orb.Ring {
	i, j := c%l.cols, c/l.cols
	cx, cy := SyntheticArea.Min[0]+(float64(i)+0.5)*l.w, SyntheticArea.Min[1]+(float64(j)+0.5)*l.h
	var r orb.Ring
	for k := 6; k > 0; k-- {
		a := float64(k) * math.Pi / 3
		f := 0.08 + 0.07*rng.Float64()
		r = append(r, orb.Point{cx + f*l.w*math.Cos(a), cy + f*l.h*math.Sin(a)})
	}
	return append(r, r[0])
}

// reversed returns a reversed copy of pts, for the other side of a shared edge.
func reversed[S ~[]orb.Point](pts S) S {
	out := make(S, len(pts))
	for k, p := range pts {
		out[len(pts)-1-k] = p
	}
	return out
}
