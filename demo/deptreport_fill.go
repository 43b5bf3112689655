package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
)

// deptFigures are the monthly ranges of the demo's department reports
// (部门报送, docs/department-reports.md): [low, high] of the value, money in fen,
// per township, or for the whole county where county is set.
var deptFigures = []struct {
	metric, account string
	low, high       int64
	county          bool
}{
	{"crime.solved", "gongan", 2, 14, false},
	{"crime.fraud_solved", "gongan", 0, 4, false},
	{"crime.cross_province_solved", "gongan", 0, 2, false},
	{"crime.suspects_arrested", "gongan", 3, 20, false},
	{"enforcement.closed", "fayuan", 4, 30, false},
	{"enforcement.amount", "fayuan", 30_000_00, 400_000_00, false}, // 3万–40万元
	{"credit.dishonest_debtors", "fayuan", 0, 8, false},
	{"finance.npl_recovered", "jinrong", 3_000_000_00, 25_000_000_00, true}, // 300万–2,500万元
	{"credit.disclosures", "shichang", 40, 110, true},
}

// fillDeptReports submits, as the county's police, court, finance office and
// market regulator, one figure per township (or for the county), metric and
// month for the twelve whole months before the demo's today, each month's batch
// on the fifth of the next month, and corrects a few so the pages show history.
func fillDeptReports(ctx context.Context, f *Fill) error {
	rng := rand.New(rand.NewPCG(uint64(f.Seed), 0xde97))
	var towns []string
	for code := range f.Regions {
		if len(code) == 12 && code[6:9] != "000" && code[9:] == "000" {
			towns = append(towns, code)
		}
	}
	sort.Strings(towns)
	svc := sqlstore.NewDepartmentReportService(f.DB)
	today := f.Today.In(zhili.ChinaTime)
	first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, zhili.ChinaTime).AddDate(-1, 0, 0)
	clock, saved := &zhili.FixedClock{}, f.DB.Clock
	f.DB.Clock = clock
	defer func() { f.DB.Clock = saved }()
	accounts := []string{"gongan", "fayuan", "jinrong", "shichang"}
	var last []*zhili.DepartmentReport
	for m := 0; m < 12; m++ {
		start := first.AddDate(0, m, 0)
		byAccount := map[string][]zhili.DepartmentFigure{}
		for _, d := range deptFigures {
			regions := towns
			if d.county {
				regions = []string{CountyCode}
			}
			for _, code := range regions {
				byAccount[d.account] = append(byAccount[d.account], zhili.DepartmentFigure{Metric: d.metric, RegionCode: code,
					PeriodStart: start.Format(time.DateOnly), PeriodEnd: start.AddDate(0, 1, -1).Format(time.DateOnly),
					Value: d.low + rng.Int64N(d.high-d.low+1)})
			}
		}
		for k, account := range accounts {
			a, ok := f.Accounts[account]
			if !ok {
				return fmt.Errorf("no demo account %s", account)
			}
			clock.T = start.AddDate(0, 1, 4).Add(time.Duration(9*60+37*k) * time.Minute).UTC()
			if !clock.T.Before(f.Today) {
				clock.T = f.Today.Add(-time.Duration(len(accounts)-k) * time.Minute)
			}
			out, err := svc.SubmitDepartmentReports(zhili.NewContextWithActor(ctx, a), byAccount[account], zhili.DepartmentSubmit{Via: "import"})
			if err != nil {
				return fmt.Errorf("department reports of %s for %s: %w", account, start.Format("2006-01"), err)
			}
			if m == 11 {
				last = append(last, out[len(out)-1])
			}
		}
	}
	// A late correction: the last month's last figure of each department was revised.
	for k, r := range last {
		clock.T = f.Today.Add(-time.Duration(len(last)-k) * time.Minute)
		actx := zhili.NewContextWithActor(ctx, f.Accounts[accounts[k]])
		if _, err := svc.CorrectDepartmentReport(actx, r.ID, r.Value+1, "补报迟报数据", "form"); err != nil {
			return fmt.Errorf("correct department report %d: %w", r.ID, err)
		}
	}
	return nil
}
