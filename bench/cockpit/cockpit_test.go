package cockpit_test

import (
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/demo"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// BenchmarkCockpit times each cockpit panel for the whole demo county (about 800
// grids and a year of cases), with the baseline of one page of the case list
// over the same county in the same run. docs/cockpit.md has the figures.
//
//	go test ./bench/cockpit -run '^$' -bench Cockpit -benchtime 10x
func BenchmarkCockpit(b *testing.B) {
	for _, d := range storetest.Dialects() {
		b.Run(d, func(b *testing.B) {
			db := storetest.Open(b, d)
			res, err := demo.Seed(storetest.System(), db, demo.Options{Seed: 1, SweepDays: 2})
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: %s", d, res)
			ctx := storetest.System()
			svc, cases := sqlstore.NewCockpitService(db), sqlstore.NewCaseService(db)
			// The year of cases up to the fixture clock's today.
			now := db.Clock.Now()
			q := zhili.CockpitQuery{From: zhili.Day(now.AddDate(-1, 0, 1)), To: zhili.Day(now)}
			for _, bc := range []struct {
				name string
				run  func() error
			}{
				{"baseline-case-list", func() error { _, _, err := cases.FindCases(ctx, zhili.CaseFilter{Limit: 20}); return err }},
				{"trend", func() error { _, err := svc.CockpitTrend(ctx, q); return err }},
				{"map", func() error { _, err := svc.CockpitMap(ctx, q); return err }},
				{"board", func() error { _, err := svc.CockpitBoard(ctx, q); return err }},
			} {
				b.Run(bc.name, func(b *testing.B) {
					for b.Loop() {
						if err := bc.run(); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}
