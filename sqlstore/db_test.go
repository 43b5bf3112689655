package sqlstore

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// TestOpenSQLite checks the SQLite settings intake relies on: WAL with
// synchronous=FULL on both pools, so an acknowledged commit is on disk, and a read
// pool that keeps its four connections instead of closing and reopening them.
func TestOpenSQLite(t *testing.T) {
	db, err := Open("sqlite:" + filepath.Join(t.TempDir(), "open.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	for name, pool := range map[string]*sql.DB{"write": db.write, "read": db.read} {
		var mode string
		var sync int
		if err := pool.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if err := pool.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" || sync != 2 {
			t.Errorf("%s pool: journal_mode %s, synchronous %d; want wal and 2 (FULL)", name, mode, sync)
		}
	}
	var conns []*sql.Conn
	for range 4 {
		c, err := db.read.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for _, c := range conns {
		c.Close()
	}
	if st := db.read.Stats(); st.Idle != 4 || st.MaxIdleClosed != 0 {
		t.Errorf("read pool keeps %d idle, closed %d for want of idle room; want 4 and 0", st.Idle, st.MaxIdleClosed)
	}
}
