package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/zhili-project/zhili"
)

// LedgerService keeps the records of every ledger in one table (migration 0006,
// docs/ledgers.md). The catalog checks data against the schemas; this service
// adds scope, versions, the change counter, history and audit.
type LedgerService struct {
	db      *DB
	catalog zhili.LedgerCatalog
}

// NewLedgerService returns the ledger service of db using the schemas of catalog.
func NewLedgerService(db *DB, catalog zhili.LedgerCatalog) *LedgerService {
	return &LedgerService{db: db, catalog: catalog}
}

var _ zhili.LedgerService = (*LedgerService)(nil)

const ledgerColumns = `l.id, l.ledger, l.region_id, r.code, r.name, l.record_date, l.data,
	COALESCE(l.created_by, 0), COALESCE(l.created_at, ''), COALESCE(l.updated_by, 0), COALESCE(l.updated_at, ''),
	l.version, l.deleted_at, l.seq`

func scanLedgerRecord(row interface{ Scan(...any) error }) (*zhili.LedgerRecord, error) {
	var r zhili.LedgerRecord
	var data, created, updated string
	var deleted sql.NullString
	if err := row.Scan(&r.ID, &r.Ledger, &r.RegionID, &r.RegionCode, &r.RegionName, &r.Date, &data,
		&r.CreatedBy, &created, &r.UpdatedBy, &updated, &r.Version, &deleted, &r.Seq); err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt, r.DeletedAt = parseTS(created), parseTS(updated), parseNullTS(deleted)
	var err error
	if r.Data, err = decodeLedgerData(data); err != nil {
		return nil, fmt.Errorf("ledger record %d: %w", r.ID, err)
	}
	return &r, nil
}

// decodeLedgerData reads stored data: whole numbers as int64, others as float64,
// so money in fen stays exact.
func decodeLedgerData(s string) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("decode data: %w", err)
	}
	for k, v := range m {
		if n, ok := v.(json.Number); ok {
			if i, err := n.Int64(); err == nil {
				m[k] = i
			} else if f, err := n.Float64(); err == nil {
				m[k] = f
			}
		}
	}
	return m, nil
}

// readLedger checks the actor may read ledgers and the ledger exists.
func (s *LedgerService) readLedger(ctx context.Context, name string) (*zhili.Actor, *zhili.LedgerSchema, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, nil, err
	}
	if err := a.Require(zhili.ActBusinessRead); err != nil {
		return nil, nil, err
	}
	sc, err := s.catalog.Schema(name)
	return a, sc, err
}

func (s *LedgerService) writeLedger(ctx context.Context, name string) (*zhili.Actor, *zhili.LedgerSchema, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, nil, err
	}
	if err := a.Require(zhili.ActBusinessWrite); err != nil {
		return nil, nil, err
	}
	sc, err := s.catalog.Schema(name)
	return a, sc, err
}

// FindLedgerRecord returns one live record in scope.
func (s *LedgerService) FindLedgerRecord(ctx context.Context, ledger string, id int64) (*zhili.LedgerRecord, error) {
	a, _, err := s.readLedger(ctx, ledger)
	if err != nil {
		return nil, err
	}
	return findLedgerRecord(ctx, s.db.read, s.db.dialect, a, ledger, id)
}

type queryer interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func findLedgerRecord(ctx context.Context, q queryer, d dialect, a *zhili.Actor, ledger string, id int64) (*zhili.LedgerRecord, error) {
	cond, args := scopeRegionID(a, "l.region_id")
	r, err := scanLedgerRecord(q.QueryRowContext(ctx, d.rebind(`SELECT `+ledgerColumns+`
		FROM ledger_records l JOIN regions r ON r.id = l.region_id
		WHERE l.id = ? AND l.ledger = ? AND l.deleted_at IS NULL AND `+cond), append([]any{id, ledger}, args...)...))
	if err == sql.ErrNoRows {
		return nil, zhili.Errorf(zhili.ENOTFOUND, "台账记录 %d 不存在。", id)
	}
	return r, err
}

// ledgerWhere builds the conditions of a filter, scope included.
func (s *LedgerService) ledgerWhere(ctx context.Context, a *zhili.Actor, f zhili.LedgerFilter) (string, []any, error) {
	where, args := []string{"l.ledger = ?", "l.deleted_at IS NULL"}, []any{f.Ledger}
	cond, cargs := scopeRegionID(a, "l.region_id")
	where, args = append(where, cond), append(args, cargs...)
	if f.Under != nil {
		var path string
		if err := s.db.queryRow(ctx, `SELECT path FROM regions WHERE id = ?`, *f.Under).Scan(&path); err != nil {
			return "", nil, zhili.Invalid("行政区划不存在。", zhili.FieldError{Field: "region", Code: "unknown_region", Reason: "行政区划不存在"})
		}
		cond, cargs := underRegion("l.region_id", path)
		where, args = append(where, cond), append(args, cargs...)
	}
	var bad []zhili.FieldError
	for field, val := range map[string]string{"from": f.From, "to": f.To} {
		if val == "" {
			continue
		}
		if len(validDay(field, val)) > 0 {
			bad = append(bad, zhili.FieldError{Field: field, Code: "malformed", Reason: "应为日期（如 2024-03-05）"})
		}
	}
	if f.From != "" {
		where, args = append(where, "l.record_date >= ?"), append(args, f.From)
	}
	if f.To != "" {
		where, args = append(where, "l.record_date <= ?"), append(args, f.To)
	}
	keys := make([]string, 0, len(f.Equal))
	for k := range f.Equal {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, err := s.catalog.Value(f.Ledger, k, f.Equal[k])
		if err != nil {
			bad = append(bad, zhili.ErrorFields(err)...)
			continue
		}
		if v == nil {
			continue
		}
		cond, arg := s.jsonEqual(k, v)
		where, args = append(where, cond), append(args, arg)
	}
	if len(bad) > 0 {
		return "", nil, zhili.Invalid("筛选条件有误。", bad...)
	}
	return strings.Join(where, " AND "), args, nil
}

// jsonEqual compares one field of data with a stored-form value. SQLite's
// json_extract yields typed values (booleans as 1/0); PostgreSQL's ->> yields text.
// field is a schema identifier (checked by the catalog), never user text.
func (s *LedgerService) jsonEqual(field string, v any) (string, any) {
	if s.db.dialect.name() == "postgres" {
		text := fmt.Sprint(v)
		if f, ok := v.(float64); ok {
			text = strconv.FormatFloat(f, 'f', -1, 64)
		}
		return "(l.data::jsonb)->>'" + field + "' = ?", text
	}
	if b, ok := v.(bool); ok {
		if b {
			v = 1
		} else {
			v = 0
		}
	}
	return "json_extract(l.data, '$." + field + "') = ?", v
}

// FindLedgerRecords lists live records in scope, newest date first, and the total.
func (s *LedgerService) FindLedgerRecords(ctx context.Context, f zhili.LedgerFilter) ([]*zhili.LedgerRecord, int, error) {
	a, _, err := s.readLedger(ctx, f.Ledger)
	if err != nil {
		return nil, 0, err
	}
	where, args, err := s.ledgerWhere(ctx, a, f)
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM ledger_records l WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count ledger records: %w", err)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 50
	}
	rows, err := s.db.query(ctx, `SELECT `+ledgerColumns+` FROM ledger_records l JOIN regions r ON r.id = l.region_id
		WHERE `+where+` ORDER BY l.record_date DESC, l.id DESC LIMIT ? OFFSET ?`, append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("find ledger records: %w", err)
	}
	defer rows.Close()
	var out []*zhili.LedgerRecord
	for rows.Next() {
		r, err := scanLedgerRecord(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// EachLedgerRecord streams every live record in scope matching f, oldest first.
func (s *LedgerService) EachLedgerRecord(ctx context.Context, f zhili.LedgerFilter, fn func(*zhili.LedgerRecord) error) error {
	a, _, err := s.readLedger(ctx, f.Ledger)
	if err != nil {
		return err
	}
	where, args, err := s.ledgerWhere(ctx, a, f)
	if err != nil {
		return err
	}
	rows, err := s.db.query(ctx, `SELECT `+ledgerColumns+` FROM ledger_records l JOIN regions r ON r.id = l.region_id
		WHERE `+where+` ORDER BY l.record_date, l.id`, args...)
	if err != nil {
		return fmt.Errorf("export ledger records: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanLedgerRecord(rows)
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}
