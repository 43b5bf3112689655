package sqlstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/emmansun/gmsm/sm3"
	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/indicator"
	"github.com/zhili-project/zhili/report"
)

// Report jobs: the weekly dispatch sheet (周调度) each Monday morning for the week
// just ended and the monthly bulletin (月通报) on the 1st for the month just
// ended, for the county and each township, archived as Word files and announced
// to the accounts of each region (docs/assessment.md, 定时生成).
const (
	JobWeeklyReports  = "weekly_reports"
	JobMonthlyReports = "monthly_reports"
)

// ReportFormat is the format scheduled reports are archived in.
const ReportFormat = "docx"

// EnableReports adds the report jobs to the scheduler. They are opt-in because
// rendering every region's documents is the heaviest thing the rhythm does;
// the server turns them on.
func (s *Scheduler) EnableReports() {
	for _, j := range s.jobs {
		if j.name == JobWeeklyReports {
			return
		}
	}
	afterEnd := func(next func(time.Time) time.Time) func(time.Time) time.Time {
		return func(p time.Time) time.Time { return next(p).Add(morning) }
	}
	s.jobs = append(s.jobs,
		&job{name: JobWeeklyReports, start: weekStart, next: weekNext, label: weekLabel, due: afterEnd(weekNext), catchUp: true,
			prepare: perRegion(zhili.LevelCounty, zhili.LevelTownship, renderFor("weekly_dispatch")), apply: issueReports("周调度")},
		&job{name: JobMonthlyReports, start: monthStart, next: monthNext, label: monthLabel, due: afterEnd(monthNext), catchUp: true,
			prepare: perRegion(zhili.LevelCounty, zhili.LevelTownship, renderFor("monthly_bulletin")), apply: issueReports("月通报")},
	)
}

// ReportRenderer is the renderer the scheduled reports use: the indicator
// engine first, the store's case counts for the rest, the rhythm's tables, the
// work plan's tasks and the assessment.
func ReportRenderer(db *DB) *report.Renderer {
	regions := NewRegionService(db)
	cat := indicator.Default()
	return &report.Renderer{
		Figures: report.Chain{
			report.IndicatorFigures{Indicators: indicator.NewEngine(cat, NewIndicatorStore(db, cat))},
			report.CaseFigures{Counts: NewCaseService(db), Regions: regions},
		},
		Regions: regions, Rhythm: NewRhythmService(db), Settings: db, Clock: db.Clock,
		Tasks: NewTaskService(db), Assess: NewAssessService(db),
	}
}

// renderFor renders template name for a region and the period starting at p,
// outside the claiming transaction.
func renderFor(name string) func(ctx context.Context, db *DB, r *scopedRegion, p time.Time) (any, error) {
	return func(ctx context.Context, db *DB, r *scopedRegion, p time.Time) (any, error) {
		var code string
		if err := db.queryRow(ctx, `SELECT code FROM regions WHERE id = ?`, r.ID).Scan(&code); err != nil {
			return nil, err
		}
		day := zhili.Day(p)
		d, err := ReportRenderer(db).Render(ctx, name, report.Params{Region: code, From: day, To: day})
		if err != nil {
			return nil, err
		}
		content, err := report.Encode(d, ReportFormat)
		if err != nil {
			return nil, err
		}
		return &report.Archive{Template: d.Template, Title: d.Title, RegionID: r.ID, RegionName: r.Name, From: d.From, To: d.To,
			Format: ReportFormat, Content: content}, nil
	}
}

// issueReports archives the rendered reports and announces each to its
// region's accounts, in the claiming transaction.
func issueReports(label string) func(context.Context, *Tx, time.Time, []snapshot) error {
	return func(ctx context.Context, tx *Tx, p time.Time, prepared []snapshot) error {
		a := zhili.ActorFromContext(ctx)
		for _, s := range prepared {
			arch := s.body.(*report.Archive)
			if err := tx.insertArchive(ctx, a, arch); err != nil {
				return err
			}
			n, err := tx.notifyRegion(ctx, arch.RegionID, "report", label+"已印发："+arch.Title,
				"/reports/archive/"+strconv.FormatInt(arch.ID, 10), arch.ID)
			if err != nil {
				return err
			}
			if err := tx.audit(ctx, a, "report.issue", "report_archive", arch.ID, map[string]any{
				"template": arch.Template, "region_id": arch.RegionID, "from": arch.From, "to": arch.To, "sm3": arch.SM3, "notified": n}); err != nil {
				return err
			}
		}
		return nil
	}
}

// insertArchive stores an archived report with its hashes, as ArchiveReport does.
func (tx *Tx) insertArchive(ctx context.Context, act *zhili.Actor, a *report.Archive) error {
	sum := sha256.Sum256(a.Content)
	h := sm3.New()
	h.Write(a.Content)
	a.SHA256, a.SM3, a.Size = hex.EncodeToString(sum[:]), hex.EncodeToString(h.Sum(nil)), int64(len(a.Content))
	a.GeneratedBy, a.GeneratedByName, a.GeneratedAt = act.UserID, act.Username, tx.now
	err := tx.queryRow(ctx, `INSERT INTO report_archive (template, title, region_id, period_from, period_to, format, content, size,
		sha256, sm3, generated_by, generated_by_name, generated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		a.Template, a.Title, a.RegionID, a.From, a.To, a.Format, a.Content, a.Size, a.SHA256, a.SM3,
		nullID(a.GeneratedBy), a.GeneratedByName, ts(a.GeneratedAt)).Scan(&a.ID)
	if err != nil {
		return fmt.Errorf("archive %s for region %d: %w", a.Template, a.RegionID, err)
	}
	return nil
}
