package zhili

import (
	"context"
	"time"
)

// LedgerFieldType is the type of one field of a ledger schema. It fixes how a
// value is entered, checked and stored in a record's data (docs/ledgers.md).
type LedgerFieldType string

// Field types and their stored form in LedgerRecord.Data.
const (
	FieldText    LedgerFieldType = "text"    // string
	FieldInteger LedgerFieldType = "integer" // int64
	FieldMoney   LedgerFieldType = "money"   // int64 fen; entered in yuan in files and forms
	FieldDecimal LedgerFieldType = "decimal" // float64
	FieldDate    LedgerFieldType = "date"    // "YYYY-MM-DD"
	FieldEnum    LedgerFieldType = "enum"    // the option's code
	FieldBoolean LedgerFieldType = "boolean" // bool
	FieldRegion  LedgerFieldType = "region"  // a region code (统计用区划代码)
	FieldPerson  LedgerFieldType = "person"  // int64 person id, or the person's name as text
)

// LedgerOption is one choice of an enum field.
type LedgerOption struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// LedgerField is one typed column of a ledger. Min and Max bound numbers (money
// in fen); MaxField names a numeric field this one may not exceed.
type LedgerField struct {
	ID        string          `json:"id"`
	Label     string          `json:"label"`
	Type      LedgerFieldType `json:"type"`
	Required  bool            `json:"required,omitempty"`
	Unit      string          `json:"unit,omitempty"`
	Min       *float64        `json:"min,omitempty"`
	Max       *float64        `json:"max,omitempty"`
	MaxLength int             `json:"max_length,omitempty"`
	MaxField  string          `json:"max_field,omitempty"`
	Options   []LedgerOption  `json:"options,omitempty"`
	Help      string          `json:"help,omitempty"`
}

// OptionLabel returns the Chinese label of an enum code, or the code itself.
func (f *LedgerField) OptionLabel(code string) string {
	for _, o := range f.Options {
		if o.Code == code {
			return o.Label
		}
	}
	return code
}

// LedgerSchema declares one ledger type: its name, label, fields and the date
// field that places a record in a period. Adding a ledger is adding a schema file.
type LedgerSchema struct {
	Name        string        `json:"name"`
	Label       string        `json:"label"`
	Description string        `json:"description,omitempty"`
	DateField   string        `json:"date_field"`
	Fields      []LedgerField `json:"fields"`
}

// Field returns the field with this id, or nil.
func (s *LedgerSchema) Field(id string) *LedgerField {
	for i := range s.Fields {
		if s.Fields[i].ID == id {
			return &s.Fields[i]
		}
	}
	return nil
}

// LedgerCatalog is the set of ledger schemas a deployment knows, and the one
// place that checks a record's data against its schema.
type LedgerCatalog interface {
	// Schemas lists every schema in display order.
	Schemas() []*LedgerSchema
	// Schema returns one schema; ENOTFOUND for an unknown ledger.
	Schema(name string) (*LedgerSchema, error)
	// Validate checks raw data (typed JSON values, or text as typed by people:
	// money in yuan, enum labels, 是/否) field by field and returns the stored
	// form. EINVALID lists every bad field with a Chinese reason.
	Validate(name string, raw map[string]any) (map[string]any, error)
	// Value checks one value of one field (for filters) and returns its stored
	// form, or nil when empty. EINVALID names the field and the reason.
	Value(name, field string, raw any) (any, error)
}

// LedgerRecord is one row of a ledger. Date is the schema's date field, copied
// out so periods are index ranges; Data holds every field in stored form.
type LedgerRecord struct {
	ID         int64          `json:"id"`
	Ledger     string         `json:"ledger"`
	RegionID   int64          `json:"region_id"`
	RegionCode string         `json:"region_code,omitempty"`
	RegionName string         `json:"region_name,omitempty"`
	Date       string         `json:"date"`
	Data       map[string]any `json:"data"`
	CreatedBy  int64          `json:"created_by,omitempty"`
	CreatedAt  time.Time      `json:"created_at"`
	UpdatedBy  int64          `json:"updated_by,omitempty"`
	UpdatedAt  time.Time      `json:"updated_at"`
	Version    int            `json:"version"`
	DeletedAt  *time.Time     `json:"deleted_at,omitempty"`
	// Seq is the ledger change counter at this record's last write.
	Seq int64 `json:"seq"`
}

// LedgerFilter selects records of one ledger; zero fields do not filter.
type LedgerFilter struct {
	Ledger string
	// Under limits to the subtree of this region id (inclusive).
	Under *int64
	// From and To bound the record date, inclusive, as "YYYY-MM-DD".
	From, To string
	// Equal keeps records whose field equals the value, compared in stored form
	// after validation (so "是", "true" and true all match a boolean true).
	Equal         map[string]string
	Offset, Limit int
}

// LedgerRecordUpdate changes a record; nil fields are kept. Data is merged into
// the existing data (a JSON null clears an optional field) and the result is
// validated whole. Version, when non-zero, must match the stored version.
type LedgerRecordUpdate struct {
	RegionID *int64         `json:"region_id,omitempty"`
	Data     map[string]any `json:"data,omitempty"`
	Version  int            `json:"version,omitempty"`
}

// LedgerRecordEvent is one change in a record's history.
type LedgerRecordEvent struct {
	ID       int64     `json:"id"`
	RecordID int64     `json:"record_id"`
	Action   string    `json:"action"` // create, update, delete
	Version  int       `json:"version"`
	Before   string    `json:"before,omitempty"` // JSON data before the change
	After    string    `json:"after,omitempty"`  // JSON data after it
	At       time.Time `json:"at"`
	UserID   int64     `json:"user_id,omitempty"`
	Username string    `json:"username,omitempty"`
}

// LedgerRow is one parsed row of an import file, before it is stored.
type LedgerRow struct {
	Line       int // the file's row number (header is row 1), for error messages
	RegionCode string
	Data       map[string]any // validated, stored form
}

// LedgerImport is the outcome of an all-or-nothing import.
type LedgerImport struct {
	Created int `json:"created"`
}

// LedgerService keeps ledger records. Every method bounds reads and writes by the
// caller's scope: records of regions outside it are ENOTFOUND, and writing one
// there is EFORBIDDEN. Every change is audited in its own transaction.
type LedgerService interface {
	// CreateLedgerRecord validates and stores a record. EINVALID, ENOTFOUND (ledger
	// or region), EFORBIDDEN.
	CreateLedgerRecord(ctx context.Context, r *LedgerRecord) error
	// FindLedgerRecord returns one live record. ENOTFOUND if absent, deleted or out of scope.
	FindLedgerRecord(ctx context.Context, ledger string, id int64) (*LedgerRecord, error)
	// FindLedgerRecords lists live records, newest date first, and the total count.
	FindLedgerRecords(ctx context.Context, f LedgerFilter) ([]*LedgerRecord, int, error)
	// EachLedgerRecord calls fn for every live record matching f (paging ignored),
	// oldest date first, without holding them all in memory: for exports.
	EachLedgerRecord(ctx context.Context, f LedgerFilter, fn func(*LedgerRecord) error) error
	// UpdateLedgerRecord changes a record. EINVALID, ENOTFOUND, ECONFLICT (stale version).
	UpdateLedgerRecord(ctx context.Context, ledger string, id int64, u LedgerRecordUpdate) (*LedgerRecord, error)
	// DeleteLedgerRecord soft-deletes a record. ENOTFOUND.
	DeleteLedgerRecord(ctx context.Context, ledger string, id int64) error
	// LedgerRecordHistory lists a record's changes, oldest first. ENOTFOUND.
	LedgerRecordHistory(ctx context.Context, ledger string, id int64) ([]*LedgerRecordEvent, error)
	// ImportLedgerRecords stores parsed rows in one transaction, all or nothing.
	// EINVALID lists every row whose region is unknown or out of scope.
	ImportLedgerRecords(ctx context.Context, ledger string, rows []LedgerRow) (*LedgerImport, error)
}
