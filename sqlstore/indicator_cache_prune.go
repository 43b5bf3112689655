package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"time"
)

// Pruning the case change log (docs/indicators.md). Triggers add a row to
// indicator_case_changes per case write (migration 0008); every instance prunes
// rows older than the retention from time to time. Several instances share one
// database and none knows how far the others have read, so pruning never
// guesses: it deletes only a prefix of the log in its read order (seq on SQLite,
// xid on PostgreSQL) and records in the same transaction how far it went
// (indicator_cache_marks.case_log_pruned, migration 0016). An instance whose
// mark lies at or below that horizon may have missed a row and reloads its
// cases whole (caseBehind); any other instance misses nothing.

const (
	// caseLogRetention is how long a change stays in the log: an instance idle
	// or stopped for longer reloads its cases on its next refresh.
	caseLogRetention = 24 * time.Hour
	// caseLogPruneEvery is how often an instance prunes (on a refresh).
	caseLogPruneEvery = 10 * time.Minute
	// caseLogPruneBatch bounds the rows one pruning transaction deletes (a
	// transaction's own rows, sharing one xid, are never split).
	caseLogPruneBatch = 5000
	// caseLogPruneBatches bounds the transactions of one pruning.
	caseLogPruneBatches = 20
)

// PruneCaseLog deletes the rows of the case change log older than the
// retention, in bounded batches, and returns how many it deleted. Refreshes
// call it every caseLogPruneEvery; a periodic job may call it too.
func (s *IndicatorStore) PruneCaseLog(ctx context.Context) (int64, error) {
	return s.cache.pruneCaseLog(ctx)
}

// pruneCaseLog deletes old rows of the change log batch by batch until none
// is left, or caseLogPruneBatches batches.
func (c *indicatorCache) pruneCaseLog(ctx context.Context) (int64, error) {
	cutoff := time.Now().Add(-c.retention).Unix()
	var total int64
	for i := 0; i < caseLogPruneBatches; i++ {
		n, more, err := c.pruneOnce(ctx, cutoff)
		total += n
		if err != nil {
			return total, fmt.Errorf("indicator cache: prune case log: %w", err)
		}
		if !more {
			break
		}
	}
	return total, nil
}

// pruneOnce deletes, in one transaction, the rows with key ≤ E, where E is
// the largest key such that
//   - the rows up to E are about pruneBatch rows (the first of the log in key order),
//   - every row up to E is older than cutoff (the first younger row stops it),
//   - on SQLite, E is below the newest seq, which is kept, so MAX(seq) + 1 never
//     falls back to a seq already handed out;
//
// and raises the horizon to E. more reports whether a next batch may find rows.
// On PostgreSQL a transaction still open may later add rows with an xid below
// E (it could not be deleted now: it was not visible); caseBehind allows for it.
// Bounding E by the snapshot's xmin instead would stop all pruning while any
// transaction of the cluster stays open (a long backup, a stuck session).
func (c *indicatorCache) pruneOnce(ctx context.Context, cutoff int64) (n int64, more bool, err error) {
	pg := c.db.dialect.name() == "postgres"
	key := "seq"
	if pg {
		key = "xid"
	}
	tx, err := c.db.begin(ctx)
	if err != nil {
		return 0, false, err
	}
	defer tx.Rollback()
	// Lock the horizon first: pruners then take turns, and each computes its
	// batch from what the one before it left (two concurrent deletes of
	// overlapping rows could deadlock on PostgreSQL).
	if _, err := tx.exec(ctx, `UPDATE indicator_cache_marks SET value = value WHERE name = 'case_log_pruned'`); err != nil {
		return 0, false, err
	}
	limit := int64(math.MaxInt64)
	if !pg {
		if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM indicator_case_changes`).Scan(&limit); err != nil {
			return 0, false, err
		}
	}
	var end, young sql.NullInt64
	if err := tx.queryRow(ctx, `SELECT MAX(k) FROM (SELECT `+key+` AS k FROM indicator_case_changes WHERE `+key+` < ? ORDER BY `+key+` LIMIT ?) x`,
		limit, c.pruneBatch).Scan(&end); err != nil {
		return 0, false, err
	}
	if !end.Valid {
		return 0, false, nil
	}
	more = true
	if err := tx.queryRow(ctx, `SELECT MIN(`+key+`) FROM indicator_case_changes WHERE `+key+` <= ? AND at >= ?`, end.Int64, cutoff).Scan(&young); err != nil {
		return 0, false, err
	}
	if young.Valid {
		end.Int64, more = young.Int64-1, false
	}
	res, err := tx.exec(ctx, `DELETE FROM indicator_case_changes WHERE `+key+` <= ?`, end.Int64)
	if err != nil {
		return 0, false, err
	}
	if n, err = res.RowsAffected(); err != nil {
		return 0, false, err
	}
	if n == 0 {
		return 0, false, nil
	}
	if _, err := tx.exec(ctx, `UPDATE indicator_cache_marks SET value = ? WHERE name = 'case_log_pruned' AND value < ?`, end.Int64, end.Int64); err != nil {
		return 0, false, err
	}
	return n, more, tx.Commit()
}

// caseBehind reports whether pruning may have deleted a row of the log this
// cache still needs; every row at or below the horizon may be gone. SQLite
// needs seq > mark. PostgreSQL needs xid ≥ xmax of the last snapshot, or an xid
// in its xip list: such a transaction at or below the horizon matters only once
// it has ended (by the snapshot now, whose xip is now): while it runs its rows
// are invisible, so no prune took them, and they are read once it ends. A
// transaction open for longer than the retention thus costs one reload when it
// ends, not one at every refresh.
func (c *indicatorCache) caseBehind(ctx context.Context, now []any) (bool, error) {
	var pruned int64
	if err := c.db.queryRow(ctx, `SELECT value FROM indicator_cache_marks WHERE name = 'case_log_pruned'`).Scan(&pruned); err != nil {
		return false, fmt.Errorf("indicator cache: case log horizon: %w", err)
	}
	if c.db.dialect.name() != "postgres" {
		return pruned > c.caseMark, nil
	}
	if pruned >= c.caseMark {
		// A horizon at or beyond every xid this cluster has handed out cannot be
		// this cluster's: it came with a copy of another cluster's database
		// (pg_dump, pg_upgrade's dump path). Kept, it would make every refresh
		// reload; forget it (only rows of the other cluster lie beyond it).
		var xmax int64
		if err := c.db.queryRow(ctx, `SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint`).Scan(&xmax); err != nil {
			return false, fmt.Errorf("indicator cache: case log horizon: %w", err)
		}
		if pruned >= xmax {
			if _, err := c.db.write.ExecContext(ctx, `UPDATE indicator_cache_marks SET value = 0 WHERE name = 'case_log_pruned' AND value = $1`, pruned); err != nil {
				return false, fmt.Errorf("indicator cache: reset a foreign case log horizon: %w", err)
			}
			return false, nil
		}
		return true, nil
	}
	for _, x := range c.caseXip {
		if x.(int64) <= pruned && !slices.Contains(now, x) {
			return true, nil
		}
	}
	return false, nil
}

// resetCases forgets every case the cache counted, before a full reload.
func (c *indicatorCache) resetCases() {
	for _, m := range c.cases.measures {
		m.buckets, m.sums = map[int32][]cacheEntry{}, map[int32]map[int32]int64{}
	}
	c.cases.state, c.cases.extra, c.cases.records = nil, map[int64][]vk{}, 0
}
