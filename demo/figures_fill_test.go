package demo

import (
	"strings"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/indicator"
	"github.com/zhili-project/zhili/ledger"
	"github.com/zhili-project/zhili/report"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// TestSeedFigures seeds a small county on each database and asks the indicator
// engine for every FIGURES.md figure over the demo year: each must be above zero
// and open its records; the exchange material must render with every figure and
// name filled.
func TestSeedFigures(t *testing.T) {
	t.Parallel()
	today := time.Date(2026, 11, 27, 6, 30, 0, 0, time.UTC)
	from, to := "2025-11-28", "2026-11-27"
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			ctx := storetest.System()
			if _, err := Seed(ctx, db, Options{Seed: 5, Townships: 3, VillagesPerTownship: 4, GridsPerVillage: 1,
				CasesPerGrid: 80, SweepDays: -1, Today: today, Password: storetest.Password}); err != nil {
				t.Fatal(err)
			}
			db.Clock = &zhili.FixedClock{T: today}
			cat := indicator.Default()
			eng := indicator.NewEngine(cat, sqlstore.NewIndicatorStore(db, cat))
			sys := zhili.ActorFromContext(ctx)
			figures := 0
			// The demo year, and the cockpit's default: the calendar year to date.
			for _, p := range [][2]string{{from, to}, {"2026-01-01", to}} {
				for _, def := range cat.Defs {
					for _, fig := range def.Figures {
						figures++
						from, to := p[0], p[1]
						_, params, _ := cat.ByFigure(fig.No)
						v, err := eng.Figure(ctx, sys, fig.No, CountyCode, from, to)
						if err != nil {
							t.Fatalf("%s %s: %v", fig.No, def.ID, err)
						}
						if v.Raw <= 0 || strings.Contains(v.Text, "××") {
							t.Errorf("%s %s from %s = %d (%q), want above zero", fig.No, def.ID, from, v.Raw, v.Text)
							continue
						}
						recs, total, err := eng.IndicatorRecords(ctx, zhili.IndicatorQuery{ID: def.ID, Region: CountyCode, From: from, To: to, Params: params}, 1, 5)
						if err != nil {
							t.Fatalf("%s records: %v", def.ID, err)
						}
						if total == 0 || len(recs) == 0 {
							t.Errorf("%s %s from %s = %s but its drill-down lists no records", fig.No, def.ID, from, v.Text)
						}
					}
				}
			}
			if figures < 2*55 {
				t.Fatalf("only %d figures in the catalogue", figures)
			}

			regions := sqlstore.NewRegionService(db)
			r := &report.Renderer{
				Figures: report.Chain{
					report.IndicatorFigures{Indicators: eng},
					report.CaseFigures{Counts: sqlstore.NewCaseService(db), Regions: regions},
				},
				Regions: regions, Rhythm: sqlstore.NewRhythmService(db), Settings: db, Clock: db.Clock, Strict: true,
			}
			doc, err := r.Render(ctx, "exchange_material", report.Params{Region: CountyCode, From: from, To: to})
			if err != nil {
				t.Fatal(err)
			}
			text := doc.Text()
			if len(doc.Missing) > 0 || strings.Contains(text, "××") || strings.Contains(text, "*") {
				t.Errorf("exchange material has gaps %v:\n%s", doc.Missing, text)
			}
			for _, want := range []string{CityName, "“" + PairingMechanism + "”", "平安青山"} {
				if !strings.Contains(text, want) {
					t.Errorf("exchange material lacks %q", want)
				}
			}
			checkFilledLedgers(t, db)
			checkFilledTasks(t, db)
			v, err := sqlstore.NewAuditService(db).VerifyAudit(ctx)
			if err != nil || len(v.Broken) > 0 {
				t.Fatalf("audit chain: %+v, %v", v, err)
			}
		})
	}
}

// checkFilledLedgers: every ledger has records with their create event, and the
// change counter is past them, so the next write follows on.
func checkFilledLedgers(t *testing.T, db *sqlstore.DB) {
	ctx := storetest.System()
	cat := ledger.Default()
	svc := sqlstore.NewLedgerService(db, cat)
	var maxSeq int64
	var village int64
	for _, sc := range cat.Schemas() {
		recs, total, err := svc.FindLedgerRecords(ctx, zhili.LedgerFilter{Ledger: sc.Name, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		if total == 0 {
			t.Errorf("ledger %s has no records", sc.Name)
			continue
		}
		for _, r := range recs {
			maxSeq = max(maxSeq, r.Seq)
			if r.CreatedAt.After(db.Clock.Now()) || r.CreatedAt.Format(time.DateOnly) < r.Date {
				t.Errorf("%s record %d dated %s created %s", sc.Name, r.ID, r.Date, r.CreatedAt)
			}
		}
		history, err := svc.LedgerRecordHistory(ctx, sc.Name, recs[0].ID)
		if err != nil || len(history) != 1 || history[0].Action != "create" {
			t.Errorf("%s record %d history: %+v, %v", sc.Name, recs[0].ID, history, err)
		}
		if sc.Name == "conventions" {
			village = recs[0].RegionID
		}
	}
	r := &zhili.LedgerRecord{Ledger: "conventions", RegionID: village, Data: map[string]any{"date": "2026-11-20", "kind": "village_rules", "title": "村规民约（修订）"}}
	if err := svc.CreateLedgerRecord(ctx, r); err != nil {
		t.Fatal(err)
	}
	if r.Seq <= maxSeq {
		t.Errorf("a new record took seq %d, not past the seeded %d", r.Seq, maxSeq)
	}
}

// checkFilledTasks: the leading group's tasks, some done, some overdue, with
// their owners' progress reports.
func checkFilledTasks(t *testing.T, db *sqlstore.DB) {
	ctx := storetest.System()
	svc := sqlstore.NewTaskService(db)
	tasks, total, err := svc.FindTasks(ctx, zhili.TaskFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	done, overdue, progress := 0, 0, 0
	for _, task := range tasks {
		if task.State == zhili.TaskDone {
			done++
		}
		if task.Overdue {
			overdue++
		}
		if !strings.Contains(task.AssignedByUnitName, "领导小组") {
			t.Errorf("task %q set by %s, not the leading group", task.Title, task.AssignedByUnitName)
		}
		notes, err := svc.TaskNotes(ctx, task.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range notes {
			if n.Kind == zhili.TaskNoteProgress {
				progress++
			}
		}
	}
	if total != len(demoTasks) || done < 3 || overdue < 3 || progress < 10 {
		t.Errorf("%d tasks (want %d), %d done, %d overdue, %d progress reports", total, len(demoTasks), done, overdue, progress)
	}
}
