package demo

import (
	"context"
	"testing"
	"time"

	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// BenchmarkFillers times the Fillers on the default county's organisation, each
// on its own, against the baseline of seeding that organisation without them:
//
//	go test ./demo -run '^$' -bench Fillers -benchtime 1x
func BenchmarkFillers(b *testing.B) {
	fillers := Fillers
	defer func() { Fillers = fillers }()
	today := time.Date(2026, 11, 27, 6, 30, 0, 0, time.UTC)
	opt := Options{Seed: 1, Today: today, CasesPerGrid: -1, SweepDays: -1}
	for _, d := range storetest.Dialects() {
		b.Run(d+"/org", func(b *testing.B) {
			Fillers = nil
			for b.Loop() {
				b.StopTimer()
				db := storetest.Open(b, d)
				b.StartTimer()
				if _, err := Seed(storetest.System(), db, opt); err != nil {
					b.Fatal(err)
				}
			}
		})
		for _, fl := range fillers {
			b.Run(d+"/"+fl.Name, func(b *testing.B) {
				for b.Loop() {
					b.StopTimer()
					var fill *Fill
					Fillers = nil
					for _, before := range fillers {
						if before.Name == fl.Name {
							break
						}
						Fillers = append(Fillers, before)
					}
					Fillers = append(Fillers, Filler{Name: "grab", Run: func(_ context.Context, f *Fill) error { fill = f; return nil }})
					db := storetest.Open(b, d)
					if _, err := Seed(storetest.System(), db, opt); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					if err := fl.Run(storetest.System(), fill); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
