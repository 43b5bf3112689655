package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/zhili-project/zhili"
)

// CaseService runs cases through their workflow.
type CaseService struct{ db *DB }

// NewCaseService returns the case service of db.
func NewCaseService(db *DB) *CaseService { return &CaseService{db: db} }

var _ zhili.CaseService = (*CaseService)(nil)

const caseColumns = `c.id, c.no, c.kind, c.category, c.title, c.detail, c.source, c.risk, c.region_id, c.address, c.lng, c.lat,
	c.people, c.amount_fen, c.workers, c.workers_paid, c.wages_recovered_fen, c.state, c.holder_unit_id, c.supervisor_unit_id,
	c.suspended_from, c.due_at, c.due_step, c.extension_days, COALESCE(c.duplicate_of, 0), c.method, c.outcome, c.agreement, c.satisfaction,
	COALESCE(c.reported_by, 0), c.reported_at, c.accepted_at, c.resolved_at, c.verified_at, c.visited_at, c.closed_at, c.updated_at,
	r.name, h.name, s.name`

const caseFrom = ` FROM cases c JOIN regions r ON r.id = c.region_id JOIN units h ON h.id = c.holder_unit_id JOIN units s ON s.id = c.supervisor_unit_id`

// caseRow is a case with the bookkeeping columns that the domain type leaves out.
type caseRow struct {
	zhili.Case
	dueStep       string
	extensionDays int
	updatedRaw    string // the exact stored text, the compare-and-set version
}

func scanCase(row interface{ Scan(...any) error }) (*caseRow, error) {
	var c caseRow
	var lng, lat sql.NullFloat64
	var due, accepted, resolved, verified, visited, closed sql.NullString
	var reported string
	if err := row.Scan(&c.ID, &c.No, &c.Kind, &c.Category, &c.Title, &c.Detail, &c.Source, &c.Risk, &c.RegionID, &c.Address, &lng, &lat,
		&c.People, &c.Amount, &c.Workers, &c.WorkersPaid, &c.WagesRecovered, &c.State, &c.HolderUnitID, &c.SupervisorUnitID,
		&c.SuspendedFrom, &due, &c.dueStep, &c.extensionDays, &c.DuplicateOf, &c.Method, &c.Outcome, &c.Agreement, &c.Satisfaction,
		&c.ReportedBy, &reported, &accepted, &resolved, &verified, &visited, &closed, &c.updatedRaw,
		&c.RegionName, &c.HolderName, &c.SupervisorName); err != nil {
		return nil, err
	}
	if lng.Valid && lat.Valid {
		c.Lng, c.Lat = &lng.Float64, &lat.Float64
	}
	c.Due, c.ReportedAt = parseNullTS(due), parseTS(reported)
	c.AcceptedAt, c.ResolvedAt, c.VerifiedAt = parseNullTS(accepted), parseNullTS(resolved), parseNullTS(verified)
	c.VisitedAt, c.ClosedAt, c.UpdatedAt = parseNullTS(visited), parseNullTS(closed), parseTS(c.updatedRaw)
	return &c, nil
}

// FindCase returns a case in scope.
func (s *CaseService) FindCase(ctx context.Context, id int64) (*zhili.Case, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.db.findCase(ctx, s.db.read, a, id)
	if err != nil {
		return nil, err
	}
	return &c.Case, nil
}

// querier is what both a pool and a transaction offer.
type querier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func (db *DB) findCase(ctx context.Context, q querier, a *zhili.Actor, id int64) (*caseRow, error) {
	if err := a.Require(zhili.ActBusinessRead); err != nil && !a.System {
		return nil, err
	}
	cond, args := scopeRegions(a, "r")
	c, err := scanCase(q.QueryRowContext(ctx, db.dialect.rebind(`SELECT `+caseColumns+caseFrom+` WHERE c.id = ? AND `+cond), append([]any{id}, args...)...))
	if err != nil {
		if err == sql.ErrNoRows {
			return nil, zhili.Errorf(zhili.ENOTFOUND, "Case not found.")
		}
		return nil, fmt.Errorf("find case %d: %w", id, err)
	}
	return c, nil
}

// FindCases lists cases in scope, newest first.
func (s *CaseService) FindCases(ctx context.Context, f zhili.CaseFilter) ([]*zhili.Case, int, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, 0, err
	}
	if err := a.Require(zhili.ActBusinessRead); err != nil {
		return nil, 0, err
	}
	cond, args := scopeRegions(a, "r")
	conds := []string{cond}
	add := func(c string, v ...any) { conds = append(conds, c); args = append(args, v...) }
	if f.ID != nil {
		add("c.id = ?", *f.ID)
	}
	if f.Kind != nil {
		add("c.kind = ?", string(*f.Kind))
	}
	if len(f.States) > 0 {
		ph := make([]string, len(f.States))
		for i, st := range f.States {
			ph[i] = "?"
			args = append(args, string(st))
		}
		conds = append(conds, "c.state IN ("+strings.Join(ph, ", ")+")")
	}
	if f.Under != nil {
		var path string
		if err := s.db.queryRow(ctx, `SELECT path FROM regions WHERE id = ?`, *f.Under).Scan(&path); err != nil {
			return nil, 0, nil
		}
		c, v := subtree("r.path", path)
		add(c, v...)
	}
	if f.HolderUnitID != nil {
		add("c.holder_unit_id = ?", *f.HolderUnitID)
	}
	if f.ReportedFrom != nil {
		add("c.reported_at >= ?", ts(*f.ReportedFrom))
	}
	if f.ReportedTo != nil {
		add("c.reported_at < ?", ts(*f.ReportedTo))
	}
	if f.DueBefore != nil {
		add("c.due_at < ?", ts(*f.DueBefore))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + escapeLike(q) + "%"
		add("(c.title LIKE ? OR c.no LIKE ? OR c.address LIKE ?)", like, like, like)
	}
	w := strings.Join(conds, " AND ")
	var total int
	if err := s.db.queryRow(ctx, `SELECT COUNT(*)`+caseFrom+` WHERE `+w, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count cases: %w", err)
	}
	rows, err := s.db.query(ctx, `SELECT `+caseColumns+caseFrom+` WHERE `+w+` ORDER BY c.id DESC`+limit(f.Offset, f.Limit), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find cases: %w", err)
	}
	defer rows.Close()
	var out []*zhili.Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("scan case: %w", err)
		}
		out = append(out, &c.Case)
	}
	return out, total, rows.Err()
}

// validateCase checks a new case's own fields.
func (db *DB) validateCase(ctx context.Context, c *zhili.Case) []zhili.FieldError {
	var bad []zhili.FieldError
	fail := func(field, code, reason string) {
		bad = append(bad, zhili.FieldError{Field: field, Code: code, Reason: reason})
	}
	c.Title, c.Detail, c.Address = strings.TrimSpace(c.Title), strings.TrimSpace(c.Detail), strings.TrimSpace(c.Address)
	if !c.Kind.Valid() {
		fail("kind", "unknown_kind", fmt.Sprintf("unknown case kind %q", c.Kind))
	} else if ok, err := db.categoryExists(ctx, c.Kind, c.Category); err != nil || !ok {
		fail("category", "unknown_category", fmt.Sprintf("category %q is not one of kind %s", c.Category, c.Kind))
	}
	if c.Title == "" {
		fail("title", "required", "title is required")
	} else if utf8.RuneCountInString(c.Title) > 200 {
		fail("title", "too_long", "title is longer than 200 characters")
	}
	if utf8.RuneCountInString(c.Detail) > 10000 {
		fail("detail", "too_long", "detail is longer than 10000 characters")
	}
	if c.Source == "" {
		c.Source = zhili.SourceGrid
	}
	if !oneOf(string(c.Source), "grid", "walk_in", "hotline", "public", "department", "api") {
		fail("source", "unknown_source", fmt.Sprintf("unknown source %q", c.Source))
	}
	if c.Risk == "" {
		c.Risk = zhili.RiskLow
	}
	if !oneOf(string(c.Risk), "low", "medium", "high", "major") {
		fail("risk", "unknown_risk", fmt.Sprintf("unknown risk %q", c.Risk))
	}
	if c.People < 0 || c.People > 1000000 {
		fail("people", "out_of_range", "people must be between 0 and 1000000")
	}
	if c.Amount < 0 || c.Workers < 0 || c.WorkersPaid < 0 || c.WagesRecovered < 0 {
		fail("amount_fen", "out_of_range", "amounts and counts cannot be negative")
	}
	if (c.Lng == nil) != (c.Lat == nil) {
		fail("lat", "required", "give both lat and lng, or neither")
	} else if c.Lng != nil && (*c.Lng < -180 || *c.Lng > 180 || *c.Lat < -90 || *c.Lat > 90) {
		fail("lat", "out_of_range", "lat/lng out of range")
	}
	return bad
}

func oneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

func (db *DB) categoryExists(ctx context.Context, kind zhili.CaseKind, code string) (bool, error) {
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM case_categories WHERE kind = ? AND code = ?`, string(kind), code).Scan(&n)
	return n > 0, err
}

// caseNo numbers cases by year and id: "2026-000123".
func caseNo(year int, id int64) string {
	s := strconv.FormatInt(id, 10)
	if len(s) < 6 {
		s = strings.Repeat("0", 6-len(s)) + s
	}
	return strconv.Itoa(year) + "-" + s
}
