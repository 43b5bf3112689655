// Package sqlstore keeps zhili's records in SQLite (modernc.org/sqlite, pure Go) or
// PostgreSQL (pgx), with one set of queries written in their common subset. The
// few differences live in the dialect value. Every service method takes its actor
// from the context and bounds its queries by the actor's scope, so a handler that
// forgets a check still cannot leak another township's data.
package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver

	"github.com/zhili-project/zhili"
)

// DB is an open database with its dialect, clock and field cipher.
type DB struct {
	// write is the pool for transactions that change data; for SQLite it has one
	// connection, since SQLite has one writer and queueing in Go beats SQLITE_BUSY.
	write *sql.DB
	// read serves queries; for PostgreSQL it is the same pool as write.
	read    *sql.DB
	dialect dialect
	DSN     string

	// Now is the clock; tests replace it.
	Clock zhili.Clock
	// Cipher encrypts sensitive fields; nil refuses to store them.
	Cipher FieldCipher
	// Policy holds lockout and session rules until the security administrator
	// sets them in the settings table (security_policy.go).
	Policy zhili.SecurityPolicy
	policy policyCache
	// FastPasswords hashes with cheap parameters: tests and demo data only.
	FastPasswords bool
}

// FieldCipher encrypts sensitive fields (SM4) and makes blind indexes for lookups.
type FieldCipher interface {
	Encrypt(plaintext string) (string, error)
	Decrypt(ciphertext string) (string, error)
	Blind(plaintext string) string
	// KeyCheck identifies the key without revealing it (see CheckFieldKey).
	KeyCheck() string
}

// Open opens a database from a DSN: "sqlite:PATH" (or a bare path ending in .db) or
// "postgres://…". It does not migrate; call Migrate.
func Open(dsn string) (*DB, error) {
	db := &DB{DSN: dsn, Clock: zhili.SystemClock{}, Policy: zhili.DefaultSecurityPolicy}
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		pool, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		pool.SetMaxOpenConns(16)
		pool.SetMaxIdleConns(16)
		pool.SetConnMaxIdleTime(5 * time.Minute)
		db.write, db.read, db.dialect = pool, pool, pgDialect{}
	default:
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return nil, zhili.Errorf(zhili.EINVALID, "database: empty SQLite path")
		}
		// busy_timeout first so the journal-mode switch itself waits for locks.
		params := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_txlock=immediate"
		w, err := sql.Open("sqlite", "file:"+path+params)
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		w.SetMaxOpenConns(1)
		r, err := sql.Open("sqlite", "file:"+path+strings.Replace(params, "&_txlock=immediate", "", 1))
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		r.SetMaxOpenConns(4)
		// Keep every read connection open: the default of 2 idle would close and
		// reopen SQLite connections under load, running the PRAGMAs each time.
		r.SetMaxIdleConns(4)
		db.write, db.read, db.dialect = w, r, sqliteDialect{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.write.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database %s: %w", Redact(dsn), err)
	}
	return db, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.read != db.write {
		if e := db.read.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Dialect names the database kind: "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.dialect.name() }

// Ping checks the database answers, for /healthz.
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

// Redact hides the password of a DSN for logs and config listings.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Tx is a write transaction with the rebinding of the dialect.
type Tx struct {
	*sql.Tx
	db  *DB
	now time.Time
}

// begin starts a write transaction; its now is fixed for the whole transaction so
// every row it writes carries one time.
func (db *DB) begin(ctx context.Context) (*Tx, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	// Microseconds, as ts stores them: a row written with now reads back equal.
	return &Tx{Tx: tx, db: db, now: db.Clock.Now().UTC().Truncate(time.Microsecond)}, nil
}

func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return tx.ExecContext(ctx, tx.db.dialect.rebind(q), args...)
}

func (tx *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return tx.QueryContext(ctx, tx.db.dialect.rebind(q), args...)
}

func (tx *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return tx.QueryRowContext(ctx, tx.db.dialect.rebind(q), args...)
}

// runner runs statements written with ? placeholders in the store's dialect.
// A *Tx and a *DemoBatch are both runners, so the checks and lookups that the
// services and the demo seed share are written once, against this.
type runner interface {
	exec(ctx context.Context, q string, args ...any) (sql.Result, error)
	query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	queryRow(ctx context.Context, q string, args ...any) *sql.Row
}

func (db *DB) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return db.read.QueryContext(ctx, db.dialect.rebind(q), args...)
}

func (db *DB) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return db.read.QueryRowContext(ctx, db.dialect.rebind(q), args...)
}

// tsLayout stores times as fixed-width UTC text in both dialects: sortable, readable
// and identical whichever database holds it.
const tsLayout = "2006-01-02T15:04:05.000000Z"

func ts(t time.Time) string { return t.UTC().Format(tsLayout) }

func nullTS(t *time.Time) any {
	if t == nil {
		return nil
	}
	return ts(*t)
}

func parseTS(s string) time.Time {
	t, err := time.Parse(tsLayout, s)
	if err != nil {
		t, _ = time.Parse(time.RFC3339Nano, s)
	}
	return t
}

func parseNullTS(s sql.NullString) *time.Time {
	if !s.Valid || s.String == "" {
		return nil
	}
	t := parseTS(s.String)
	return &t
}

// actor returns the context's actor or EUNAUTHORIZED.
func actor(ctx context.Context) (*zhili.Actor, error) {
	a := zhili.ActorFromContext(ctx)
	if a == nil {
		return nil, zhili.Errorf(zhili.EUNAUTHORIZED, "Login required.")
	}
	return a, nil
}
