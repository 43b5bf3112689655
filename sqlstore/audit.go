package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/emmansun/gmsm/sm3"

	"github.com/zhili-project/zhili"
)

// auditGenesis is the prev_hash of the first entry.
const auditGenesis = "0000000000000000000000000000000000000000000000000000000000000000"

// audit appends one entry to the chain inside tx, so the change and its record
// commit or vanish together. detail is marshalled to JSON; callers never put
// plaintext sensitive values in it.
func (tx *Tx) audit(ctx context.Context, a *zhili.Actor, action, objType string, objID any, detail any) error {
	if err := tx.db.dialect.lockAudit(ctx, tx); err != nil {
		return fmt.Errorf("lock audit chain: %w", err)
	}
	e := zhili.AuditEntry{At: tx.now, Action: action, ObjectType: objType}
	if objID != nil {
		e.ObjectID = fmt.Sprint(objID)
	}
	if a != nil {
		e.UserID, e.Username, e.IP = a.UserID, a.Username, a.IP
	}
	if detail != nil {
		b, err := json.Marshal(detail)
		if err != nil {
			return fmt.Errorf("audit detail: %w", err)
		}
		e.Detail = string(b)
	}
	var lastID int64
	prev := auditGenesis
	err := tx.queryRow(ctx, `SELECT last_id, hash FROM audit_head WHERE one = 1`).Scan(&lastID, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read audit head: %w", err)
	}
	e.ID, e.PrevHash = lastID+1, prev
	e.Hash = auditHash(&e)
	if _, err := tx.exec(ctx, `INSERT INTO audit_log (id, at, user_id, username, ip, action, object_type, object_id, detail, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, ts(e.At), nullID(e.UserID), e.Username, e.IP, e.Action, e.ObjectType, e.ObjectID, e.Detail, e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	if lastID == 0 && prev == auditGenesis {
		_, err = tx.exec(ctx, `INSERT INTO audit_head (one, last_id, hash) VALUES (1, ?, ?)`, e.ID, e.Hash)
	} else {
		_, err = tx.exec(ctx, `UPDATE audit_head SET last_id = ?, hash = ? WHERE one = 1`, e.ID, e.Hash)
	}
	if err != nil {
		return fmt.Errorf("move audit head: %w", err)
	}
	return nil
}

// auditHash is SM3 over every field and the previous hash, with field separators
// that cannot appear unescaped, so no two different entries hash alike.
func auditHash(e *zhili.AuditEntry) string {
	h := sm3.New()
	for _, f := range []string{strconv.FormatInt(e.ID, 10), ts(e.At), strconv.FormatInt(e.UserID, 10),
		e.Username, e.IP, e.Action, e.ObjectType, e.ObjectID, e.Detail, e.PrevHash} {
		h.Write([]byte(strconv.Quote(f)))
		h.Write([]byte{0x1f})
	}
	return hex.EncodeToString(h.Sum(nil))
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// AuditService reads and verifies the audit log; only the auditor may.
type AuditService struct{ db *DB }

// NewAuditService returns the audit service of db.
func NewAuditService(db *DB) *AuditService { return &AuditService{db: db} }

var _ zhili.AuditService = (*AuditService)(nil)

const auditColumns = `id, at, COALESCE(user_id, 0), username, ip, action, object_type, object_id, detail, prev_hash, hash`

func scanAudit(rows interface{ Scan(...any) error }) (*zhili.AuditEntry, error) {
	var e zhili.AuditEntry
	var at string
	if err := rows.Scan(&e.ID, &at, &e.UserID, &e.Username, &e.IP, &e.Action, &e.ObjectType, &e.ObjectID, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
		return nil, err
	}
	e.At = parseTS(at)
	return &e, nil
}

// FindAudit lists entries, newest first. Reading the log is itself audited: each
// read by a person (not the system actor of the CLI and jobs) appends an
// "audit.read" entry naming the filter and how many entries it found, after the
// read, so the answer shows the log as it was; a read that cannot be recorded
// fails.
func (s *AuditService) FindAudit(ctx context.Context, f zhili.AuditFilter) ([]*zhili.AuditEntry, int, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, 0, err
	}
	if err := a.Require(zhili.ActAuditRead); err != nil {
		return nil, 0, err
	}
	where, args := []string{"1 = 1"}, []any{}
	if f.UserID != nil {
		where, args = append(where, "user_id = ?"), append(args, *f.UserID)
	}
	if f.Action != "" {
		where, args = append(where, "(action = ? OR action LIKE ?)"), append(args, f.Action, f.Action+".%")
	}
	if f.ObjectType != "" {
		where, args = append(where, "object_type = ?"), append(args, f.ObjectType)
	}
	if f.ObjectID != "" {
		where, args = append(where, "object_id = ?"), append(args, f.ObjectID)
	}
	if f.From != nil {
		where, args = append(where, "at >= ?"), append(args, ts(*f.From))
	}
	if f.To != nil {
		where, args = append(where, "at < ?"), append(args, ts(*f.To))
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count audit: %w", err)
	}
	rows, err := s.db.query(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE `+cond+` ORDER BY id DESC`+limit(f.Offset, f.Limit), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find audit: %w", err)
	}
	defer rows.Close()
	var out []*zhili.AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	rows.Close()
	if !a.System {
		if err := s.recordRead(ctx, a, f, total, len(out)); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

// recordRead appends the audit.read entry of a read of the log.
func (s *AuditService) recordRead(ctx context.Context, a *zhili.Actor, f zhili.AuditFilter, total, returned int) error {
	filter := map[string]any{}
	if f.UserID != nil {
		filter["user_id"] = *f.UserID
	}
	for k, v := range map[string]string{"action": f.Action, "object_type": f.ObjectType, "object_id": f.ObjectID} {
		if v != "" {
			filter[k] = v
		}
	}
	if f.From != nil {
		filter["from"] = ts(*f.From)
	}
	if f.To != nil {
		filter["to"] = ts(*f.To)
	}
	if f.Offset != 0 {
		filter["offset"] = f.Offset
	}
	if f.Limit != 0 {
		filter["limit"] = f.Limit
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.audit(ctx, a, "audit.read", "audit_log", nil, map[string]any{"filter": filter, "total": total, "returned": returned}); err != nil {
		return err
	}
	return tx.Commit()
}

// VerifyAudit recomputes every hash in id order and checks the links and the head.
func (s *AuditService) VerifyAudit(ctx context.Context) (*zhili.AuditVerify, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActAuditRead); err != nil {
		return nil, err
	}
	return s.db.verifyAudit(ctx)
}

func (db *DB) verifyAudit(ctx context.Context) (*zhili.AuditVerify, error) {
	rows, err := db.query(ctx, `SELECT `+auditColumns+` FROM audit_log ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read audit: %w", err)
	}
	defer rows.Close()
	v := &zhili.AuditVerify{}
	prevID, prevHash := int64(0), auditGenesis
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		v.Entries++
		if e.ID != prevID+1 {
			v.Broken = append(v.Broken, zhili.AuditBreak{ID: e.ID, Reason: fmt.Sprintf("entries %d–%d are missing (deleted)", prevID+1, e.ID-1)})
		}
		if e.PrevHash != prevHash {
			v.Broken = append(v.Broken, zhili.AuditBreak{ID: e.ID, Reason: "prev_hash does not match the previous entry (an entry before it was changed or deleted)"})
		}
		if auditHash(e) != e.Hash {
			v.Broken = append(v.Broken, zhili.AuditBreak{ID: e.ID, Reason: "hash does not match the entry's fields (the entry was changed)"})
		}
		prevID, prevHash = e.ID, e.Hash
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var headID int64
	var headHash string
	err = db.queryRow(ctx, `SELECT last_id, hash FROM audit_head WHERE one = 1`).Scan(&headID, &headHash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if v.Entries > 0 {
			v.Broken = append(v.Broken, zhili.AuditBreak{ID: prevID, Reason: "the chain head is missing"})
		}
	case err != nil:
		return nil, fmt.Errorf("read audit head: %w", err)
	case headID != prevID || headHash != prevHash:
		v.Broken = append(v.Broken, zhili.AuditBreak{ID: headID, Reason: fmt.Sprintf("the chain ends at entry %d but its head says %d (entries at the end were deleted)", prevID, headID)})
	}
	return v, nil
}

// limit renders OFFSET/LIMIT; limits are capped so no request reads a whole table.
func limit(offset, n int) string {
	if n <= 0 || n > 1000 {
		n = 1000
	}
	if offset < 0 {
		offset = 0
	}
	return fmt.Sprintf(" LIMIT %d OFFSET %d", n, offset)
}
