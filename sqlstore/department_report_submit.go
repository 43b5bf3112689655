package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/deptreport"
)

// SubmitDepartmentReports stores figures all or nothing. Every figure is checked
// (metric, region in scope and in the unit's area, whole month, no clash with a
// current figure of the same or an overlapping region) and every problem is
// returned together, each naming its row and field.
func (s *DepartmentReportService) SubmitDepartmentReports(ctx context.Context, figs []zhili.DepartmentFigure, opt zhili.DepartmentSubmit) ([]*zhili.DepartmentReport, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := mayReport(a); err != nil {
		return nil, err
	}
	if !a.System {
		if opt.UnitID != 0 && opt.UnitID != a.UnitID {
			return nil, zhili.Errorf(zhili.EFORBIDDEN, "A department submits figures only for its own unit.")
		}
		opt.UnitID = a.UnitID
	}
	if len(figs) == 0 {
		return nil, zhili.Invalid("No figures to submit.", zhili.FieldError{Field: "figures", Code: "required", Reason: "at least one figure is required"})
	}
	if len(figs) > deptreport.MaxRows {
		return nil, zhili.Invalid(fmt.Sprintf("At most %d figures at once.", deptreport.MaxRows), zhili.FieldError{Field: "figures", Code: "too_many", Reason: "too many figures"})
	}
	var bad []zhili.FieldError
	figs = append([]zhili.DepartmentFigure(nil), figs...)
	ok := make([]bool, len(figs))
	for i := range figs {
		if figs[i].Row == 0 {
			figs[i].Row = i + 1
		}
		errs := deptreport.Normalize(s.metrics, &figs[i])
		bad, ok[i] = append(bad, errs...), len(errs) == 0
	}
	w, err := s.writer(ctx, a, opt.Via)
	if err != nil {
		return nil, err
	}
	defer w.tx.Rollback()
	var fixed *deptUnit
	if opt.UnitID != 0 {
		if fixed, err = w.unit(ctx, opt.UnitID); err != nil {
			return nil, err
		}
		if fixed == nil || fixed.kind != string(zhili.UnitDepartment) || fixed.retired || !a.InScope(fixed.path) {
			return nil, zhili.Invalid("The submitting unit is not a live department unit.",
				zhili.FieldError{Field: "department_unit", Code: "not_department", Reason: "the unit is not a live department unit in scope"})
		}
	}
	out := make([]*zhili.DepartmentReport, 0, len(figs))
	replaced := map[int64]int64{}
	seen := map[string]int{}
	for i := range figs {
		if !ok[i] {
			continue
		}
		key := figs[i].Metric + "|" + figs[i].RegionCode + "|" + figs[i].PeriodStart
		if first, dup := seen[key]; dup {
			bad = append(bad, zhili.FieldError{Row: figs[i].Row, Field: "period_start", Code: "duplicate",
				Reason: fmt.Sprintf("the same metric, region and month as row %d", first)})
			continue
		}
		seen[key] = figs[i].Row
		r, old, errs, err := w.check(ctx, s.metrics, &figs[i], fixed, opt.Replace)
		if err != nil {
			return nil, err
		}
		if len(errs) > 0 {
			bad = append(bad, errs...)
			continue
		}
		if old != 0 {
			if claimed, err := w.claim(ctx, old); err != nil {
				return nil, err
			} else if !claimed {
				return nil, zhili.Errorf(zhili.ECONFLICT, "Figure #%d changed while being replaced; try again.", old)
			}
		}
		if err := w.insert(ctx, r); err != nil {
			return nil, err
		}
		if old != 0 {
			if err := w.supersede(ctx, old, r.ID); err != nil {
				return nil, err
			}
			replaced[old] = r.ID
		}
		out = append(out, r)
	}
	if len(bad) > 0 {
		return nil, zhili.Invalid(fmt.Sprintf("%d problem(s) in the figures; nothing was stored.", len(bad)), bad...)
	}
	ids := make([]int64, len(out))
	for i, r := range out {
		ids[i] = r.ID
	}
	detail := map[string]any{"count": len(out), "ids": ids, "via": opt.Via, "token_id": zhili.DepartmentTokenFromContext(ctx)}
	if len(replaced) > 0 {
		detail["superseded"] = replaced
	}
	if err := w.tx.audit(ctx, a, "department_report.submit", "department_report", ids[0], detail); err != nil {
		return nil, err
	}
	if err := w.tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit department reports: %w", err)
	}
	return out, nil
}

// check resolves one normalised figure to a report ready to insert, and the id of
// the current figure it replaces (with replace). Problems come back as field
// errors naming the figure's row; err is for the database failing.
func (w *reportWriter) check(ctx context.Context, ms []zhili.DepartmentMetric, f *zhili.DepartmentFigure, u *deptUnit, replace bool) (*zhili.DepartmentReport, int64, []zhili.FieldError, error) {
	fail := func(field, code, reason string) []zhili.FieldError {
		return []zhili.FieldError{{Row: f.Row, Field: field, Code: code, Reason: reason}}
	}
	m := deptreport.Lookup(ms, f.Metric)
	r, err := w.region(ctx, f.RegionCode)
	if err != nil {
		return nil, 0, nil, err
	}
	// Outside the actor's scope or the unit's area reads as absent.
	if r == nil || !w.a.InScope(r.path) || (u != nil && !underPath(r.path, u.path)) {
		return nil, 0, fail("region_code", "unknown_region", fmt.Sprintf("no region %s in your area", f.RegionCode)), nil
	}
	if r.retired {
		return nil, 0, fail("region_code", "retired_region", fmt.Sprintf("region %s is retired", f.RegionCode)), nil
	}
	if u == nil {
		var why string
		if u, why = w.inferUnit(ctx, m, r); u == nil {
			return nil, 0, fail("department_unit", "ambiguous_unit", why), nil
		}
	}
	if !m.SubmittedBy(u.code) {
		return nil, 0, fail("metric", "not_your_metric", fmt.Sprintf("%s (%s) is submitted by %v, not by %s", m.Label, m.ID, m.Departments, u.name)), nil
	}
	old, err := w.current(ctx, m.ID, r.id, f.PeriodStart)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("find current department report: %w", err)
	}
	if old != 0 && !replace {
		return nil, 0, fail("period_start", "already_reported", fmt.Sprintf("figure #%d already reports %s for %s in this month; correct it, or submit with replace", old, m.ID, f.RegionCode)), nil
	}
	clash, code, err := w.overlap(ctx, m.ID, r, f.PeriodStart)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("check overlapping department reports: %w", err)
	}
	if clash != 0 {
		return nil, 0, fail("region_code", "overlap", fmt.Sprintf("figure #%d reports %s for region %s, which contains or lies within %s, in the same month; a region total and its parts cannot both be kept", clash, m.ID, code, f.RegionCode)), nil
	}
	return &zhili.DepartmentReport{Metric: m.ID, UnitID: u.id, UnitName: u.name, RegionID: r.id, RegionCode: r.code, RegionName: r.name,
		PeriodStart: f.PeriodStart, PeriodEnd: f.PeriodEnd, Value: f.Value, Note: f.Note}, old, nil, nil
}

func underPath(path, root string) bool { return len(path) >= len(root) && path[:len(root)] == root }

// CorrectDepartmentReport supersedes a current figure with a new value,
// compare-and-set: a figure superseded meanwhile is ECONFLICT.
func (s *DepartmentReportService) CorrectDepartmentReport(ctx context.Context, id int64, value int64, note, via string) (*zhili.DepartmentReport, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := mayReport(a); err != nil {
		return nil, err
	}
	if value < 0 {
		return nil, zhili.Invalid("The value must not be negative.", zhili.FieldError{Field: "value", Code: "negative", Reason: "value must not be negative"})
	}
	w, err := s.writer(ctx, a, via)
	if err != nil {
		return nil, err
	}
	defer w.tx.Rollback()
	cond, args := scopeRegionID(a, "d.region_id")
	row := w.tx.queryRow(ctx, `SELECT `+reportColumns+reportFrom+` WHERE d.id = ? AND `+cond, append([]any{id}, args...)...)
	old, err := scanReport(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhili.Errorf(zhili.ENOTFOUND, "Department report not found.")
	} else if err != nil {
		return nil, fmt.Errorf("find department report %d: %w", id, err)
	}
	if !a.System && old.UnitID != a.UnitID {
		return nil, zhili.Errorf(zhili.EFORBIDDEN, "Only the department that submitted a figure corrects it.")
	}
	if old.SupersededBy != 0 {
		return nil, zhili.Errorf(zhili.ECONFLICT, "Figure #%d was already corrected by #%d; correct the current figure.", id, old.SupersededBy)
	}
	if claimed, err := w.claim(ctx, id); err != nil {
		return nil, err
	} else if !claimed {
		return nil, zhili.Errorf(zhili.ECONFLICT, "Figure #%d was corrected meanwhile; reload it.", id)
	}
	r := *old
	r.Value, r.Note, r.SupersededBy = value, note, 0
	if len([]rune(r.Note)) > 500 {
		return nil, zhili.Invalid("The note is too long.", zhili.FieldError{Field: "note", Code: "too_long", Reason: "note is longer than 500 characters"})
	}
	if err := w.insert(ctx, &r); err != nil {
		return nil, err
	}
	if err := w.supersede(ctx, id, r.ID); err != nil {
		return nil, err
	}
	if err := w.tx.audit(ctx, a, "department_report.correct", "department_report", r.ID, map[string]any{
		"corrects": id, "metric": r.Metric, "region_id": r.RegionID, "period_start": r.PeriodStart,
		"before": old.Value, "after": value, "via": via, "token_id": r.TokenID}); err != nil {
		return nil, err
	}
	if err := w.tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit correction: %w", err)
	}
	return &r, nil
}
