package zhili

import (
	"context"
	"time"
)

// CaseKind is the line of work a case belongs to; each kind has its own categories.
type CaseKind string

// Case kinds, as in the glossary.
const (
	KindDispute        CaseKind = "dispute"         // 矛盾纠纷
	KindHazard         CaseKind = "hazard"          // 安全隐患
	KindEmergency      CaseKind = "emergency"       // 突发事件
	KindLivelihood     CaseKind = "livelihood"      // 群众急事难事
	KindLaborComplaint CaseKind = "labor_complaint" // 劳动监察举报投诉
)

// CaseKinds lists the kinds with their Chinese labels.
var CaseKinds = []struct {
	Kind  CaseKind
	Label string
}{
	{KindDispute, "矛盾纠纷"}, {KindHazard, "安全隐患"}, {KindEmergency, "突发事件"},
	{KindLivelihood, "群众急事难事"}, {KindLaborComplaint, "劳动监察举报投诉"},
}

// Label is the kind's Chinese name.
func (k CaseKind) Label() string {
	for _, x := range CaseKinds {
		if x.Kind == k {
			return x.Label
		}
	}
	return string(k)
}

// Valid reports whether k is a known kind.
func (k CaseKind) Valid() bool { return k.Label() != string(k) }

// Category is one entry of a kind's category tree; Parent is empty at the top.
type Category struct {
	Kind   CaseKind `json:"kind"`
	Code   string   `json:"code"`
	Label  string   `json:"label"`
	Parent string   `json:"parent,omitempty"`
}

// CaseSource is the channel a case came in by.
type CaseSource string

// Case sources.
const (
	SourceGrid       CaseSource = "grid"       // 网格员上报
	SourceWalkIn     CaseSource = "walk_in"    // 来访
	SourceHotline    CaseSource = "hotline"    // 热线
	SourcePublic     CaseSource = "public"     // 群众网上反映
	SourceDepartment CaseSource = "department" // 部门移交
	SourceAPI        CaseSource = "api"        // 系统对接
)

// CaseSources lists the sources with their labels.
var CaseSources = []struct {
	Source CaseSource
	Label  string
}{
	{SourceGrid, "网格员上报"}, {SourceWalkIn, "群众来访"}, {SourceHotline, "热线电话"},
	{SourcePublic, "网上反映"}, {SourceDepartment, "部门移交"}, {SourceAPI, "系统对接"},
}

// Risk is a case's risk level; major cases may skip a level when escalated.
type Risk string

// Risk levels.
const (
	RiskLow    Risk = "low"    // 一般
	RiskMedium Risk = "medium" // 较大
	RiskHigh   Risk = "high"   // 重大
	RiskMajor  Risk = "major"  // 特别重大: escalates straight to the county centre
)

// Risks lists the levels with their labels.
var Risks = []struct {
	Risk  Risk
	Label string
}{{RiskLow, "一般"}, {RiskMedium, "较大"}, {RiskHigh, "重大"}, {RiskMajor, "特别重大"}}

// Case is anything reported that someone must act on. One model serves every kind;
// kind-specific figures (wages recovered, workers paid) are plain columns so the
// seed's counts are sums, not parsing.
type Case struct {
	ID       int64      `json:"id"`
	No       string     `json:"no"` // e.g. "2026-000123": year and a per-year sequence
	Kind     CaseKind   `json:"kind"`
	Category string     `json:"category"`
	Title    string     `json:"title"`
	Detail   string     `json:"detail"`
	Source   CaseSource `json:"source"`
	Risk     Risk       `json:"risk"`
	// RegionID is where it happened: a grid when known, else a village or township.
	// Scope follows this, never the reporter.
	RegionID int64    `json:"region_id"`
	Address  string   `json:"address,omitempty"`
	Lng      *float64 `json:"lng,omitempty"` // WGS-84
	Lat      *float64 `json:"lat,omitempty"`
	People   int      `json:"people"`     // number of people involved
	Amount   int64    `json:"amount_fen"` // money at stake, fen
	// Labour complaints: workers the complaint concerns and those paid, wages recovered (fen).
	Workers        int   `json:"workers,omitempty"`
	WorkersPaid    int   `json:"workers_paid,omitempty"`
	WagesRecovered int64 `json:"wages_recovered_fen,omitempty"`

	State CaseState `json:"state"`
	// HolderUnitID holds the current step; SupervisorUnitID verifies, visits, closes
	// and approves extensions.
	HolderUnitID     int64 `json:"holder_unit_id"`
	SupervisorUnitID int64 `json:"supervisor_unit_id"`
	// SuspendedFrom is the state a suspended case resumes to.
	SuspendedFrom CaseState `json:"suspended_from,omitempty"`
	// Due is the deadline of the current step; nil when none runs (resolved work
	// waits on the visit rhythm, terminal states have none).
	Due         *time.Time `json:"due,omitempty"`
	DuplicateOf int64      `json:"duplicate_of,omitempty"`

	Method       string     `json:"method,omitempty"`  // 化解方式
	Outcome      string     `json:"outcome,omitempty"` // 结果
	Agreement    bool       `json:"agreement"`         // 调解协议 signed
	Satisfaction int        `json:"satisfaction,omitempty"`
	ReportedBy   int64      `json:"reported_by"`
	ReportedAt   time.Time  `json:"reported_at"`
	AcceptedAt   *time.Time `json:"accepted_at,omitempty"`
	ResolvedAt   *time.Time `json:"resolved_at,omitempty"`
	VerifiedAt   *time.Time `json:"verified_at,omitempty"`
	VisitedAt    *time.Time `json:"visited_at,omitempty"`
	ClosedAt     *time.Time `json:"closed_at,omitempty"`
	UpdatedAt    time.Time  `json:"updated_at"`

	// Filled on reads for display.
	RegionName     string `json:"region_name,omitempty"`
	HolderName     string `json:"holder_name,omitempty"`
	SupervisorName string `json:"supervisor_name,omitempty"`
}

// Party is a person or organisation involved in a case. IDNumber and Phone are
// plaintext in memory only; the store keeps them encrypted and reads them masked.
type Party struct {
	ID       int64  `json:"id"`
	CaseID   int64  `json:"case_id"`
	Role     string `json:"role"` // applicant 申请人, respondent 被申请人, other
	Name     string `json:"name"`
	Org      bool   `json:"org"`                 // an organisation; IDNumber is its credit code
	IDNumber string `json:"id_number,omitempty"` // only set by RevealParties
	Phone    string `json:"phone,omitempty"`     // only set by RevealParties
	// Masked forms, safe to show.
	IDNumberMasked string `json:"id_number_masked,omitempty"`
	PhoneMasked    string `json:"phone_masked,omitempty"`
}

// CaseEvent is one step of a case's timeline: who did what, when, with what note.
type CaseEvent struct {
	ID        int64      `json:"id"`
	CaseID    int64      `json:"case_id"`
	Action    CaseAction `json:"action"`
	FromState CaseState  `json:"from_state"`
	ToState   CaseState  `json:"to_state"`
	UserID    int64      `json:"user_id,omitempty"`
	UserName  string     `json:"user_name"`
	UnitID    int64      `json:"unit_id,omitempty"`
	UnitName  string     `json:"unit_name,omitempty"`
	Note      string     `json:"note,omitempty"`
	At        time.Time  `json:"at"`
}

// CaseFilter selects cases; zero fields do not filter.
type CaseFilter struct {
	ID     *int64
	Kind   *CaseKind
	States []CaseState
	// Under limits to the subtree of this region id.
	Under        *int64
	HolderUnitID *int64
	// ReportedFrom/To bound reported_at, half-open [From, To).
	ReportedFrom, ReportedTo *time.Time
	// DueBefore keeps cases whose current deadline is before this time (overdue lists).
	DueBefore     *time.Time
	Query         string // substring of title, number or address
	Offset, Limit int
}

// CaseService runs cases through their workflow. Every method bounds reads and acts
// by the caller's scope: a case outside it is ENOTFOUND.
type CaseService interface {
	// ReportCase enters a case. EINVALID names each bad field.
	ReportCase(ctx context.Context, c *Case, parties []*Party) error
	// FindCase returns a case in scope. ENOTFOUND otherwise.
	FindCase(ctx context.Context, id int64) (*Case, error)
	// FindCases lists cases in scope, newest first, and the total.
	FindCases(ctx context.Context, f CaseFilter) ([]*Case, int, error)
	// Act applies one action of the workflow, compare-and-set on the state the
	// caller saw: ECONFLICT if the case moved meanwhile, EFORBIDDEN if the caller
	// may not take this action now, EINVALID for bad input.
	Act(ctx context.Context, id int64, a CaseAct) (*Case, error)
	// CaseTimeline lists a case's events, oldest first.
	CaseTimeline(ctx context.Context, id int64) ([]*CaseEvent, error)
	// CaseParties lists a case's parties, masked.
	CaseParties(ctx context.Context, id int64) ([]*Party, error)
	// RevealParties lists parties with plaintext ID numbers and phones; audited.
	RevealParties(ctx context.Context, id int64) ([]*Party, error)
	// AllowedActions lists the actions the caller may take on a case now.
	AllowedActions(ctx context.Context, id int64) ([]CaseAction, error)
}
