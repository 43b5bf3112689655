package demo

import (
	"testing"

	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// BenchmarkSeed seeds the default county on every dialect: the organisation
// alone (the baseline: regions, units, people, accounts) and the whole county
// with a year of cases and the sweeps. docs/demo.md has the figures.
//
//	go test ./demo -run '^$' -bench Seed -benchtime 1x
func BenchmarkSeed(b *testing.B) {
	for _, d := range storetest.Dialects() {
		for _, tc := range []struct {
			name string
			opt  Options
		}{
			{"org", Options{Seed: 1, CasesPerGrid: -1, SweepDays: -1}},
			{"full", Options{Seed: 1}},
		} {
			b.Run(d+"/"+tc.name, func(b *testing.B) {
				for b.Loop() {
					b.StopTimer()
					db := storetest.Open(b, d)
					b.StartTimer()
					res, err := Seed(storetest.System(), db, tc.opt)
					if err != nil {
						b.Fatal(err)
					}
					b.ReportMetric(float64(res.Cases), "cases")
				}
			})
		}
	}
}
