package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/zhili-project/zhili"
)

//go:embed migrations
var migrations embed.FS

// Migrate applies, in order, every embedded migration of the dialect that the
// database has not recorded yet. Migrations are forward only; each runs in its own
// transaction with its record, so a failed one leaves nothing half-applied.
func (db *DB) Migrate(ctx context.Context) (applied []string, err error) {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	dir := "migrations/" + db.dialect.name()
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	for _, e := range entries {
		name := e.Name()
		version, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil {
			return applied, fmt.Errorf("migration %s: name must start with a number", name)
		}
		var n int
		if err := db.queryRow(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
			return applied, fmt.Errorf("check migration %s: %w", name, err)
		}
		if n > 0 {
			continue
		}
		body, err := migrations.ReadFile(dir + "/" + name)
		if err != nil {
			return applied, err
		}
		tx, err := db.begin(ctx)
		if err != nil {
			return applied, err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return applied, fmt.Errorf("apply migration %s: %w", name, err)
		}
		if _, err := tx.exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			version, name, ts(tx.now)); err != nil {
			tx.Rollback()
			return applied, fmt.Errorf("record migration %s: %w", name, err)
		}
		if err := tx.Commit(); err != nil {
			return applied, fmt.Errorf("commit migration %s: %w", name, err)
		}
		applied = append(applied, name)
	}
	return applied, db.seedDefaults(ctx)
}

// seedDefaults fills configuration tables that a deployment edits but must not start
// empty: the case categories. It never overwrites what a county changed.
func (db *DB) seedDefaults(ctx context.Context) error {
	var n int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM case_categories`).Scan(&n); err != nil || n > 0 {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, c := range zhili.DefaultCategories {
		if _, err := tx.exec(ctx, `INSERT INTO case_categories (kind, code, label, parent) VALUES (?, ?, ?, ?)`,
			string(c.Kind), c.Code, c.Label, c.Parent); err != nil {
			return fmt.Errorf("seed category %s/%s: %w", c.Kind, c.Code, err)
		}
	}
	return tx.Commit()
}
