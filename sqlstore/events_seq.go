package sqlstore

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// The sequencer gives committed case events their seq (migration 0017). Writers
// insert events with seq NULL and pay nothing more, so intake keeps its speed; the
// sequencer numbers what has committed since its last run, in id order, in a
// transaction of its own that first takes the case_event_seq row. That row lock
// makes sequencers run one at a time across instances (PostgreSQL waits on it;
// SQLite has one writer anyway), and each run starts from the value the previous
// one committed, so seqs are given without gaps or repeats and grow in commit
// order: a reader that has seen seq N and later asks for seq > N gets every event
// that was not yet numbered when it read N, including one whose transaction began
// before and committed after. An event is never numbered before it commits,
// because the sequencer cannot see it until then.
//
// Numbering is not audited: it changes no business fact, runs every second, and
// only fills a column the timeline's writers left empty.

// sequenceBatch bounds one sequencing transaction, so a backlog (a bulk load, an
// instance that was down) is worked through in short write transactions.
const sequenceBatch = 5000

// Sequencer numbers committed case events; its zero value is not usable, see
// NewEventService.
type Sequencer struct {
	db *DB
	// Logger receives sequencing failures of the background loop; nil logs nothing.
	Logger *slog.Logger

	// mu makes this process's callers (the loop, readers asking on demand) take
	// turns, so they queue here rather than on the database row.
	mu   sync.Mutex
	loop background
}

// Sequence numbers every committed event still without a seq and returns how many
// it numbered. Safe to call from any number of goroutines and instances at once.
func (s *Sequencer) Sequence(ctx context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	total := 0
	for {
		// A read first: most runs find nothing and should not take the writer.
		if ok, err := s.pending(ctx); err != nil || !ok {
			return total, err
		}
		n, err := s.sequenceBatch(ctx)
		total += n
		if err != nil || n < sequenceBatch {
			return total, err
		}
	}
}

// SequenceSome is Sequence for a reader that should not wait: one batch at most,
// and nothing when this process is already sequencing (that run will number the
// events in a moment).
func (s *Sequencer) SequenceSome(ctx context.Context) (int, error) {
	if !s.mu.TryLock() {
		return 0, nil
	}
	defer s.mu.Unlock()
	if ok, err := s.pending(ctx); err != nil || !ok {
		return 0, err
	}
	return s.sequenceBatch(ctx)
}

// pending reports whether any committed event waits for its seq, from the read
// pool and the small index of unsequenced events.
func (s *Sequencer) pending(ctx context.Context) (bool, error) {
	var n int
	if err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM case_events WHERE seq IS NULL LIMIT 1) AS p`).Scan(&n); err != nil {
		return false, fmt.Errorf("find unsequenced events: %w", err)
	}
	return n > 0, nil
}

// sequenceBatch numbers up to sequenceBatch events in one transaction.
func (s *Sequencer) sequenceBatch(ctx context.Context) (int, error) {
	tx, err := s.db.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	// Take the counter row: another sequencer waits here until this one commits,
	// then reads the value it left (PostgreSQL re-reads an updated row after the
	// wait, even in READ COMMITTED).
	var last int64
	if err := tx.queryRow(ctx, `UPDATE case_event_seq SET value = value WHERE one = 1 RETURNING value`).Scan(&last); err != nil {
		return 0, fmt.Errorf("lock case event seq: %w", err)
	}
	// This statement's snapshot starts after the lock was taken, so it sees every
	// number an earlier run gave and every event committed so far.
	res, err := tx.exec(ctx, `UPDATE case_events SET seq = ? + s.n
		FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM case_events WHERE seq IS NULL ORDER BY id LIMIT ?) AS s
		WHERE case_events.id = s.id`, last, sequenceBatch)
	if err != nil {
		return 0, fmt.Errorf("sequence case events: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sequence case events: %w", err)
	}
	if n == 0 {
		return 0, nil
	}
	// The counter moves to the highest seq given, not last + n: were a selected
	// row deleted meanwhile (nothing in zhili deletes events; a manual cleanup
	// might), last + n would fall below a seq given, and every later run would
	// collide with it on the unique index.
	var top int64
	if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM case_events WHERE seq > ?`, last).Scan(&top); err != nil {
		return 0, fmt.Errorf("sequence case events: %w", err)
	}
	if _, err := tx.exec(ctx, `UPDATE case_event_seq SET value = ? WHERE one = 1`, max(top, last+n)); err != nil {
		return 0, fmt.Errorf("advance case event seq: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("commit case event seq: %w", err)
	}
	return int(n), nil
}

// Start runs Sequence now and then every interval (a second if zero) until Stop
// or ctx ends. Failures are logged and retried on the next tick.
func (s *Sequencer) Start(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = time.Second
	}
	s.loop.start(ctx, every, func(ctx context.Context) {
		if _, err := s.Sequence(ctx); err != nil && ctx.Err() == nil && s.Logger != nil {
			s.Logger.Warn("case event sequencer", "err", err)
		}
	})
}

// Stop ends the loop Start began and waits for a run in progress to finish.
func (s *Sequencer) Stop() { s.loop.stop() }
