package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/deptreport"
)

// DepartmentReportService keeps department reports (部门报送): figures that other
// systems own, submitted per metric, region and month, corrected by superseding.
type DepartmentReportService struct {
	db      *DB
	metrics []zhili.DepartmentMetric
}

// NewDepartmentReportService returns the department report service of db with the
// metrics declared in deptreport/metrics.json.
func NewDepartmentReportService(db *DB) *DepartmentReportService {
	return &DepartmentReportService{db: db, metrics: deptreport.MustMetrics()}
}

var _ zhili.DepartmentReportService = (*DepartmentReportService)(nil)

// DepartmentMetrics lists the declared metrics.
func (s *DepartmentReportService) DepartmentMetrics() []zhili.DepartmentMetric {
	return append([]zhili.DepartmentMetric(nil), s.metrics...)
}

// mayReport allows department accounts and tokens, and the CLI.
func mayReport(a *zhili.Actor) error {
	if err := a.Require(zhili.ActBusinessWrite); err != nil {
		return err
	}
	if !a.System && a.Role != zhili.RoleDepartment {
		return zhili.Errorf(zhili.EFORBIDDEN, "Only department accounts submit department reports.")
	}
	return nil
}

// lockReports serialises writers of department_reports so seq grows in commit
// order; SQLite write transactions are serialised already.
func lockReports(ctx context.Context, tx *Tx) error {
	if tx.db.dialect.name() != "postgres" {
		return nil
	}
	_, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(7202, hashtext(current_schema()))")
	return err
}

// reportWriter is one writing transaction: its next seq and its caches.
type reportWriter struct {
	tx      *Tx
	a       *zhili.Actor
	via     string
	seq     int64
	regions map[string]*deptRegion
	units   map[int64]*deptUnit
}

type deptRegion struct {
	id         int64
	code, name string
	path       string
	retired    bool
}

type deptUnit struct {
	id         int64
	kind, code string
	name       string
	path       string // its region's path: the subtree it reports for
	retired    bool
}

func (s *DepartmentReportService) writer(ctx context.Context, a *zhili.Actor, via string) (*reportWriter, error) {
	tx, err := s.db.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := lockReports(ctx, tx); err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("lock department reports: %w", err)
	}
	w := &reportWriter{tx: tx, a: a, via: via, regions: map[string]*deptRegion{}, units: map[int64]*deptUnit{}}
	if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM department_reports`).Scan(&w.seq); err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("read department report seq: %w", err)
	}
	return w, nil
}

func (w *reportWriter) nextSeq() int64 { w.seq++; return w.seq }

func (w *reportWriter) region(ctx context.Context, code string) (*deptRegion, error) {
	if r, ok := w.regions[code]; ok {
		return r, nil
	}
	var r deptRegion
	var retired sql.NullString
	err := w.tx.queryRow(ctx, `SELECT id, code, name, path, retired_at FROM regions WHERE code = ?`, code).
		Scan(&r.id, &r.code, &r.name, &r.path, &retired)
	if errors.Is(err, sql.ErrNoRows) {
		w.regions[code] = nil
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("find region %s: %w", code, err)
	}
	r.retired = retired.Valid
	w.regions[code] = &r
	return &r, nil
}

func (w *reportWriter) unit(ctx context.Context, id int64) (*deptUnit, error) {
	if u, ok := w.units[id]; ok {
		return u, nil
	}
	var u deptUnit
	var retired sql.NullString
	err := w.tx.queryRow(ctx, `SELECT n.id, n.kind, n.code, n.name, r.path, n.retired_at FROM units n JOIN regions r ON r.id = n.region_id WHERE n.id = ?`, id).
		Scan(&u.id, &u.kind, &u.code, &u.name, &u.path, &retired)
	if errors.Is(err, sql.ErrNoRows) {
		w.units[id] = nil
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("find unit %d: %w", id, err)
	}
	u.retired = retired.Valid
	w.units[id] = &u
	return &u, nil
}

// inferUnit finds the one live department unit that submits m for a region: its
// code is listed for m and its region is the region or one of its ancestors.
func (w *reportWriter) inferUnit(ctx context.Context, m *zhili.DepartmentMetric, r *deptRegion) (*deptUnit, string) {
	ids := ancestors(r.path, true)
	q := `SELECT n.id FROM units n WHERE n.kind = ? AND n.retired_at IS NULL AND n.code IN (?` + strings.Repeat(", ?", len(m.Departments)-1) +
		`) AND n.region_id IN (?` + strings.Repeat(", ?", len(ids)-1) + `)`
	args := []any{string(zhili.UnitDepartment)}
	for _, d := range m.Departments {
		args = append(args, d)
	}
	rows, err := w.tx.query(ctx, q, append(args, ids...)...)
	if err != nil {
		return nil, "cannot look up department units"
	}
	var found []int64
	for rows.Next() {
		var id int64
		if rows.Scan(&id) == nil {
			found = append(found, id)
		}
	}
	rows.Close()
	if len(found) != 1 {
		return nil, fmt.Sprintf("%d department units (%s) report for this region; name the unit", len(found), strings.Join(m.Departments, ", "))
	}
	u, err := w.unit(ctx, found[0])
	if err != nil || u == nil {
		return nil, "cannot load the department unit"
	}
	return u, ""
}

// ancestors returns the ids on a region path ("/1/5/23/"), with the region's own
// id last when self is set.
func ancestors(path string, self bool) []any {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if !self {
		parts = parts[:len(parts)-1]
	}
	out := make([]any, 0, len(parts))
	for _, p := range parts {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// submitter is how the actor is named on a figure.
func submitter(a *zhili.Actor) string {
	if a.System {
		return "system:" + a.Username
	}
	return a.Username
}

// insert stores one figure and sets its id, seq and submitter. The one-current-
// figure index backs the checks up: a clash that slipped past them is ECONFLICT.
func (w *reportWriter) insert(ctx context.Context, r *zhili.DepartmentReport) error {
	r.Seq, r.SubmittedAt, r.Via = w.nextSeq(), w.tx.now, w.via
	r.SubmittedBy, r.Submitter, r.TokenID = w.a.UserID, submitter(w.a), zhili.DepartmentTokenFromContext(ctx)
	err := w.tx.queryRow(ctx, `INSERT INTO department_reports (metric, department_unit_id, region_id, period_start, period_end, value, note,
		submitted_by, submitter, token_id, via, submitted_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.Metric, r.UnitID, r.RegionID, r.PeriodStart, r.PeriodEnd, r.Value, r.Note,
		nullID(r.SubmittedBy), r.Submitter, nullID(r.TokenID), r.Via, ts(r.SubmittedAt), r.Seq).Scan(&r.ID)
	if w.tx.db.dialect.isUnique(err) {
		return zhili.Errorf(zhili.ECONFLICT, "%s for region %d in the month from %s was reported meanwhile; reload and correct it.", r.Metric, r.RegionID, r.PeriodStart)
	} else if err != nil {
		return fmt.Errorf("insert department report: %w", err)
	}
	return nil
}

// claim marks figure id as being superseded (pointing at itself until the
// correction exists, which frees the one-current-figure index), compare-and-set:
// false when it was no longer current.
func (w *reportWriter) claim(ctx context.Context, id int64) (bool, error) {
	res, err := w.tx.exec(ctx, `UPDATE department_reports SET superseded_by = id WHERE id = ? AND superseded_by IS NULL`, id)
	if err != nil {
		return false, fmt.Errorf("supersede department report %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// supersede points a claimed figure at its correction.
func (w *reportWriter) supersede(ctx context.Context, oldID, newID int64) error {
	if _, err := w.tx.exec(ctx, `UPDATE department_reports SET superseded_by = ?, seq = ? WHERE id = ? AND superseded_by = id`,
		newID, w.nextSeq(), oldID); err != nil {
		return fmt.Errorf("supersede department report %d: %w", oldID, err)
	}
	return nil
}

// current returns the id of the current figure of a metric, region and period, or zero.
func (w *reportWriter) current(ctx context.Context, metric string, regionID int64, start string) (int64, error) {
	var id int64
	err := w.tx.queryRow(ctx, `SELECT id FROM department_reports WHERE metric = ? AND region_id = ? AND period_start = ? AND superseded_by IS NULL`,
		metric, regionID, start).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// overlap returns a current figure of the same metric and period at an ancestor or
// descendant of the region, which a subtree sum would count twice; zero if none.
func (w *reportWriter) overlap(ctx context.Context, metric string, r *deptRegion, start string) (int64, string, error) {
	up := ancestors(r.path, false)
	cond, args := underRegion("d.region_id", r.path)
	if len(up) > 0 {
		cond = "(" + cond + " OR d.region_id IN (?" + strings.Repeat(", ?", len(up)-1) + "))"
		args = append(args, up...)
	}
	var id int64
	var code string
	err := w.tx.queryRow(ctx, `SELECT d.id, g.code FROM department_reports d JOIN regions g ON g.id = d.region_id
		WHERE d.metric = ? AND d.period_start = ? AND d.superseded_by IS NULL AND d.region_id <> ? AND `+cond+` ORDER BY d.id LIMIT 1`,
		append([]any{metric, start, r.id}, args...)...).Scan(&id, &code)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	return id, code, err
}
