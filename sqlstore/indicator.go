package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/indicator"
)

// IndicatorStore computes the catalogue's base indicators (indicator.Store) from
// the in-process column cache: cases and ledgers refreshed incrementally from
// change logs, the small org tables and department reports copied whole when
// they change. Conditions on a given parameter (county seat, convention, batch)
// are answered by SQL.
// docs/indicators.md explains the choice.
type IndicatorStore struct {
	db    *DB
	cat   *indicator.Catalog
	cache *indicatorCache
	// Fresh is how long a refresh of the cache is trusted: within it, answers
	// may miss writes made since. Zero refreshes on every request.
	Fresh time.Duration
	// NoCache answers everything from SQL (for comparison and benchmarks).
	NoCache bool
	// live is the catalogue with the county's own indicators (indicator_county.go).
	live *liveCatalog
}

var _ indicator.Store = (*IndicatorStore)(nil)

// NewIndicatorStore returns a store for the catalogue; the cache loads on first use.
func NewIndicatorStore(db *DB, cat *indicator.Catalog) *IndicatorStore {
	return &IndicatorStore{db: db, cat: cat, cache: newIndicatorCache(db, cat), Fresh: 500 * time.Millisecond, live: &liveCatalog{}}
}

// ScopeRegion resolves a region code inside the caller's scope.
func (s *IndicatorStore) ScopeRegion(ctx context.Context, code string) (*indicator.Region, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActBusinessRead); err != nil {
		return nil, err
	}
	cond, args := scopeRegions(a, "r")
	r := &indicator.Region{Code: code}
	err = s.db.queryRow(ctx, `SELECT r.id, r.name, r.path FROM regions r WHERE r.code = ? AND `+cond,
		append([]any{code}, args...)...).Scan(&r.ID, &r.Name, &r.Path)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhili.Errorf(zhili.ENOTFOUND, "Region not found.")
	} else if err != nil {
		return nil, fmt.Errorf("indicator region %s: %w", code, err)
	}
	return r, nil
}

// allowed checks again, in the store, that the caller may read region r: the
// engine resolved it through ScopeRegion, but a caller of the store directly
// must not get around the scope.
func allowed(ctx context.Context, r *indicator.Region) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := a.Require(zhili.ActBusinessRead); err != nil {
		return err
	}
	if !a.InScope(r.Path) {
		return zhili.Errorf(zhili.ENOTFOUND, "Region not found.")
	}
	return nil
}

// cached reports whether d with params is answered from the cache: all but
// conditions on a parameter that is given (county seat, convention, batch…).
func (s *IndicatorStore) cached(d *indicator.Def, params map[string]string) bool {
	return !s.NoCache && orgCached(d, params)
}

// Compute computes base indicator d for the subtree r over period p.
func (s *IndicatorStore) Compute(ctx context.Context, d *indicator.Def, r *indicator.Region, p indicator.Period, params map[string]string) (indicator.Result, error) {
	if err := allowed(ctx, r); err != nil {
		return indicator.Result{}, err
	}
	if !s.cached(d, params) {
		return s.rawCompute(ctx, d, r, p, params)
	}
	if err := s.cache.refresh(ctx, s.Fresh); err != nil {
		return indicator.Result{}, err
	}
	if d.Source == indicator.SourceOrg || d.Source == indicator.SourceDept {
		return s.cache.computeOrg(d, r, p)
	}
	res, err := s.cache.compute(d, r, p, params)
	if errors.Is(err, errNotCached) {
		// A county indicator defined since the cache was built: SQL until the
		// next Refresh rebuilds the cache (indicator_county.go).
		return s.rawCompute(ctx, d, r, p, params)
	}
	return res, err
}

// ComputeRaw computes d from the records by SQL, never from the cache: the
// definition the cache is checked against.
func (s *IndicatorStore) ComputeRaw(ctx context.Context, d *indicator.Def, r *indicator.Region, p indicator.Period, params map[string]string) (indicator.Result, error) {
	if err := allowed(ctx, r); err != nil {
		return indicator.Result{}, err
	}
	return s.rawCompute(ctx, d, r, p, params)
}

// Refresh brings the cache up to date now (loading it the first time), after
// rebuilding it if the county's indicators changed (indicator_county.go).
func (s *IndicatorStore) Refresh(ctx context.Context) error {
	if err := s.rebuildIfChanged(ctx); err != nil {
		return err
	}
	return s.cache.refresh(ctx, 0)
}

// CacheStats reports how many records and entries the cache holds.
func (s *IndicatorStore) CacheStats() (records, entries int) { return s.cache.stats() }

// Records lists the records base indicator d counts, by id, with a summary line.
func (s *IndicatorStore) Records(ctx context.Context, d *indicator.Def, r *indicator.Region, p indicator.Period, params map[string]string, offset, limit int) ([]zhili.IndicatorRecord, int, error) {
	if err := allowed(ctx, r); err != nil {
		return nil, 0, err
	}
	q, err := s.baseQuery(d, r, p, params)
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := s.db.queryRow(ctx, "SELECT COUNT(*) FROM "+q.sql(), q.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("records of %s: %w", d.ID, err)
	}
	kind, cols := recordColumns(d)
	rows, err := s.db.query(ctx, "SELECT "+q.id+", "+cols+" FROM "+q.sql()+" ORDER BY "+q.id+" LIMIT ? OFFSET ?",
		append(q.args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("records of %s: %w", d.ID, err)
	}
	defer rows.Close()
	out := []zhili.IndicatorRecord{}
	for rows.Next() {
		rec := zhili.IndicatorRecord{Kind: kind}
		var a, b, c, e sql.NullString
		if err := rows.Scan(&rec.ID, &a, &b, &c, &e); err != nil {
			return nil, 0, fmt.Errorf("scan record of %s: %w", d.ID, err)
		}
		rec.Summary = summary(d, a.String, b.String, c.String, e.String)
		if kind == "ledger" {
			rec.Ledger = a.String
		}
		out = append(out, rec)
	}
	return out, total, rows.Err()
}

// recordColumns names the record kind and four text columns for its summary.
func recordColumns(d *indicator.Def) (string, string) {
	switch d.Source {
	case indicator.SourceCase:
		return "case", "c.no, c.title, c.state, c.reported_at"
	case indicator.SourceLedger:
		return "ledger", "l.ledger, l.record_date, l.data, (SELECT name FROM regions WHERE id = l.region_id)"
	case indicator.SourceDept:
		return "department_report", "d.period_start, d.period_end, CAST(d.value AS TEXT), (SELECT name FROM regions WHERE id = d.region_id)"
	}
	switch d.Org {
	case "positions":
		return "position", "(SELECT name FROM people WHERE id = p.person_id), p.role, r.name, p.start_day"
	case "units":
		return "unit", "u.name, u.kind, r.name, ''"
	}
	return "region", "r.code, r.name, r.kind, ''"
}

// summary writes one line about a record for the drill-down list.
func summary(d *indicator.Def, a, b, c, e string) string {
	switch d.Source {
	case indicator.SourceCase:
		return fmt.Sprintf("%s %s（%s，上报 %s）", a, b, c, strings.Replace(e, "T", " ", 1)[:min(len(e), 16)])
	case indicator.SourceLedger:
		return fmt.Sprintf("%s %s %s", b, e, dataLine(c))
	case indicator.SourceDept:
		return fmt.Sprintf("%s 至 %s %s：%s", a, b, e, c)
	}
	switch d.Org {
	case "positions":
		return fmt.Sprintf("%s（%s，%s，自 %s）", a, zhili.PositionRole(b).Label(), c, e)
	case "units":
		return fmt.Sprintf("%s（%s）", a, c)
	}
	return fmt.Sprintf("%s %s", a, b)
}

// dataLine writes a ledger record's data as "field=value" pairs, shortened.
func dataLine(data string) string {
	var m map[string]any
	if err := json.Unmarshal([]byte(data), &m); err != nil {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		if b.Len() > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "%s=%v", k, m[k])
	}
	s := b.String()
	if utf8.RuneCountInString(s) > 80 {
		s = string([]rune(s)[:80]) + "…"
	}
	return s
}
