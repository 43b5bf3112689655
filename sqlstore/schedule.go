package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/zhili-project/zhili"
)

// maxAttempts is how often a failed period is tried before it is left for an
// operator to look at in job_runs.
const maxAttempts = 3

// Scheduler runs the rhythm's jobs on the store's clock. Any number of instances
// may run one on the same database: each (job, period) is claimed by inserting
// its job_runs row in the same transaction as the job's effects, so exactly one
// instance's run commits. After downtime the missed periods run in order, within
// a bounded window.
type Scheduler struct {
	db   *DB
	jobs []*job
	// Instance names this process in job_runs, for operators.
	Instance string
	// Window bounds catch-up: periods that fell due longer ago are skipped.
	Window time.Duration
	// Logger receives a line per run and per failure; nil logs nothing.
	Logger *slog.Logger
	// OnRun, when set, is told of every run this instance committed or failed.
	OnRun func(job, period string, err error)

	loop background
}

// NewScheduler returns a scheduler of db's jobs with a 35-day catch-up window.
func NewScheduler(db *DB) *Scheduler {
	host, _ := os.Hostname()
	b := make([]byte, 3)
	rand.Read(b)
	return &Scheduler{db: db, jobs: defaultJobs(), Window: 35 * 24 * time.Hour,
		Instance: fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))}
}

// Start runs RunDue now and then every interval until Stop or ctx ends.
func (s *Scheduler) Start(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = time.Minute
	}
	// Failed runs are logged one by one as they happen.
	s.loop.start(ctx, every, func(ctx context.Context) { _ = s.RunDue(ctx) })
}

// Stop ends the loop Start began and waits for a run in progress to finish.
func (s *Scheduler) Stop() { s.loop.stop() }

// RunDue runs every job period that is due now and not yet done by any instance,
// oldest first per job. A failing period does not stop the others; the failures
// are returned together and recorded in job_runs.
func (s *Scheduler) RunDue(ctx context.Context) error {
	now := s.db.Clock.Now()
	ctx = zhili.NewContextWithActor(ctx, zhili.SystemActor("scheduler"))
	var errs []error
	for _, j := range s.jobs {
		periods, err := s.duePeriods(ctx, j, now)
		if err != nil {
			if s.Logger != nil {
				s.Logger.Error("scheduled job: cannot list due periods", "job", j.name, "err", err)
			}
			errs = append(errs, err)
			continue
		}
		for _, p := range periods {
			if ctx.Err() != nil {
				return errors.Join(append(errs, ctx.Err())...)
			}
			if err := s.runPeriod(ctx, j, p); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// duePeriods lists the periods of j to try now: from the latest one any instance
// recorded (or, the first time, just the latest due) up to the latest due, plus
// failed ones still to retry, all within the window.
func (s *Scheduler) duePeriods(ctx context.Context, j *job, now time.Time) ([]time.Time, error) {
	latest := j.start(now)
	for i := 0; j.due(latest).After(now) && i < 3; i++ {
		latest = j.start(latest.Add(-time.Nanosecond))
	}
	if j.due(latest).After(now) {
		return nil, nil
	}
	from := latest
	var out []time.Time
	if j.catchUp {
		floor := now.Add(-s.Window)
		var last sql.NullString
		if err := s.db.queryRow(ctx, `SELECT MAX(period_start) FROM job_runs WHERE job = ?`, j.name).Scan(&last); err != nil {
			return nil, fmt.Errorf("job %s: last run: %w", j.name, err)
		}
		if last.Valid {
			from = j.start(parseTS(last.String))
			for j.due(from).Before(floor) && from.Before(latest) {
				from = j.next(from)
			}
		}
		rows, err := s.db.query(ctx, `SELECT period_start FROM job_runs WHERE job = ? AND error <> '' AND attempts < ? AND period_start >= ? AND period_start < ?`,
			j.name, maxAttempts, ts(floor), ts(from))
		if err != nil {
			return nil, fmt.Errorf("job %s: failed runs: %w", j.name, err)
		}
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, j.start(parseTS(p)))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("job %s: failed runs: %w", j.name, err)
		}
	}
	for p := from; !p.After(latest); p = j.next(p) {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out, nil
}

// runPeriod runs one period unless another instance has done it or is doing it.
func (s *Scheduler) runPeriod(ctx context.Context, j *job, p time.Time) error {
	label := j.label(p)
	var errText string
	var attempts int
	err := s.db.queryRow(ctx, `SELECT error, attempts FROM job_runs WHERE job = ? AND period = ?`, j.name, label).Scan(&errText, &attempts)
	switch {
	case err == nil && (errText == "" || attempts >= maxAttempts):
		return nil // done, or given up on
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("job %s %s: %w", j.name, label, err)
	}
	ran, err := s.attempt(ctx, j, p, label)
	if err != nil && ctx.Err() != nil {
		return err // shutting down: nothing committed, the period stays due
	}
	if err != nil {
		err = fmt.Errorf("job %s %s: %w", j.name, label, err)
		if rerr := s.recordFailure(ctx, j, p, label, err); rerr != nil {
			err = errors.Join(err, rerr)
		}
	}
	if ran || err != nil {
		if s.Logger != nil && err != nil {
			s.Logger.Error("scheduled job failed", "job", j.name, "period", label, "instance", s.Instance, "err", err)
		} else if s.Logger != nil {
			s.Logger.Info("scheduled job done", "job", j.name, "period", label, "instance", s.Instance)
		}
		if s.OnRun != nil {
			s.OnRun(j.name, label, err)
		}
	}
	return err
}

// attempt prepares, claims and applies a period in one transaction; ran is false
// when another instance holds the claim.
func (s *Scheduler) attempt(ctx context.Context, j *job, p time.Time, label string) (ran bool, err error) {
	var prepared []snapshot
	if j.prepare != nil {
		if prepared, err = j.prepare(ctx, s.db, p); err != nil {
			return false, err
		}
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	res, err := tx.exec(ctx, `INSERT INTO job_runs (job, period, period_start, instance, started_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (job, period) DO NOTHING`, j.name, label, ts(p), s.Instance, ts(tx.now))
	if err != nil {
		return false, fmt.Errorf("claim: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		// Someone has it; a failed run may be taken over, once, by whoever gets here first.
		res, err = tx.exec(ctx, `UPDATE job_runs SET instance = ?, started_at = ?, finished_at = NULL, error = '', attempts = attempts + 1
			WHERE job = ? AND period = ? AND error <> '' AND attempts < ?`, s.Instance, ts(tx.now), j.name, label, maxAttempts)
		if err != nil {
			return false, fmt.Errorf("claim retry: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return false, nil
		}
	}
	if err := j.apply(ctx, tx, p, prepared); err != nil {
		return false, err
	}
	if _, err := tx.exec(ctx, `UPDATE job_runs SET finished_at = ? WHERE job = ? AND period = ?`, ts(tx.now), j.name, label); err != nil {
		return false, fmt.Errorf("finish: %w", err)
	}
	return true, tx.Commit()
}

// recordFailure notes a failed run in its own transaction, never over a run that
// another instance completed meanwhile.
func (s *Scheduler) recordFailure(ctx context.Context, j *job, p time.Time, label string, cause error) error {
	now := ts(s.db.Clock.Now())
	msg := cause.Error()
	if len(msg) > 2000 {
		msg = strings.ToValidUTF8(msg[:2000], "")
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.exec(ctx, `INSERT INTO job_runs (job, period, period_start, instance, started_at, finished_at, error, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, 1)
		ON CONFLICT (job, period) DO UPDATE SET instance = excluded.instance, finished_at = excluded.finished_at, error = excluded.error,
		attempts = job_runs.attempts + 1 WHERE job_runs.error <> '' OR job_runs.finished_at IS NULL`,
		j.name, label, ts(p), s.Instance, now, now, msg); err != nil {
		return fmt.Errorf("record failure of %s %s: %w", j.name, label, err)
	}
	return tx.Commit()
}
