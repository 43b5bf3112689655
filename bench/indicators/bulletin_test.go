package indicators_test

import (
	"context"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/app"
	"github.com/zhili-project/zhili/indicator"
	"github.com/zhili-project/zhili/report"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// The month the bulletin covers: inside the synthetic city's span, with a
// previous month for the comparison.
const bulletinFrom, bulletinTo = "2025-06-01", "2025-06-30"

// bulletin renders a report template (the monthly bulletin 月督查通报, or the
// special bulletin 专刊) for region b.N times, as `zhili report NAME --format
// FORMAT` does, with the report service wired as app.ReportService wires it
// around the server's (already loaded) indicator engine. It checks once that
// the document has all its figures.
func bulletin(b *testing.B, db *sqlstore.DB, eng *indicator.Engine, template, region, format string) {
	ctx := storetest.System()
	svc := app.ReportService(db, eng)
	p := report.Params{Region: region, From: bulletinFrom, To: bulletinTo}
	o, err := svc.Generate(ctx, template, p, format, false)
	if err != nil {
		b.Fatal(err)
	}
	if len(o.Document.Missing) > 0 || len(o.Content) == 0 {
		b.Fatalf("%s for %s: %d bytes, missing figures %v", template, region, len(o.Content), o.Document.Missing)
	}
	b.Logf("%s %s for %s: %d bytes", template, format, region, len(o.Content))
	for b.Loop() {
		if _, err := svc.Generate(ctx, template, p, format, false); err != nil {
			b.Fatal(err)
		}
	}
}

// bulletinSQL is the baseline of the bulletin: the plain SQL count of the
// month's new and resolved cases per region, read to the end.
func bulletinSQL(b *testing.B, db *sqlstore.DB) {
	ctx := context.Background()
	start, end, err := zhili.ParseDayRange(bulletinFrom, bulletinTo)
	if err != nil {
		b.Fatal(err)
	}
	s, e := start.Format("2006-01-02T15:04:05.000000Z"), end.Format("2006-01-02T15:04:05.000000Z")
	for b.Loop() {
		for _, q := range []string{
			`SELECT region_id, COUNT(*) FROM cases WHERE reported_at >= ? AND reported_at < ? GROUP BY region_id`,
			`SELECT region_id, COUNT(*) FROM cases WHERE resolved_at >= ? AND resolved_at < ? GROUP BY region_id`,
		} {
			if err := db.QueryRowsDiscard(ctx, q, s, e); err != nil {
				b.Fatal(err)
			}
		}
	}
}
