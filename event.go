package zhili

import (
	"context"
	"time"
)

// Event is one step of a case's timeline as other systems see it through the event
// feed (GET /api/v1/events, docs/api.md#event-feed). It is read from the timeline
// itself, not from a second table, and it carries no personal data: no parties, no
// title, no note, no user names. Region codes and unit names are public facts of
// the administration.
type Event struct {
	// Seq orders the feed: it is given after the event committed and only grows,
	// so a reader that asks for everything after the last seq it saw misses nothing.
	Seq    int64  `json:"seq"`
	Type   string `json:"type"` // "case." and the action in the past tense: EventType
	CaseID int64  `json:"case_id"`
	CaseNo string `json:"case_no"`
	// Kind and Category are the case's, now.
	Kind     CaseKind `json:"kind"`
	Category string   `json:"category"`
	// State is the case's state after the event, FromState before it ("" for a report).
	State      CaseState `json:"state"`
	FromState  CaseState `json:"from_state"`
	RegionCode string    `json:"region_code"`
	// Unit is the name of the unit that acted, "" for the system (deadline supervision).
	Unit string    `json:"unit"`
	At   time.Time `json:"at"`
}

// EventPage is a page of the feed; Next is the cursor to ask for after it.
type EventPage struct {
	Items []*Event `json:"items"`
	// Next is the seq to pass as after next time: the last item's, or, when the
	// page is not full, the highest seq given so far (out-of-scope events are
	// skipped once, not scanned on every poll).
	Next int64 `json:"next"`
	// Epoch names this run of the seq numbers: it changes when the database is
	// restored from a backup, whose events after the backup are gone and whose
	// seqs are handed out again. A reader that sees a new epoch starts over.
	Epoch string `json:"epoch"`
}

// EventService reads the case event feed.
type EventService interface {
	// Events lists the events of cases in the caller's scope with seq > after, in
	// seq order, at most limit (1–1000). EINVALID naming after or limit for bad
	// values, EFORBIDDEN without event.read.
	Events(ctx context.Context, after int64, limit int) (*EventPage, error)
}

// eventTypes names the past tense of each action for the feed.
var eventTypes = map[CaseAction]string{
	DoReport: "reported", DoAccept: "accepted", DoReject: "rejected", DoAssign: "assigned", DoStart: "started",
	DoResolve: "resolved", DoVerify: "verified", DoVisit: "visited", DoClose: "closed", DoEscalate: "escalated",
	DoReturn: "returned", DoSuspend: "suspended", DoResume: "resumed", DoReopen: "reopened",
	DoLinkDuplicate: "duplicate_linked", DoRequestExtension: "extension_requested", DoDecideExtension: "extension_decided",
	DoComment: "commented", DoSupervise: "supervised",
}

// EventType is the feed type of a timeline action: "case.reported" for report,
// "case.accepted" for accept…; an action without a name keeps its own.
func EventType(a CaseAction) string {
	if t, ok := eventTypes[a]; ok {
		return "case." + t
	}
	return "case." + string(a)
}
