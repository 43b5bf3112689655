package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/zhili-project/zhili"
)

const reportColumns = `d.id, d.metric, d.department_unit_id, n.name, d.region_id, g.code, g.name, d.period_start, d.period_end, d.value, d.note,
	COALESCE(d.submitted_by, 0), d.submitter, COALESCE(d.token_id, 0), d.via, d.submitted_at, COALESCE(d.superseded_by, 0), d.seq`

const reportFrom = ` FROM department_reports d JOIN units n ON n.id = d.department_unit_id JOIN regions g ON g.id = d.region_id`

func scanReport(row interface{ Scan(...any) error }) (*zhili.DepartmentReport, error) {
	var r zhili.DepartmentReport
	var at string
	if err := row.Scan(&r.ID, &r.Metric, &r.UnitID, &r.UnitName, &r.RegionID, &r.RegionCode, &r.RegionName, &r.PeriodStart, &r.PeriodEnd,
		&r.Value, &r.Note, &r.SubmittedBy, &r.Submitter, &r.TokenID, &r.Via, &at, &r.SupersededBy, &r.Seq); err != nil {
		return nil, err
	}
	r.SubmittedAt = parseTS(at)
	return &r, nil
}

// reader checks the actor may read figures and returns the scope condition.
func reader(ctx context.Context) (*zhili.Actor, string, []any, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, "", nil, err
	}
	if err := a.Require(zhili.ActBusinessRead); err != nil {
		return nil, "", nil, err
	}
	cond, args := scopeRegionID(a, "d.region_id")
	return a, cond, args, nil
}

// FindDepartmentReport returns one figure in scope, current or not.
func (s *DepartmentReportService) FindDepartmentReport(ctx context.Context, id int64) (*zhili.DepartmentReport, error) {
	_, cond, args, err := reader(ctx)
	if err != nil {
		return nil, err
	}
	r, err := scanReport(s.db.queryRow(ctx, `SELECT `+reportColumns+reportFrom+` WHERE d.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhili.Errorf(zhili.ENOTFOUND, "Department report not found.")
	} else if err != nil {
		return nil, fmt.Errorf("find department report %d: %w", id, err)
	}
	return r, nil
}

// FindDepartmentReports lists figures in scope, newest month first.
func (s *DepartmentReportService) FindDepartmentReports(ctx context.Context, f zhili.DepartmentReportFilter) ([]*zhili.DepartmentReport, int, error) {
	_, cond, args, err := reader(ctx)
	if err != nil {
		return nil, 0, err
	}
	conds := []string{cond}
	add := func(c string, v ...any) { conds = append(conds, c); args = append(args, v...) }
	if !f.History {
		add("d.superseded_by IS NULL")
	}
	if f.Metric != "" {
		add("d.metric = ?", f.Metric)
	}
	if f.UnitID != nil {
		add("d.department_unit_id = ?", *f.UnitID)
	}
	if f.From != "" {
		add("d.period_start >= ?", f.From)
	}
	if f.To != "" {
		add("d.period_end <= ?", f.To)
	}
	if f.Under != nil {
		var path string
		if err := s.db.queryRow(ctx, `SELECT path FROM regions WHERE id = ?`, *f.Under).Scan(&path); err != nil {
			return nil, 0, nil // an unknown region holds nothing
		}
		c, v := underRegion("d.region_id", path)
		add(c, v...)
	}
	w := strings.Join(conds, " AND ")
	var total int
	if err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM department_reports d WHERE `+w, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count department reports: %w", err)
	}
	rows, err := s.db.query(ctx, `SELECT `+reportColumns+reportFrom+` WHERE `+w+
		` ORDER BY d.period_start DESC, d.metric, g.code, d.id`+limit(f.Offset, f.Limit), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find department reports: %w", err)
	}
	defer rows.Close()
	var out []*zhili.DepartmentReport
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// DepartmentReportHistory lists every version of a figure's metric, region and
// month, oldest first: the first submission, then each correction.
func (s *DepartmentReportService) DepartmentReportHistory(ctx context.Context, id int64) ([]*zhili.DepartmentReport, error) {
	r, err := s.FindDepartmentReport(ctx, id)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT `+reportColumns+reportFrom+` WHERE d.metric = ? AND d.region_id = ? AND d.period_start = ? ORDER BY d.id`,
		r.Metric, r.RegionID, r.PeriodStart)
	if err != nil {
		return nil, fmt.Errorf("department report history: %w", err)
	}
	defer rows.Close()
	var out []*zhili.DepartmentReport
	for rows.Next() {
		h, err := scanReport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}
