package zhili

// CaseState is where a case stands. Each value says how a case enters and leaves it;
// the transitions table in case_flow.go is the one place that allows a move.
type CaseState string

// Case states.
const (
	// CaseReported: entered by report (or return to the reporter's unit); the holder
	// must accept or reject it before the accept deadline. Leaves by accept,
	// reject, escalate, link_duplicate, suspend.
	CaseReported CaseState = "reported"
	// CaseAccepted: the holder took it on (受理). Leaves by assign (to another unit),
	// start (the holder handles it itself), escalate, suspend, link_duplicate.
	CaseAccepted CaseState = "accepted"
	// CaseAssigned: sent to a unit or department (交办) that has not started yet.
	// Leaves by start, return (wrongly assigned), escalate, suspend.
	CaseAssigned CaseState = "assigned"
	// CaseHandling: the holder is working on it before the handle deadline. Leaves by
	// resolve, escalate, return, suspend.
	CaseHandling CaseState = "handling"
	// CaseResolved: handled, with a method and an outcome (化解/办结); the supervising
	// unit must verify it. Leaves by verify, or reopen if the resolution fails.
	CaseResolved CaseState = "resolved"
	// CaseVerified: the supervising unit confirmed the resolution; the return visit
	// is due within ten days (十日回访). Leaves by visit, or reopen.
	CaseVerified CaseState = "verified"
	// CaseVisited: the visit is recorded with satisfaction 1–5. Leaves by close, or
	// reopen when the party is not satisfied.
	CaseVisited CaseState = "visited"
	// CaseClosed: archived (归档); no more changes. Terminal.
	CaseClosed CaseState = "closed"
	// CaseRejected: not accepted, with a reason (不予受理). Terminal.
	CaseRejected CaseState = "rejected"
	// CaseSuspended: the clock is stopped (中止), e.g. awaiting a court ruling; the
	// state before is kept and resume returns to it.
	CaseSuspended CaseState = "suspended"
	// CaseDuplicate: linked as a duplicate of another case, which carries the work.
	// Terminal.
	CaseDuplicate CaseState = "duplicate"
)

// CaseStates lists every state with its Chinese label, in workflow order.
var CaseStates = []struct {
	State CaseState
	Label string
}{
	{CaseReported, "待受理"}, {CaseAccepted, "已受理"}, {CaseAssigned, "已交办"}, {CaseHandling, "办理中"},
	{CaseResolved, "已化解"}, {CaseVerified, "已核查"}, {CaseVisited, "已回访"}, {CaseClosed, "已归档"},
	{CaseRejected, "不予受理"}, {CaseSuspended, "已中止"}, {CaseDuplicate, "已合并"},
}

// Label is the state's Chinese name.
func (s CaseState) Label() string {
	for _, x := range CaseStates {
		if x.State == s {
			return x.Label
		}
	}
	return string(s)
}

// Open reports whether work on the case is still outstanding: it counts for the
// dispatch list (半月调度) and for open-case figures.
func (s CaseState) Open() bool {
	switch s {
	case CaseReported, CaseAccepted, CaseAssigned, CaseHandling, CaseSuspended:
		return true
	}
	return false
}

// Resolved reports whether the case has been resolved and not reopened since.
func (s CaseState) Resolved() bool {
	return s == CaseResolved || s == CaseVerified || s == CaseVisited || s == CaseClosed
}

// ResolvedStates lists the states that count as resolved, for queries.
var ResolvedStates = []CaseState{CaseResolved, CaseVerified, CaseVisited, CaseClosed}

// OpenStates lists the states that count as open, for queries.
var OpenStates = []CaseState{CaseReported, CaseAccepted, CaseAssigned, CaseHandling, CaseSuspended}
