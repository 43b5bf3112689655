package sqlstore_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// rhRuns records what schedulers ran, from any goroutine.
type rhRuns struct {
	mu    sync.Mutex
	order []string
	n     map[string]int
	errs  []error
}

func (r *rhRuns) hook(job, period string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.n == nil {
		r.n = map[string]int{}
	}
	k := job + " " + period
	r.n[k]++
	r.order = append(r.order, k)
	if err != nil {
		r.errs = append(r.errs, err)
	}
}

// rhSecond opens a second store on the same database as db, as another instance
// of zhili would, sharing the test's clock.
func rhSecond(t *testing.T, db *sqlstore.DB) *sqlstore.DB {
	t.Helper()
	other, err := sqlstore.Open(db.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	other.Clock, other.Cipher = db.Clock, db.Cipher
	return other
}

// rhExpected lists the (job, period) runs the schedule owes between two instants
// for jobs that catch up, from the latest period due at start: worked out here
// by hand, in China time, independently of the scheduler's own period code.
func rhExpected(start, end time.Time) map[string]bool {
	cst := zhili.ChinaTime
	want := map[string]bool{}
	six := 6 * time.Hour
	for d := time.Date(2026, 3, 1, 0, 0, 0, 0, cst); !d.AddDate(0, 0, 1).Add(six).After(end); d = d.AddDate(0, 0, 1) {
		want["daily_checks "+d.Format("2006-01-02")] = true
	}
	for w := time.Date(2026, 2, 23, 0, 0, 0, 0, cst); !w.AddDate(0, 0, 7).Add(six).After(end); w = w.AddDate(0, 0, 7) {
		y, n := w.ISOWeek()
		want[fmt.Sprintf("weekly_review %d-W%02d", y, n)] = true
	}
	for m := time.Date(2026, 3, 1, 0, 0, 0, 0, cst); !m.Add(six).After(end); m = m.AddDate(0, 1, 0) {
		want["dispatch_list "+m.Format("2006-01")+"-A"] = true
		if !m.AddDate(0, 0, 15).Add(six).After(end) {
			want["dispatch_list "+m.Format("2006-01")+"-B"] = true
		}
	}
	for m := time.Date(2026, 2, 1, 0, 0, 0, 0, cst); !m.AddDate(0, 1, 0).Add(six).After(end); m = m.AddDate(0, 1, 0) {
		want["monthly_bulletin "+m.Format("2006-01")] = true
	}
	return want
}

// TestSchedulerRunsEachPeriodOnce: two instances on one database, each with two
// goroutines calling RunDue at once, through five weeks of a clock moving seven
// hours at a time. Every (job, period) runs exactly once, its snapshots exist once
// per region, and an overdue case is supervised once.
func TestSchedulerRunsEachPeriodOnce(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			rhMember(t, db, f, "王网格", f.VillageA, f.GridA)
			c := rhReport(t, db, f, "gridA", f.GridA, "无人受理")
			clock := db.Clock.(*zhili.FixedClock)
			start := clock.Now()
			var runs rhRuns
			scheds := []*sqlstore.Scheduler{sqlstore.NewScheduler(db), sqlstore.NewScheduler(rhSecond(t, db))}
			for _, s := range scheds {
				s.OnRun = runs.hook
			}
			const rounds = 5 * 24 // 35 days of 7 hours
			for round := 0; round <= rounds; round++ {
				var wg sync.WaitGroup
				for i := 0; i < 4; i++ {
					wg.Add(1)
					go func(s *sqlstore.Scheduler) {
						defer wg.Done()
						if err := s.RunDue(context.Background()); err != nil {
							t.Errorf("round %d: %v", round, err)
						}
					}(scheds[i%2])
				}
				wg.Wait()
				if t.Failed() {
					return
				}
				if round < rounds {
					clock.Advance(7 * time.Hour)
				}
			}
			if len(runs.errs) > 0 {
				t.Fatalf("runs failed: %v", runs.errs)
			}
			want := rhExpected(start, clock.Now())
			supervised := 0
			for k, n := range runs.n {
				if n != 1 {
					t.Errorf("%s ran %d times", k, n)
				}
				if strings.HasPrefix(k, sqlstore.JobSupervise+" ") {
					supervised++
				} else if !want[k] {
					t.Errorf("%s ran but was not due", k)
				}
			}
			for k := range want {
				if runs.n[k] != 1 {
					t.Errorf("%s did not run", k)
				}
			}
			if supervised != rounds+1 {
				t.Errorf("%d supervision slots ran, want one per round (%d)", supervised, rounds+1)
			}
			r := rhRaw(t, db)
			if n := rhCount(t, r, `SELECT COUNT(*) FROM job_runs WHERE finished_at IS NOT NULL AND error = ''`); n != len(runs.n) {
				t.Errorf("job_runs has %d finished rows for %d runs", n, len(runs.n))
			}
			// Two townships for the daily and weekly snapshots, one county for the others.
			perJob := map[string]int{}
			for k := range want {
				job, _, _ := strings.Cut(k, " ")
				perJob[job]++
			}
			wantReports := 2*perJob["daily_checks"] + 2*perJob["weekly_review"] + perJob["dispatch_list"] + perJob["monthly_bulletin"]
			if n := rhCount(t, r, `SELECT COUNT(*) FROM rhythm_reports`); n != wantReports {
				t.Errorf("rhythm_reports has %d rows, want %d (%v)", n, wantReports, perJob)
			}
			if n := rhCount(t, r, fmt.Sprintf(`SELECT COUNT(*) FROM case_events WHERE case_id = %d AND action = 'supervise'`, c.ID)); n != 1 {
				t.Errorf("the overdue case was supervised %d times", n)
			}
			// The morning list of 2 March names the grid whose member filed nothing.
			rep, err := sqlstore.NewRhythmService(db).RhythmReport(f.Ctx(t, db, "townA"), sqlstore.JobDailyChecks, "2026-03-02", f.TownA.ID)
			if err != nil || !strings.Contains(string(rep.Body), "石桥村第一网格") || !strings.Contains(string(rep.Body), "王网格") {
				t.Errorf("daily snapshot: %v %+v", err, rep)
			}
			_, err = sqlstore.NewRhythmService(db).RhythmReport(f.Ctx(t, db, "townA"), sqlstore.JobDailyChecks, "2026-03-02", f.TownB.ID)
			rhCode(t, "township B's snapshot", err, zhili.ENOTFOUND)
		})
	}
}

// TestSchedulerCatchesUp: after three days of downtime the daily job runs each
// missed day, in order; supervision runs only the current slot; beyond the window
// nothing older is run. A failed run is recorded and retried on the next call.
func TestSchedulerCatchesUp(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			storetest.NewFixture(t, db)
			clock := db.Clock.(*zhili.FixedClock)
			s := sqlstore.NewScheduler(db)
			var runs rhRuns
			s.OnRun = runs.hook
			run := func() []string {
				t.Helper()
				runs.order = nil
				if err := s.RunDue(context.Background()); err != nil {
					t.Fatal(err)
				}
				var daily []string
				for _, k := range runs.order {
					if job, period, _ := strings.Cut(k, " "); job == sqlstore.JobDailyChecks {
						daily = append(daily, period)
					}
				}
				return daily
			}
			if got := run(); fmt.Sprint(got) != "[2026-03-01]" {
				t.Fatalf("first start: daily %v", got)
			}
			if got := run(); len(got) != 0 {
				t.Fatalf("second call at the same time: daily %v", got)
			}
			clock.Advance(3 * rhDay)
			if got := run(); fmt.Sprint(got) != "[2026-03-02 2026-03-03 2026-03-04]" {
				t.Fatalf("after three days down: daily %v", got)
			}
			supervise := 0
			for k := range runs.n {
				if strings.HasPrefix(k, sqlstore.JobSupervise+" ") {
					supervise++
				}
			}
			if supervise != 2 {
				t.Fatalf("supervision ran %d slots, want 2 (no catch-up)", supervise)
			}

			// Sixty days down: only the days within the 35-day window run.
			clock.Advance(60 * rhDay)
			got := run()
			sort.Strings(got)
			if len(got) != 35 || got[0] != "2026-03-30" || got[34] != "2026-05-03" {
				t.Fatalf("after sixty days down: %d daily runs, %v", len(got), got)
			}

			// A run that fails is recorded, then retried and cleared.
			r := rhRaw(t, db)
			if _, err := r.Exec(`ALTER TABLE rhythm_reports RENAME TO rhythm_reports_away`); err != nil {
				t.Fatal(err)
			}
			clock.Advance(rhDay)
			if err := s.RunDue(context.Background()); err == nil {
				t.Fatal("RunDue without the snapshot table succeeded")
			}
			if n := rhCount(t, r, `SELECT COUNT(*) FROM job_runs WHERE job = 'daily_checks' AND period = '2026-05-04' AND error <> '' AND attempts = 1`); n != 1 {
				t.Fatalf("failure not recorded")
			}
			if _, err := r.Exec(`ALTER TABLE rhythm_reports_away RENAME TO rhythm_reports`); err != nil {
				t.Fatal(err)
			}
			if got := run(); fmt.Sprint(got) != "[2026-05-04]" {
				t.Fatalf("retry: daily %v", got)
			}
			if n := rhCount(t, r, `SELECT COUNT(*) FROM job_runs WHERE job = 'daily_checks' AND period = '2026-05-04' AND error = '' AND attempts = 2 AND finished_at IS NOT NULL`); n != 1 {
				t.Fatalf("retry not recorded")
			}
		})
	}
}
