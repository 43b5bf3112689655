package zhili

import (
	"context"
	"time"
)

// DepartmentMetric is one figure a department submits periodically (部门报送指标),
// declared in deptreport/metrics.json.
type DepartmentMetric struct {
	ID    string `json:"id"`    // e.g. "crime.solved"
	Label string `json:"label"` // Chinese name, e.g. 破获各类刑事案件
	// Unit is what the value counts: 件, 起, 人, 人次, 条, or "fen" for money.
	Unit string `json:"unit"`
	// Departments lists the unit codes (police, court, finance…) that submit it.
	Departments []string `json:"departments"`
	// Period is how long one figure covers; "month" is the only kind so far.
	Period string `json:"period"`
}

// Money reports whether the metric's values are integer fen.
func (m *DepartmentMetric) Money() bool { return m.Unit == "fen" }

// SubmittedBy reports whether a department with this unit code may submit the metric.
func (m *DepartmentMetric) SubmittedBy(code string) bool {
	for _, d := range m.Departments {
		if d == code {
			return true
		}
	}
	return false
}

// DepartmentReport is one submitted figure: a metric's value for a region and a
// period, from a department unit. A correction supersedes it with a new report; the
// current figure is the one whose SupersededBy is zero.
type DepartmentReport struct {
	ID         int64  `json:"id"`
	Metric     string `json:"metric"`
	UnitID     int64  `json:"department_unit_id"`
	UnitName   string `json:"department_unit_name,omitempty"`
	RegionID   int64  `json:"region_id"`
	RegionCode string `json:"region_code,omitempty"`
	RegionName string `json:"region_name,omitempty"`
	// PeriodStart and PeriodEnd are days "YYYY-MM-DD"; the end is inclusive.
	PeriodStart string `json:"period_start"`
	PeriodEnd   string `json:"period_end"`
	// Value is the figure; money is integer fen.
	Value       int64     `json:"value"`
	Note        string    `json:"note,omitempty"`
	SubmittedBy int64     `json:"submitted_by,omitempty"` // user id; zero for a token or the CLI
	Submitter   string    `json:"submitter"`              // username, token:NAME or system:NAME
	TokenID     int64     `json:"token_id,omitempty"`
	Via         string    `json:"via"` // form, api, import, cli
	SubmittedAt time.Time `json:"submitted_at"`
	// SupersededBy is the id of the correction that replaced this figure, or zero.
	SupersededBy int64 `json:"superseded_by,omitempty"`
	// Seq grows on every write to the table; caches compare it.
	Seq int64 `json:"seq"`
}

// Current reports whether the figure has not been superseded.
func (r *DepartmentReport) Current() bool { return r.SupersededBy == 0 }

// DepartmentFigure is one figure to submit, as it arrives from a form, the API or
// a file row.
type DepartmentFigure struct {
	// Row is the file row (header is row 1) or the index in an API list (from 1),
	// so errors can name it.
	Row         int    `json:"-"`
	Metric      string `json:"metric"`
	RegionCode  string `json:"region_code"`
	PeriodStart string `json:"period_start"`
	PeriodEnd   string `json:"period_end"`
	Value       int64  `json:"value"`
	Note        string `json:"note,omitempty"`
}

// DepartmentSubmit says how figures are submitted.
type DepartmentSubmit struct {
	// UnitID is the submitting department; zero means the actor's own unit. A
	// department account or token may only name its own unit; the CLI must name one
	// (or the metric's department must have exactly one unit in the region's line).
	UnitID int64
	// Replace lets a figure supersede the current one of the same metric, region
	// and period instead of being refused as a conflict.
	Replace bool
	// Via records how the figures came: form, api, import, cli.
	Via string
}

// DepartmentReportFilter selects figures; zero fields do not filter.
type DepartmentReportFilter struct {
	Metric string
	// Under limits to figures for regions in this region's subtree.
	Under  *int64
	UnitID *int64
	// From and To ("YYYY-MM-DD") keep figures whose period lies within them.
	From, To string
	// History includes superseded figures; by default only current ones.
	History       bool
	Offset, Limit int
}

// DepartmentReportService keeps department reports, bounded by the caller's scope.
type DepartmentReportService interface {
	// DepartmentMetrics lists the declared metrics.
	DepartmentMetrics() []DepartmentMetric
	// SubmitDepartmentReports stores figures all or nothing. EINVALID names every
	// bad figure by row and field; a figure clashing with a current one (without
	// Replace) or with one at an ancestor or descendant region is EINVALID too,
	// naming the row. EFORBIDDEN unless the actor is a department (or the CLI).
	SubmitDepartmentReports(ctx context.Context, figs []DepartmentFigure, opt DepartmentSubmit) ([]*DepartmentReport, error)
	// CorrectDepartmentReport supersedes figure id with a new value. ECONFLICT if
	// it was already superseded; ENOTFOUND if absent or out of scope; EFORBIDDEN
	// unless the actor is the submitting unit.
	CorrectDepartmentReport(ctx context.Context, id int64, value int64, note, via string) (*DepartmentReport, error)
	// FindDepartmentReport returns one figure in scope. ENOTFOUND otherwise.
	FindDepartmentReport(ctx context.Context, id int64) (*DepartmentReport, error)
	// FindDepartmentReports lists figures in scope, newest period first, and the total.
	FindDepartmentReports(ctx context.Context, f DepartmentReportFilter) ([]*DepartmentReport, int, error)
	// DepartmentReportHistory lists every version of figure id's metric, region and
	// period, oldest first. ENOTFOUND if absent or out of scope.
	DepartmentReportHistory(ctx context.Context, id int64) ([]*DepartmentReport, error)
}

// DepartmentToken lets a department's own system submit reports over the API. The
// secret itself is shown once, when issued; the store keeps its hash.
type DepartmentToken struct {
	ID         int64      `json:"id"`
	UnitID     int64      `json:"unit_id"`
	UnitName   string     `json:"unit_name,omitempty"`
	Name       string     `json:"name"`
	CreatedBy  int64      `json:"created_by,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// DepartmentTokenPrefix starts every department token, so a bearer token can be
// told apart from a session token without a lookup.
const DepartmentTokenPrefix = "zdt_"

// DepartmentTokenService issues, lists, revokes and checks department tokens.
type DepartmentTokenService interface {
	// CreateDepartmentToken issues a token for a department unit and returns the
	// secret, which is not kept. EFORBIDDEN unless system administrator; EINVALID
	// if the unit is not a department in scope.
	CreateDepartmentToken(ctx context.Context, unitID int64, name string) (*DepartmentToken, string, error)
	// FindDepartmentTokens lists tokens of units in scope, revoked ones included.
	FindDepartmentTokens(ctx context.Context) ([]*DepartmentToken, error)
	// RevokeDepartmentToken stops a token working. ENOTFOUND if absent or out of
	// scope; ECONFLICT if already revoked.
	RevokeDepartmentToken(ctx context.Context, id int64) error
	// AuthenticateDepartmentToken returns the actor of a live token and the token,
	// and audits the use (what, e.g. "POST /api/v1/department-reports"). When
	// allowed is false the use is refused: audited as such and EFORBIDDEN.
	// EUNAUTHORIZED for an unknown or revoked token.
	AuthenticateDepartmentToken(ctx context.Context, token, ip, what string, allowed bool) (*Actor, *DepartmentToken, error)
}

type deptTokenKey struct{}

// NewContextWithDepartmentToken marks the context's actor as acting through the
// department token id, so stored figures can say which token sent them.
func NewContextWithDepartmentToken(ctx context.Context, id int64) context.Context {
	return context.WithValue(ctx, deptTokenKey{}, id)
}

// DepartmentTokenFromContext returns the id of the token the request came with, or zero.
func DepartmentTokenFromContext(ctx context.Context) int64 {
	id, _ := ctx.Value(deptTokenKey{}).(int64)
	return id
}
