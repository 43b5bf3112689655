package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/zhili-project/zhili"
)

// job is one duty of the rhythm. Periods are named by their start in China time;
// the run of a period becomes due at due(start).
type job struct {
	name  string
	start func(t time.Time) time.Time // start of the period holding t
	next  func(p time.Time) time.Time
	label func(p time.Time) string
	due   func(p time.Time) time.Time
	// catchUp runs every missed period after downtime; without it only the latest
	// due period runs (supervision covers all passed deadlines in one run).
	catchUp bool
	// prepare computes outside the claiming transaction (reads only); apply writes
	// inside it, with the claim.
	prepare func(ctx context.Context, db *DB, p time.Time) ([]snapshot, error)
	apply   func(ctx context.Context, tx *Tx, p time.Time, prepared []snapshot) error
}

// snapshot is one rhythm_reports row to store.
type snapshot struct {
	regionID int64
	body     any
}

// morning is when a day's, a week's or a month's report is due after it ends:
// the lists are ready when work starts.
const morning = 6 * time.Hour

// Job names, as in job_runs and rhythm_reports.
const (
	JobSupervise       = "supervise"        // every ten minutes: 超期自动督办
	JobDailyChecks     = "daily_checks"     // each morning: yesterday's missing sweeps per township
	JobWeeklyReview    = "weekly_review"    // each Monday morning: last week's 周研判 per township
	JobDispatchList    = "dispatch_list"    // the 1st and 16th: 半月调度 list per county
	JobMonthlyBulletin = "monthly_bulletin" // the 1st: last month's 月督查通报 data per county
)

func defaultJobs() []*job {
	afterEnd := func(next func(time.Time) time.Time) func(time.Time) time.Time {
		return func(p time.Time) time.Time { return next(p).Add(morning) }
	}
	return []*job{
		{name: JobSupervise, start: slotStart, next: slotNext, label: slotLabel, due: func(p time.Time) time.Time { return p },
			apply: func(ctx context.Context, tx *Tx, _ time.Time, _ []snapshot) error {
				_, err := tx.supervise(ctx, zhili.ActorFromContext(ctx))
				return err
			}},
		{name: JobDailyChecks, start: dayStart, next: dayNext, label: dayLabel, due: afterEnd(dayNext), catchUp: true,
			prepare: perRegion(zhili.LevelTownship, zhili.LevelTownship, func(ctx context.Context, db *DB, r *scopedRegion, p time.Time) (any, error) {
				list, err := db.missingChecks(ctx, r.Path, dayLabel(p))
				return map[string]any{"day": dayLabel(p), "region_id": r.ID, "region": r.Name, "missing": list}, err
			}), apply: storeSnapshots(JobDailyChecks, dayLabel)},
		{name: JobWeeklyReview, start: weekStart, next: weekNext, label: weekLabel, due: afterEnd(weekNext), catchUp: true,
			prepare: perRegion(zhili.LevelTownship, zhili.LevelTownship, func(ctx context.Context, db *DB, r *scopedRegion, p time.Time) (any, error) {
				return db.weeklyReview(ctx, r, p)
			}), apply: storeSnapshots(JobWeeklyReview, weekLabel)},
		{name: JobDispatchList, start: halfStart, next: halfNext, label: halfLabel, due: func(p time.Time) time.Time { return p.Add(morning) }, catchUp: true,
			prepare: perRegion(zhili.LevelCity, zhili.LevelCounty, func(ctx context.Context, db *DB, r *scopedRegion, p time.Time) (any, error) {
				list, err := db.dispatchList(ctx, r.Path, p.Add(morning))
				return map[string]any{"period": halfLabel(p), "region_id": r.ID, "region": r.Name, "at": p.Add(morning).UTC(), "cases": list}, err
			}), apply: storeSnapshots(JobDispatchList, halfLabel)},
		{name: JobMonthlyBulletin, start: monthStart, next: monthNext, label: monthLabel, due: afterEnd(monthNext), catchUp: true,
			prepare: perRegion(zhili.LevelCity, zhili.LevelCounty, func(ctx context.Context, db *DB, r *scopedRegion, p time.Time) (any, error) {
				return db.monthlyBulletin(ctx, r, p)
			}), apply: storeSnapshots(JobMonthlyBulletin, monthLabel)},
	}
}

// perRegion computes one snapshot for each active region between two levels.
func perRegion(lo, hi zhili.RegionLevel, f func(ctx context.Context, db *DB, r *scopedRegion, p time.Time) (any, error)) func(context.Context, *DB, time.Time) ([]snapshot, error) {
	return func(ctx context.Context, db *DB, p time.Time) ([]snapshot, error) {
		rows, err := db.query(ctx, `SELECT id, name, path, level FROM regions WHERE level >= ? AND level <= ? AND retired_at IS NULL ORDER BY code`, int(lo), int(hi))
		if err != nil {
			return nil, fmt.Errorf("regions to report on: %w", err)
		}
		var regions []*scopedRegion
		for rows.Next() {
			var r scopedRegion
			if err := rows.Scan(&r.ID, &r.Name, &r.Path, &r.Level); err != nil {
				rows.Close()
				return nil, err
			}
			regions = append(regions, &r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("regions to report on: %w", err)
		}
		out := make([]snapshot, 0, len(regions))
		for _, r := range regions {
			body, err := f(ctx, db, r, p)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", r.Name, err)
			}
			out = append(out, snapshot{regionID: r.ID, body: body})
		}
		return out, nil
	}
}

// storeSnapshots inserts the prepared snapshots. A plain insert: the claim already
// makes the run unique, and a second run would fail loudly rather than hide.
func storeSnapshots(name string, label func(time.Time) string) func(context.Context, *Tx, time.Time, []snapshot) error {
	return func(ctx context.Context, tx *Tx, p time.Time, prepared []snapshot) error {
		for _, s := range prepared {
			body, err := json.Marshal(s.body)
			if err != nil {
				return fmt.Errorf("encode %s snapshot: %w", name, err)
			}
			if _, err := tx.exec(ctx, `INSERT INTO rhythm_reports (job, period, region_id, body, created_at) VALUES (?, ?, ?, ?, ?)`,
				name, label(p), s.regionID, string(body), ts(tx.now)); err != nil {
				return fmt.Errorf("store %s snapshot %s for region %d: %w", name, label(p), s.regionID, err)
			}
		}
		return nil
	}
}
