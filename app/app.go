// Package app assembles zhili from its parts: it hands the HTTP server every service
// of one database, so `zhili serve`, the CLI's report command and the browser tests
// run exactly the same program. The import direction is cmd → app → http, sqlstore,
// indicator, report, ledger → zhili.
package app

import (
	"context"
	"log/slog"
	"time"

	zhttp "github.com/zhili-project/zhili/http"
	"github.com/zhili-project/zhili/indicator"
	"github.com/zhili-project/zhili/ledger"
	"github.com/zhili-project/zhili/report"
	"github.com/zhili-project/zhili/sqlstore"
)

// Parts are the pieces Wire built that their owner may want to drive directly.
type Parts struct {
	// Indicators is the indicator store with its column cache; Warm loads it.
	Indicators *sqlstore.IndicatorStore
	// Engine computes indicators over Indicators.
	Engine *indicator.Engine
	// Events is the case event feed; its Start numbers new events for it.
	Events *sqlstore.EventService
}

// Warm loads the indicator cache now rather than on the first request, then
// refreshes it every interval until ctx ends: the cache follows the case writes
// even while nobody asks for figures, and this instance takes its turn pruning
// the case change log (docs/indicators.md). Errors are logged, not fatal: the
// next tick, or the first request, retries.
func (p *Parts) Warm(ctx context.Context, log *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := p.Indicators.Refresh(ctx); err != nil && ctx.Err() == nil {
			log.Warn("indicator cache", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Wire sets every service of s to the store of db.
func Wire(s *zhttp.Server, db *sqlstore.DB) *Parts {
	s.Auth = sqlstore.NewAuthService(db)
	s.Regions = sqlstore.NewRegionService(db)
	s.Units = sqlstore.NewUnitService(db)
	s.People = sqlstore.NewPersonService(db)
	s.Users = sqlstore.NewUserService(db)
	s.Audit = sqlstore.NewAuditService(db)
	locate := sqlstore.NewLocateService(db)
	s.Locate = locate
	cases := sqlstore.NewIntakeCaseService(db) // group commit for intake
	s.Cases, s.Queues, s.Attachments = cases, cases, cases
	s.Tasks = sqlstore.NewTaskService(db)
	s.Public = sqlstore.NewPublicService(db, locate)
	s.Rhythm = sqlstore.NewRhythmService(db)
	s.Calendar = sqlstore.NewCalendarService(db)
	s.DeptReports, s.DeptTokens = sqlstore.NewDepartmentReportService(db), sqlstore.NewDepartmentTokenService(db)
	catalog := ledger.Default()
	s.Ledgers, s.LedgerCatalog = sqlstore.NewLedgerService(db, catalog), catalog
	p := &Parts{Indicators: sqlstore.NewIndicatorStore(db, indicator.Default())}
	p.Engine = indicator.NewEngine(indicator.Default(), p.Indicators)
	s.Indicators = p.Engine
	p.Events = sqlstore.NewEventService(db) // the case event feed (docs/api.md#event-feed)
	s.Events = p.Events
	s.Reports = ReportService(db, p.Engine)
	s.Cockpit = sqlstore.NewCockpitService(db)
	s.Assess, s.Notices = sqlstore.NewAssessService(db), sqlstore.NewNoticeService(db) // docs/assessment.md
	s.DB = db
	return p
}

// ReportService is the report service of db (docs/reports.md). Figures come from
// engine, or from a new engine over db when nil, then from the case counts.
func ReportService(db *sqlstore.DB, engine *indicator.Engine) *report.Service {
	if engine == nil {
		engine = indicator.NewEngine(indicator.Default(), sqlstore.NewIndicatorStore(db, indicator.Default()))
	}
	regions := sqlstore.NewRegionService(db)
	return &report.Service{
		Renderer: &report.Renderer{
			Figures: report.Chain{
				report.IndicatorFigures{Indicators: engine},
				report.CaseFigures{Counts: sqlstore.NewCaseService(db), Regions: regions},
			},
			Regions:  regions,
			Rhythm:   sqlstore.NewRhythmService(db),
			Settings: db,
			Clock:    db.Clock,
			Tasks:    sqlstore.NewTaskService(db),          // the tasks.period table
			Assess:   sqlstore.NewAssessService(db),        // the assess.* tables (季点评)
			Disputes: sqlstore.NewDisputeReportService(db), // the disputes.* tables (专刊)
		},
		Archive: sqlstore.NewReportArchiveService(db),
	}
}
