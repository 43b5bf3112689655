package demo

import (
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// TestSeedDeptReports checks the department reports of a small county: one
// current figure per township (or for the county), metric and month, and the
// corrections kept as history.
func TestSeedDeptReports(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			if _, err := Seed(storetest.System(), db, Options{Seed: 3, Townships: 3, VillagesPerTownship: 2, GridsPerVillage: 1,
				CasesPerGrid: -1, SweepDays: -1, Password: storetest.Password}); err != nil {
				t.Fatal(err)
			}
			svc := sqlstore.NewDepartmentReportService(db)
			current := 0
			for _, m := range deptFigures {
				want := 36 // 3 townships × 12 months
				if m.county {
					want = 12
				}
				current += want
				rs, total, err := svc.FindDepartmentReports(storetest.System(), zhili.DepartmentReportFilter{Metric: m.metric, Limit: 1000})
				if err != nil {
					t.Fatal(err)
				}
				var sum int64
				for _, r := range rs {
					sum += r.Value
					if r.Value < m.low || r.Value > m.high+1 {
						t.Errorf("%s: value %d outside [%d, %d]", m.metric, r.Value, m.low, m.high)
					}
				}
				if total != want || (m.high > 4 && sum == 0) {
					t.Errorf("%s: %d current figures summing %d, want %d", m.metric, total, sum, want)
				}
			}
			_, all, err := svc.FindDepartmentReports(storetest.System(), zhili.DepartmentReportFilter{History: true, Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			if all != current+4 { // one corrected figure for each of the four departments
				t.Errorf("%d figures with history, want %d", all, current+4)
			}
		})
	}
}
