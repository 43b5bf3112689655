package zhili

import (
	"context"
	"time"
)

// DueWarning is how close the current step's deadline is: the red and yellow
// cards of the deadline rhythm (超期红牌, 临期黄牌).
type DueWarning string

// Due warnings.
const (
	WarnNone   DueWarning = ""
	WarnYellow DueWarning = "yellow" // the last working day before the deadline has ended
	WarnRed    DueWarning = "red"    // past due
)

// Warning is the card of a step due at due, at now. Calendar.Status is the one
// definition (see docs/cases.md, "Deadline warnings"): red once the deadline has
// passed; yellow from the end of the last working day before the deadline's day,
// so on the deadline's own working day and on the days off just before it; none
// before that, or without a deadline.
func (c *Calendar) Warning(due *time.Time, now time.Time) DueWarning {
	switch c.Status(due, now) {
	case DeadlineRed:
		return WarnRed
	case DeadlineYellow:
		return WarnYellow
	}
	return WarnNone
}

// YellowBefore bounds the yellow deadlines at now, for a query: a deadline not
// yet passed (due >= now) is yellow exactly when it is before the bound. The bound
// is the midnight (China time) after the first working day, from today on, that
// has not yet ended.
func (c *Calendar) YellowBefore(now time.Time) time.Time {
	d := StartOfDay(now)
	for i := 0; i < maxScan && !(c.IsWorkday(d) && !now.After(EndOfDay(d))); i++ {
		d = d.AddDate(0, 0, 1)
	}
	return d.AddDate(0, 0, 1).UTC()
}

// Label is the warning's Chinese name.
func (w DueWarning) Label() string {
	switch w {
	case WarnRed:
		return "已超期"
	case WarnYellow:
		return "即将到期"
	}
	return ""
}

// QueueReason says why a case is in someone's "needs my action" queue (待办事项).
type QueueReason string

// Queue reasons.
const (
	// QueueHold: the caller's unit holds the current step (accept, handle, resume).
	QueueHold QueueReason = "hold"
	// QueueSupervise: the caller's unit supervises a resolved, verified or visited
	// case, which waits for its verification, return visit or closing.
	QueueSupervise QueueReason = "supervise"
	// QueueExtension: the caller's unit supervises a case whose holder asked for an
	// extension that waits for a decision.
	QueueExtension QueueReason = "extension"
	// QueueOverdue: an overdue case in scope, for leaders, centre operators and
	// supervisors, who oversee (督办) rather than hold.
	QueueOverdue QueueReason = "overdue"
)

// Label is the reason's Chinese name.
func (r QueueReason) Label() string {
	switch r {
	case QueueHold:
		return "待办理"
	case QueueSupervise:
		return "待核查/回访/归档"
	case QueueExtension:
		return "延期待审批"
	case QueueOverdue:
		return "超期待督办"
	}
	return string(r)
}

// QueueItem is one case in a queue, with why it is there and its deadline card.
type QueueItem struct {
	*Case
	Reason  QueueReason `json:"reason"`
	Warning DueWarning  `json:"warning,omitempty"`
}

// QueueFilter selects from the caller's queue; zero fields do not filter.
type QueueFilter struct {
	Kind *CaseKind
	// Warning keeps only red (overdue) or only yellow cases (due by the end of
	// the current working day, or on a day off of the next one: Calendar.Warning).
	Warning       DueWarning
	Offset, Limit int
}

// SavedSearch is a case-list filter a user keeps under a name: Query is the query
// string of the list (only the keys in CaseListParams), e.g. "state=reported&overdue=1".
type SavedSearch struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"user_id"`
	Name      string    `json:"name"`
	Query     string    `json:"query"`
	CreatedAt time.Time `json:"created_at"`
}

// CaseListParams are the query-string keys of the case list and of saved searches.
var CaseListParams = []string{"kind", "state", "under", "q", "reported_from", "reported_to", "overdue", "holder"}

// Limits of the queue features.
const (
	MaxBulkAssign    = 100 // cases in one bulk assignment
	MaxSavedSearches = 50  // saved searches per user
)

// CaseQueueService holds the work-queue side of cases: the "needs my action" list,
// saved searches, bulk assignment and the lists that forms choose from. Like
// CaseService it bounds everything by the caller's scope.
type CaseQueueService interface {
	// Now is the clock the deadlines are set by, so warnings shown anywhere agree
	// with the deadlines the store keeps.
	Now() time.Time
	// Calendar is the working calendar the deadlines are set by, from a little
	// before Now onward, for Calendar.Warning; it needs business.read.
	Calendar(ctx context.Context) (*Calendar, error)
	// CaseCategories lists the categories of a kind, or of every kind when nil.
	CaseCategories(ctx context.Context, kind *CaseKind) ([]Category, error)
	// Queue lists the cases that need the caller's action, most urgent first, and
	// the total.
	Queue(ctx context.Context, f QueueFilter) ([]*QueueItem, int, error)
	// SavedSearches lists the caller's saved searches by name.
	SavedSearches(ctx context.Context) ([]*SavedSearch, error)
	// CreateSavedSearch saves a search for the caller. EINVALID names bad fields,
	// ECONFLICT if the name is taken.
	CreateSavedSearch(ctx context.Context, s *SavedSearch) error
	// DeleteSavedSearch deletes one of the caller's saved searches; another user's
	// reads as ENOTFOUND.
	DeleteSavedSearch(ctx context.Context, id int64) error
	// BulkAssign assigns every case to unit in one transaction: all of them or none.
	// The error is that of the first case that cannot be assigned, with a field
	// error "case_ids[i]" for each such case.
	BulkAssign(ctx context.Context, ids []int64, unit int64, note string) ([]*Case, error)
	// CaseTargets lists the active units a case may be assigned or escalated to.
	CaseTargets(ctx context.Context, id int64) ([]*Unit, error)
}
