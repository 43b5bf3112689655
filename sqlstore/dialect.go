package sqlstore

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect is everything that differs between SQLite and PostgreSQL. Queries are
// written with ? placeholders in the common subset of both.
type dialect interface {
	name() string
	rebind(q string) string
	// lockAudit serialises appends to the audit chain within a transaction.
	lockAudit(ctx context.Context, tx *Tx) error
	// lockTree serialises changes to the region tree within a transaction.
	lockTree(ctx context.Context, tx *Tx) error
	isUnique(err error) bool
}

type sqliteDialect struct{}

func (sqliteDialect) name() string           { return "sqlite" }
func (sqliteDialect) rebind(q string) string { return q }

// SQLite has one writer, and write transactions begin IMMEDIATE: already serialised.
func (sqliteDialect) lockAudit(context.Context, *Tx) error { return nil }
func (sqliteDialect) lockTree(context.Context, *Tx) error  { return nil }

func (sqliteDialect) isUnique(err error) bool {
	var e *sqlite.Error
	if errors.As(err, &e) {
		c := e.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

type pgDialect struct{}

func (pgDialect) name() string { return "postgres" }

// rebind turns ? into $1, $2…; queries never hold a literal question mark.
func (pgDialect) rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// auditLockKey is an arbitrary constant naming the audit chain's advisory lock.
const auditLockKey = 7201_0001

func (pgDialect) lockAudit(ctx context.Context, tx *Tx) error {
	_, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", auditLockKey)
	return err
}

// lockTree takes an advisory lock of its own, per schema, so tree changes wait
// only for each other and a long import does not hold up every other writer.
func (pgDialect) lockTree(ctx context.Context, tx *Tx) error {
	_, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(7201, hashtext(current_schema()))")
	return err
}

func (pgDialect) isUnique(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23505"
}
