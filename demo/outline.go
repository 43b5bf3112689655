package demo

import (
	"encoding/json"
	"slices"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/zhili-project/zhili/geo"
)

// outline returns the exact union of a set of cells: the sides that border no
// other cell of the set, chained into rings. Outer rings come out
// counter-clockwise and holes clockwise (the set lies to the left of every side),
// so the result is valid RFC 7946 GeoJSON. Where two cells of the set touch only
// at a corner, the walk turns left, so each keeps its own ring and the rings
// touch at that point, which OGC allows between the polygons of a MultiPolygon.
func (l *lattice) outline(cells []int) orb.MultiPolygon {
	in := make(map[int]bool, len(cells))
	for _, c := range cells {
		in[c] = true
	}
	order := slices.Clone(cells)
	slices.Sort(order)
	type edge struct {
		side
		cell int
		used bool
	}
	var edges []*edge
	from := map[int][]*edge{}
	for _, c := range order {
		ss, across := l.sides(c)
		for k, s := range ss {
			if across[k] >= 0 && in[across[k]] {
				continue
			}
			e := &edge{side: s, cell: c}
			edges = append(edges, e)
			from[s.from] = append(from[s.from], e)
		}
	}
	// turn ranks a turn from one direction to the next: left, straight, right.
	turn := func(in, out int) int { return [4]int{1, 0, 3, 2}[(out-in+4)%4] }
	var outers, holes []orb.Ring
	var holeCells []int
	for _, first := range edges {
		if first.used {
			continue
		}
		var r orb.Ring
		for e := first; ; {
			e.used = true
			r = append(r, e.pts...)
			var next *edge
			for _, cand := range from[e.to] {
				if (!cand.used || cand == first) && (next == nil || turn(e.dir, cand.dir) < turn(e.dir, next.dir)) {
					next = cand
				}
			}
			if next == nil || next == first {
				break
			}
			e = next
		}
		r = append(r, r[0])
		if planar.Area(r) > 0 {
			outers = append(outers, r)
		} else {
			holes = append(holes, r)
			holeCells = append(holeCells, first.cell)
		}
	}
	mp := make(orb.MultiPolygon, len(outers))
	for k, r := range outers {
		mp[k] = orb.Polygon{r}
	}
	// A hole belongs to the smallest outer ring holding a cell along it.
	for k, h := range holes {
		p, best := l.centre(holeCells[k]), -1
		for i, r := range outers {
			if geo.Contains(orb.MultiPolygon{{r}}, p[0], p[1]) && (best < 0 || planar.Area(r) < planar.Area(outers[best])) {
				best = i
			}
		}
		if best >= 0 {
			mp[best] = append(mp[best], h)
		}
	}
	return mp
}

// geoJSON encodes a multipolygon as a GeoJSON Polygon when it has one part, a
// MultiPolygon otherwise, with coordinates to 1e-6°.
func geoJSON(mp orb.MultiPolygon) json.RawMessage {
	ring := func(b []byte, r orb.Ring) []byte {
		b = append(b, '[')
		for k, p := range r {
			if k > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			b = strconv.AppendFloat(b, p[0], 'f', -1, 64)
			b = append(b, ',')
			b = strconv.AppendFloat(b, p[1], 'f', -1, 64)
			b = append(b, ']')
		}
		return append(b, ']')
	}
	poly := func(b []byte, p orb.Polygon) []byte {
		b = append(b, '[')
		for k, r := range p {
			if k > 0 {
				b = append(b, ',')
			}
			b = ring(b, r)
		}
		return append(b, ']')
	}
	if len(mp) == 1 {
		return append(poly([]byte(`{"type":"Polygon","coordinates":`), mp[0]), '}')
	}
	b := []byte(`{"type":"MultiPolygon","coordinates":[`)
	for k, p := range mp {
		if k > 0 {
			b = append(b, ',')
		}
		b = poly(b, p)
	}
	return append(b, "]}"...)
}
