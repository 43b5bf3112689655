package demo

import (
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
)

// Area is the WGS-84 box the demo county is laid out in: open country south-west
// of Zhengzhou, about 37 km by 33 km.
var Area = orb.Bound{Min: orb.Point{113.5, 34.5}, Max: orb.Point{113.9, 34.8}}

// Jitter of the lattice, as fractions of a cell, the same as geo.SyntheticGrids:
// small enough that every ring stays simple and a cell always holds its nominal
// centre.
const (
	cornerJitter = 0.15 // corners move this far in x and y
	edgeJitter   = 0.05 // edge points move this far across the edge
	edgePoints   = 3    // extra points per lattice edge
)

// Directions of a side, counter-clockwise; a turn is the difference mod 4.
const (
	east = iota
	north
	west
	south
)

// lattice is a jittered cols×rows grid of cells whose neighbours share every
// vertex, so that cells tile without gaps or overlaps and any union of cells can
// be outlined exactly from the sides it does not share.
type lattice struct {
	cols, rows int
	corner     []orb.Point   // (cols+1)*(rows+1), row-major from the south-west
	hEdge      [][]orb.Point // (rows+1)*cols, west to east
	vEdge      [][]orb.Point // rows*(cols+1), south to north
}

// newLattice jitters the corners and the points along each edge; coordinates are
// rounded to 1e-6° (about 0.1 m), the precision the boundaries are stored at, so
// every computation sees the stored geometry.
func newLattice(rng *rand.Rand, cols, rows int) *lattice {
	b := Area
	w, h := (b.Max[0]-b.Min[0])/float64(cols), (b.Max[1]-b.Min[1])/float64(rows)
	l := &lattice{cols: cols, rows: rows}
	jit := func(f float64) float64 { return (2*rng.Float64() - 1) * f }
	pt := func(x, y float64) orb.Point { return orb.Point{round6(x), round6(y)} }
	for j := 0; j <= rows; j++ {
		for i := 0; i <= cols; i++ {
			x, y := b.Min[0]+float64(i)*w, b.Min[1]+float64(j)*h
			l.corner = append(l.corner, pt(x+jit(cornerJitter*w), y+jit(cornerJitter*h)))
		}
	}
	along := func(a, b orb.Point, dx, dy float64) []orb.Point {
		pts := make([]orb.Point, edgePoints)
		for k := range pts {
			t := float64(k+1) / (edgePoints + 1)
			pts[k] = pt(a[0]+t*(b[0]-a[0])+jit(dx), a[1]+t*(b[1]-a[1])+jit(dy))
		}
		return pts
	}
	for j := 0; j <= rows; j++ {
		for i := range cols {
			l.hEdge = append(l.hEdge, along(l.at(i, j), l.at(i+1, j), 0, edgeJitter*h))
		}
	}
	for j := range rows {
		for i := 0; i <= cols; i++ {
			l.vEdge = append(l.vEdge, along(l.at(i, j), l.at(i, j+1), edgeJitter*w, 0))
		}
	}
	return l
}

func round6(f float64) float64 { return math.Round(f*1e6) / 1e6 }

// at returns corner (i, j).
func (l *lattice) at(i, j int) orb.Point { return l.corner[j*(l.cols+1)+i] }

// side is one directed side of a cell, counter-clockwise around it: the corner it
// starts from, the corner it ends at, and its points without the end corner.
type side struct {
	from, to int // corner indexes
	dir      int
	pts      []orb.Point
}

// sides returns cell c's four sides, counter-clockwise from its south side, and
// the cells across them (-1 off the lattice).
func (l *lattice) sides(c int) ([4]side, [4]int) {
	i, j := c%l.cols, c/l.cols
	k := func(i, j int) int { return j*(l.cols+1) + i }
	with := func(first orb.Point, rest []orb.Point) []orb.Point {
		return append([]orb.Point{first}, rest...)
	}
	s := [4]side{
		{k(i, j), k(i+1, j), east, with(l.at(i, j), l.hEdge[j*l.cols+i])},
		{k(i+1, j), k(i+1, j+1), north, with(l.at(i+1, j), l.vEdge[j*(l.cols+1)+i+1])},
		{k(i+1, j+1), k(i, j+1), west, with(l.at(i+1, j+1), reversed(l.hEdge[(j+1)*l.cols+i]))},
		{k(i, j+1), k(i, j), south, with(l.at(i, j+1), reversed(l.vEdge[j*(l.cols+1)+i]))},
	}
	n := [4]int{-1, -1, -1, -1}
	if j > 0 {
		n[0] = c - l.cols
	}
	if i < l.cols-1 {
		n[1] = c + 1
	}
	if j < l.rows-1 {
		n[2] = c + l.cols
	}
	if i > 0 {
		n[3] = c - 1
	}
	return s, n
}

// ring returns cell c's boundary, counter-clockwise as RFC 7946 asks.
func (l *lattice) ring(c int) orb.Ring {
	s, _ := l.sides(c)
	var r orb.Ring
	for _, sd := range s {
		r = append(r, sd.pts...)
	}
	return append(r, r[0])
}

// centre returns the nominal centre of cell c, which the jittered cell always holds.
func (l *lattice) centre(c int) orb.Point {
	i, j := c%l.cols, c/l.cols
	w, h := (Area.Max[0]-Area.Min[0])/float64(l.cols), (Area.Max[1]-Area.Min[1])/float64(l.rows)
	return orb.Point{round6(Area.Min[0] + (float64(i)+0.5)*w), round6(Area.Min[1] + (float64(j)+0.5)*h)}
}

// hole returns a clockwise octagon around cell c's centre, well clear of its
// jittered edges: the campus of a dedicated grid inside a comprehensive one.
func (l *lattice) hole(rng *rand.Rand, c int) orb.Ring {
	ctr := l.centre(c)
	w, h := (Area.Max[0]-Area.Min[0])/float64(l.cols), (Area.Max[1]-Area.Min[1])/float64(l.rows)
	var r orb.Ring
	for k := 8; k > 0; k-- {
		a := float64(k)*math.Pi/4 + math.Pi/8
		f := 0.14 + 0.08*rng.Float64()
		r = append(r, orb.Point{round6(ctr[0] + f*w*math.Cos(a)), round6(ctr[1] + f*h*math.Sin(a))})
	}
	return append(r, r[0])
}

// reversed returns a reversed copy of pts.
func reversed[S ~[]orb.Point](pts S) S {
	out := make(S, len(pts))
	for k, p := range pts {
		out[len(pts)-1-k] = p
	}
	return out
}
