package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/zhili-project/zhili"
)

// CockpitBoard computes the rankings of the region's children and the lists of
// overdue cases, the dispatch list and today's missing sweeps: a fixed number of
// queries, the rankings' counts grouped by region path.
func (s *CockpitService) CockpitBoard(ctx context.Context, q zhili.CockpitQuery) (*zhili.CockpitBoard, error) {
	sc, err := s.scope(ctx, q)
	if err != nil {
		return nil, err
	}
	b := &zhili.CockpitBoard{Region: sc.reg, From: sc.from, To: sc.to, Today: zhili.Day(sc.now), At: sc.now,
		Rankings: []zhili.CockpitRank{}, Overdue: []zhili.CockpitCase{}, Dispatch: []zhili.CockpitCase{}}
	if err := s.rankings(ctx, sc, b); err != nil {
		return nil, err
	}
	cond, args := subtree("r.path", sc.path)
	open, oargs := inStates("c.state", zhili.OpenStates)
	// 超期预警: the current step's deadline has passed, newest deadline first.
	overdue := cond + ` AND c.due_at < ?`
	oa := append(slices.Clone(args), ts(sc.now))
	if b.OverdueTotal, err = s.db.countCases(ctx, overdue, oa); err != nil {
		return nil, err
	}
	if b.Overdue, err = s.db.cockpitCases(ctx, overdue+` ORDER BY c.due_at DESC, c.id DESC`, oa, sc.now, true); err != nil {
		return nil, err
	}
	// 半月调度: open and reported before the start of the day fifteen days ago.
	cutoff := zhili.StartOfDay(sc.now).AddDate(0, 0, -zhili.DispatchDays)
	dispatch := cond + ` AND ` + open + ` AND c.reported_at < ?`
	da := append(append(slices.Clone(args), oargs...), ts(cutoff))
	if b.DispatchTotal, err = s.db.countCases(ctx, dispatch, da); err != nil {
		return nil, err
	}
	if b.Dispatch, err = s.db.cockpitCases(ctx, dispatch+` ORDER BY c.reported_at, c.id`, da, sc.now, false); err != nil {
		return nil, err
	}
	missing, err := s.db.missingChecks(ctx, sc.path, b.Today)
	if err != nil {
		return nil, err
	}
	b.MissingTotal = len(missing)
	b.Missing = missing[:min(len(missing), zhili.CockpitListSize)]
	return b, nil
}

// rankings fills one line per child region of the cockpit's region: four
// grouped counts mapped to the child whose path prefixes each case's region.
func (s *CockpitService) rankings(ctx context.Context, sc *cockpitScope, b *zhili.CockpitBoard) error {
	rows, err := s.db.query(ctx, `SELECT id, code, name, path FROM regions WHERE parent_id = ? AND retired_at IS NULL ORDER BY code`, sc.reg.ID)
	if err != nil {
		return fmt.Errorf("cockpit children: %w", err)
	}
	index := map[string]int{}
	for rows.Next() {
		var r zhili.CockpitRank
		var path string
		if err := rows.Scan(&r.RegionID, &r.Code, &r.Name, &path); err != nil {
			rows.Close()
			return fmt.Errorf("scan cockpit child: %w", err)
		}
		index[path] = len(b.Rankings)
		b.Rankings = append(b.Rankings, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("cockpit children: %w", err)
	}
	if len(b.Rankings) == 0 {
		return nil
	}
	cond, args := subtree("r.path", sc.path)
	base := `SELECT r.path, COUNT(*) FROM cases c JOIN regions r ON r.id = c.region_id WHERE ` + cond
	period := []any{ts(sc.start), ts(sc.end)}
	resolved, rargs := inStates("c.state", zhili.ResolvedStates)
	open, oargs := inStates("c.state", zhili.OpenStates)
	for _, c := range []struct {
		where string
		args  []any
		add   func(*zhili.CockpitRank, int)
	}{
		{` AND c.reported_at >= ? AND c.reported_at < ?`, period, func(r *zhili.CockpitRank, n int) { r.New += n }},
		{` AND c.reported_at >= ? AND c.reported_at < ? AND ` + resolved, append(slices.Clone(period), rargs...), func(r *zhili.CockpitRank, n int) { r.Resolved += n }},
		{` AND ` + open, oargs, func(r *zhili.CockpitRank, n int) { r.Open += n }},
		{` AND c.due_at < ?`, []any{ts(sc.now)}, func(r *zhili.CockpitRank, n int) { r.Overdue += n }},
	} {
		m := map[string]int{}
		if err := s.db.scanCounts(ctx, m, base+c.where+` GROUP BY r.path`, append(slices.Clone(args), c.args...)...); err != nil {
			return fmt.Errorf("cockpit rankings: %w", err)
		}
		for path, n := range m {
			if i := rowOf(index, path); i >= 0 {
				c.add(&b.Rankings[i], n)
			}
		}
	}
	for i := range b.Rankings {
		r := &b.Rankings[i]
		r.Rate = zhili.RateTenths(int64(r.Resolved), int64(r.New))
	}
	return nil
}

// countCases counts the cases c (joined to their regions r) matching where.
func (db *DB) countCases(ctx context.Context, where string, args []any) (int, error) {
	var n int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM cases c JOIN regions r ON r.id = c.region_id WHERE `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("cockpit count: %w", err)
	}
	return n, nil
}

// cockpitCases lists the first CockpitListSize cases matching where (which
// carries its ORDER BY); Days counts from the deadline when overdue, else from
// the report.
func (db *DB) cockpitCases(ctx context.Context, where string, args []any, now time.Time, overdue bool) ([]zhili.CockpitCase, error) {
	rows, err := db.query(ctx, `SELECT c.id, c.no, c.title, c.kind, c.state, r.name, c.reported_at, c.due_at, c.due_step
		FROM cases c JOIN regions r ON r.id = c.region_id WHERE `+where+fmt.Sprintf(` LIMIT %d`, zhili.CockpitListSize), args...)
	if err != nil {
		return nil, fmt.Errorf("cockpit cases: %w", err)
	}
	defer rows.Close()
	out := []zhili.CockpitCase{}
	for rows.Next() {
		var c zhili.CockpitCase
		var reported string
		var due sql.NullString
		if err := rows.Scan(&c.ID, &c.No, &c.Title, &c.Kind, &c.State, &c.RegionName, &reported, &due, &c.DueStep); err != nil {
			return nil, fmt.Errorf("scan cockpit case: %w", err)
		}
		c.ReportedAt = parseTS(reported)
		c.Days = daysBetween(c.ReportedAt, now)
		if due.Valid {
			t := parseTS(due.String)
			c.DueAt = &t
			if overdue {
				c.Days = daysBetween(t, now)
			}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
