package storetest

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"testing"
	"time"
)

// schemaExists reports whether the schema is in the catalogue.
func schemaExists(t *testing.T, admin *sql.DB, name string) bool {
	t.Helper()
	var n int
	if err := admin.QueryRow(`SELECT COUNT(*) FROM pg_namespace WHERE nspname = $1`, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

func pgAdmin(t *testing.T) *sql.DB {
	t.Helper()
	base := os.Getenv(Env)
	if base == "" {
		t.Skip(Env + " not set")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	return admin
}

// TestSchemaDroppedWhenTestStops opens a database in a subtest that stops early
// (SkipNow leaves the test as FailNow does) and checks its schema is gone after.
func TestSchemaDroppedWhenTestStops(t *testing.T) {
	admin := pgAdmin(t)
	var schema string
	t.Run("stops early", func(t *testing.T) {
		db := Open(t, "postgres")
		u, err := url.Parse(db.DSN)
		if err != nil {
			t.Fatal(err)
		}
		schema = u.Query().Get("search_path")
		if !schemaExists(t, admin, schema) {
			t.Fatalf("schema %s not created", schema)
		}
		t.SkipNow()
	})
	if schema == "" {
		t.Fatal("no schema name")
	}
	if schemaExists(t, admin, schema) {
		t.Errorf("schema %s still there after its test stopped", schema)
	}
}

// TestSweep leaves an old and a recent schema behind, as a killed run would, and
// checks the sweep drops only the old one.
func TestSweep(t *testing.T) {
	admin := pgAdmin(t)
	now := time.Now()
	old, recent := schemaName(now.Add(-2*time.Hour)), schemaName(now.Add(-10*time.Minute))
	for _, s := range []string{old, recent} {
		if _, err := admin.Exec(`CREATE SCHEMA ` + s); err != nil {
			t.Fatal(err)
		}
		if _, err := admin.Exec(`CREATE TABLE ` + s + `.t (id int)`); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { admin.Exec(`DROP SCHEMA IF EXISTS ` + s + ` CASCADE`) })
	}
	if err := Sweep(context.Background(), admin, now.Add(-staleAfter)); err != nil {
		t.Fatal(err)
	}
	if schemaExists(t, admin, old) {
		t.Errorf("sweep left %s (two hours old)", old)
	}
	if !schemaExists(t, admin, recent) {
		t.Errorf("sweep dropped %s (ten minutes old)", recent)
	}
}

func TestSchemaCreated(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 30, 5, 0, time.UTC)
	name := schemaName(at)
	if got, ok := schemaCreated(name); !ok || !got.Equal(at) {
		t.Errorf("schemaCreated(%q) = %s, %v; want %s", name, got, ok, at)
	}
	for _, bad := range []string{"zt_5f3a9c0d1e2b", "public", "zt_2026_x"} {
		if _, ok := schemaCreated(bad); ok {
			t.Errorf("schemaCreated(%q) parsed a time", bad)
		}
	}
}
