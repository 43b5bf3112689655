package sqlstore

import (
	"context"
	"fmt"
)

// The demo seed (package demo) is not one transaction: it begins with an audit
// entry DemoSeedBegun and ends with DemoSeedFinished, so a database on which a
// seed failed part-way can be told from a finished demo and from real data.
const (
	DemoSeedBegun    = "demo.seed"
	DemoSeedFinished = "demo.seeded"
)

// DemoSeedState reports whether the audit log holds the demo seed's first and
// last entries.
func (db *DB) DemoSeedState(ctx context.Context) (begun, finished bool, err error) {
	var nb, nf int
	err = db.queryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN action = ? THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN action = ? THEN 1 ELSE 0 END), 0)
		FROM audit_log WHERE action IN (?, ?)`, DemoSeedBegun, DemoSeedFinished, DemoSeedBegun, DemoSeedFinished).Scan(&nb, &nf)
	if err != nil {
		return false, false, fmt.Errorf("read the demo seed's state: %w", err)
	}
	return nb > 0, nf > 0, nil
}
