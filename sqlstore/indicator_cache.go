package sqlstore

import (
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/zhili-project/zhili/indicator"
)

// indicatorCache is the in-process column cache behind the case and ledger
// indicators (docs/indicators.md). Each cached indicator (a measure) keeps one
// packed entry per record it counts — day, region, value, key — in 32-day
// buckets, so a figure for any subtree and period is one tight scan of the
// period's buckets and no database query. A changed record appends a negative
// entry for what it counted before and a positive one for what it counts now,
// so every update is an append; what each record counted is remembered in a
// dense per-id state.
type indicatorCache struct {
	db  *DB
	cat *indicator.Catalog

	mu     sync.RWMutex
	loaded bool
	at     time.Time // last refresh, wall clock
	// regions: rank[id] is the region's position in path order, so a subtree is
	// the rank range [lo, hi) of the paths starting with its path.
	paths    []string
	rank     []int32
	regionFP string // count and latest update of regions, to notice changes
	cases    *cacheSource
	ledgers  *cacheSource
	byID     map[string]*measure
	keys     map[string]int32 // interned distinct values
	caseMark int64            // SQLite: last change seq seen; PostgreSQL: xmax of the last snapshot
	caseXip  []any            // PostgreSQL: transactions in progress at the last snapshot
	org      []orgRow         // positions, units, regions and current department reports
	orgFP    string
	ledgMark int64 // last ledger seq seen
	// Pruning of indicator_case_changes (indicator_cache_prune.go).
	retention  time.Duration // rows younger than this are kept
	pruneEvery time.Duration // how often this instance prunes
	pruneBatch int           // rows deleted per transaction, about
	pruneNext  time.Time     // when this instance prunes next
	reloads    int           // full reloads of the cases after falling behind the log
}

// cacheEntry is one record's contribution to a measure; n is +1, or -1 for a
// withdrawn contribution.
type cacheEntry struct {
	day, region, key, n int32
	val                 int64
}

// measure is one cached indicator.
type measure struct {
	def     *indicator.Def
	slot    int // which of the record's days dates it
	match   []func(get func(string) (string, bool)) bool
	buckets map[int32][]cacheEntry
	// sums holds, for counts and sums, each bucket's total per region, so a
	// bucket wholly inside the period costs one addition per region, not one
	// per record.
	sums map[int32]map[int32]int64
}

// recState is what a record counted: its region, days and which measures.
type recState struct {
	region int32
	days   [2]int32
	mask   uint64
}

// vk is a record's value and key for one non-count measure.
type vk struct {
	val int64
	key int32
}

// cacheSource holds the measures of one source and what each record counted.
type cacheSource struct {
	measures []*measure
	state    []recState
	extra    map[int64][]vk
	records  int
}

// cacheRow is a record read from the database, ready to be evaluated.
type cacheRow struct {
	id     int64
	region int32
	days   [2]int32 // -1 when absent
	gone   bool     // deleted, or no longer there
	ledger string
	get    func(field string) (string, bool)
	num    func(field string) int64
}

func newIndicatorCache(db *DB, cat *indicator.Catalog) *indicatorCache {
	c := &indicatorCache{db: db, cat: cat, byID: map[string]*measure{}, keys: map[string]int32{},
		cases: &cacheSource{extra: map[int64][]vk{}}, ledgers: &cacheSource{extra: map[int64][]vk{}},
		retention: caseLogRetention, pruneEvery: caseLogPruneEvery, pruneBatch: caseLogPruneBatch}
	for _, d := range cat.Defs {
		if d.Agg == indicator.AggRatio {
			continue
		}
		m := &measure{def: d, buckets: map[int32][]cacheEntry{}, sums: map[int32]map[int32]int64{}}
		if d.Date == indicator.DateResolved {
			m.slot = 1
		}
		for _, cond := range d.Filter {
			if cond.Param == "" { // a condition on a parameter is answered by SQL
				m.match = append(m.match, compileCond(cond))
			}
		}
		switch d.Source {
		case indicator.SourceCase:
			c.cases.measures = append(c.cases.measures, m)
		case indicator.SourceLedger:
			c.ledgers.measures = append(c.ledgers.measures, m)
		default:
			continue
		}
		c.byID[d.ID] = m
	}
	return c
}

// compileCond turns a condition into a test on a record's fields.
func compileCond(c indicator.Cond) func(get func(string) (string, bool)) bool {
	switch {
	case c.Eq != nil:
		want := indicator.CondValue(c.Eq)
		return func(get func(string) (string, bool)) bool { v, ok := get(c.Field); return ok && v == want }
	case c.In != nil:
		return func(get func(string) (string, bool)) bool {
			v, ok := get(c.Field)
			return ok && contains(c.In, v)
		}
	default:
		return func(get func(string) (string, bool)) bool {
			v, ok := get(c.Field)
			return !ok || !contains(c.NotIn, v)
		}
	}
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func (c *indicatorCache) stats() (records, entries int) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, m := range c.byID {
		for _, b := range m.buckets {
			entries += len(b)
		}
	}
	return c.cases.records + c.ledgers.records, entries
}

// intern gives a distinct value a small number.
func (c *indicatorCache) intern(s string) int32 {
	k, ok := c.keys[s]
	if !ok {
		k = int32(len(c.keys) + 1)
		c.keys[s] = k
	}
	return k
}

// apply evaluates a record and replaces what it counted before by what it
// counts now.
func (c *indicatorCache) apply(src *cacheSource, row *cacheRow) {
	var now recState
	var vals []vk
	if !row.gone {
		now = recState{region: row.region, days: row.days}
		for i, m := range src.measures {
			d := m.def
			if row.days[m.slot] < 0 || (d.Source == indicator.SourceLedger && d.Ledger != row.ledger) {
				continue
			}
			ok := true
			for _, f := range m.match {
				if ok = f(row.get); !ok {
					break
				}
			}
			if !ok {
				continue
			}
			v := vk{val: 1}
			switch d.Agg {
			case indicator.AggSum:
				v.val = row.num(d.Field)
			case indicator.AggDistinct:
				if d.Field == "@region" {
					v.key = row.region
				} else if s, has := row.get(d.Field); has {
					v.key = c.intern(s)
				} else {
					continue // a missing value is not counted, as COUNT(DISTINCT NULL)
				}
			case indicator.AggShare:
				v.val = row.num(d.Field)
				v.key = row.region
			}
			now.mask |= 1 << uint(i)
			vals = append(vals, v)
		}
	}
	for int64(len(src.state)) <= row.id {
		src.state = append(src.state, recState{})
	}
	old := src.state[row.id]
	oldVals := src.extra[row.id]
	if old.mask == 0 && now.mask == 0 {
		return
	}
	if old == now && equalVals(oldVals, vals, now.mask, src) {
		return
	}
	c.emit(src, old, oldVals, -1)
	c.emit(src, now, vals, 1)
	if old.mask == 0 {
		src.records++
	}
	if now.mask == 0 {
		src.records--
	}
	src.state[row.id] = now
	if needsExtra(src, now.mask) {
		src.extra[row.id] = vals
	} else {
		delete(src.extra, row.id)
	}
}

// needsExtra reports whether a record's values must be kept: a count's value is
// always 1 and needs no memory.
func needsExtra(src *cacheSource, mask uint64) bool {
	for i, m := range src.measures {
		if mask&(1<<uint(i)) != 0 && m.def.Agg != indicator.AggCount {
			return true
		}
	}
	return false
}

func equalVals(old, now []vk, mask uint64, src *cacheSource) bool {
	if !needsExtra(src, mask) {
		return true
	}
	if len(old) != len(now) {
		return false
	}
	for i := range old {
		if old[i] != now[i] {
			return false
		}
	}
	return true
}

// emit appends a record's contributions with sign n (+1 or -1).
func (c *indicatorCache) emit(src *cacheSource, st recState, vals []vk, n int32) {
	j := 0
	for i, m := range src.measures {
		if st.mask&(1<<uint(i)) == 0 {
			continue
		}
		v := vk{val: 1}
		if len(vals) > j {
			v = vals[j]
		}
		j++
		day := st.days[m.slot]
		b := day >> 5
		m.buckets[b] = append(m.buckets[b], cacheEntry{day: day, region: st.region, key: v.key, n: n, val: int64(n) * v.val})
		if m.def.Agg == indicator.AggCount || m.def.Agg == indicator.AggSum {
			if m.sums[b] == nil {
				m.sums[b] = map[int32]int64{}
			}
			m.sums[b][st.region] += int64(n) * v.val
		}
	}
}

// setRegions rebuilds the rank of every region in path order.
func (c *indicatorCache) setRegions(ids []int64, paths []string) {
	type rp struct {
		id   int64
		path string
	}
	list := make([]rp, len(ids))
	maxID := int64(0)
	for i := range ids {
		list[i] = rp{ids[i], paths[i]}
		maxID = max(maxID, ids[i])
	}
	sort.Slice(list, func(i, j int) bool { return list[i].path < list[j].path })
	c.paths = make([]string, len(list))
	c.rank = make([]int32, maxID+1)
	for i := range c.rank {
		c.rank[i] = -1
	}
	for i, x := range list {
		c.paths[i] = x.path
		c.rank[x.id] = int32(i)
	}
}

// rankRange is the rank range of the subtree at path, and whether it is all.
func (c *indicatorCache) rankRange(path string) (lo, hi int32, all bool) {
	l := sort.SearchStrings(c.paths, path)
	h := sort.SearchStrings(c.paths, path[:len(path)-1]+"0")
	return int32(l), int32(h), l == 0 && h == len(c.paths)
}

// compute answers a cached base indicator.
func (c *indicatorCache) compute(d *indicator.Def, r *indicator.Region, p indicator.Period, params map[string]string) (indicator.Result, error) {
	var res indicator.Result
	c.mu.RLock()
	defer c.mu.RUnlock()
	m := c.byID[d.ID]
	if m == nil || (d.Origin == indicator.OriginCounty && m.def != d) {
		return res, fmt.Errorf("indicator %s: %w", d.ID, errNotCached)
	}
	fd, td := civilDay(p.From), civilDay(p.To)
	lo, hi, all := c.rankRange(r.Path)
	rank := c.rank
	in := func(e *cacheEntry) bool {
		if all {
			return true
		}
		if int(e.region) >= len(rank) {
			return false
		}
		rk := rank[e.region]
		return rk >= lo && rk < hi
	}
	scan := func(f func(e *cacheEntry)) {
		for b := fd >> 5; b <= td>>5; b++ {
			es := m.buckets[b]
			inner := b > fd>>5 && b < td>>5
			for i := range es {
				e := &es[i]
				if (inner || (e.day >= fd && e.day <= td)) && in(e) {
					f(e)
				}
			}
		}
	}
	switch d.Agg {
	case indicator.AggCount, indicator.AggSum:
		for b := fd >> 5; b <= td>>5; b++ {
			if b == fd>>5 || b == td>>5 {
				continue // the edges are scanned below, day by day
			}
			for region, v := range m.sums[b] {
				if all || (int(region) < len(rank) && rank[region] >= lo && rank[region] < hi) {
					res.Value += v
				}
			}
		}
		edges := func(f func(e *cacheEntry)) {
			for _, b := range []int32{fd >> 5, td >> 5} {
				es := m.buckets[b]
				for i := range es {
					if e := &es[i]; e.day >= fd && e.day <= td && in(e) {
						f(e)
					}
				}
				if fd>>5 == td>>5 {
					break
				}
			}
		}
		edges(func(e *cacheEntry) { res.Value += e.val })
	case indicator.AggDistinct:
		seen := map[int32]int32{}
		scan(func(e *cacheEntry) { seen[e.key] += e.n })
		for _, n := range seen {
			if n > 0 {
				res.Value++
			}
		}
	case indicator.AggShare:
		threshold, err := thresholdFen(params[d.Threshold])
		if err != nil {
			return res, err
		}
		type ns struct {
			n   int32
			sum int64
		}
		per := map[int32]ns{}
		scan(func(e *cacheEntry) { x := per[e.key]; x.n += e.n; x.sum += e.val; per[e.key] = x })
		for _, x := range per {
			if x.n > 0 {
				res.Den++
				if x.sum >= threshold {
					res.Num++
				}
			}
		}
	}
	return res, nil
}

// civilDay is the day number (days since 1970-01-01) of "YYYY-MM-DD"; -1 if malformed.
func civilDay(s string) int32 {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return -1
	}
	y, m, d := atoi(s[0:4]), atoi(s[5:7]), atoi(s[8:10])
	if y < 0 || m < 1 || m > 12 || d < 1 || d > 31 {
		return -1
	}
	return daysFromCivil(y, m, d)
}

// chinaDay is the China-time day number of a stored UTC timestamp
// ("2026-03-31T16:00:00.000000Z" is 2026-04-01 in China); -1 if empty.
func chinaDay(ts string) int32 {
	day := civilDay(ts)
	if day < 0 || len(ts) < 13 {
		return -1
	}
	if atoi(ts[11:13]) >= 16 {
		day++
	}
	return day
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return -1
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// daysFromCivil counts days from 1970-01-01 to a proleptic Gregorian date.
func daysFromCivil(y, m, d int) int32 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int32(era*146097 + doe - 719468)
}
