package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/zhili-project/zhili/indicator"
)

// The org tables (positions, units, regions) and current department reports are
// small (thousands of rows), so the cache keeps a plain copy of them, reloaded
// whole when their fingerprint changes, and computes their indicators by a scan:
// no query per figure.

// orgRow is one position, unit, region or department report, with the fields
// the catalogue may filter on.
type orgRow struct {
	table  string // positions, units, regions, dept
	region int32
	person int64
	fields map[string]string // role, kind, region_kind, level, metric
	start  int32             // positions, dept: first day
	end    int32             // positions: last day held (-1: still), dept: last day
	gone   string            // units, regions: retired_at ("" when not)
	value  int64             // dept
}

// orgFingerprint changes whenever any row of the org tables or department
// reports is written: triggers raise org_version at every insert, update or
// delete of positions, units, regions and department_reports (migration 0016).
// Counts and latest dates, the fingerprint before, missed an edit that keeps
// them (an earlier end date moved, a retirement re-dated, a value corrected).
const orgFingerprint = `SELECT value FROM indicator_cache_marks WHERE name = 'org_version'`

// loadOrg reloads the org and department rows when they changed.
func (c *indicatorCache) loadOrg(ctx context.Context) error {
	var version int64
	if err := c.db.queryRow(ctx, orgFingerprint).Scan(&version); err != nil {
		return fmt.Errorf("indicator cache: org fingerprint: %w", err)
	}
	// The region ranks are part of it: a move changes which subtree a row is in.
	fp := strconv.FormatInt(version, 10) + "|" + c.regionFP
	if fp == c.orgFP {
		return nil
	}
	var rows []orgRow
	add := func(q string, scan func(r *sql.Rows) (orgRow, error)) error {
		rs, err := c.db.query(ctx, q)
		if err != nil {
			return fmt.Errorf("indicator cache: org: %w", err)
		}
		defer rs.Close()
		for rs.Next() {
			row, err := scan(rs)
			if err != nil {
				return fmt.Errorf("indicator cache: org: %w", err)
			}
			rows = append(rows, row)
		}
		return rs.Err()
	}
	err := add(`SELECT p.person_id, p.role, p.region_id, r.kind, p.start_day, COALESCE(p.end_day, '') FROM positions p JOIN regions r ON r.id = p.region_id`,
		func(rs *sql.Rows) (orgRow, error) {
			var region int64
			var role, kind, start, end string
			x := orgRow{table: "positions"}
			err := rs.Scan(&x.person, &role, &region, &kind, &start, &end)
			x.region, x.start, x.end = int32(region), civilDay(start), civilDay(end)
			x.fields = map[string]string{"role": role, "kind": role, "region_kind": kind}
			return x, err
		})
	if err == nil {
		err = add(`SELECT region_id, kind, COALESCE(retired_at, '') FROM units`, func(rs *sql.Rows) (orgRow, error) {
			var region int64
			var kind string
			x := orgRow{table: "units"}
			err := rs.Scan(&region, &kind, &x.gone)
			x.region, x.fields = int32(region), map[string]string{"kind": kind}
			return x, err
		})
	}
	if err == nil {
		err = add(`SELECT id, kind, level, COALESCE(retired_at, '') FROM regions`, func(rs *sql.Rows) (orgRow, error) {
			var id int64
			var kind string
			var level int
			x := orgRow{table: "regions"}
			err := rs.Scan(&id, &kind, &level, &x.gone)
			x.region, x.fields = int32(id), map[string]string{"kind": kind, "level": strconv.Itoa(level)}
			return x, err
		})
	}
	if err == nil {
		err = add(`SELECT metric, region_id, period_start, period_end, value FROM department_reports WHERE superseded_by IS NULL`,
			func(rs *sql.Rows) (orgRow, error) {
				var region int64
				var metric, start, end string
				x := orgRow{table: "dept"}
				err := rs.Scan(&metric, &region, &start, &end, &x.value)
				x.region, x.start, x.end, x.fields = int32(region), civilDay(start), civilDay(end), map[string]string{"metric": metric}
				return x, err
			})
	}
	if err != nil {
		return err
	}
	c.org, c.orgFP = rows, fp
	return nil
}

// orgCached reports whether the cache answers an org or department indicator:
// always, but for the conditions on parameters (county seat, convention), which
// SQL answers.
func orgCached(d *indicator.Def, params map[string]string) bool {
	for _, f := range d.Filter {
		if f.Param != "" && params[f.Param] != "" {
			return false
		}
	}
	return true
}

// computeOrg answers an org or department indicator from the copy.
func (c *indicatorCache) computeOrg(d *indicator.Def, r *indicator.Region, p indicator.Period) (indicator.Result, error) {
	var res indicator.Result
	c.mu.RLock()
	defer c.mu.RUnlock()
	table := d.Org
	if d.Source == indicator.SourceDept {
		table = "dept"
	}
	var match []func(get func(string) (string, bool)) bool
	for _, f := range d.Filter {
		if f.Param == "" {
			match = append(match, compileCond(f))
		}
	}
	fd, td := civilDay(p.From), civilDay(p.To)
	end := ts(p.End)
	lo, hi, _ := c.rankRange(r.Path)
	people := map[int64]bool{}
	for i := range c.org {
		x := &c.org[i]
		if x.table != table || int(x.region) >= len(c.rank) {
			continue
		}
		if rk := c.rank[x.region]; rk < lo || rk >= hi {
			continue
		}
		switch table {
		case "positions":
			if x.start < 0 || x.start > td || (x.end >= 0 && x.end < td) {
				continue
			}
		case "units", "regions":
			if x.gone != "" && x.gone < end {
				continue
			}
		case "dept":
			if x.fields["metric"] != d.Metric || x.start < fd || x.end > td {
				continue
			}
		}
		ok := true
		get := func(f string) (string, bool) { v, has := x.fields[f]; return v, has }
		for _, m := range match {
			if ok = m(get); !ok {
				break
			}
		}
		if !ok {
			continue
		}
		switch {
		case table == "dept":
			res.Value += x.value
		case d.Agg == indicator.AggDistinct:
			people[x.person] = true
		default:
			res.Value++
		}
	}
	if d.Agg == indicator.AggDistinct {
		res.Value = int64(len(people))
	}
	return res, nil
}
