package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/zhili-project/zhili"
)

// EncryptedColumn is a column whose values the field cipher seals, with the
// blind-index column computed from the same plaintext, if it has one.
type EncryptedColumn struct {
	Table  string
	Column string
	Blind  string // "" when the column has no blind index
}

// Name is "table.column", as error messages and the audit entry name it.
func (c EncryptedColumn) Name() string { return c.Table + "." + c.Column }

// encryptedColumns is every column written with FieldCipher.Encrypt. Key rotation
// re-encrypts exactly these, and a test compares the list with the schema (every
// *_enc and *_blind column), so a new sensitive column cannot be forgotten here.
var encryptedColumns = []EncryptedColumn{
	{Table: "people", Column: "id_number_enc", Blind: "id_number_blind"},
	{Table: "people", Column: "phone_enc"},
	{Table: "case_parties", Column: "id_number_enc", Blind: "id_number_blind"},
	{Table: "case_parties", Column: "phone_enc"},
	{Table: "users", Column: "totp_secret_enc"},
	{Table: "users", Column: "totp_pending_enc"},
	{Table: "public_reports", Column: "contact_enc"},
}

// EncryptedColumns returns a copy of the registry of encrypted columns.
func EncryptedColumns() []EncryptedColumn { return append([]EncryptedColumn(nil), encryptedColumns...) }

// keyCheckSetting names the settings row holding the field key's check value.
const keyCheckSetting = "field_key_check"

// ErrFieldKeyMismatch means the configured field key is not the one the
// database's values are encrypted under; writing with it would make them
// unreadable, so commands refuse to start and writes refuse to encrypt.
var ErrFieldKeyMismatch = errors.New("the configured field key is not the database's key (key check mismatch)")

// ColumnCount is how many non-empty values a column holds (checked or re-encrypted).
type ColumnCount struct {
	EncryptedColumn
	Values int
}

// rowQuerier is a *DB or a *Tx: where a key check can be read.
type rowQuerier interface {
	queryRow(ctx context.Context, q string, args ...any) *sql.Row
}

// requireFieldKey refuses when the database records a key check and c's differs:
// a forgotten instance still running with the old key after a rotation fails
// loudly here instead of writing values nobody can read.
func requireFieldKey(ctx context.Context, q rowQuerier, c FieldCipher) error {
	if c == nil {
		return nil
	}
	// In a writing transaction on PostgreSQL the read takes a share lock on the
	// row: Rekey holds settings in EXCLUSIVE mode, so a writer that checks
	// while a rotation runs waits for it and then sees the new check, instead
	// of passing the old one and committing a value under the old key after it.
	lock := ""
	if tx, ok := q.(*Tx); ok && tx.db.dialect.name() == "postgres" {
		lock = " FOR SHARE"
	}
	var stored string
	err := q.queryRow(ctx, `SELECT value FROM settings WHERE key = ?`+lock, keyCheckSetting).Scan(&stored)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("read field key check: %w", err)
	case stored != c.KeyCheck():
		return ErrFieldKeyMismatch
	}
	return nil
}

// CheckFieldKey verifies the configured field key against the database's key
// check; commands call it on open. A database in use that has no check yet gets
// one on first use, after a sample value of every encrypted column has opened
// under the key, so a wrong key is never recorded as the right one. A new,
// empty database is left without a check, so a restore can bring its own.
func (db *DB) CheckFieldKey(ctx context.Context) error {
	if db.Cipher == nil {
		return nil
	}
	stored, err := db.Setting(ctx, keyCheckSetting)
	if err != nil {
		return fmt.Errorf("read field key check: %w", err)
	}
	if stored != "" {
		if stored != db.Cipher.KeyCheck() {
			return ErrFieldKeyMismatch
		}
		return nil
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	used := false
	for _, t := range restoreAnchors {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM `+t+` LIMIT 1) x`).Scan(&n); err != nil {
			return fmt.Errorf("field key check: look at %s: %w", t, err)
		}
		used = used || n > 0
	}
	if !used {
		return nil
	}
	if err := sampleOpens(ctx, tx, db.Cipher); err != nil {
		return fmt.Errorf("%w; refusing to record it as the database's key", err)
	}
	res, err := tx.exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, keyCheckSetting, db.Cipher.KeyCheck())
	if err != nil {
		return fmt.Errorf("record field key check: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 { // another instance recorded one first
		if err := requireFieldKey(ctx, tx, db.Cipher); err != nil {
			return err
		}
		return tx.Commit()
	}
	if err := tx.audit(ctx, cliActor(ctx), "key.check", "field_key", nil, map[string]any{"recorded": true}); err != nil {
		return err
	}
	return tx.Commit()
}

// sampleOpens checks that the first value of every encrypted column opens under c.
func sampleOpens(ctx context.Context, tx *Tx, c FieldCipher) error {
	for _, col := range encryptedColumns {
		var id int64
		var enc string
		err := tx.queryRow(ctx, `SELECT id, `+col.Column+` FROM `+col.Table+` WHERE `+col.Column+` <> '' ORDER BY id LIMIT 1`).Scan(&id, &enc)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return fmt.Errorf("field key check: read %s: %w", col.Name(), err)
		}
		if _, err := c.Decrypt(enc); err != nil {
			return fmt.Errorf("the configured field key does not open %s of row %d (%v)", col.Name(), id, err)
		}
	}
	return nil
}

// cliActor is the context's actor, or the system when a command runs without one.
func cliActor(ctx context.Context) *zhili.Actor {
	if a := zhili.ActorFromContext(ctx); a != nil {
		return a
	}
	return zhili.SystemActor("zhili")
}

// CheckFieldValues opens every encrypted value under the configured key and
// counts them per column, changing nothing; the error names every value (up to
// a few) that does not open, by table, column and row id.
func (db *DB) CheckFieldValues(ctx context.Context) ([]ColumnCount, error) {
	if db.Cipher == nil {
		return nil, zhili.Errorf(zhili.EINVALID, "No field key is configured.")
	}
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: db.dialect.name() == "postgres"})
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	return checkFieldValues(ctx, &Tx{Tx: tx, db: db}, db.Cipher)
}

// maxBadValues bounds how many undecryptable values an error lists.
const maxBadValues = 20

// checkFieldValues decrypts every value of every encrypted column in tx.
func checkFieldValues(ctx context.Context, tx *Tx, c FieldCipher) ([]ColumnCount, error) {
	var counts []ColumnCount
	var bad []string
	total := 0
	for _, col := range encryptedColumns {
		n := 0
		err := eachValue(ctx, tx, col, func(id int64, enc string) error {
			n++
			if _, err := c.Decrypt(enc); err != nil {
				total++
				if len(bad) < maxBadValues {
					bad = append(bad, fmt.Sprintf("%s row %d: %v", col.Name(), id, err))
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		counts = append(counts, ColumnCount{EncryptedColumn: col, Values: n})
	}
	if total > 0 {
		more := ""
		if total > len(bad) {
			more = fmt.Sprintf("\n  … and %d more", total-len(bad))
		}
		return nil, zhili.Errorf(zhili.EINVALID, "%d encrypted values do not open under the current field key; nothing was changed:\n  %s%s",
			total, strings.Join(bad, "\n  "), more)
	}
	return counts, nil
}

// eachValue calls fn with the id and value of every non-empty value of col, in id order.
func eachValue(ctx context.Context, tx *Tx, col EncryptedColumn, fn func(id int64, enc string) error) error {
	rows, err := tx.query(ctx, `SELECT id, `+col.Column+` FROM `+col.Table+` WHERE `+col.Column+` <> '' ORDER BY id`)
	if err != nil {
		return fmt.Errorf("read %s: %w", col.Name(), err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var enc string
		if err := rows.Scan(&id, &enc); err != nil {
			return fmt.Errorf("read %s: %w", col.Name(), err)
		}
		if err := fn(id, enc); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s: %w", col.Name(), err)
	}
	return nil
}

// Rekey rotates the field key (密钥轮换): in one transaction it re-encrypts every
// encrypted value under next, recomputes every blind index and records next's
// key check, so afterwards only next opens the database. It refuses, changing
// nothing, when any value does not open under the current key. System actors
// only (the command line); audited as key.rotate with counts, never key material.
// Returns EFORBIDDEN, EINVALID or ErrFieldKeyMismatch.
func (db *DB) Rekey(ctx context.Context, next FieldCipher) ([]ColumnCount, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.System {
		return nil, zhili.Errorf(zhili.EFORBIDDEN, "Only the operator's command line may rotate the field key.")
	}
	if db.Cipher == nil || next == nil {
		return nil, zhili.Errorf(zhili.EINVALID, "Key rotation needs the current and the new field key.")
	}
	if next.KeyCheck() == db.Cipher.KeyCheck() {
		return nil, zhili.Errorf(zhili.EINVALID, "The new field key is the current key; generate a new one with `zhili keygen`.")
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if db.dialect.name() == "postgres" {
		// Writers wait for the rotation (readers do not): no row is written under
		// the old key between reading a table and committing its new values.
		// settings first: a writer that already passed the key check holds its
		// row (FOR SHARE, requireFieldKey) and then writes an encrypted table;
		// taking that table first would deadlock with it. The rotation waits for
		// such a writer to commit and then re-encrypts its value as well.
		if _, err := tx.exec(ctx, `LOCK TABLE settings IN EXCLUSIVE MODE`); err != nil {
			return nil, fmt.Errorf("rekey: lock settings: %w", err)
		}
		if _, err := tx.exec(ctx, `LOCK TABLE `+strings.Join(encryptedTables(), ", ")+` IN EXCLUSIVE MODE`); err != nil {
			return nil, fmt.Errorf("rekey: lock tables: %w", err)
		}
	}
	if err := requireFieldKey(ctx, tx, db.Cipher); err != nil {
		return nil, err
	}
	counts, err := checkFieldValues(ctx, tx, db.Cipher)
	if err != nil {
		return nil, err
	}
	detail := map[string]int{}
	for i, col := range encryptedColumns {
		if counts[i].Values, err = tx.reencrypt(ctx, col, db.Cipher, next); err != nil {
			return nil, err
		}
		detail[col.Name()] = counts[i].Values
		if col.Blind != "" {
			detail[col.Table+"."+col.Blind] = counts[i].Values
		}
	}
	if _, err := tx.exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
		keyCheckSetting, next.KeyCheck()); err != nil {
		return nil, fmt.Errorf("rekey: record key check: %w", err)
	}
	if err := tx.audit(ctx, a, "key.rotate", "field_key", nil, map[string]any{"values": detail}); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("rekey: commit: %w", err)
	}
	return counts, nil
}

// reencrypt rewrites one column (and its blind index) under next and returns
// how many values it rewrote. A column's values are read before any is written,
// as one connection cannot read and write at once.
func (tx *Tx) reencrypt(ctx context.Context, col EncryptedColumn, cur, next FieldCipher) (int, error) {
	type row struct {
		id         int64
		enc, blind string
	}
	var out []row
	err := eachValue(ctx, tx, col, func(id int64, enc string) error {
		plain, err := cur.Decrypt(enc)
		if err != nil {
			return zhili.Errorf(zhili.EINVALID, "%s row %d does not open under the current field key: %v; nothing was changed", col.Name(), id, err)
		}
		r := row{id: id}
		if r.enc, err = next.Encrypt(plain); err != nil {
			return fmt.Errorf("encrypt %s row %d: %w", col.Name(), id, err)
		}
		if col.Blind != "" {
			r.blind = next.Blind(plain)
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		return 0, err
	}
	q := `UPDATE ` + col.Table + ` SET ` + col.Column + ` = ? WHERE id = ?`
	if col.Blind != "" {
		q = `UPDATE ` + col.Table + ` SET ` + col.Column + ` = ?, ` + col.Blind + ` = ? WHERE id = ?`
	}
	stmt, err := tx.PrepareContext(ctx, tx.db.dialect.rebind(q))
	if err != nil {
		return 0, fmt.Errorf("rekey %s: %w", col.Name(), err)
	}
	defer stmt.Close()
	for _, r := range out {
		args := []any{r.enc, r.id}
		if col.Blind != "" {
			args = []any{r.enc, r.blind, r.id}
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return 0, fmt.Errorf("rekey %s row %d: %w", col.Name(), r.id, err)
		}
	}
	return len(out), nil
}

// encryptedTables lists the tables of the registry once each, in registry order.
func encryptedTables() []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range encryptedColumns {
		if !seen[c.Table] {
			seen[c.Table] = true
			out = append(out, c.Table)
		}
	}
	return out
}
