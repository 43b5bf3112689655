package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/zhili-project/zhili"
)

// nextLedgerSeq advances the ledger change counter by n inside tx and returns the
// last value taken; the row lock keeps seq order equal to commit order.
func (tx *Tx) nextLedgerSeq(ctx context.Context, n int) (int64, error) {
	var v int64
	if err := tx.queryRow(ctx, `UPDATE ledger_seq SET value = value + ? WHERE one = 1 RETURNING value`, n).Scan(&v); err != nil {
		return 0, fmt.Errorf("advance ledger seq: %w", err)
	}
	return v, nil
}

func (tx *Tx) ledgerEvent(ctx context.Context, a *zhili.Actor, id int64, action string, version int, before, after string) error {
	_, err := tx.exec(ctx, `INSERT INTO ledger_record_events (record_id, action, version, before, after, at, user_id, username)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, action, version, before, after, ts(tx.now), nullID(a.UserID), a.Username)
	if err != nil {
		return fmt.Errorf("ledger record event: %w", err)
	}
	return nil
}

func marshalData(data map[string]any) (string, error) {
	b, err := json.Marshal(data)
	if err != nil {
		return "", fmt.Errorf("encode ledger data: %w", err)
	}
	return string(b), nil
}

// recordDate is the schema's date field of validated data.
func recordDate(sc *zhili.LedgerSchema, data map[string]any) string {
	d, _ := data[sc.DateField].(string)
	return d
}

// CreateLedgerRecord validates and stores a record in a region in scope.
func (s *LedgerService) CreateLedgerRecord(ctx context.Context, r *zhili.LedgerRecord) error {
	a, sc, err := s.writeLedger(ctx, r.Ledger)
	if err != nil {
		return err
	}
	data, err := s.catalog.Validate(sc.Name, r.Data)
	if err != nil {
		return err
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.requireRegion(ctx, a, r.RegionID); err != nil {
		return err
	}
	if err := tx.insertLedgerRecord(ctx, a, sc, r, data, 0); err != nil {
		return err
	}
	if err := tx.audit(ctx, a, "ledger.create", "ledger_record", r.ID, map[string]any{"ledger": sc.Name, "region_id": r.RegionID}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit ledger record: %w", err)
	}
	created, err := findLedgerRecord(ctx, s.db.read, s.db.dialect, a, sc.Name, r.ID)
	if err == nil {
		*r = *created
	}
	return err
}

// insertLedgerRecord stores validated data; seq 0 takes the next counter value.
func (tx *Tx) insertLedgerRecord(ctx context.Context, a *zhili.Actor, sc *zhili.LedgerSchema, r *zhili.LedgerRecord, data map[string]any, seq int64) error {
	text, err := marshalData(data)
	if err != nil {
		return err
	}
	if seq == 0 {
		if seq, err = tx.nextLedgerSeq(ctx, 1); err != nil {
			return err
		}
	}
	now := ts(tx.now)
	if err := tx.queryRow(ctx, `INSERT INTO ledger_records (ledger, region_id, record_date, data, created_by, created_at, updated_by, updated_at, version, seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?) RETURNING id`,
		sc.Name, r.RegionID, recordDate(sc, data), text, nullID(a.UserID), now, nullID(a.UserID), now, seq).Scan(&r.ID); err != nil {
		return fmt.Errorf("insert ledger record: %w", err)
	}
	r.Ledger, r.Data, r.Date, r.Version, r.Seq = sc.Name, data, recordDate(sc, data), 1, seq
	return tx.ledgerEvent(ctx, a, r.ID, "create", 1, "", text)
}

// UpdateLedgerRecord merges u.Data into the record, validates the whole and
// stores it as the next version; a stale u.Version is ECONFLICT.
func (s *LedgerService) UpdateLedgerRecord(ctx context.Context, ledger string, id int64, u zhili.LedgerRecordUpdate) (*zhili.LedgerRecord, error) {
	a, sc, err := s.writeLedger(ctx, ledger)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	old, err := findLedgerRecord(ctx, tx.Tx, s.db.dialect, a, ledger, id)
	if err != nil {
		return nil, err
	}
	if u.Version != 0 && u.Version != old.Version {
		return nil, zhili.Errorf(zhili.ECONFLICT, "记录已被他人修改（当前第 %d 版），请刷新后再改。", old.Version)
	}
	merged := make(map[string]any, len(old.Data)+len(u.Data))
	for k, v := range old.Data {
		merged[k] = v
	}
	for k, v := range u.Data {
		merged[k] = v
	}
	data, err := s.catalog.Validate(ledger, merged)
	if err != nil {
		return nil, err
	}
	region := old.RegionID
	if u.RegionID != nil && *u.RegionID != region {
		if err := tx.requireRegion(ctx, a, *u.RegionID); err != nil {
			return nil, err
		}
		region = *u.RegionID
	}
	before, _ := marshalData(old.Data)
	after, err := marshalData(data)
	if err != nil {
		return nil, err
	}
	seq, err := tx.nextLedgerSeq(ctx, 1)
	if err != nil {
		return nil, err
	}
	res, err := tx.exec(ctx, `UPDATE ledger_records SET region_id = ?, record_date = ?, data = ?, updated_by = ?, updated_at = ?,
		version = version + 1, seq = ? WHERE id = ? AND version = ? AND deleted_at IS NULL`,
		region, recordDate(sc, data), after, nullID(a.UserID), ts(tx.now), seq, id, old.Version)
	if err != nil {
		return nil, fmt.Errorf("update ledger record %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, zhili.Errorf(zhili.ECONFLICT, "记录已被他人修改，请刷新后再改。")
	}
	if err := tx.ledgerEvent(ctx, a, id, "update", old.Version+1, before, after); err != nil {
		return nil, err
	}
	if err := tx.audit(ctx, a, "ledger.update", "ledger_record", id, map[string]any{"ledger": ledger, "version": old.Version + 1}); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit ledger update: %w", err)
	}
	return findLedgerRecord(ctx, s.db.read, s.db.dialect, a, ledger, id)
}

// DeleteLedgerRecord marks a record deleted; it stays for history and caches.
func (s *LedgerService) DeleteLedgerRecord(ctx context.Context, ledger string, id int64) error {
	a, _, err := s.writeLedger(ctx, ledger)
	if err != nil {
		return err
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	old, err := findLedgerRecord(ctx, tx.Tx, s.db.dialect, a, ledger, id)
	if err != nil {
		return err
	}
	seq, err := tx.nextLedgerSeq(ctx, 1)
	if err != nil {
		return err
	}
	res, err := tx.exec(ctx, `UPDATE ledger_records SET deleted_at = ?, updated_by = ?, updated_at = ?, version = version + 1, seq = ?
		WHERE id = ? AND version = ? AND deleted_at IS NULL`, ts(tx.now), nullID(a.UserID), ts(tx.now), seq, id, old.Version)
	if err != nil {
		return fmt.Errorf("delete ledger record %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return zhili.Errorf(zhili.ECONFLICT, "记录已被他人修改，请刷新后再试。")
	}
	before, _ := marshalData(old.Data)
	if err := tx.ledgerEvent(ctx, a, id, "delete", old.Version+1, before, ""); err != nil {
		return err
	}
	if err := tx.audit(ctx, a, "ledger.delete", "ledger_record", id, map[string]any{"ledger": ledger}); err != nil {
		return err
	}
	return tx.Commit()
}

// LedgerRecordHistory lists the changes of a record in scope, oldest first; a
// deleted record's history stays readable.
func (s *LedgerService) LedgerRecordHistory(ctx context.Context, ledger string, id int64) ([]*zhili.LedgerRecordEvent, error) {
	a, _, err := s.readLedger(ctx, ledger)
	if err != nil {
		return nil, err
	}
	cond, args := scopeRegionID(a, "region_id")
	var n int
	if err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM ledger_records WHERE id = ? AND ledger = ? AND `+cond,
		append([]any{id, ledger}, args...)...).Scan(&n); err != nil {
		return nil, fmt.Errorf("find ledger record %d: %w", id, err)
	}
	if n == 0 {
		return nil, zhili.Errorf(zhili.ENOTFOUND, "台账记录 %d 不存在。", id)
	}
	rows, err := s.db.query(ctx, `SELECT id, record_id, action, version, before, after, at, COALESCE(user_id, 0), username
		FROM ledger_record_events WHERE record_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("ledger record history: %w", err)
	}
	defer rows.Close()
	var out []*zhili.LedgerRecordEvent
	for rows.Next() {
		var e zhili.LedgerRecordEvent
		var at string
		if err := rows.Scan(&e.ID, &e.RecordID, &e.Action, &e.Version, &e.Before, &e.After, &at, &e.UserID, &e.Username); err != nil {
			return nil, err
		}
		e.At = parseTS(at)
		out = append(out, &e)
	}
	return out, rows.Err()
}
