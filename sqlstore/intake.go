package sqlstore

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zhili-project/zhili"
)

// intakeMaxBatch bounds one group commit, so a burst does not make one
// transaction (and the wait of its first caller) arbitrarily long.
const intakeMaxBatch = 256

// IntakeCaseService is the case service with group commit for new cases. Each
// report is validated on its own, then concurrent reports are written in one
// transaction and acknowledged together after its commit: one fsync for many
// cases, so intake stays fast with synchronous=FULL, where every acknowledged
// case is on disk. A report that cannot be placed (a region outside the
// reporter's scope, say) fails alone; a database error fails the whole batch,
// and no case of it is acknowledged.
//
// There is no writer goroutine to start or stop: a caller that finds no batch
// being written becomes the writer and takes every report waiting, its own
// included; the others wait for their result. FindCase runs a prepared
// statement; every other method is CaseService's.
type IntakeCaseService struct {
	*CaseService
	// writing holds one token while a batch is written.
	writing chan struct{}
	mu      sync.Mutex
	pending []*intakeReport
	// reads and writes hold the prepared statements of the intake path.
	reads, writes *stmtCache
	// batches, cases and commitNanos count what has been written, for Stats.
	batches, cases, commitNanos atomic.Int64
}

// IntakeStats says how group commit has gone since the service was made: how
// many transactions, how many cases in them, and the time spent committing
// (the fsync, mostly).
type IntakeStats struct {
	Batches, Cases int64
	Commit         time.Duration
}

// Stats returns the counts so far.
func (s *IntakeCaseService) Stats() IntakeStats {
	return IntakeStats{Batches: s.batches.Load(), Cases: s.cases.Load(), Commit: time.Duration(s.commitNanos.Load())}
}

// NewIntakeCaseService returns the case service of db with group commit for
// ReportCase.
func NewIntakeCaseService(db *DB) *IntakeCaseService {
	return &IntakeCaseService{CaseService: NewCaseService(db), writing: make(chan struct{}, 1),
		reads: newStmtCache(db.read, db.dialect), writes: newStmtCache(db.write, db.dialect)}
}

// The HTTP server finds the other case services on the value it is given.
var (
	_ zhili.CaseService           = (*IntakeCaseService)(nil)
	_ zhili.CaseAttachmentService = (*IntakeCaseService)(nil)
	_ zhili.CaseCountService      = (*IntakeCaseService)(nil)
	_ zhili.CaseQueueService      = (*IntakeCaseService)(nil)
)

// intakeReport is one report waiting for a batch.
type intakeReport struct {
	a       *zhili.Actor
	c       *zhili.Case
	parties []*zhili.Party
	err     error
	done    chan struct{} // closed when err is final
}

// ReportCase enters a case as CaseService.ReportCase does, in a shared
// transaction. It returns once the case is committed (or has failed).
func (s *IntakeCaseService) ReportCase(ctx context.Context, c *zhili.Case, parties []*zhili.Party) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := a.Require(zhili.ActBusinessWrite); err != nil {
		return err
	}
	bad := s.db.validateCase(ctx, c)
	for i, p := range parties {
		bad = append(bad, validateParty(i, p)...)
	}
	if len(bad) > 0 {
		return zhili.Invalid("The case is not valid.", bad...)
	}
	r := &intakeReport{a: a, c: c, parties: parties, done: make(chan struct{})}
	s.mu.Lock()
	s.pending = append(s.pending, r)
	s.mu.Unlock()
	for {
		select {
		case <-r.done:
			return r.err
		case s.writing <- struct{}{}:
		}
		// This caller is the writer now, unless the last writer took its report.
		select {
		case <-r.done:
			<-s.writing
			return r.err
		default:
		}
		s.mu.Lock()
		n := min(len(s.pending), intakeMaxBatch)
		batch := s.pending[:n:n]
		s.pending = s.pending[n:]
		s.mu.Unlock()
		s.writeBatch(context.WithoutCancel(ctx), batch)
		<-s.writing
	}
}

// writeBatch writes reports in one transaction and closes their done channels once the commit has decided their fate.
func (s *IntakeCaseService) writeBatch(ctx context.Context, batch []*intakeReport) {
	err := s.tryBatch(ctx, batch)
	for _, r := range batch {
		if r.err == nil && err != nil {
			r.err = err
		}
		close(r.done)
	}
}

func (s *IntakeCaseService) tryBatch(ctx context.Context, batch []*intakeReport) error {
	// Prepare before beginning: SQLite's write pool has one connection, which the
	// transaction then holds.
	for _, q := range intakeStatementSQL {
		if _, err := s.writes.get(ctx, q); err != nil {
			return err
		}
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.reportBatch(ctx, batch, s.writes); err != nil {
		return err
	}
	start := time.Now()
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit intake batch of %d: %w", len(batch), err)
	}
	s.batches.Add(1)
	s.cases.Add(int64(len(batch)))
	s.commitNanos.Add(int64(time.Since(start)))
	return nil
}
