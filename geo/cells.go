package geo

import (
	"cmp"
	"slices"
)

// Cell encoding. A cell word with solidBit set is the rank of the one shape
// covering the whole cell, so most lookups end after a single load. Otherwise
// it is an offset into Index.lists, where a count is followed by that many
// entries in rank order. An entry with fullBit set is the rank of a shape
// with a polygon covering the whole cell; it ends the list, since any later
// entry would rank lower. Any other entry is the offset in Index.geom of a
// polygon whose boundary touches the cell; lookups walk its rings.
const (
	solidBit = 1 << 31
	fullBit  = 1 << 31
)

// fillCells classifies every (cell, polygon) pair in the polygon's bounding box
// as partial (its boundary touches the widened cell) or full (the cell lies
// inside), then packs the cells.
func (b *builder) fillCells() {
	ix := b.ix
	var cellOf, entry []uint32 // (cell, polygon index | fullBit) pairs
	var touched []bool
	for pi := range b.polys {
		p := &b.polys[pi]
		i0, i1 := ix.spanX(p.minX, p.maxX)
		j0, j1 := ix.spanY(p.minY, p.maxY)
		bw := i1 - i0 + 1
		touched = slices.Grow(touched[:0], bw*(j1-j0+1))[:bw*(j1-j0+1)]
		clear(touched)
		for k := p.ringLo; k < p.ringHi; k++ {
			pts := b.pts[b.rings[k]:b.rings[k+1]]
			for e := 0; e+3 < len(pts); e += 2 {
				ax, ay, bx, by := pts[e], pts[e+1], pts[e+2], pts[e+3]
				ei0, ei1 := ix.spanX(min(ax, bx), max(ax, bx))
				ej0, ej1 := ix.spanY(min(ay, by), max(ay, by))
				for j := ej0; j <= ej1; j++ {
					for i := ei0; i <= ei1; i++ {
						if t := &touched[(j-j0)*bw+i-i0]; !*t {
							x0, y0, x1, y1 := ix.cellRect(i, j)
							*t = segTouchesRect(ax, ay, bx, by, x0, y0, x1, y1)
						}
					}
				}
			}
		}
		for j := j0; j <= j1; j++ {
			run := -1 // containment of the untouched run the cell is in, if known
			for i := i0; i <= i1; i++ {
				e := uint32(pi)
				if touched[(j-j0)*bw+i-i0] {
					run = -1
				} else {
					// Nothing of the boundary comes near the cell, so its
					// centre speaks for every point mapped to it, and for
					// the untouched cells beside it: together they form a
					// connected region the boundary does not cross.
					if run < 0 {
						x0, y0, x1, y1 := ix.cellRect(i, j)
						run = 0
						if recContains(ix.geom[p.off:], (x0+x1)/2, (y0+y1)/2) {
							run = 1
						}
					}
					if run == 0 {
						continue
					}
					e |= fullBit
				}
				cellOf = append(cellOf, uint32(j*ix.nx+i))
				entry = append(entry, e)
			}
		}
	}
	b.pack(cellOf, entry)
}

// pack groups the (cell, entry) pairs by cell, sorts each cell's entries into
// rank order and encodes the cell words.
func (b *builder) pack(cellOf, entry []uint32) {
	ix := b.ix
	n := ix.nx * ix.ny
	start := make([]uint32, n+1)
	for _, c := range cellOf {
		start[c+1]++
	}
	for c := range n {
		start[c+1] += start[c]
	}
	sorted := make([]uint32, len(entry))
	next := slices.Clone(start[:n])
	for k, c := range cellOf {
		sorted[next[c]] = entry[k]
		next[c]++
	}
	ix.cells = make([]uint32, n)
	ix.lists = []uint32{0} // offset 0 is the shared empty list
	last := -1             // offset of the previous list, reused when equal
	rank := func(e uint32) uint32 { return b.polys[e&^fullBit].shape }
	var es []uint32
	for c := range n {
		in := sorted[start[c]:start[c+1]]
		if len(in) > 1 {
			slices.SortFunc(in, func(a, b uint32) int {
				return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(a&^fullBit, b&^fullBit))
			})
		}
		es = es[:0]
		for _, e := range in {
			if e&fullBit != 0 {
				es = append(es, fullBit|rank(e))
				break // everything after ranks lower and can never win
			}
			es = append(es, b.polys[e].off)
		}
		switch {
		case len(es) == 0:
			ix.cells[c] = 0
		case es[0]&fullBit != 0:
			ix.cells[c] = solidBit | es[0]&^fullBit
		case last >= 0 && slices.Equal(ix.lists[last+1:last+1+int(ix.lists[last])], es):
			ix.cells[c] = uint32(last)
		default:
			last = len(ix.lists)
			if last+len(es) >= solidBit {
				panic("geo: index too large")
			}
			ix.cells[c] = uint32(last)
			ix.lists = append(ix.lists, uint32(len(es)))
			ix.lists = append(ix.lists, es...)
		}
	}
	ix.lists = slices.Clip(ix.lists)
}

// segTouchesRect reports whether segment ab meets the rectangle. By the
// separating-axis theorem it misses only if the bounding boxes are apart or
// all four corners lie strictly on one side of the line. Rounding can only
// matter within about 1e-13 degrees, far inside the eps margin, and overflow
// gives NaN or Inf, which reads as touching.
func segTouchesRect(ax, ay, bx, by, x0, y0, x1, y1 float64) bool {
	if max(ax, bx) < x0 || min(ax, bx) > x1 || max(ay, by) < y0 || min(ay, by) > y1 {
		return false
	}
	dx, dy := bx-ax, by-ay
	s1 := dx*(y0-ay) - dy*(x0-ax)
	s2 := dx*(y0-ay) - dy*(x1-ax)
	s3 := dx*(y1-ay) - dy*(x0-ax)
	s4 := dx*(y1-ay) - dy*(x1-ax)
	return !(s1 > 0 && s2 > 0 && s3 > 0 && s4 > 0) && !(s1 < 0 && s2 < 0 && s3 < 0 && s4 < 0)
}
