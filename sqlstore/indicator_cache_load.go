package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/zhili-project/zhili/indicator"
)

// Loading and refreshing the column cache. Cases: a full read at first, then
// the cases named in indicator_case_changes since the last mark (migration
// 0008). Ledgers: every record with seq above the last seen (ledger_records.seq
// comes from a counter taken in the writing transaction, so it grows in commit
// order). Re-reading a record is harmless: apply replaces what it counted.
// The case log is pruned (indicator_cache_prune.go): an instance that fell
// behind the pruning reloads the cases whole.

const caseCacheColumns = `id, region_id, kind, category, state, source, risk, reported_at, COALESCE(resolved_at, ''),
	workers_paid, wages_recovered_fen, amount_fen, people, workers`

// refresh brings the cache up to date unless it was refreshed within fresh,
// and prunes the case change log when this instance's turn has come (outside
// the cache's lock: pruning touches only the database).
func (c *indicatorCache) refresh(ctx context.Context, fresh time.Duration) error {
	prune, err := c.update(ctx, fresh)
	if err != nil || !prune {
		return err
	}
	_, err = c.pruneCaseLog(ctx)
	return err
}

// update refreshes the cache and reports whether the change log is due for pruning.
func (c *indicatorCache) update(ctx context.Context, fresh time.Duration) (prune bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.loaded && fresh > 0 && time.Since(c.at) < fresh {
		return false, nil
	}
	if err := c.loadRegions(ctx); err != nil {
		return false, err
	}
	if err := c.loadOrg(ctx); err != nil {
		return false, err
	}
	if !c.loaded {
		if err := c.loadCases(ctx); err != nil {
			return false, err
		}
	} else if behind, err := c.caseChanges(ctx); err != nil {
		return false, err
	} else if behind {
		// The log no longer holds every change since this instance's mark (it was
		// stopped or idle longer than the retention): start again from the cases.
		c.resetCases()
		c.reloads++
		if err := c.loadCases(ctx); err != nil {
			return false, err
		}
	}
	if err := c.ledgerChanges(ctx); err != nil {
		return false, err
	}
	c.loaded, c.at = true, time.Now()
	if c.at.Before(c.pruneNext) {
		return false, nil
	}
	c.pruneNext = c.at.Add(c.pruneEvery)
	return true, nil
}

// loadCases reads every case, from a mark taken before the read.
func (c *indicatorCache) loadCases(ctx context.Context) error {
	mark, xip, err := c.caseMarkNow(ctx)
	if err != nil {
		return err
	}
	if err := c.readCases(ctx, "", nil); err != nil {
		return err
	}
	c.caseMark, c.caseXip = mark, xip
	return nil
}

// loadRegions reloads the region ranks when the tree changed.
func (c *indicatorCache) loadRegions(ctx context.Context) error {
	// Every change of the tree (create, rename, move, retire) writes a region event.
	var n, event int64
	var latest string
	if err := c.db.queryRow(ctx, `SELECT COUNT(*), COALESCE(MAX(updated_at), ''), (SELECT COALESCE(MAX(id), 0) FROM region_events) FROM regions`).Scan(&n, &latest, &event); err != nil {
		return fmt.Errorf("indicator cache: regions: %w", err)
	}
	fp := strconv.FormatInt(n, 10) + "|" + latest + "|" + strconv.FormatInt(event, 10)
	if fp == c.regionFP {
		return nil
	}
	rows, err := c.db.query(ctx, `SELECT id, path FROM regions`)
	if err != nil {
		return fmt.Errorf("indicator cache: regions: %w", err)
	}
	defer rows.Close()
	var ids []int64
	var paths []string
	for rows.Next() {
		var id int64
		var p string
		if err := rows.Scan(&id, &p); err != nil {
			return err
		}
		ids, paths = append(ids, id), append(paths, p)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	c.setRegions(ids, paths)
	c.regionFP = fp
	return nil
}

// caseMarkNow is the point from which case changes must be read: the last
// change seq (SQLite), or a snapshot taken now (PostgreSQL): its xmax and the
// transactions still in progress, whose changes it does not see. Everything it
// does see is read now (the read comes later, in a snapshot at least as new);
// next time only transactions it did not see are read: xid ≥ xmax or in xip.
// (The snapshot's xmin would do too, but it is cluster-wide: one long
// transaction anywhere would make every refresh re-read everything since.)
func (c *indicatorCache) caseMarkNow(ctx context.Context) (int64, []any, error) {
	if c.db.dialect.name() != "postgres" {
		var mark int64
		if err := c.db.queryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM indicator_case_changes`).Scan(&mark); err != nil {
			return 0, nil, fmt.Errorf("indicator cache: case mark: %w", err)
		}
		return mark, nil, nil
	}
	var snap string
	if err := c.db.queryRow(ctx, `SELECT pg_current_snapshot()::text`).Scan(&snap); err != nil {
		return 0, nil, fmt.Errorf("indicator cache: case mark: %w", err)
	}
	parts := strings.Split(snap, ":") // xmin:xmax:xip,xip…
	if len(parts) != 3 {
		return 0, nil, fmt.Errorf("indicator cache: snapshot %q", snap)
	}
	xmax, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return 0, nil, fmt.Errorf("indicator cache: snapshot %q: %w", snap, err)
	}
	var xip []any
	for _, x := range strings.Split(parts[2], ",") {
		if n, err := strconv.ParseInt(x, 10, 64); err == nil {
			xip = append(xip, n)
		}
	}
	return xmax, xip, nil
}

// caseChanges re-reads the cases changed since the mark, unless pruning took
// rows of the log the cache has not read (behind: the caller reloads).
func (c *indicatorCache) caseChanges(ctx context.Context) (behind bool, err error) {
	pg := c.db.dialect.name() == "postgres"
	next, xip, err := c.caseMarkNow(ctx)
	if err != nil {
		return false, err
	}
	if behind, err := c.caseBehind(ctx, xip); err != nil || behind {
		return behind, err
	}
	q := `SELECT DISTINCT case_id FROM indicator_case_changes WHERE seq > ? AND seq <= ?`
	args := []any{c.caseMark, next}
	if pg {
		// Two index range reads, not one OR, which the planner may turn into a scan
		// of the whole log.
		q, args = `SELECT case_id FROM indicator_case_changes WHERE xid >= ?`, []any{c.caseMark}
		if len(c.caseXip) > 0 {
			q += ` UNION SELECT case_id FROM indicator_case_changes WHERE xid IN (` + placeholders(len(c.caseXip)) + `)`
			args = append(args, c.caseXip...)
		}
	}
	rows, err := c.db.query(ctx, q, args...)
	if err != nil {
		return false, fmt.Errorf("indicator cache: case changes: %w", err)
	}
	var ids []any
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return false, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, err
	}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		if err := c.readCases(ctx, "id IN ("+placeholders(n)+")", ids[:n]); err != nil {
			return false, err
		}
		ids = ids[n:]
	}
	// A prune that committed between the check above and the read may have
	// taken rows the read needed; the horizon it wrote, read now, tells.
	if behind, err := c.caseBehind(ctx, xip); err != nil || behind {
		return behind, err
	}
	c.caseMark, c.caseXip = next, xip
	return false, nil
}

// readCases applies the cases matching where (all when empty); listed ids not
// found are gone.
func (c *indicatorCache) readCases(ctx context.Context, where string, ids []any) error {
	q := `SELECT ` + caseCacheColumns + ` FROM cases`
	if where != "" {
		q += " WHERE " + where
	}
	rows, err := c.db.query(ctx, q, ids...)
	if err != nil {
		return fmt.Errorf("indicator cache: cases: %w", err)
	}
	defer rows.Close()
	seen := map[int64]bool{}
	var text [5]string
	var nums [5]int64
	var rep, res string
	row := &cacheRow{
		get: func(f string) (string, bool) {
			switch f {
			case "kind":
				return text[0], true
			case "category":
				return text[1], true
			case "state":
				return text[2], true
			case "source":
				return text[3], true
			case "risk":
				return text[4], true
			}
			return "", false
		},
		num: func(f string) int64 {
			switch f {
			case "workers_paid":
				return nums[0]
			case "wages_recovered_fen":
				return nums[1]
			case "amount_fen":
				return nums[2]
			case "people":
				return nums[3]
			case "workers":
				return nums[4]
			}
			return 0
		},
	}
	for rows.Next() {
		var region int64
		if err := rows.Scan(&row.id, &region, &text[0], &text[1], &text[2], &text[3], &text[4], &rep, &res,
			&nums[0], &nums[1], &nums[2], &nums[3], &nums[4]); err != nil {
			return fmt.Errorf("indicator cache: scan case: %w", err)
		}
		row.region, row.gone = int32(region), false
		row.days = [2]int32{chinaDay(rep), chinaDay(res)}
		c.apply(c.cases, row)
		if where != "" {
			seen[row.id] = true
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if !seen[id.(int64)] {
			c.apply(c.cases, &cacheRow{id: id.(int64), gone: true})
		}
	}
	return nil
}

// ledgerChanges applies every ledger record written since the last seq seen.
func (c *indicatorCache) ledgerChanges(ctx context.Context) error {
	rows, err := c.db.query(ctx, `SELECT id, ledger, region_id, record_date, data, deleted_at IS NOT NULL, seq
		FROM ledger_records WHERE seq > ? ORDER BY seq`, c.ledgMark)
	if err != nil {
		return fmt.Errorf("indicator cache: ledger records: %w", err)
	}
	defer rows.Close()
	var data map[string]any
	row := &cacheRow{
		get: func(f string) (string, bool) {
			v, ok := data[f]
			if !ok || v == nil {
				return "", false
			}
			return indicator.CondValue(v), true
		},
		num: func(f string) int64 {
			switch v := data[f].(type) {
			case json.Number:
				if n, err := v.Int64(); err == nil {
					return n
				}
				f, _ := v.Float64()
				return int64(f)
			}
			return 0
		},
	}
	for rows.Next() {
		var region, seq int64
		var day, raw string
		var deleted bool
		if err := rows.Scan(&row.id, &row.ledger, &region, &day, &raw, &deleted, &seq); err != nil {
			return fmt.Errorf("indicator cache: scan ledger record: %w", err)
		}
		data = nil
		if !deleted {
			dec := json.NewDecoder(strings.NewReader(raw))
			dec.UseNumber()
			if err := dec.Decode(&data); err != nil {
				return fmt.Errorf("indicator cache: ledger record %d: %w", row.id, err)
			}
		}
		row.region, row.gone = int32(region), deleted
		row.days = [2]int32{civilDay(day), -1}
		c.apply(c.ledgers, row)
		c.ledgMark = max(c.ledgMark, seq)
	}
	return rows.Err()
}
