package zhili

import (
	"context"
	"time"
)

// AuditEntry is one line of the tamper-evident audit log: who did or saw what, when,
// from where. Each entry's Hash is SM3 over its fields and the previous entry's
// Hash, so an edited or deleted row breaks the chain.
type AuditEntry struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	UserID     int64     `json:"user_id,omitempty"`
	Username   string    `json:"username"`
	IP         string    `json:"ip"`
	Action     string    `json:"action"` // e.g. "region.create", "login.fail", "person.reveal"
	ObjectType string    `json:"object_type,omitempty"`
	ObjectID   string    `json:"object_id,omitempty"`
	Detail     string    `json:"detail,omitempty"` // JSON, never plaintext sensitive values
	PrevHash   string    `json:"prev_hash"`
	Hash       string    `json:"hash"`
}

// AuditFilter selects audit entries; zero fields do not filter.
type AuditFilter struct {
	UserID        *int64
	Action        string // prefix match: "login" finds login.ok and login.fail
	ObjectType    string
	ObjectID      string
	From, To      *time.Time
	Offset, Limit int
}

// AuditVerify is the outcome of checking the chain.
type AuditVerify struct {
	Entries int `json:"entries"`
	// Broken lists the entries where the chain fails: a changed row (its hash no
	// longer matches), a deleted row (a gap in ids or a prev_hash that points nowhere).
	Broken []AuditBreak `json:"broken,omitempty"`
}

// AuditBreak is one place where the chain fails.
type AuditBreak struct {
	ID     int64  `json:"id"`
	Reason string `json:"reason"`
}

// OK reports whether the chain is intact.
func (v *AuditVerify) OK() bool { return len(v.Broken) == 0 }

// AuditService reads the audit log; only the auditor may. Writes happen inside the
// services, in the same transaction as the change they record.
type AuditService interface {
	// FindAudit lists entries, newest first, and the total count.
	FindAudit(ctx context.Context, f AuditFilter) ([]*AuditEntry, int, error)
	// VerifyAudit walks the whole chain.
	VerifyAudit(ctx context.Context) (*AuditVerify, error)
}
