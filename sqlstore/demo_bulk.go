package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/zhili-project/zhili"
)

// DemoBatch is one bulk-writing transaction for the demo county (package demo).
// It inserts rows with ids it hands out itself, many rows a statement, and appends
// audit entries to the chain exactly as the services' tx.audit does (same fields,
// same hash, dense ids), so a seeded database holds what the services would have
// written, in a few transactions instead of thousands. It is meant for an empty
// database seeded by the system; nothing else should use it.
type DemoBatch struct {
	db *DB
	// q runs the batch's statements: a write transaction on SQLite; on
	// PostgreSQL a connection of its own with the transaction begun by hand, so
	// Insert can COPY over the same connection.
	q       batchQuerier
	tx      *Tx       // SQLite
	conn    *sql.Conn // PostgreSQL
	done    bool
	next    map[string]int64 // the next id to hand out, by table
	lastID  int64            // the audit chain's head
	prev    string
	pending []zhili.AuditEntry
}

// batchQuerier is what both a transaction and a connection offer.
type batchQuerier interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	PrepareContext(ctx context.Context, q string) (*sql.Stmt, error)
}

// BeginDemoBatch starts a demo batch: one write transaction holding the audit
// chain's lock.
func (db *DB) BeginDemoBatch(ctx context.Context) (*DemoBatch, error) {
	b := &DemoBatch{db: db, next: map[string]int64{}, prev: auditGenesis}
	if db.dialect.name() == "postgres" {
		conn, err := db.write.Conn(ctx)
		if err != nil {
			return nil, fmt.Errorf("demo batch: connect: %w", err)
		}
		b.conn, b.q = conn, conn
		if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
			conn.Close()
			return nil, fmt.Errorf("demo batch: begin: %w", err)
		}
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", auditLockKey); err != nil {
			b.Rollback()
			return nil, fmt.Errorf("lock audit chain: %w", err)
		}
	} else {
		tx, err := db.begin(ctx)
		if err != nil {
			return nil, err
		}
		b.tx, b.q = tx, tx.Tx // SQLite write transactions begin IMMEDIATE: the chain is locked
	}
	err := b.queryRow(ctx, `SELECT last_id, hash FROM audit_head WHERE one = 1`).Scan(&b.lastID, &b.prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		b.Rollback()
		return nil, fmt.Errorf("read audit head: %w", err)
	}
	return b, nil
}

func (b *DemoBatch) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return b.q.ExecContext(ctx, b.db.dialect.rebind(q), args...)
}

func (b *DemoBatch) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return b.q.QueryContext(ctx, b.db.dialect.rebind(q), args...)
}

func (b *DemoBatch) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return b.q.QueryRowContext(ctx, b.db.dialect.rebind(q), args...)
}

// identifier checks a table or column name: the batch builds SQL from them.
func identifier(s string) error {
	for _, r := range s {
		if (r < 'a' || r > 'z') && r != '_' && (r < '0' || r > '9') {
			return fmt.Errorf("demo batch: bad identifier %q", s)
		}
	}
	return nil
}

// NextID hands out the next id of table, after the largest stored.
func (b *DemoBatch) NextID(ctx context.Context, table string) (int64, error) {
	if err := identifier(table); err != nil {
		return 0, err
	}
	if _, ok := b.next[table]; !ok {
		var max int64
		if err := b.queryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&max); err != nil {
			return 0, fmt.Errorf("demo batch: max id of %s: %w", table, err)
		}
		b.next[table] = max + 1
	}
	id := b.next[table]
	b.next[table]++
	return id, nil
}

// Insert writes rows into table: by COPY on PostgreSQL, as many rows a statement
// as SQLite allows on SQLite. Each row holds a value for each column, in order:
// int64 ids (nil for NULL), int counts, strings (times as DemoTS text), bools.
func (b *DemoBatch) Insert(ctx context.Context, table string, cols []string, rows [][]any) error {
	if err := identifier(table); err != nil {
		return err
	}
	for _, c := range cols {
		if err := identifier(c); err != nil {
			return err
		}
	}
	for _, r := range rows {
		if len(r) != len(cols) {
			return fmt.Errorf("demo batch: %s row has %d values for %d columns", table, len(r), len(cols))
		}
	}
	if b.conn != nil {
		err := b.conn.Raw(func(dc any) error {
			c, ok := dc.(*stdlib.Conn)
			if !ok {
				return fmt.Errorf("not a pgx connection: %T", dc)
			}
			_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
			return err
		})
		if err != nil {
			return fmt.Errorf("demo batch: copy into %s: %w", table, err)
		}
		return nil
	}
	per := min(2000, 30000/len(cols))
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	statement := func(n int) string {
		return `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES ` + strings.TrimSuffix(strings.Repeat(one+", ", n), ", ")
	}
	var full *sql.Stmt // the statement of a full chunk, prepared once
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(len(rows), start+per)]
		args := make([]any, 0, len(chunk)*len(cols))
		for _, r := range chunk {
			args = append(args, r...)
		}
		var err error
		switch {
		case len(chunk) < per:
			_, err = b.exec(ctx, statement(len(chunk)), args...)
		case full == nil:
			if full, err = b.q.PrepareContext(ctx, b.db.dialect.rebind(statement(per))); err == nil {
				_, err = full.ExecContext(ctx, args...)
			}
		default:
			_, err = full.ExecContext(ctx, args...)
		}
		if err != nil {
			return fmt.Errorf("demo batch: insert into %s: %w", table, err)
		}
	}
	return nil
}

// Audit appends one entry to the chain as tx.audit does, at the given time and
// by the given actor. Entries are written at Flush or Commit, in the order given;
// callers append them in time order.
func (b *DemoBatch) Audit(a *zhili.Actor, at time.Time, action, objType string, objID any, detail any) error {
	e := zhili.AuditEntry{At: at.UTC(), Action: action, ObjectType: objType}
	if objID != nil {
		e.ObjectID = fmt.Sprint(objID)
	}
	if a != nil {
		e.UserID, e.Username, e.IP = a.UserID, a.Username, a.IP
	}
	if detail != nil {
		d, err := json.Marshal(detail)
		if err != nil {
			return fmt.Errorf("audit detail: %w", err)
		}
		e.Detail = string(d)
	}
	b.lastID++
	e.ID, e.PrevHash = b.lastID, b.prev
	e.Hash = auditHash(&e)
	b.prev = e.Hash
	b.pending = append(b.pending, e)
	return nil
}

// Flush writes the audit entries appended so far.
func (b *DemoBatch) Flush(ctx context.Context) error {
	if len(b.pending) == 0 {
		return nil
	}
	rows := make([][]any, len(b.pending))
	for k, e := range b.pending {
		rows[k] = []any{e.ID, ts(e.At), nullID(e.UserID), e.Username, e.IP, e.Action, e.ObjectType, e.ObjectID, e.Detail, e.PrevHash, e.Hash}
	}
	if err := b.Insert(ctx, "audit_log", []string{"id", "at", "user_id", "username", "ip", "action", "object_type", "object_id", "detail", "prev_hash", "hash"}, rows); err != nil {
		return err
	}
	b.pending = b.pending[:0]
	var n int
	if err := b.queryRow(ctx, `SELECT COUNT(*) FROM audit_head`).Scan(&n); err != nil {
		return fmt.Errorf("read audit head: %w", err)
	}
	var err error
	if n == 0 {
		_, err = b.exec(ctx, `INSERT INTO audit_head (one, last_id, hash) VALUES (1, ?, ?)`, b.lastID, b.prev)
	} else {
		_, err = b.exec(ctx, `UPDATE audit_head SET last_id = ?, hash = ? WHERE one = 1`, b.lastID, b.prev)
	}
	if err != nil {
		return fmt.Errorf("move audit head: %w", err)
	}
	return nil
}

// Commit writes the pending audit entries, moves PostgreSQL's id sequences past
// the ids handed out, and commits.
func (b *DemoBatch) Commit(ctx context.Context) error {
	if err := b.Flush(ctx); err != nil {
		return err
	}
	if b.conn == nil {
		b.done = true
		return b.tx.Commit()
	}
	for table := range b.next {
		if _, err := b.exec(ctx, `SELECT setval(pg_get_serial_sequence('`+table+`', 'id'), (SELECT MAX(id) FROM `+table+`))
			WHERE EXISTS (SELECT 1 FROM `+table+`)`); err != nil {
			return fmt.Errorf("demo batch: move the id sequence of %s: %w", table, err)
		}
	}
	if _, err := b.exec(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("demo batch: commit: %w", err)
	}
	b.done = true
	return b.conn.Close()
}

// Rollback abandons the batch; after Commit it does nothing.
func (b *DemoBatch) Rollback() error {
	if b.done {
		return nil
	}
	b.done = true
	if b.conn == nil {
		return b.tx.Rollback()
	}
	// A fresh context: the batch's may be what was cancelled.
	_, err := b.conn.ExecContext(context.Background(), "ROLLBACK")
	if cerr := b.conn.Close(); err == nil {
		err = cerr
	}
	return err
}

// SetPasswordHash sets the password hash of an account the batch inserted.
func (b *DemoBatch) SetPasswordHash(ctx context.Context, userID int64, hash string) error {
	res, err := b.exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID)
	if err != nil {
		return fmt.Errorf("demo batch: set the password of user %d: %w", userID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("demo batch: no user %d", userID)
	}
	return nil
}

// DemoTS formats a time as the store keeps it: fixed-width UTC text.
func DemoTS(t time.Time) string { return ts(t) }

// DemoHashPassword hashes a password as CreateUser would on this database.
func (db *DB) DemoHashPassword(pw string) (string, error) { return db.hashPassword(pw) }

// DemoDeadlines returns the deadline table and the working calendar from since
// on, for computing deadlines as the case workflow does.
func (db *DB) DemoDeadlines(ctx context.Context, since time.Time) ([]*zhili.DeadlineRule, *zhili.Calendar, error) {
	rules, err := loadRules(ctx, db.read, db.dialect, "")
	if err != nil {
		return nil, nil, err
	}
	cal, err := loadCalendar(ctx, db.read, db.dialect, since)
	return rules, cal, err
}
