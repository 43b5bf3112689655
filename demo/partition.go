package demo

import (
	"cmp"
	"container/heap"
	"math"
	"math/rand/v2"
	"slices"
)

// The layout works on lattice cells in lattice units (a cell is about 1 km
// across), growing every piece from one cell so that pieces come out connected.

// xy returns cell c's centre in lattice units.
func (l *lattice) xy(c int) (float64, float64) {
	return float64(c%l.cols) + 0.5, float64(c/l.cols) + 0.5
}

// neighbours returns the cells sharing a side with c.
func (l *lattice) neighbours(c int) []int {
	_, n := l.sides(c)
	out := make([]int, 0, 4)
	for _, x := range n {
		if x >= 0 {
			out = append(out, x)
		}
	}
	return out
}

// cellHeap is a priority queue of cells, lowest priority first, ties by cell.
type cellHeap struct {
	c []int
	p []float64
}

func (h *cellHeap) Len() int { return len(h.c) }
func (h *cellHeap) Less(i, j int) bool {
	return h.p[i] < h.p[j] || h.p[i] == h.p[j] && h.c[i] < h.c[j]
}
func (h *cellHeap) Swap(i, j int) { h.c[i], h.c[j] = h.c[j], h.c[i]; h.p[i], h.p[j] = h.p[j], h.p[i] }
func (h *cellHeap) Push(x any)    { panic("use push") }
func (h *cellHeap) Pop() any {
	n := len(h.c) - 1
	c := h.c[n]
	h.c, h.p = h.c[:n], h.p[:n]
	return c
}
func (h *cellHeap) push(c int, p float64) {
	h.c, h.p = append(h.c, c), append(h.p, p)
	heap.Fix(h, len(h.c)-1)
}

// grow takes k cells of avail, starting at start and always adding the
// neighbouring cell of lowest priority, so the piece is connected. If avail is
// not connected and the piece cannot reach k cells, the lowest-priority cells
// left are added regardless.
func (l *lattice) grow(avail []int, start, k int, prio func(int) float64) []int {
	ok := make(map[int]bool, len(avail))
	for _, c := range avail {
		ok[c] = true
	}
	seen := map[int]bool{start: true}
	h := &cellHeap{}
	h.push(start, prio(start))
	var out []int
	for len(out) < k && h.Len() > 0 {
		c := heap.Pop(h).(int)
		out = append(out, c)
		for _, n := range l.neighbours(c) {
			if ok[n] && !seen[n] {
				seen[n] = true
				h.push(n, prio(n))
			}
		}
	}
	if len(out) < k {
		rest := minus(avail, out)
		slices.SortStableFunc(rest, func(a, b int) int { return cmp.Compare(prio(a), prio(b)) })
		out = append(out, rest[:k-len(out)]...)
	}
	return out
}

// connected reports whether the cells form one piece, joined by sides.
func (l *lattice) connected(cells []int) bool {
	if len(cells) == 0 {
		return true
	}
	in := make(map[int]bool, len(cells))
	for _, c := range cells {
		in[c] = true
	}
	reached := map[int]bool{cells[0]: true}
	queue := []int{cells[0]}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		for _, n := range l.neighbours(c) {
			if in[n] && !reached[n] {
				reached[n] = true
				queue = append(queue, n)
			}
		}
	}
	return len(reached) == len(cells)
}

// minus returns the cells of a that are not in b, in a's order.
func minus(a, b []int) []int {
	drop := make(map[int]bool, len(b))
	for _, c := range b {
		drop[c] = true
	}
	var out []int
	for _, c := range a {
		if !drop[c] {
			out = append(out, c)
		}
	}
	return out
}

// argmin returns the cell of lowest priority, ties by cell.
func argmin(cells []int, prio func(int) float64) int {
	best := -1
	for _, c := range cells {
		if best < 0 || prio(c) < prio(best) || prio(c) == prio(best) && c < best {
			best = c
		}
	}
	return best
}

// centroid returns the mean cell centre of a piece in lattice units.
func (l *lattice) centroid(cells []int) (float64, float64) {
	var sx, sy float64
	for _, c := range cells {
		x, y := l.xy(c)
		sx, sy = sx+x, sy+y
	}
	n := float64(max(len(cells), 1))
	return sx / n, sy / n
}

// county grows the county's n cells around the lattice centre, following an
// ellipse whose radius wobbles with the angle, so the outline looks like a
// county's rather than a rectangle's.
func (l *lattice) county(rng *rand.Rand, n int) []int {
	cx, cy := float64(l.cols)/2, float64(l.rows)/2
	var amp, phase [4]float64
	for k := range amp {
		amp[k], phase[k] = 0.05+0.06*rng.Float64()/float64(k+1), 2*math.Pi*rng.Float64()
	}
	prio := func(c int) float64 {
		x, y := l.xy(c)
		u, v := (x-cx)/cx, (y-cy)/cy
		a := math.Atan2(v, u)
		r := 1.0
		for k := range amp {
			r += amp[k] * math.Sin(float64(k+2)*a+phase[k])
		}
		return math.Hypot(u, v) / r
	}
	all := make([]int, l.cols*l.rows)
	for c := range all {
		all[c] = c
	}
	return l.grow(all, argmin(all, prio), n, prio)
}

// sectors cuts cells into pieces of the given sizes by angle around (cx, cy),
// counter-clockwise from about angle a0: townships around the county seat, or
// the seat's townships around its middle. If a piece would come out in parts,
// the start angle is turned a little either way until none does.
func (l *lattice) sectors(cells []int, sizes []int, cx, cy, a0 float64) [][]int {
	var first [][]int
	for try := range 48 {
		off := float64((try+1)/2) * math.Pi / 48
		if try%2 == 1 {
			off = -off
		}
		out := l.sectorsFrom(cells, sizes, cx, cy, a0+off)
		ok := true
		for _, piece := range out {
			ok = ok && l.connected(piece)
		}
		if ok {
			return out
		}
		if first == nil {
			first = out
		}
	}
	return first
}

func (l *lattice) sectorsFrom(cells []int, sizes []int, cx, cy, a0 float64) [][]int {
	prio := func(c int) float64 {
		x, y := l.xy(c)
		a := math.Atan2(y-cy, x-cx) - a0
		for a < 0 {
			a += 2 * math.Pi
		}
		return a
	}
	rest := cells
	var out [][]int
	for k, n := range sizes {
		if k == len(sizes)-1 {
			out = append(out, rest)
			break
		}
		p := l.grow(rest, argmin(rest, prio), n, prio)
		out = append(out, p)
		rest = minus(rest, p)
	}
	return out
}

// split cuts a piece into pieces of the given sizes by recursive bisection: each
// cut grows one half from the piece's extreme cell along a direction across its
// longer side. Cuts that leave a half in two parts, or a half that cannot itself
// be cut into connected pieces, are passed over for other directions and then
// for halves grown round each cell in turn, within a budget of cuts; only if all
// fail does a piece come out in parts.
func (l *lattice) split(rng *rand.Rand, cells []int, sizes []int) [][]int {
	budget := 20 * len(cells)
	out, _ := l.bisect(rng, cells, sizes, &budget)
	return out
}

func (l *lattice) bisect(rng *rand.Rand, cells []int, sizes []int, budget *int) ([][]int, bool) {
	if len(sizes) == 1 {
		return [][]int{cells}, l.connected(cells)
	}
	h := len(sizes) / 2
	want := 0
	for _, s := range sizes[:h] {
		want += s
	}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, c := range cells {
		x, y := l.xy(c)
		minX, minY, maxX, maxY = min(minX, x), min(minY, y), max(maxX, x), max(maxY, y)
	}
	base := 0.0 // cut across x: the halves lie west and east
	if maxY-minY > maxX-minX {
		base = math.Pi / 2
	}
	base += (rng.Float64() - 0.5) * math.Pi / 4
	along := func(angle float64) func(int) float64 {
		dx, dy := math.Cos(angle), math.Sin(angle)
		return func(c int) float64 { x, y := l.xy(c); return x*dx + y*dy }
	}
	round := func(c0 int) func(int) float64 {
		sx, sy := l.xy(c0)
		return func(c int) float64 { x, y := l.xy(c); return math.Hypot(x-sx, y-sy) }
	}
	var fallback [][]int
	for try := 0; try < 12+len(cells) && *budget > 0; try++ {
		*budget--
		var start int
		var prio func(int) float64
		if try < 12 {
			off := float64((try+1)/2) * math.Pi / 12
			if try%2 == 1 {
				off = -off
			}
			prio = along(base + off)
			start = argmin(cells, prio)
		} else {
			start = cells[try-12]
			prio = round(start)
		}
		a := l.grow(cells, start, want, prio)
		b := minus(cells, a)
		if !l.connected(a) || !l.connected(b) {
			continue
		}
		pa, okA := l.bisect(rng, a, sizes[:h], budget)
		pb, okB := l.bisect(rng, b, sizes[h:], budget)
		if okA && okB {
			return append(pa, pb...), true
		}
		if fallback == nil {
			fallback = append(pa, pb...)
		}
	}
	if fallback == nil {
		prio := along(base)
		a := l.grow(cells, argmin(cells, prio), want, prio)
		pa, _ := l.bisect(rng, a, sizes[:h], budget)
		pb, _ := l.bisect(rng, minus(cells, a), sizes[h:], budget)
		fallback = append(pa, pb...)
	}
	return fallback, false
}
