package zhili

import (
	"context"
	"time"
)

// MediationChannels are the three mediations of 三调联动 (people's, administrative
// and judicial mediation), the channels the dispute bulletin counts one by one;
// every other resolution method falls under 其他方式.
var MediationChannels = []string{"人民调解", "行政调解", "司法调解"}

// DisputeTownship is one township's line of the dispute report. Total and
// Resolved count as dispute.total and dispute.resolved do (docs/cases.md): the
// disputes reported in the period, not rejected or duplicate, and of them those
// resolved now.
type DisputeTownship struct {
	RegionID int64  `json:"region_id"`
	Name     string `json:"name"`
	Total    int    `json:"total"`
	Resolved int    `json:"resolved"`
	// ByMethod counts the resolved ones by resolution method (化解方式); a
	// resolution without a method counts under "".
	ByMethod map[string]int `json:"by_method"`
}

// DisputeCategory is the count of one dispute category (a code of the category
// tree, with its label) over the same disputes.
type DisputeCategory struct {
	Code string `json:"code"`
	// Label is the category's label, "parent—child" for a sub-category, the code
	// itself when the category table no longer knows it.
	Label    string `json:"label"`
	Total    int    `json:"total"`
	Resolved int    `json:"resolved"`
}

// DisputeMethod is the count of the resolved disputes of one resolution method,
// and how many of them signed a mediation agreement (调解协议).
type DisputeMethod struct {
	Method     string `json:"method"`
	Resolved   int    `json:"resolved"`
	Agreements int    `json:"agreements"`
}

// TypicalDispute is a resolved dispute offered as a typical case (典型案例).
type TypicalDispute struct {
	CaseID     int64     `json:"case_id"`
	No         string    `json:"no"`
	Title      string    `json:"title"`
	Township   string    `json:"township"`
	Category   string    `json:"category"` // the label
	People     int       `json:"people"`
	AmountFen  int64     `json:"amount_fen"`
	Method     string    `json:"method"`
	Outcome    string    `json:"outcome"`
	Agreement  bool      `json:"agreement"`
	ResolvedAt time.Time `json:"resolved_at"`
}

// DisputeReport is the data of the dispute special bulletin (矛盾纠纷多元化解专刊)
// for a region subtree and a period of days. Every count is over the period's
// disputes as dispute.total counts them, so the tables add up to the figures.
type DisputeReport struct {
	RegionID   int64             `json:"region_id"`
	RegionName string            `json:"region_name"`
	From       string            `json:"from"` // first day, China time
	To         string            `json:"to"`   // last day, inclusive
	Total      int               `json:"total"`
	Resolved   int               `json:"resolved"`
	Townships  []DisputeTownship `json:"townships"`
	// Categories are ordered by count, most first, then in the category tree's order.
	Categories []DisputeCategory `json:"categories"`
	// Methods are in the order of ResolutionMethods, other methods after them;
	// only methods that resolved a dispute.
	Methods []DisputeMethod `json:"methods"`
	// Typical are the period's disputes resolved now with the most people
	// involved, then the largest amount at stake, then resolved earliest, then by
	// id: at most the number asked.
	Typical []TypicalDispute `json:"typical"`
}

// DisputeReportService computes the dispute report. It needs ActBusinessRead
// (EFORBIDDEN otherwise) and bounds everything by the caller's scope.
type DisputeReportService interface {
	// DisputeReport computes the report of the subtree of region under for the
	// days from to to (YYYY-MM-DD, inclusive, China time), with up to typical
	// typical cases. EINVALID names a bad period or a typical count outside
	// 0–50; ENOTFOUND for a region outside the caller's scope.
	DisputeReport(ctx context.Context, under int64, from, to string, typical int) (*DisputeReport, error)
}
