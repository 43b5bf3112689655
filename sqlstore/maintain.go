package sqlstore

import (
	"context"
	"fmt"
)

// Planner statistics (docs/postgresql.md, "Statistics"). Both databases choose
// their plans from statistics about the tables; after a bulk load (a restore,
// a generated city) they describe the empty tables until something refreshes
// them. On PostgreSQL autovacuum does, some minutes later, unless it is turned
// off: then the monthly bulletin's missed-visits list, for one, walked every
// region's cases (74 s at ten million cases) instead of one index range (26 ms).

// Analyze refreshes the planner's statistics: ANALYZE on PostgreSQL, PRAGMA
// optimize on SQLite (which analyses only the tables that need it, within a
// bounded number of rows per index). Call it after writing many rows at once.
func (db *DB) Analyze(ctx context.Context) error {
	q := `ANALYZE`
	if db.dialect.name() == "sqlite" {
		q = `PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002`
	}
	if _, err := db.write.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}

// Warnings lists what in the database's configuration works against zhili, for
// the operator: on PostgreSQL, autovacuum turned off (statistics go stale and
// deleted rows are never reclaimed). Empty when all is well.
func (db *DB) Warnings(ctx context.Context) ([]string, error) {
	if db.dialect.name() != "postgres" {
		return nil, nil
	}
	var on string
	if err := db.read.QueryRowContext(ctx, `SHOW autovacuum`).Scan(&on); err != nil {
		return nil, fmt.Errorf("check autovacuum: %w", err)
	}
	if on != "on" {
		return []string{"PostgreSQL autovacuum is off: planner statistics go stale and deleted rows are never reclaimed; " +
			"turn it on (autovacuum = on in postgresql.conf) or run VACUUM ANALYZE regularly (docs/postgresql.md)"}, nil
	}
	return nil, nil
}
