package sqlstore

import (
	"context"
	"time"
)

// ExecForTest runs a statement on the write pool: tests change rows behind the
// services' back, as a data correction or another program would.
func (db *DB) ExecForTest(ctx context.Context, q string, args ...any) error {
	_, err := db.write.ExecContext(ctx, db.dialect.rebind(q), args...)
	return err
}

// QueryIntForTest returns the single integer q selects.
func (db *DB) QueryIntForTest(ctx context.Context, q string, args ...any) (int64, error) {
	var n int64
	err := db.queryRow(ctx, q, args...).Scan(&n)
	return n, err
}

// SetCaseLogPruning sets the retention of the case change log, how often a
// refresh prunes it (0: at every refresh; negative: never) and the batch size.
func (s *IndicatorStore) SetCaseLogPruning(retention, every time.Duration, batch int) {
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	s.cache.retention, s.cache.pruneEvery, s.cache.pruneBatch = retention, every, batch
	if every < 0 {
		s.cache.pruneNext = time.Now().Add(100 * 365 * 24 * time.Hour)
	} else {
		s.cache.pruneNext = time.Time{}
	}
}

// CaseReloads counts the full reloads of the cases after the cache fell behind the log.
func (s *IndicatorStore) CaseReloads() int {
	s.cache.mu.RLock()
	defer s.cache.mu.RUnlock()
	return s.cache.reloads
}
