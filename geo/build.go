package geo

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Bucket-grid tuning, chosen by benchmarks on SyntheticGrids (the trade-off
// between speed and memory is tabled in docs/benchmarks-geo.md): at 64 cells
// per polygon about three lookups in four land in a cell that one grid covers
// and cost a single load, for about 750 bytes per grid in all.
const (
	cellsPerPolygon = 64
	maxCells        = 1 << 22
)

// builder holds the polygons, flattened, while an Index is built.
type builder struct {
	ix    *Index
	polys []polyRec
	rings []uint32  // ring k is pts[rings[k]:rings[k+1]]
	pts   []float64 // interleaved x,y of every closed ring
}

// polyRec is one polygon of one shape.
type polyRec struct {
	minX, minY, maxX, maxY float64
	shape                  uint32 // rank in Index.shapes
	ringLo, ringHi         uint32 // rings of this polygon, in builder.rings
	off                    uint32 // offset of its record in Index.geom
}

// NewIndex builds an Index over shapes. Ties go to the lowest ID, then to the
// earlier shape in the slice. Polygons with a NaN or infinite coordinate are
// left out, unclosed rings are treated as closed, and empty shapes never match.
// The index copies what it needs, so shapes may be changed afterwards.
func NewIndex(shapes []Shape) *Index {
	return buildIndex(shapes, cellsPerPolygon)
}

// buildIndex is NewIndex with the grid density as a parameter, for tuning.
func buildIndex(shapes []Shape, perPolygon float64) *Index {
	order := make([]int, len(shapes))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(shapes[a].ID, shapes[b].ID) })

	ix := &Index{shapes: make([]shapeRec, len(shapes))}
	ix.minX, ix.minY = math.Inf(1), math.Inf(1)
	ix.maxX, ix.maxY = math.Inf(-1), math.Inf(-1)
	b := &builder{ix: ix, rings: []uint32{0}}
	for rank, si := range order {
		s := &shapes[si]
		ix.shapes[rank] = shapeRec{id: s.ID, code: s.Code}
		for _, poly := range s.Geometry {
			b.addPolygon(poly, uint32(rank))
		}
	}
	if len(b.polys) == 0 {
		ix.minX, ix.maxX = 1, 0 // every point fails the bounds test
		return ix
	}
	// eps widens every cell before the boundary test: about 0.3 mm for
	// geographic coordinates. It only has to dominate rounding in the cell
	// arithmetic (around 1e-13 degrees, growing with the coordinates'
	// magnitude) for a cell judged free of a polygon's boundary to really
	// have the same containment at every point that maps to it.
	ix.eps = 1e-9 + 1e-11*max(math.Abs(ix.minX), math.Abs(ix.maxX), math.Abs(ix.minY), math.Abs(ix.maxY))
	b.writeRecords()
	ix.sizeGrid(perPolygon * float64(len(b.polys)))
	b.fillCells()
	return ix
}

// addPolygon flattens one polygon into the builder.
func (b *builder) addPolygon(poly orb.Polygon, rank uint32) {
	if !polyFinite(poly) {
		return
	}
	rec := polyRec{
		shape: rank, ringLo: uint32(len(b.rings) - 1),
		minX: math.Inf(1), minY: math.Inf(1), maxX: math.Inf(-1), maxY: math.Inf(-1),
	}
	for _, r := range poly {
		start := len(b.pts)
		b.pts = flatRing(b.pts, r)
		if len(b.pts) == start {
			continue
		}
		for j := start; j < len(b.pts); j += 2 {
			rec.minX, rec.maxX = min(rec.minX, b.pts[j]), max(rec.maxX, b.pts[j])
			rec.minY, rec.maxY = min(rec.minY, b.pts[j+1]), max(rec.maxY, b.pts[j+1])
		}
		b.rings = append(b.rings, uint32(len(b.pts)))
	}
	rec.ringHi = uint32(len(b.rings) - 1)
	if rec.ringHi == rec.ringLo {
		return
	}
	b.polys = append(b.polys, rec)
	ix := b.ix
	ix.minX, ix.maxX = min(ix.minX, rec.minX), max(ix.maxX, rec.maxX)
	ix.minY, ix.maxY = min(ix.minY, rec.minY), max(ix.maxY, rec.maxY)
}

// Layout of a polygon record in Index.geom. Counts and the rank are stored
// as float64, exact below 2^53, so that a lookup reads one contiguous run:
// bounds, rank, then each ring as its length followed by its coordinates.
const (
	recMinX, recMinY, recMaxX, recMaxY = 0, 1, 2, 3
	recRank, recNRings, recRings       = 4, 5, 6
)

// writeRecords writes the polygon records in Z-order of their centres, so the
// few polygons one lookup may walk, which are neighbours, share cache lines
// and pages.
func (b *builder) writeRecords() {
	ix := b.ix
	w, h := max(ix.maxX-ix.minX, 1e-300), max(ix.maxY-ix.minY, 1e-300)
	key := func(p *polyRec) uint64 {
		qx := uint32(((p.minX+p.maxX)/2 - ix.minX) / w * 0xffff)
		qy := uint32(((p.minY+p.maxY)/2 - ix.minY) / h * 0xffff)
		return interleave(qx) | interleave(qy)<<1
	}
	byKey := make([]int, len(b.polys))
	for i := range byKey {
		byKey[i] = i
	}
	slices.SortStableFunc(byKey, func(i, j int) int { return cmp.Compare(key(&b.polys[i]), key(&b.polys[j])) })
	ix.geom = make([]float64, 0, len(b.pts)+len(b.rings)+recRings*len(b.polys))
	for _, i := range byKey {
		p := &b.polys[i]
		if len(ix.geom) >= solidBit {
			panic("geo: index too large")
		}
		p.off = uint32(len(ix.geom))
		ix.geom = append(ix.geom, p.minX, p.minY, p.maxX, p.maxY, float64(p.shape), float64(p.ringHi-p.ringLo))
		for k := p.ringLo; k < p.ringHi; k++ {
			ix.geom = append(ix.geom, float64(b.rings[k+1]-b.rings[k]))
			ix.geom = append(ix.geom, b.pts[b.rings[k]:b.rings[k+1]]...)
		}
	}
}

// interleave spreads the low 16 bits of v to the even bits of the result.
func interleave(v uint32) uint64 {
	x := uint64(v & 0xffff)
	x = (x | x<<8) & 0x00ff00ff
	x = (x | x<<4) & 0x0f0f0f0f
	x = (x | x<<2) & 0x33333333
	return (x | x<<1) & 0x55555555
}

// sizeGrid picks near-square cells, about target of them and never more than
// maxCells.
func (ix *Index) sizeGrid(target float64) {
	w, h := ix.maxX-ix.minX, ix.maxY-ix.minY
	target = min(max(target, 1), maxCells)
	var side float64
	switch {
	case w > 0 && h > 0:
		side = math.Sqrt(w * h / target)
	case w > 0:
		side = w / target
	default:
		side = h / target
	}
	ix.nx, ix.ny = 1, 1
	if w > 0 {
		ix.nx = int(min(max(math.Ceil(w/side), 1), maxCells))
		ix.invW = float64(ix.nx) / w
	}
	if h > 0 {
		ix.ny = int(min(max(math.Ceil(h/side), 1), float64(maxCells/ix.nx)))
		ix.invH = float64(ix.ny) / h
	}
}

// spanX returns the columns [lo, hi] covering [a-eps, b+eps]. It uses the
// arithmetic of cellWord, which is monotone, so a point of the interval never
// maps to a column outside the span.
func (ix *Index) spanX(a, b float64) (lo, hi int) {
	return span(a-ix.eps, b+ix.eps, ix.minX, ix.invW, ix.nx)
}

// spanY is spanX for rows.
func (ix *Index) spanY(a, b float64) (lo, hi int) {
	return span(a-ix.eps, b+ix.eps, ix.minY, ix.invH, ix.ny)
}

// span returns the cells [lo, hi] of n along one axis that cover [a, b].
func span(a, b, origin, inv float64, n int) (lo, hi int) {
	lo = int(max(math.Floor((a-origin)*inv), 0))
	hi = int(min(math.Floor((b-origin)*inv), float64(n-1)))
	return max(min(lo, n-1), 0), max(hi, 0)
}

// cellRect returns cell (i, j) widened by eps on every side. Every point that
// cellWord maps to the cell lies inside it with room to spare.
func (ix *Index) cellRect(i, j int) (x0, y0, x1, y1 float64) {
	cw, ch := 0.0, 0.0
	if ix.invW > 0 {
		cw = 1 / ix.invW
	}
	if ix.invH > 0 {
		ch = 1 / ix.invH
	}
	x0, x1 = ix.minX+float64(i)*cw, ix.minX+float64(i+1)*cw
	y0, y1 = ix.minY+float64(j)*ch, ix.minY+float64(j+1)*ch
	return x0 - ix.eps, y0 - ix.eps, x1 + ix.eps, y1 + ix.eps
}
