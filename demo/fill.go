package demo

import (
	"context"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
)

// Fill is what a Filler gets: the freshly seeded county, after the batch of units,
// people, accounts, cases and sweeps has committed.
type Fill struct {
	DB    *sqlstore.DB
	Today time.Time // the demo's today; data should lie in the year before it
	Seed  int64     // Options.Seed: derive a filler's random numbers from it
	// County is the county region; Regions maps region codes to ids (county
	// 419901000000, townships 419901NNN000, villages and grids below).
	County  *zhili.Region
	Regions map[string]int64
	// Units maps unit keys to ids: "office:CODE" (the office of a region),
	// "gc:CODE" (a township's governance centre), "center:governance_center",
	// "center:mediation_center", "center:legal_service_center", "lead",
	// "group:一"…"group:八", "dept:police" … "dept:education", "npc".
	Units map[string]int64
	// Accounts maps usernames to actors with which to act through the services
	// (the demo accounts of the package documentation and the working accounts:
	// township operators by pinyin, "gongan", "renshe", "minzheng"… for the
	// departments). Set DB.Clock to a zhili.FixedClock to date what they do, and
	// restore it after.
	Accounts map[string]*zhili.Actor
}

// Filler adds one kind of business data to the demo county.
type Filler struct {
	Name string
	Run  func(ctx context.Context, f *Fill) error
}

// Fillers run in order at the end of Seed, each after the one before has
// finished; ctx carries the system actor. Each lives in its own *_fill.go file:
// the market regulation bureau and its account (org_fill.go), a year of records
// in every ledger (ledger_fill.go), the departments' monthly figures
// (deptreport_fill.go), the report settings (settings_fill.go) and the leading
// group's work plan (task_fill.go), so every FIGURES.md figure is non-zero in
// the demo (figures_fill_test.go).
var Fillers = []Filler{
	{Name: "market regulator", Run: fillMarketRegulator},
	{Name: "ledgers", Run: fillLedgers},
	{Name: "department reports", Run: fillDeptReports},
	{Name: "settings", Run: fillSettings},
	{Name: "work plan", Run: fillTasks},
}
