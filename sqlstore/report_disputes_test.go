package sqlstore_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// disputeLines writes a report's breakdowns as comparable strings.
func disputeLines(d *zhili.DisputeReport, ids map[int64]string) (towns, cats, methods, typical []string) {
	for _, r := range d.Townships {
		towns = append(towns, fmt.Sprintf("%s %d/%d 人民调解%d", r.Name, r.Resolved, r.Total, r.ByMethod["人民调解"]))
	}
	for _, c := range d.Categories {
		cats = append(cats, fmt.Sprintf("%s %d/%d", c.Label, c.Resolved, c.Total))
	}
	for _, m := range d.Methods {
		methods = append(methods, fmt.Sprintf("%s %d (%d)", m.Method, m.Resolved, m.Agreements))
	}
	for _, c := range d.Typical {
		typical = append(typical, ids[c.CaseID]+" "+c.Township+" "+c.Category+" "+c.Method)
	}
	return
}

// TestDisputeReport computes the dispute report over the count tests' March
// (cntData): the same disputes as dispute.total and dispute.resolved — rejected
// and duplicate ones left out, the reopened D8 open, D3 resolved in April
// resolved — per township, category and method; the typical cases in order; the
// scope and the bad input.
func TestDisputeReport(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, dialect string) {
		db := storetest.Open(t, dialect)
		f := storetest.NewFixture(t, db)
		b := cntData(t, db, f)
		names := map[int64]string{}
		for n, id := range b.ids {
			names[id] = n
		}
		s := sqlstore.NewDisputeReportService(db)
		ctx := f.Ctx(t, db, "leader")
		d, err := s.DisputeReport(ctx, f.County.ID, "2026-03-01", "2026-03-31", 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{zhili.CountDisputeTotal, zhili.CountDisputeResolved} {
			fig, err := b.cases.Count(ctx, id, f.County.ID, "2026-03-01", "2026-03-31")
			if err != nil {
				t.Fatal(err)
			}
			if got := map[string]int{zhili.CountDisputeTotal: d.Total, zhili.CountDisputeResolved: d.Resolved}[id]; int64(got) != fig.Value {
				t.Errorf("report's %s %d, the figure %d", id, got, fig.Value)
			}
		}
		towns, cats, methods, typical := disputeLines(d, names)
		for what, pair := range map[string][2][]string{
			"townships":  {towns, {"东城街道 2/2 人民调解2", "青山镇 1/3 人民调解1"}},
			"categories": {cats, {"邻里纠纷 1/2", "婚姻家庭 1/1", "土地山林 0/1", "物业纠纷 1/1"}},
			"methods":    {methods, {"人民调解 3 (0)"}},
			// No people or amounts: the earliest resolved first (D1 5 March, D9 13 March).
			"typical": {typical, {"D1 青山镇 邻里纠纷 人民调解", "D9 东城街道 婚姻家庭 人民调解"}},
		} {
			if !slices.Equal(pair[0], pair[1]) {
				t.Errorf("%s:\n got %q\nwant %q", what, pair[0], pair[1])
			}
		}

		// Township B sees its own subtree only, and nothing above it.
		townB := f.Ctx(t, db, "townB")
		d, err = s.DisputeReport(townB, f.TownB.ID, "2026-03-01", "2026-03-31", 0)
		if err != nil {
			t.Fatal(err)
		}
		if towns, _, _, typical := disputeLines(d, names); !slices.Equal(towns, []string{"东城街道 2/2 人民调解2"}) || len(typical) != 0 {
			t.Errorf("township B: %q, typical %q", towns, typical)
		}
		_, err = s.DisputeReport(townB, f.County.ID, "2026-03-01", "2026-03-31", 5)
		confCode(t, err, zhili.ENOTFOUND)
		_, err = s.DisputeReport(townB, f.TownA.ID, "2026-03-01", "2026-03-31", 5)
		confCode(t, err, zhili.ENOTFOUND)
		_, err = s.DisputeReport(f.Ctx(t, db, "sysadmin"), f.County.ID, "2026-03-01", "2026-03-31", 5)
		confCode(t, err, zhili.EFORBIDDEN)
		_, err = s.DisputeReport(ctx, f.County.ID, "2026-03-31", "2026-03-01", 5)
		confCode(t, err, zhili.EINVALID)
		_, err = s.DisputeReport(ctx, f.County.ID, "2026-03-01", "2026-03-31", 51)
		confCode(t, err, zhili.EINVALID)
	})
}
