// Package storetest opens real databases for tests: a fresh SQLite file always, or a
// fresh PostgreSQL schema when ZHILI_TEST_POSTGRES names a server. Every test gets
// its own database, so tests run in parallel and runs never collide.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
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
	b := make([]byte, 6)
	rand.Read(b)
	schema := "zt_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("connect postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		c, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer c.Close()
		c.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
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
