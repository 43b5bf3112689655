package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zhili-project/zhili"
)

// CockpitService computes the cockpit's panels (docs/cockpit.md). Every panel is
// a fixed number of grouped queries whatever the size of the region: no query
// per grid, township or month.
type CockpitService struct{ db *DB }

// NewCockpitService returns the cockpit service of db.
func NewCockpitService(db *DB) *CockpitService { return &CockpitService{db: db} }

var _ zhili.CockpitService = (*CockpitService)(nil)

// cockpitScope is a panel's region, resolved in the caller's scope, and its period.
type cockpitScope struct {
	reg        zhili.CockpitRegion
	path       string
	from, to   string
	start, end time.Time // [start, end) in UTC
	now        time.Time
}

// scope checks the caller and the query. An empty region is the caller's own
// area; empty days are 1 January of this year and today (China time).
func (s *CockpitService) scope(ctx context.Context, q zhili.CockpitQuery) (*cockpitScope, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActBusinessRead); err != nil {
		return nil, err
	}
	now := s.db.Clock.Now().UTC()
	sc := &cockpitScope{from: q.From, to: q.To, now: now}
	if sc.from == "" {
		sc.from = now.In(zhili.ChinaTime).Format("2006") + "-01-01"
	}
	if sc.to == "" {
		sc.to = zhili.Day(now)
	}
	if sc.start, sc.end, err = zhili.ParseDayRange(sc.from, sc.to); err != nil {
		return nil, err
	}
	cond, args := scopeRegions(a, "r")
	where, key := "r.code = ?", any(q.Region)
	switch {
	case q.Region != "":
	case a.ScopeRegionID != 0:
		where, key = "r.id = ?", any(a.ScopeRegionID)
	default: // the system actor: the root of the tree
		where, key = "r.parent_id IS NULL AND r.id > ?", any(0)
	}
	err = s.db.queryRow(ctx, `SELECT r.id, r.code, r.name, r.level, r.path FROM regions r WHERE `+where+` AND `+cond+` ORDER BY r.id LIMIT 1`,
		append([]any{key}, args...)...).Scan(&sc.reg.ID, &sc.reg.Code, &sc.reg.Name, &sc.reg.Level, &sc.path)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhili.Errorf(zhili.ENOTFOUND, "Region not found.")
	} else if err != nil {
		return nil, fmt.Errorf("cockpit region: %w", err)
	}
	return sc, nil
}

// months cuts [start, end) into China-time calendar months: the bounds of each
// bucket, its label and its first and last day.
func (sc *cockpitScope) months() (bounds []time.Time, labels, firsts, lasts []string) {
	m := sc.start.In(zhili.ChinaTime)
	m = time.Date(m.Year(), m.Month(), 1, 0, 0, 0, 0, zhili.ChinaTime)
	bounds = append(bounds, sc.start)
	for {
		labels = append(labels, m.Format("2006-01"))
		firsts = append(firsts, zhili.Day(maxTime(m, sc.start)))
		m = m.AddDate(0, 1, 0)
		if !m.Before(sc.end) {
			bounds = append(bounds, sc.end)
			lasts = append(lasts, zhili.Day(sc.end.Add(-time.Second)))
			return
		}
		bounds = append(bounds, m.UTC())
		lasts = append(lasts, zhili.Day(m.Add(-time.Second)))
	}
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// CockpitTrend counts, per month and kind, the cases reported in the month and
// those whose resolution fell in it: two grouped queries for the whole period.
func (s *CockpitService) CockpitTrend(ctx context.Context, q zhili.CockpitQuery) (*zhili.CockpitTrend, error) {
	sc, err := s.scope(ctx, q)
	if err != nil {
		return nil, err
	}
	bounds, labels, firsts, lasts := sc.months()
	if len(labels) > zhili.CockpitMaxMonths {
		return nil, zhili.Invalid("The period is too long.", zhili.FieldError{Field: "from", Code: "out_of_range",
			Reason: fmt.Sprintf("the trend covers at most %d months", zhili.CockpitMaxMonths)})
	}
	t := &zhili.CockpitTrend{Region: sc.reg, From: sc.from, To: sc.to, Months: labels, MonthFrom: firsts, MonthTo: lasts}
	byKind := map[zhili.CaseKind]*zhili.CockpitSeries{}
	for _, k := range zhili.CaseKinds {
		t.Series = append(t.Series, zhili.CockpitSeries{Kind: k.Kind, Label: k.Label, New: make([]int, len(labels)), Resolved: make([]int, len(labels))})
	}
	for i := range t.Series {
		byKind[t.Series[i].Kind] = &t.Series[i]
	}
	for _, col := range []string{"reported_at", "resolved_at"} {
		var sums []string
		var args []any
		for i := range labels {
			sums = append(sums, "COALESCE(SUM(CASE WHEN c."+col+" >= ? AND c."+col+" < ? THEN 1 ELSE 0 END), 0)")
			args = append(args, ts(bounds[i]), ts(bounds[i+1]))
		}
		region, rargs := underRegion("c.region_id", sc.path)
		args = append(append(args, ts(sc.start), ts(sc.end)), rargs...)
		rows, err := s.db.query(ctx, `SELECT c.kind, `+strings.Join(sums, ", ")+` FROM cases c WHERE c.`+col+` >= ? AND c.`+col+` < ? AND `+region+` GROUP BY c.kind`, args...)
		if err != nil {
			return nil, fmt.Errorf("cockpit trend: %w", err)
		}
		counts := make([]int, len(labels))
		dest := make([]any, len(labels)+1)
		var kind string
		dest[0] = &kind
		for i := range counts {
			dest[i+1] = &counts[i]
		}
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return nil, fmt.Errorf("scan cockpit trend: %w", err)
			}
			ser, ok := byKind[zhili.CaseKind(kind)]
			if !ok {
				continue
			}
			if col == "reported_at" {
				copy(ser.New, counts)
			} else {
				copy(ser.Resolved, counts)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("cockpit trend: %w", err)
		}
	}
	return t, nil
}

// CockpitMap lists the grids of the region with their open and overdue cases:
// three queries, the counts grouped by grid.
func (s *CockpitService) CockpitMap(ctx context.Context, q zhili.CockpitQuery) (*zhili.CockpitMap, error) {
	sc, err := s.scope(ctx, q)
	if err != nil {
		return nil, err
	}
	m := &zhili.CockpitMap{Region: sc.reg, At: sc.now, Grids: []zhili.CockpitGrid{}}
	cond, args := subtree("g.path", sc.path)
	rows, err := s.db.query(ctx, `SELECT g.id, g.code, g.name, COALESCE(v.name, ''), COALESCE(g.boundary, '')
		FROM regions g LEFT JOIN regions v ON v.id = g.parent_id
		WHERE g.level = ? AND g.retired_at IS NULL AND `+cond+` ORDER BY g.code`, append([]any{int(zhili.LevelGrid)}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("cockpit grids: %w", err)
	}
	index := map[int64]int{}
	for rows.Next() {
		var g zhili.CockpitGrid
		var boundary string
		if err := rows.Scan(&g.ID, &g.Code, &g.Name, &g.Village, &boundary); err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan cockpit grid: %w", err)
		}
		if boundary != "" {
			g.Boundary = []byte(boundary)
		}
		index[g.ID] = len(m.Grids)
		m.Grids = append(m.Grids, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("cockpit grids: %w", err)
	}
	region, rargs := underRegion("c.region_id", sc.path)
	open, oargs := inStates("c.state", zhili.OpenStates)
	for _, c := range []struct {
		where string
		args  []any
		add   func(*zhili.CockpitGrid, int)
	}{
		{open, oargs, func(g *zhili.CockpitGrid, n int) { g.Open = n }},
		{"c.due_at < ?", []any{ts(sc.now)}, func(g *zhili.CockpitGrid, n int) { g.Overdue = n }},
	} {
		counts, err := s.db.countByID(ctx, `SELECT c.region_id, COUNT(*) FROM cases c WHERE `+c.where+` AND `+region+` GROUP BY c.region_id`,
			append(c.args, rargs...)...)
		if err != nil {
			return nil, fmt.Errorf("cockpit map counts: %w", err)
		}
		for id, n := range counts {
			if i, ok := index[id]; ok {
				c.add(&m.Grids[i], n)
			}
		}
	}
	if m.TileURL, err = s.db.Setting(ctx, "map_tile_url"); err != nil {
		return nil, fmt.Errorf("cockpit tile setting: %w", err)
	}
	m.TileURL = strings.TrimSpace(m.TileURL)
	return m, nil
}

// countByID runs a query of (id, count) rows into a map.
func (db *DB) countByID(ctx context.Context, q string, args ...any) (map[int64]int, error) {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] += n
	}
	return out, rows.Err()
}
