package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/zhili-project/zhili"
)

// MonthlyBulletinData computes the figures of the 月督查通报 for a region and month.
func (s *RhythmService) MonthlyBulletinData(ctx context.Context, under int64, month string) (*zhili.MonthlyBulletin, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	from, err := parseMonth(month)
	if err != nil {
		return nil, err
	}
	reg, err := s.db.scopedRegion(ctx, a, under)
	if err != nil {
		return nil, err
	}
	return s.db.monthlyBulletin(ctx, reg, from)
}

// bulletinRows sets up one row per township under reg (reg itself when it is a
// township or below), keyed by region path so cases find theirs by prefix. Above
// township level a last row (本级) takes cases placed on the county itself.
func (db *DB) bulletinRows(ctx context.Context, reg *scopedRegion) ([]zhili.BulletinRow, map[string]int, error) {
	if reg.Level >= zhili.LevelTownship {
		return []zhili.BulletinRow{{RegionID: reg.ID, Name: reg.Name}}, map[string]int{reg.Path: 0}, nil
	}
	cond, args := subtree("path", reg.Path)
	rows, err := db.query(ctx, `SELECT id, name, path FROM regions WHERE level = ? AND retired_at IS NULL AND `+cond+` ORDER BY code`,
		append([]any{int(zhili.LevelTownship)}, args...)...)
	if err != nil {
		return nil, nil, fmt.Errorf("bulletin townships: %w", err)
	}
	defer rows.Close()
	var out []zhili.BulletinRow
	index := map[string]int{}
	for rows.Next() {
		var r zhili.BulletinRow
		var path string
		if err := rows.Scan(&r.RegionID, &r.Name, &path); err != nil {
			return nil, nil, err
		}
		index[path] = len(out)
		out = append(out, r)
	}
	index[reg.Path] = len(out)
	out = append(out, zhili.BulletinRow{RegionID: reg.ID, Name: reg.Name + "（本级）"})
	return out, index, rows.Err()
}

// rowOf finds the row whose region path is a prefix of path, or -1.
func rowOf(index map[string]int, path string) int {
	ids := pathIDs(path)
	for i := len(ids); i > 0; i-- {
		if r, ok := index[pathOf(ids[:i])]; ok {
			return r
		}
	}
	return -1
}

func (db *DB) monthlyBulletin(ctx context.Context, reg *scopedRegion, from time.Time) (*zhili.MonthlyBulletin, error) {
	to := monthNext(from)
	rows, index, err := db.bulletinRows(ctx, reg)
	if err != nil {
		return nil, err
	}
	b := &zhili.MonthlyBulletin{RegionID: reg.ID, RegionName: reg.Name, Month: monthLabel(from), From: from.UTC(), To: to.UTC(), Rows: rows, Overdue: []zhili.OverdueCase{}}
	cond, args := subtree("r.path", reg.Path)
	base := ` FROM cases c JOIN regions r ON r.id = c.region_id WHERE ` + cond
	month := []any{ts(from), ts(to)}
	resolved, resArgs := inStates("c.state", zhili.ResolvedStates)
	// The month's new cases and, in the same pass over the (region_id,
	// reported_at, state) index, those of them already resolved.
	if err := db.bulletinNew(ctx, b, index, `SELECT r.path, COUNT(*), SUM(CASE WHEN `+resolved+` THEN 1 ELSE 0 END)`+base+
		` AND c.reported_at >= ? AND c.reported_at < ? GROUP BY r.path`, append(append(resArgs, args...), month...)); err != nil {
		return nil, err
	}
	counts := []struct {
		q    string
		args []any
		add  func(*zhili.BulletinRow, int)
	}{
		{`SELECT r.path, COUNT(*)` + base + ` AND c.resolved_at >= ? AND c.resolved_at < ? GROUP BY r.path`, month,
			func(r *zhili.BulletinRow, n int) { r.Resolved += n }},
		{`SELECT r.path, COUNT(*) FROM case_overdue o JOIN cases c ON c.id = o.case_id JOIN regions r ON r.id = c.region_id WHERE ` + cond +
			` AND o.due_at >= ? AND o.due_at < ? GROUP BY r.path`, month,
			func(r *zhili.BulletinRow, n int) { r.OverdueSteps += n }},
	}
	for _, c := range counts {
		m := map[string]int{}
		if err := db.scanCounts(ctx, m, c.q, append(slices.Clone(args), c.args...)...); err != nil {
			return nil, fmt.Errorf("bulletin counts: %w", err)
		}
		for path, n := range m {
			if i := rowOf(index, path); i >= 0 {
				c.add(&b.Rows[i], n)
			}
		}
	}
	for i := range b.Rows {
		if r := &b.Rows[i]; r.New > 0 {
			r.ResolutionRate = math.Round(r.ResolutionRate/float64(r.New)*10000) / 10000
		} else {
			r.ResolutionRate = 0
		}
	}
	if err := db.bulletinVisits(ctx, b, index, base, append(slices.Clone(args), month...)); err != nil {
		return nil, err
	}
	if err := db.bulletinOverdue(ctx, b, index, cond, append(slices.Clone(args), month...), minTime(to, db.Clock.Now())); err != nil {
		return nil, err
	}
	if last := b.Rows[len(b.Rows)-1]; reg.Level < zhili.LevelTownship && last.New == 0 && last.Resolved == 0 && last.OverdueSteps == 0 &&
		last.VisitsOnTime == 0 && last.VisitsLate == 0 {
		b.Rows = b.Rows[:len(b.Rows)-1]
	}
	return b, nil
}

// bulletinNew adds the month's new cases per row (New) and those of them
// resolved (kept in ResolutionRate until the rate is computed).
func (db *DB) bulletinNew(ctx context.Context, b *zhili.MonthlyBulletin, index map[string]int, q string, args []any) error {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("bulletin new cases: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var path string
		var n, done int
		if err := rows.Scan(&path, &n, &done); err != nil {
			return fmt.Errorf("scan new cases: %w", err)
		}
		if i := rowOf(index, path); i >= 0 {
			b.Rows[i].New += n
			b.Rows[i].ResolutionRate += float64(done)
		}
	}
	return rows.Err()
}

// bulletinVisits counts the month's visits made by the end of the tenth day after
// resolution (on time) and later.
func (db *DB) bulletinVisits(ctx context.Context, b *zhili.MonthlyBulletin, index map[string]int, base string, args []any) error {
	rows, err := db.query(ctx, `SELECT r.path, c.resolved_at, c.visited_at`+base+` AND c.visited_at >= ? AND c.visited_at < ? AND c.resolved_at IS NOT NULL`, args...)
	if err != nil {
		return fmt.Errorf("bulletin visits: %w", err)
	}
	defer rows.Close()
	var cal zhili.Calendar // visits count calendar days: no listed days needed
	for rows.Next() {
		var path, resolved, visited string
		if err := rows.Scan(&path, &resolved, &visited); err != nil {
			return fmt.Errorf("scan visit: %w", err)
		}
		i := rowOf(index, path)
		if i < 0 {
			continue
		}
		if parseTS(visited).After(cal.AddCalendarDays(parseTS(resolved), zhili.VisitDays)) {
			b.Rows[i].VisitsLate++
		} else {
			b.Rows[i].VisitsOnTime++
		}
	}
	return rows.Err()
}

// bulletinOverdue names the cases whose step deadline passed in the month. A step
// is overdue until the case next changed state, or until the cutoff (the month's
// end, or now for the current month).
func (db *DB) bulletinOverdue(ctx context.Context, b *zhili.MonthlyBulletin, index map[string]int, cond string, args []any, cutoff time.Time) error {
	rows, err := db.query(ctx, `SELECT o.case_id, c.no, c.title, r.path, u.name, o.step, o.due_at,
		(SELECT MIN(e.at) FROM case_events e WHERE e.case_id = o.case_id AND e.at > o.due_at AND e.from_state <> e.to_state)
		FROM case_overdue o JOIN cases c ON c.id = o.case_id JOIN regions r ON r.id = c.region_id JOIN units u ON u.id = o.holder_unit_id
		WHERE `+cond+` AND o.due_at >= ? AND o.due_at < ? ORDER BY o.due_at, o.case_id`, args...)
	if err != nil {
		return fmt.Errorf("bulletin overdue cases: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var o zhili.OverdueCase
		var path, due string
		var ended sql.NullString
		if err := rows.Scan(&o.CaseID, &o.No, &o.Title, &path, &o.HolderUnit, &o.Step, &due, &ended); err != nil {
			return fmt.Errorf("scan overdue case: %w", err)
		}
		if i := rowOf(index, path); i >= 0 {
			o.Township = b.Rows[i].Name
		}
		o.DueAt = parseTS(due)
		end := cutoff
		if ended.Valid {
			end = minTime(end, parseTS(ended.String))
		}
		o.DaysOverdue = max(1, int(math.Ceil(end.Sub(o.DueAt).Hours()/24)))
		b.Overdue = append(b.Overdue, o)
	}
	return rows.Err()
}
