// Package storetest opens real databases for tests: a fresh SQLite file always, or a
// fresh PostgreSQL schema when ZHILI_TEST_POSTGRES names a server. Every test gets
// its own database, so tests run in parallel and runs never collide.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sensitive"
	"github.com/zhili-project/zhili/sqlstore"
)

// Env names the PostgreSQL URL for tests, e.g. postgres://postgres@127.0.0.1:5432/test.
const Env = "ZHILI_TEST_POSTGRES"

// Dialects lists the databases tests should run on: sqlite always, postgres when set.
func Dialects() []string {
	if os.Getenv(Env) != "" {
		return []string{"sqlite", "postgres"}
	}
	return []string{"sqlite"}
}

// Clock is the fixed clock every test database starts with: 2026-03-02 09:00 UTC.
func Clock() *zhili.FixedClock {
	return &zhili.FixedClock{T: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
}

// Open returns a migrated database of the dialect, with a fixed clock, a random
// field key and cheap password hashing; it is dropped when the test ends.
func Open(tb testing.TB, dialect string) *sqlstore.DB {
	tb.Helper()
	dsn := DSN(tb, dialect)
	db, err := sqlstore.Open(dsn)
	if err != nil {
		tb.Fatalf("open %s: %v", dialect, err)
	}
	tb.Cleanup(func() { db.Close() })
	key, _ := sensitive.GenerateKey()
	c, err := sensitive.NewCipher(key)
	if err != nil {
		tb.Fatal(err)
	}
	db.Cipher, db.Clock, db.FastPasswords = c, Clock(), true
	if _, err := db.Migrate(context.Background()); err != nil {
		tb.Fatalf("migrate %s: %v", dialect, err)
	}
	return db
}

// DSN returns the address of a fresh, empty database of the dialect.
func DSN(tb testing.TB, dialect string) string {
	tb.Helper()
	if dialect == "sqlite" {
		return "sqlite:" + filepath.Join(tb.TempDir(), "test.db")
	}
	base := os.Getenv(Env)
	if base == "" {
		tb.Skip(Env + " not set")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("connect postgres: %v", err)
	}
	defer admin.Close()
	sweepOnce.Do(func() {
		if err := Sweep(context.Background(), admin, time.Now().Add(-staleAfter)); err != nil {
			tb.Logf("sweep test schemas: %v", err)
		}
	})
	schema := schemaName(time.Now())
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	// Cleanups run when the test ends however it ends (failure, Fatal, Skip or
	// panic), after the database's own cleanup has closed its pools.
	tb.Cleanup(func() {
		if err := dropSchema(base, schema); err != nil {
			tb.Logf("drop test schema %s (a later run sweeps it): %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("parse %s: %v", Env, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// System returns a context acting as the system (CLI) actor.
func System() context.Context {
	return zhili.NewContextWithActor(context.Background(), zhili.SystemActor("test"))
}

// As returns a context acting as a with its scope resolved from db: the region of
// the unit gives the path.
func As(tb testing.TB, db *sqlstore.DB, a *zhili.Actor) context.Context {
	tb.Helper()
	reg, err := sqlstore.NewRegionService(db).FindRegion(System(), a.ScopeRegionID)
	if err != nil {
		tb.Fatalf("scope region %d: %v", a.ScopeRegionID, err)
	}
	a.ScopePath = reg.Path
	return zhili.NewContextWithActor(context.Background(), a)
}

// Test schemas are named zt_YYYYMMDDhhmmss_RANDOM (UTC creation time), so a sweep
// can tell their age: PostgreSQL keeps no creation time of its own.
const (
	schemaPrefix = "zt_"
	schemaTime   = "20060102150405"
	// staleAfter is when a test schema is surely left over from a run that was
	// killed before its cleanups ran: no test runs that long.
	staleAfter = time.Hour
)

var sweepOnce sync.Once

func schemaName(now time.Time) string {
	b := make([]byte, 4)
	rand.Read(b)
	return schemaPrefix + now.UTC().Format(schemaTime) + "_" + hex.EncodeToString(b)
}

// schemaCreated parses the creation time out of a test schema's name.
func schemaCreated(name string) (time.Time, bool) {
	rest, ok := strings.CutPrefix(name, schemaPrefix)
	if !ok {
		return time.Time{}, false
	}
	stamp, _, ok := strings.Cut(rest, "_")
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(schemaTime, stamp)
	return t, err == nil
}

// Sweep drops the test schemas created before cutoff: those of runs killed
// before their cleanups ran. Each test process sweeps once, when it opens its
// first PostgreSQL database, so the catalogue does not grow. Schemas whose names
// carry no time are left alone.
func Sweep(ctx context.Context, admin *sql.DB, cutoff time.Time) error {
	rows, err := admin.QueryContext(ctx, `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'zt\_%'`)
	if err != nil {
		return err
	}
	var stale []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		if t, ok := schemaCreated(name); ok && t.Before(cutoff) {
			stale = append(stale, name)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var errs []error
	for _, name := range stale {
		// Another process may sweep the same schema at the same moment.
		if _, err := admin.ExecContext(ctx, `DROP SCHEMA IF EXISTS `+name+` CASCADE`); err != nil {
			errs = append(errs, fmt.Errorf("drop %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// dropSchema drops a test schema on a connection of its own, waiting at most
// half a minute for locks.
func dropSchema(base, schema string) error {
	c, err := sql.Open("pgx", base)
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = c.ExecContext(ctx, `DROP SCHEMA IF EXISTS `+schema+` CASCADE`)
	return err
}
