package geo

import (
	"unsafe"

	"github.com/paulmach/orb"
)

// Shape is one grid boundary handed to NewIndex.
type Shape struct {
	ID       int64            // the grid's database ID; the lowest wins ties
	Code     string           // the grid's code, returned by Locate
	Geometry orb.MultiPolygon // WGS84 [lng, lat]; rings may be unclosed
}

// Index maps a point to the grid containing it. It is immutable once built, so
// any number of goroutines may call Locate without locks; to change boundaries
// build a new Index and swap it in through a Locator.
type Index struct {
	minX, minY, maxX, maxY float64 // bounds of every indexed vertex
	invW, invH             float64 // cells per degree; 0 when the bounds are flat
	nx, ny                 int
	eps                    float64 // margin around cells; see buildIndex

	// cells holds nx*ny words, row-major from (minX, minY); see cells.go for
	// the encoding of cells, lists and polygon records in geom.
	cells []uint32
	lists []uint32
	geom  []float64
	// shapes in rank order (ID, then input position): the tie rule is
	// "lowest rank wins", so a scan in rank order stops at the first hit.
	shapes []shapeRec
}

// shapeRec is what Locate returns; keeping it apart from the geometry keeps the
// hot cell array small.
type shapeRec struct {
	id   int64
	code string
}

// Locate returns the grid containing (lng, lat), a WGS84 point. Boundaries are
// closed; when several grids contain the point (a shared edge or vertex, or
// overlapping data) the one with the lowest ID wins. ok is false when no grid
// contains the point or the index is nil.
func (ix *Index) Locate(lng, lat float64) (id int64, code string, ok bool) {
	if ix == nil {
		return 0, "", false
	}
	s := ix.find(lng, lat)
	if s < 0 {
		return 0, "", false
	}
	r := &ix.shapes[s]
	return r.id, r.code, true
}

// find returns the rank of the winning shape, or -1.
func (ix *Index) find(x, y float64) int {
	w, ok := ix.cellWord(x, y)
	if !ok {
		return -1
	}
	if w&solidBit != 0 {
		return int(w &^ solidBit)
	}
	n := ix.lists[w]
	for _, e := range ix.lists[w+1 : w+1+n] {
		if e&fullBit != 0 {
			return int(e &^ fullBit)
		}
		if g := ix.geom[e:]; recContains(g, x, y) {
			return int(g[recRank])
		}
	}
	return -1
}

// cellWord returns the word of the cell (x, y) falls in, or false if the
// point is outside the index's bounds.
func (ix *Index) cellWord(x, y float64) (uint32, bool) {
	// Written so that NaN fails every comparison and lands outside.
	if !(x >= ix.minX && x <= ix.maxX && y >= ix.minY && y <= ix.maxY) {
		return 0, false
	}
	// x == maxX computes to nx; it belongs to the last cell.
	cx := min(int((x-ix.minX)*ix.invW), ix.nx-1)
	cy := min(int((y-ix.minY)*ix.invH), ix.ny-1)
	return ix.cells[cy*ix.nx+cx], true
}

// recContains is Contains for the polygon record at the start of g; it walks
// the same closed rings with the same exact predicates, so both always agree.
func recContains(g []float64, x, y float64) bool {
	if x < g[recMinX] || x > g[recMaxX] || y < g[recMinY] || y > g[recMaxY] {
		return false
	}
	state := outside
	o := recRings
	for r := int(g[recNRings]); r > 0; r-- {
		n := int(g[o])
		s := ringWalk(g[o+1:o+1+n], x, y)
		if s == boundary {
			return true
		}
		state ^= s
		o += 1 + n
	}
	return state == inside
}

// Len returns the number of shapes the index was built from.
func (ix *Index) Len() int {
	if ix == nil {
		return 0
	}
	return len(ix.shapes)
}

// Bytes estimates the heap the index holds, codes included, so deployments can
// size memory; it counts slice capacity, not allocator overhead.
func (ix *Index) Bytes() int {
	if ix == nil {
		return 0
	}
	n := int(unsafe.Sizeof(*ix))
	n += 4*(cap(ix.cells)+cap(ix.lists)) + 8*cap(ix.geom)
	n += int(unsafe.Sizeof(shapeRec{})) * cap(ix.shapes)
	for i := range ix.shapes {
		n += len(ix.shapes[i].code)
	}
	return n
}
