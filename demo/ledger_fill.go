package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/ledger"
	"github.com/zhili-project/zhili/sqlstore"
)

// The demo's ledger records (台账) are imported the way a county keeps them: each
// township operator, department user and the county centre imports a quarter's
// records of a ledger at a time, a few days after the quarter ends. They are
// written in one sqlstore.DemoBatch (DemoBatch.ImportLedgers) with what
// LedgerService.ImportLedgerRecords would store: every record validated against
// its schema, with its seq, its history event and the import's audit entry.
// ledger_data_fill.go makes the records.

// place is a region records are kept for.
type place struct {
	code, name string
	kind       zhili.RegionKind
	seat       bool
}

// town is a township with its villages and communities and the username of its
// operator.
type town struct {
	place
	villages []place
	account  string
}

// ledgerRow is one record to import: its ledger, the importing account's
// username, its region and its data in stored form.
type ledgerRow struct {
	ledger, account, region string
	data                    map[string]any
}

// ledgerGen makes the records of the demo year.
type ledgerGen struct {
	rng      *rand.Rand
	names    *names
	first    time.Time // the first and last day records fall on (China calendar, UTC midnight)
	last     time.Time
	county   place
	towns    []*town
	villages []place // every village and community, in code order
	rows     []ledgerRow
}

// demoDepartments are the county departments and bodies the records name.
var demoDepartments = []string{"县委办", "县政府办", "县委组织部", "县委政法委", "县公安局", "县司法局", "县民政局", "县住建局",
	"县人社局", "县教育局", "县财政局", "县农业农村局", "县自然资源局", "县卫健委", "县应急管理局", "县市场监管局", "县城管局", "县交通运输局"}

// fillLedgers imports a year of records into every ledger.
func fillLedgers(ctx context.Context, f *Fill) error {
	g, err := newLedgerGen(ctx, f)
	if err != nil {
		return err
	}
	g.all()
	return importLedgerRows(ctx, f, g.rows)
}

// newLedgerGen reads the county's townships, villages and communities.
func newLedgerGen(ctx context.Context, f *Fill) (*ledgerGen, error) {
	today := f.Today.In(zhili.ChinaTime)
	last := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	g := &ledgerGen{rng: rand.New(rand.NewPCG(uint64(f.Seed), 0x1ed9e7)), first: last.AddDate(-1, 0, 2), last: last,
		county: place{code: f.County.Code, name: f.County.Name, kind: f.County.Kind}}
	g.names = &names{rng: g.rng, used: map[string]bool{}}
	pinyin := map[string]string{}
	for _, t := range townships {
		pinyin[t.name] = t.pinyin
	}
	regions := sqlstore.NewRegionService(f.DB)
	townLevel, villageLevel := zhili.LevelTownship, zhili.LevelVillage
	ts, _, err := regions.FindRegions(ctx, zhili.RegionFilter{Level: &townLevel, Limit: 1000})
	if err != nil {
		return nil, fmt.Errorf("read townships: %w", err)
	}
	vs, _, err := regions.FindRegions(ctx, zhili.RegionFilter{Level: &villageLevel, Limit: 10000})
	if err != nil {
		return nil, fmt.Errorf("read villages: %w", err)
	}
	byID := map[int64]*town{}
	for _, r := range ts {
		t := &town{place: place{code: r.Code, name: r.Name, kind: r.Kind, seat: r.CountySeat}, account: pinyin[r.Name]}
		if _, ok := f.Accounts[t.account]; !ok {
			return nil, fmt.Errorf("no operator account for township %s", r.Name)
		}
		byID[r.ID] = t
		g.towns = append(g.towns, t)
	}
	for _, r := range vs {
		t := byID[r.ParentID]
		if t == nil {
			continue
		}
		v := place{code: r.Code, name: r.Name, kind: r.Kind, seat: t.seat}
		t.villages = append(t.villages, v)
		g.villages = append(g.villages, v)
	}
	sort.Slice(g.towns, func(i, j int) bool { return g.towns[i].code < g.towns[j].code })
	sort.Slice(g.villages, func(i, j int) bool { return g.villages[i].code < g.villages[j].code })
	for _, t := range g.towns {
		sort.Slice(t.villages, func(i, j int) bool { return t.villages[i].code < t.villages[j].code })
	}
	return g, nil
}

// add appends a record.
func (g *ledgerGen) add(ledger, account string, at place, data map[string]any) {
	g.rows = append(g.rows, ledgerRow{ledger: ledger, account: account, region: at.code, data: data})
}

// day is a working day of the demo year, as the ledgers write it.
func (g *ledgerGen) day() string { return g.dayIn(g.first, g.last) }

// dayIn is a working day between from and to, inclusive (a weekend moves to the
// Friday before, or the Monday after when that is before from).
func (g *ledgerGen) dayIn(from, to time.Time) string {
	if to.Before(from) {
		to = from
	}
	d := from.AddDate(0, 0, g.rng.IntN(int(to.Sub(from).Hours()/24)+1))
	switch d.Weekday() {
	case time.Saturday:
		d = d.AddDate(0, 0, -1)
	case time.Sunday:
		d = d.AddDate(0, 0, -2)
	}
	if d.Before(from) {
		d = d.AddDate(0, 0, 3)
	}
	if d.After(to) { // a range of a weekend alone
		d = to
	}
	return ymd(d)
}

// thisYear is a working day of the demo year in today's calendar year (the
// cockpit's default period), or of the demo year when that has begun only lately.
func (g *ledgerGen) thisYear() string {
	if jan := time.Date(g.last.Year(), 1, 1, 0, 0, 0, 0, time.UTC); g.last.Sub(jan) > 30*24*time.Hour {
		return g.dayIn(jan, g.last)
	}
	return g.day()
}

// months are the first days of the months of the demo year, oldest first.
func (g *ledgerGen) months() []time.Time {
	var out []time.Time
	for m := time.Date(g.first.Year(), g.first.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(g.last); m = m.AddDate(0, 1, 0) {
		out = append(out, m)
	}
	return out
}

// inMonth is a working day of the month starting m, within the demo year.
func (g *ledgerGen) inMonth(m time.Time) string {
	from, to := m, m.AddDate(0, 1, -1)
	if from.Before(g.first) {
		from = g.first
	}
	if to.After(g.last) {
		to = g.last
	}
	return g.dayIn(from, to)
}

// person is a new person's name, distinct from the others this generator made.
func (g *ledgerGen) person() string {
	for try := 0; ; try++ {
		n, _ := g.names.person()
		if !g.names.used[n] || try > 50 {
			g.names.used[n] = true
			return n
		}
	}
}

// between returns a whole number in [lo, hi].
func (g *ledgerGen) between(lo, hi int) int { return lo + g.rng.IntN(hi-lo+1) }

// chance is true with probability p.
func (g *ledgerGen) chance(p float64) bool { return g.rng.Float64() < p }

// importLedgerRows validates every row first (so a bad generator fails before
// anything is written), then imports them grouped by ledger, account and
// quarter, each group dated a few days after its quarter as its account, all in
// one DemoBatch.
func importLedgerRows(ctx context.Context, f *Fill, rows []ledgerRow) error {
	cat := ledger.Default()
	type key struct{ month, ledger, account string }
	groups := map[key][]zhili.LedgerRow{}
	for i, r := range rows {
		data, err := cat.Validate(r.ledger, r.data)
		if err != nil {
			return fmt.Errorf("demo %s record %d (%v): %w", r.ledger, i, r.data, err)
		}
		sc, _ := cat.Schema(r.ledger)
		day, _ := data[sc.DateField].(string)
		k := key{quarterEnd(day), r.ledger, r.account}
		groups[k] = append(groups[k], zhili.LedgerRow{Line: len(groups[k]) + 2, RegionCode: r.region, Data: data})
	}
	keys := make([]key, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int {
		return strings.Compare(a.month+a.ledger+a.account, b.month+b.ledger+b.account)
	})
	imports := make([]sqlstore.DemoLedgerImport, 0, len(keys))
	for n, k := range keys {
		a, ok := f.Accounts[k.account]
		if !ok {
			return fmt.Errorf("no demo account %s for ledger %s", k.account, k.ledger)
		}
		// Imported on the third day after the quarter, in the afternoon; the
		// current quarter's records just before today.
		m, _ := time.ParseInLocation("2006-01", k.month, zhili.ChinaTime)
		at := m.AddDate(0, 1, 2).Add(14*time.Hour + time.Duration(n%240)*time.Minute).UTC()
		if !at.Before(f.Today) {
			at = f.Today.Add(-time.Duration(len(keys)-n) * time.Minute)
		}
		imports = append(imports, sqlstore.DemoLedgerImport{Actor: a, At: at, Ledger: k.ledger, Rows: groups[k]})
	}
	b, err := f.DB.BeginDemoBatch(ctx)
	if err != nil {
		return err
	}
	defer b.Rollback()
	if _, err := b.ImportLedgers(ctx, cat, imports); err != nil {
		return fmt.Errorf("import demo ledgers: %w", err)
	}
	return b.Commit(ctx)
}

// quarterEnd is the last month of the quarter of a day: "2026-05-12" → "2026-06".
func quarterEnd(day string) string {
	m := (int(day[5]-'0')*10 + int(day[6]-'0') + 2) / 3 * 3
	return fmt.Sprintf("%s-%02d", day[:4], m)
}
