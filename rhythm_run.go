package zhili

import (
	"context"
	"time"
)

// FiledCheck is a filed daily sweep with the names a list shows.
type FiledCheck struct {
	DailyCheck
	GridCode string `json:"grid_code"`
	GridName string `json:"grid_name"`
	UserName string `json:"user_name"`
}

// JobRun is one (job, period) the scheduler claimed: who ran it, when it
// finished, and the error of its last failed attempt.
type JobRun struct {
	Job         string     `json:"job"`
	Period      string     `json:"period"`
	PeriodStart time.Time  `json:"period_start"`
	Instance    string     `json:"instance"`
	StartedAt   time.Time  `json:"started_at"`
	FinishedAt  *time.Time `json:"finished_at,omitempty"`
	Error       string     `json:"error,omitempty"`
	Attempts    int        `json:"attempts"`
}

// RhythmReader reads what the rhythm has recorded: filed sweeps and the
// scheduler's runs. The store implements it on the same value as RhythmService.
type RhythmReader interface {
	// DailyChecks lists the sweeps filed for day under a region in the caller's
	// scope, by grid. ENOTFOUND for a region outside it, EINVALID for a bad day,
	// EFORBIDDEN without ActBusinessRead.
	DailyChecks(ctx context.Context, under int64, day string) ([]*FiledCheck, error)
	// JobRuns lists the scheduler's runs, newest period first, of one job or all
	// (job ""), at most limit. The runs are deployment-wide: only the system
	// administrator and a county governance-centre operator may read them
	// (EFORBIDDEN otherwise).
	JobRuns(ctx context.Context, job string, limit int) ([]*JobRun, error)
	// SweepGrids lists the grids the caller may file a sweep for on day: those
	// where its person holds a grid-member post, or for an account without a
	// person link every grid in its scope (at most 500), by code.
	SweepGrids(ctx context.Context, day string) ([]*Region, error)
	// Today is the current China-time day on the store's clock, the default day
	// of sweeps and lists.
	Today() string
}
