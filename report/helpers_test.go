package report_test

import (
	"context"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/report"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// mapSettings stands in for the settings table.
type mapSettings map[string]string

func (m mapSettings) Setting(_ context.Context, key string) (string, error) { return m[key], nil }

// testSettings are the deployment's names in the tests.
var testSettings = mapSettings{report.SettingCityName: "河洛市", report.SettingPairingMechanism: "1＋N"}

// renderer renders from db: figures from figs, tables from the rhythm service.
func renderer(db *sqlstore.DB, figs report.Figures) *report.Renderer {
	return &report.Renderer{Figures: figs, Regions: sqlstore.NewRegionService(db), Rhythm: sqlstore.NewRhythmService(db),
		Disputes: sqlstore.NewDisputeReportService(db), Settings: testSettings, Clock: db.Clock}
}

// caseFigures is the real source of the case figures on db.
func caseFigures(db *sqlstore.DB) report.CaseFigures {
	return report.CaseFigures{Counts: sqlstore.NewCaseService(db), Regions: sqlstore.NewRegionService(db)}
}

// book enters cases at China-time instants on the test clock, as the system.
type book struct {
	t     *testing.T
	cases *sqlstore.CaseService
	clock *zhili.FixedClock
}

func newBook(t *testing.T, db *sqlstore.DB) *book {
	return &book{t: t, cases: sqlstore.NewCaseService(db), clock: db.Clock.(*zhili.FixedClock)}
}

// at sets the clock to a China-time instant "2026-03-02 09:00".
func (b *book) at(s string) {
	b.t.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04", s, zhili.ChinaTime)
	if err != nil {
		b.t.Fatal(err)
	}
	b.clock.T = t.UTC()
}

func (b *book) report(kind zhili.CaseKind, category, title string, region *zhili.Region, when string) *zhili.Case {
	b.t.Helper()
	b.at(when)
	c := &zhili.Case{Kind: kind, Category: category, Title: title, RegionID: region.ID, Workers: 20}
	if err := b.cases.ReportCase(storetest.System(), c, nil); err != nil {
		b.t.Fatalf("report %s: %v", title, err)
	}
	return c
}

func (b *book) act(c *zhili.Case, when string, a zhili.CaseAct) {
	b.t.Helper()
	b.at(when)
	if _, err := b.cases.Act(storetest.System(), c.ID, a); err != nil {
		b.t.Fatalf("%s %s: %v", a.Action, c.Title, err)
	}
}

// resolve accepts and resolves; paid and fen are for labour complaints.
func (b *book) resolve(c *zhili.Case, when string, paid int, fen int64) {
	b.t.Helper()
	b.act(c, when, zhili.CaseAct{Action: zhili.DoAccept})
	b.act(c, when, zhili.CaseAct{Action: zhili.DoResolve, Method: "人民调解", Outcome: "已化解", WorkersPaid: paid, WagesRecovered: fen})
}

func code(t *testing.T, what string, err error, want string) {
	t.Helper()
	if zhili.ErrorCode(err) != want {
		t.Fatalf("%s: %v, want %s", what, err, want)
	}
}
