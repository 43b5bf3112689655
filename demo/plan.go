package demo

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"github.com/zhili-project/zhili"
)

// node is a planned region.
type node struct {
	zhili.RegionRow
	parent   *node
	children []*node
	cells    []int // the lattice cells it covers; none for a dedicated grid
	hole     orb.Ring
	geom     orb.MultiPolygon
	town     *township // townships only
}

// plan is everything Seed writes, decided before anything is written, so the
// same Options give the same county.
type plan struct {
	opt      Options
	rng      *rand.Rand
	names    *names
	lat      *lattice
	cx, cy   float64 // the middle of the county seat, in lattice units
	county   *node
	towns    []*node
	nodes    []*node // every region, parents first
	units    []*unitSpec
	people   []*personSpec
	accounts []*accountSpec
}

// dedicated grids of the county seat: what they are and the township they lie in.
var dedicatedGrids = []struct{ name, town string }{
	{"青山县第一高级中学", "东城街道"}, {"青山县人民医院", "西城街道"}, {"青山县实验小学", "东城街道"},
	{"城关农贸市场", "城关镇"}, {"青山县中医院", "西城街道"}, {"青山产业集聚区", "城关镇"},
}

// newPlan lays out the county: regions, grids and every boundary.
func newPlan(opt Options) *plan {
	rng := rand.New(rand.NewPCG(uint64(opt.Seed), 0x5eed_0000_9901))
	p := &plan{opt: opt, rng: rng, names: &names{rng: rng, used: map[string]bool{}}}
	chosen := townships[:opt.Townships]
	// Village counts vary around the mean, in pairs so the total stays put.
	counts := make([]int, len(chosen))
	for t := range counts {
		counts[t] = opt.VillagesPerTownship
	}
	for t := 0; t+1 < len(counts); t += 2 {
		d := rng.IntN(min(4, opt.VillagesPerTownship))
		counts[t], counts[t+1] = counts[t]+d, counts[t+1]-d
	}
	total := opt.Townships * opt.VillagesPerTownship * opt.GridsPerVillage
	// The lattice is about 1.8 times the county, with cells roughly square on the ground.
	aspect := (Area.Max[0] - Area.Min[0]) * math.Cos(34.65*math.Pi/180) / (Area.Max[1] - Area.Min[1])
	cols := max(2, int(math.Round(math.Sqrt(float64(total)*1.8*aspect))))
	rows := max(2, int(math.Ceil(float64(total)*1.8/float64(cols))))
	p.lat = newLattice(rng, cols, rows)
	l := p.lat

	p.county = &node{RegionRow: zhili.RegionRow{Code: CountyCode, Name: CountyName, Level: zhili.LevelCounty, Kind: zhili.KindCounty}}
	p.county.cells = l.county(rng, total)
	cx, cy := l.centroid(p.county.cells)
	p.cx, p.cy = cx, cy
	dist := func(c int) float64 { x, y := l.xy(c); return math.Hypot(x-cx, y-cy) }

	// The seat's townships share the middle of the county, the streets east and
	// west of the seat town; the other townships lie around them.
	var seat, rural []int
	for t, tw := range chosen {
		if tw.seat {
			seat = append(seat, t)
		} else {
			rural = append(rural, t)
		}
	}
	bearing := map[string]int{"东城街道": 0, "城关镇": 1, "西城街道": 2}
	slices.SortStableFunc(seat, func(a, b int) int { return cmp.Compare(bearing[chosen[a].name], bearing[chosen[b].name]) })
	size := func(ts []int) (sizes []int, sum int) {
		for _, t := range ts {
			sizes = append(sizes, counts[t]*opt.GridsPerVillage)
			sum += counts[t] * opt.GridsPerVillage
		}
		return sizes, sum
	}
	seatSizes, seatSum := size(seat)
	ruralSizes, _ := size(rural)
	core := l.grow(p.county.cells, argmin(p.county.cells, dist), seatSum, dist)
	pieces := map[int][]int{}
	firstShare := math.Pi * float64(seatSizes[0]) / float64(seatSum)
	for k, cells := range l.sectors(core, seatSizes, cx, cy, -firstShare+0.2*(rng.Float64()-0.5)) {
		pieces[seat[k]] = cells
	}
	if len(rural) > 0 {
		for k, cells := range l.sectors(minus(p.county.cells, core), ruralSizes, cx, cy, 2*math.Pi*rng.Float64()) {
			pieces[rural[k]] = cells
		}
	}

	next := map[string]int{"street": 1, "town": 100, "xiang": 200}
	for t := range chosen {
		tw := &chosen[t]
		code := fmt.Sprintf("%s%03d000", idPrefix, next[tw.kind])
		next[tw.kind]++
		kind := zhili.KindTown
		if tw.kind == "street" {
			kind = zhili.KindStreet
		}
		n := &node{RegionRow: zhili.RegionRow{Code: code, Name: tw.name, ParentCode: CountyCode, Level: zhili.LevelTownship,
			Kind: kind, CountySeat: tw.seat}, parent: p.county, cells: pieces[t], town: tw}
		p.county.children = append(p.county.children, n)
		p.towns = append(p.towns, n)
	}
	slices.SortFunc(p.towns, func(a, b *node) int { return cmp.Compare(a.Code, b.Code) })
	for _, tn := range p.towns {
		sizes := make([]int, len(tn.cells)/opt.GridsPerVillage)
		for k := range sizes {
			sizes[k] = opt.GridsPerVillage
		}
		p.villages(tn, l.split(rng, tn.cells, sizes))
	}
	p.dedicate()
	p.nodes = append(p.nodes, p.county)
	p.nodes = append(p.nodes, p.towns...)
	for _, level := range []zhili.RegionLevel{zhili.LevelVillage, zhili.LevelGrid} {
		p.walk(func(n *node) {
			if n.Level == level {
				p.nodes = append(p.nodes, n)
			}
		})
	}
	for k, n := range p.nodes {
		n.Line = k + 2
		switch {
		case n.Level == zhili.LevelGrid && n.Kind == zhili.KindDedicated:
			n.geom = orb.MultiPolygon{{reversed(n.hole)}}
		case n.Level == zhili.LevelGrid && n.hole != nil:
			n.geom = orb.MultiPolygon{{l.ring(n.cells[0]), n.hole}}
		case n.Level == zhili.LevelGrid:
			n.geom = orb.MultiPolygon{{l.ring(n.cells[0])}}
		default:
			n.geom = l.outline(n.cells)
		}
	}
	p.staff()
	return p
}

// villages makes a township's villages and communities from its pieces, and
// their grids. Streets are all communities; the seat town's inner half are; a
// town (镇) has one, named after it, where it lies nearest its middle.
func (p *plan) villages(tn *node, pieces [][]int) {
	l := p.lat
	tx, ty := l.centroid(tn.cells)
	mid := func(cells []int) float64 { x, y := l.centroid(cells); return math.Hypot(x-tx, y-ty) }
	fromSeat := func(cells []int) float64 { x, y := l.centroid(cells); return math.Hypot(x-p.cx, y-p.cy) }
	slices.SortStableFunc(pieces, func(a, b []int) int { return cmp.Compare(fromSeat(a), fromSeat(b)) })
	communities := 0
	switch {
	case tn.town.kind == "street":
		communities = len(pieces)
	case tn.town.seat:
		communities = len(pieces) / 2
	case tn.town.kind == "town":
		slices.SortStableFunc(pieces, func(a, b []int) int { return cmp.Compare(mid(a), mid(b)) })
		communities = 1
	}
	for k, cells := range pieces {
		v := &node{RegionRow: zhili.RegionRow{ParentCode: tn.Code, Level: zhili.LevelVillage, Kind: zhili.KindVillage},
			parent: tn, cells: cells}
		switch {
		case k >= communities:
			v.Code, v.Name = fmt.Sprintf("%s%03d", tn.Code[:9], 201+k-communities), p.names.village()
		case !tn.town.seat:
			v.Kind, v.Code, v.Name = zhili.KindCommunity, tn.Code[:9]+"001", strings.TrimRight(tn.Name, "镇乡")+"社区"
			p.names.used[v.Name] = true
		default:
			v.Kind, v.Code, v.Name = zhili.KindCommunity, fmt.Sprintf("%s%03d", tn.Code[:9], k+1), p.names.community()
		}
		v.CountySeat = tn.CountySeat && v.Kind == zhili.KindCommunity
		tn.children = append(tn.children, v)
		// Grids are numbered from the north-west, row by row.
		slices.SortFunc(cells, func(a, b int) int {
			return cmp.Or(cmp.Compare(b/l.cols, a/l.cols), cmp.Compare(a%l.cols, b%l.cols))
		})
		for g, c := range cells {
			v.children = append(v.children, &node{RegionRow: zhili.RegionRow{
				Code: fmt.Sprintf("%s%03d", v.Code, g+1), Name: fmt.Sprintf("%s第%s网格", v.Name, numeral(g+1)),
				ParentCode: v.Code, Level: zhili.LevelGrid, Kind: zhili.KindComprehensive}, parent: v, cells: []int{c}})
		}
	}
	slices.SortFunc(tn.children, func(a, b *node) int { return cmp.Compare(a.Code, b.Code) })
}

// dedicate carves the seat's dedicated grids (schools, hospitals, the market, the
// industrial park) out of comprehensive grids as holes, so no two grids overlap.
// The park lies in a village of the seat town, the others in communities.
func (p *plan) dedicate() {
	for _, d := range dedicatedGrids {
		var hosts []*node
		for _, tn := range p.towns {
			if tn.Name != d.town {
				continue
			}
			for _, v := range tn.children {
				if (v.Kind == zhili.KindVillage) != strings.Contains(d.name, "产业") {
					continue
				}
				for _, g := range v.children {
					if g.hole == nil && g.Kind == zhili.KindComprehensive {
						hosts = append(hosts, g)
					}
				}
			}
		}
		if len(hosts) == 0 {
			continue
		}
		host := hosts[p.rng.IntN(len(hosts))]
		host.hole = p.lat.hole(p.rng, host.cells[0])
		v := host.parent
		v.children = append(v.children, &node{RegionRow: zhili.RegionRow{
			Code: fmt.Sprintf("%s%03d", v.Code, len(v.children)+1), Name: d.name + "专属网格",
			ParentCode: v.Code, Level: zhili.LevelGrid, Kind: zhili.KindDedicated}, parent: v, hole: host.hole})
	}
}

// walk visits every region below the county, depth first in code order.
func (p *plan) walk(f func(*node)) {
	var visit func(*node)
	visit = func(n *node) {
		for _, c := range n.children {
			f(c)
			visit(c)
		}
	}
	visit(p.county)
}

// rows returns the regions as import rows, parents first.
func (p *plan) rows() []zhili.RegionRow {
	out := make([]zhili.RegionRow, len(p.nodes))
	for k, n := range p.nodes {
		out[k] = n.RegionRow
	}
	return out
}

// boundaries returns every region's boundary as GeoJSON by code.
func (p *plan) boundaries() map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(p.nodes))
	for _, n := range p.nodes {
		out[n.Code] = geoJSON(n.geom)
	}
	return out
}
