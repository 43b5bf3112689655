package geo

import (
	"math"
	"math/big"

	"github.com/paulmach/orb"
)

// ccwErrBound is Shewchuk's error bound for the floating-point orientation
// determinant: when |det| exceeds it times the magnitude of the two products,
// the sign of the rounded result is the sign of the exact one.
const ccwErrBound = (3.0 + 16.0*0x1p-53) * 0x1p-53

// orient returns +1 when p lies to the left of the directed line a→b, -1 when
// to the right and 0 when exactly on it. The answer is exact for all finite
// inputs, so a point that lies on an edge shared by two grids is seen on that
// edge by both, and the tie rule, not rounding, decides which grid gets it.
func orient(ax, ay, bx, by, px, py float64) int {
	detL := (ax - px) * (by - py)
	detR := (ay - py) * (bx - px)
	det := detL - detR
	bound := ccwErrBound * (math.Abs(detL) + math.Abs(detR))
	if det > bound {
		return 1
	}
	if det < -bound {
		return -1
	}
	return orientExact(ax, ay, bx, by, px, py)
}

// orientExact is the slow path of orient, taken only when p is within a few
// ulps of the line; big.Rat holds every finite float64 and their products
// exactly.
func orientExact(ax, ay, bx, by, px, py float64) int {
	r := func(f float64) *big.Rat { return new(big.Rat).SetFloat64(f) }
	dax := new(big.Rat).Sub(r(ax), r(px))
	day := new(big.Rat).Sub(r(ay), r(py))
	dbx := new(big.Rat).Sub(r(bx), r(px))
	dby := new(big.Rat).Sub(r(by), r(py))
	l := new(big.Rat).Mul(dax, dby)
	return l.Cmp(new(big.Rat).Mul(day, dbx))
}

// Ring-walk outcomes. Within a polygon, rings' parities are combined with XOR;
// boundary ends the test early because the boundary of a closed polygon is
// inside.
const (
	outside  = 0
	inside   = 1
	boundary = 2
)

// ringWalk classifies p against a flat ring of interleaved x,y coordinates
// (closed: the last position repeats the first). It returns boundary if p is
// on an edge, otherwise inside when the ray p→+x crosses the ring an odd
// number of times. Crossings use the half-open rule on y, so a vertex at p's
// height is counted once, and an exact orientation test (orient, inlined
// here because this loop is the index's hot path), so the parity is exact.
func ringWalk(pts []float64, px, py float64) int {
	state := outside
	for ; len(pts) >= 4; pts = pts[2:] {
		ax, ay, bx, by := pts[0], pts[1], pts[2], pts[3]
		if (ay > py) == (by > py) {
			// The edge does not straddle p's height; p can only touch it at
			// an endpoint or along a horizontal edge at exactly that height.
			if ay != py && by != py {
				continue
			}
			if onFlat(ax, ay, bx, by, px, py) {
				return boundary
			}
			continue
		}
		detL := (ax - px) * (by - py)
		detR := (ay - py) * (bx - px)
		det, bound := detL-detR, ccwErrBound*(math.Abs(detL)+math.Abs(detR))
		var o int
		switch { // orient, inlined; NaN from overflow goes to the exact path
		case det > bound:
			o = 1
		case det < -bound:
			o = -1
		default:
			if o = orientExact(ax, ay, bx, by, px, py); o == 0 {
				return boundary // collinear and within the edge's y span
			}
		}
		if (o > 0) == (by > ay) {
			state ^= inside
		}
	}
	return state
}

// onFlat reports whether p lies on edge ab given that the edge does not
// straddle p's height but has an endpoint at exactly that height.
func onFlat(ax, ay, bx, by, px, py float64) bool {
	switch {
	case ay == py && by == py:
		return (ax <= px && px <= bx) || (bx <= px && px <= ax)
	case ay == py:
		return ax == px
	default:
		return bx == px
	}
}

// flatRing appends ring r to dst as interleaved x,y, closing it if needed, so
// that Contains and the Index walk identical edge lists.
func flatRing(dst []float64, r orb.Ring) []float64 {
	if len(r) == 0 {
		return dst
	}
	for _, p := range r {
		dst = append(dst, p[0], p[1])
	}
	if r[0] != r[len(r)-1] {
		dst = append(dst, r[0][0], r[0][1])
	}
	return dst
}

// Contains reports whether the closed multipolygon g contains the point
// (lng, lat): boundaries, including hole boundaries, count as inside, and the
// parts of g are united even if they overlap. A polygon with a NaN or infinite
// coordinate contains nothing. It is the exact reference the Index agrees
// with; use an Index when testing one point against many shapes.
func Contains(g orb.MultiPolygon, lng, lat float64) bool {
	if !finite(lng) || !finite(lat) {
		return false
	}
	var buf []float64
	for _, poly := range g {
		if !polyFinite(poly) {
			continue
		}
		state := outside
		for _, r := range poly {
			buf = flatRing(buf[:0], r)
			s := ringWalk(buf, lng, lat)
			if s == boundary {
				return true
			}
			state ^= s
		}
		if state == inside {
			return true
		}
	}
	return false
}

// polyFinite reports whether every coordinate of poly is finite.
func polyFinite(poly orb.Polygon) bool {
	for _, r := range poly {
		for _, p := range r {
			if !finite(p[0]) || !finite(p[1]) {
				return false
			}
		}
	}
	return true
}

// finite reports whether f is neither NaN nor infinite.
func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
