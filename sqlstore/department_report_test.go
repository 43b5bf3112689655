package sqlstore_test

import (
	"bytes"
	"context"
	"sync"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// deptEnv is the fixture county with the county police (fixture account
// "department"), a court, and a police station in township A with its own account
// "stationA".
type deptEnv struct {
	db      *sqlstore.DB
	f       *storetest.Fixture
	reports *sqlstore.DepartmentReportService
	court   *zhili.Unit
}

func newDeptEnv(t *testing.T, d string) *deptEnv {
	t.Helper()
	db := storetest.Open(t, d)
	f := storetest.NewFixture(t, db)
	e := &deptEnv{db: db, f: f, reports: sqlstore.NewDepartmentReportService(db)}
	units := sqlstore.NewUnitService(db)
	e.court = &zhili.Unit{Kind: zhili.UnitDepartment, Name: "青山县人民法院", RegionID: f.County.ID, Code: "court"}
	station := &zhili.Unit{Kind: zhili.UnitDepartment, Name: "青山镇派出所", RegionID: f.TownA.ID, Code: "police"}
	for _, u := range []*zhili.Unit{e.court, station} {
		if err := units.CreateUnit(storetest.System(), u); err != nil {
			t.Fatal(err)
		}
	}
	for name, u := range map[string]*zhili.Unit{"stationA": station, "courtUser": e.court} {
		created, err := sqlstore.NewUserService(db).CreateUser(storetest.System(), zhili.UserCreate{Username: name, Name: name,
			Role: zhili.RoleDepartment, UnitID: u.ID, Password: storetest.Password})
		if err != nil {
			t.Fatal(err)
		}
		f.Users[name] = created
	}
	return e
}

func (e *deptEnv) ctx(t *testing.T, who string) context.Context { return e.f.Ctx(t, e.db, who) }

func fig(metric, region, month string, value int64) zhili.DepartmentFigure {
	return zhili.DepartmentFigure{Metric: metric, RegionCode: region, PeriodStart: month + "-01", PeriodEnd: lastDay(month), Value: value}
}

func lastDay(month string) string {
	switch month[5:] {
	case "02":
		return month + "-28"
	case "04", "06", "09", "11":
		return month + "-30"
	}
	return month + "-31"
}

func (e *deptEnv) submit(t *testing.T, who string, figs ...zhili.DepartmentFigure) []*zhili.DepartmentReport {
	t.Helper()
	out, err := e.reports.SubmitDepartmentReports(e.ctx(t, who), figs, zhili.DepartmentSubmit{Via: "api"})
	if err != nil {
		t.Fatalf("submit as %s: %v", who, err)
	}
	return out
}

func (e *deptEnv) current(t *testing.T, who string, f zhili.DepartmentReportFilter) []*zhili.DepartmentReport {
	t.Helper()
	out, _, err := e.reports.FindDepartmentReports(e.ctx(t, who), f)
	if err != nil {
		t.Fatalf("find as %s: %v", who, err)
	}
	return out
}

func TestDepartmentReportScope(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		e := newDeptEnv(t, d)
		f := e.f
		got := e.submit(t, "department", fig("crime.solved", f.TownA.Code, "2026-02", 7), fig("crime.solved", f.TownB.Code, "2026-02", 5))
		if len(got) != 2 || got[0].UnitID != f.Users["department"].UnitID || got[1].RegionID != f.TownB.ID {
			t.Fatalf("submitted %+v", got)
		}
		t.Run("township reads only its subtree", func(t *testing.T) {
			for who, want := range map[string]int64{"townA": 7, "townB": 5, "villageA": 0} {
				rs := e.current(t, who, zhili.DepartmentReportFilter{})
				var sum int64
				for _, r := range rs {
					sum += r.Value
				}
				if sum != want {
					t.Errorf("%s sees %d in total, want %d", who, sum, want)
				}
			}
			if rs := e.current(t, "leader", zhili.DepartmentReportFilter{}); len(rs) != 2 {
				t.Errorf("leader sees %d figures, want 2", len(rs))
			}
			_, err := e.reports.FindDepartmentReport(e.ctx(t, "townA"), got[1].ID)
			confCode(t, err, zhili.ENOTFOUND)
			_, err = e.reports.DepartmentReportHistory(e.ctx(t, "townA"), got[1].ID)
			confCode(t, err, zhili.ENOTFOUND)
		})
		t.Run("station submits only inside township A", func(t *testing.T) {
			_, err := e.reports.SubmitDepartmentReports(e.ctx(t, "stationA"), []zhili.DepartmentFigure{
				fig("crime.solved", f.VillageA.Code, "2026-02", 1), fig("crime.solved", f.VillageB.Code, "2026-02", 1)}, zhili.DepartmentSubmit{})
			confCode(t, err, zhili.EINVALID)
			if fe := zhili.ErrorFields(err); len(fe) != 2 || fe[0].Row != 1 || fe[0].Code != "overlap" || fe[1].Row != 2 || fe[1].Code != "unknown_region" {
				t.Fatalf("fields = %+v", fe)
			}
		})
		t.Run("only the listed department submits a metric", func(t *testing.T) {
			_, err := e.reports.SubmitDepartmentReports(e.ctx(t, "stationA"), []zhili.DepartmentFigure{fig("enforcement.closed", f.VillageA.Code, "2026-02", 1)}, zhili.DepartmentSubmit{})
			confField(t, err, "metric")
			_, err = e.reports.SubmitDepartmentReports(e.ctx(t, "stationA"), []zhili.DepartmentFigure{fig("crime.solved", f.VillageA.Code, "2026-03", 1)},
				zhili.DepartmentSubmit{UnitID: e.court.ID})
			confCode(t, err, zhili.EFORBIDDEN)
		})
		t.Run("other roles do not submit", func(t *testing.T) {
			for _, who := range []string{"townA", "center", "leader", "sysadmin"} {
				_, err := e.reports.SubmitDepartmentReports(e.ctx(t, who), []zhili.DepartmentFigure{fig("crime.solved", f.VillageA.Code, "2026-03", 1)}, zhili.DepartmentSubmit{})
				confCode(t, err, zhili.EFORBIDDEN)
			}
		})
		if rs := e.current(t, "leader", zhili.DepartmentReportFilter{History: true}); len(rs) != 2 {
			t.Fatalf("after refusals %d figures are stored, want 2", len(rs))
		}
	})
}

func TestDepartmentReportCorrection(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		e := newDeptEnv(t, d)
		f := e.f
		first := e.submit(t, "courtUser", fig("enforcement.amount", f.TownA.Code, "2026-01", 1234500))[0]
		audits := confAuditCount(t, e.db)
		fixed, err := e.reports.CorrectDepartmentReport(e.ctx(t, "courtUser"), first.ID, 1300000, "补录两笔", "form")
		if err != nil {
			t.Fatal(err)
		}
		if confAuditCount(t, e.db) != audits+1 {
			t.Errorf("a correction writes one audit entry")
		}
		t.Run("history keeps both, oldest first", func(t *testing.T) {
			h, err := e.reports.DepartmentReportHistory(e.ctx(t, "townA"), fixed.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(h) != 2 || h[0].ID != first.ID || h[0].SupersededBy != fixed.ID || h[0].Value != 1234500 || h[1].Value != 1300000 || !h[1].Current() {
				t.Fatalf("history = %+v %+v", h[0], h[len(h)-1])
			}
			// seq grows on every write: the supersede moved the old row past the new one.
			if !(first.Seq < fixed.Seq && fixed.Seq < h[0].Seq) {
				t.Errorf("seq: first %d, correction %d, first after supersede %d", first.Seq, fixed.Seq, h[0].Seq)
			}
			cur := e.current(t, "townA", zhili.DepartmentReportFilter{Metric: "enforcement.amount"})
			if len(cur) != 1 || cur[0].ID != fixed.ID {
				t.Fatalf("current = %+v", cur)
			}
		})
		t.Run("a stale correction is a conflict", func(t *testing.T) {
			_, err := e.reports.CorrectDepartmentReport(e.ctx(t, "courtUser"), first.ID, 1, "", "form")
			confCode(t, err, zhili.ECONFLICT)
		})
		t.Run("only the submitting unit corrects", func(t *testing.T) {
			_, err := e.reports.CorrectDepartmentReport(e.ctx(t, "department"), fixed.ID, 1, "", "form")
			confCode(t, err, zhili.EFORBIDDEN)
			_, err = e.reports.CorrectDepartmentReport(e.ctx(t, "courtUser"), 999999, 1, "", "form")
			confCode(t, err, zhili.ENOTFOUND)
		})
		t.Run("resubmitting is refused unless replacing", func(t *testing.T) {
			again := fig("enforcement.amount", f.TownA.Code, "2026-01", 5)
			_, err := e.reports.SubmitDepartmentReports(e.ctx(t, "courtUser"), []zhili.DepartmentFigure{again}, zhili.DepartmentSubmit{})
			confField(t, err, "period_start")
			rs, err := e.reports.SubmitDepartmentReports(e.ctx(t, "courtUser"), []zhili.DepartmentFigure{again}, zhili.DepartmentSubmit{Replace: true})
			if err != nil {
				t.Fatal(err)
			}
			h, _ := e.reports.DepartmentReportHistory(e.ctx(t, "leader"), rs[0].ID)
			if len(h) != 3 || h[1].SupersededBy != rs[0].ID {
				t.Fatalf("after replace the history has %d versions", len(h))
			}
		})
	})
}

func TestDepartmentReportAllOrNothing(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		e := newDeptEnv(t, d)
		f := e.f
		audits := confAuditCount(t, e.db)
		badPeriod := fig("crime.solved", f.TownB.Code, "2026-02", 3)
		badPeriod.PeriodEnd = "2026-03-15"
		_, err := e.reports.SubmitDepartmentReports(e.ctx(t, "department"), []zhili.DepartmentFigure{
			fig("crime.solved", f.TownA.Code, "2026-02", 1),
			fig("crime.fraud_solved", f.TownA.Code, "2026-02", 2),
			fig("crime.unknown", f.TownA.Code, "2026-02", 3),
			fig("crime.suspects_arrested", "419901777000", "2026-02", 4),
			badPeriod,
			fig("crime.solved", f.TownA.Code, "2026-02", 9),  // same as row 1
			fig("crime.solved", f.County.Code, "2026-02", 9), // the county over row 1
		}, zhili.DepartmentSubmit{})
		confCode(t, err, zhili.EINVALID)
		want := map[int]string{3: "unknown_metric", 4: "unknown_region", 5: "bad_period", 6: "duplicate", 7: "overlap"}
		fe := zhili.ErrorFields(err)
		if len(fe) != len(want) {
			t.Fatalf("fields = %+v", fe)
		}
		for _, x := range fe {
			if want[x.Row] != x.Code {
				t.Errorf("row %d: code %s, want %s", x.Row, x.Code, want[x.Row])
			}
		}
		if rs := e.current(t, "leader", zhili.DepartmentReportFilter{History: true}); len(rs) != 0 {
			t.Fatalf("a refused batch stored %d figures", len(rs))
		}
		if confAuditCount(t, e.db) != audits {
			t.Fatal("a refused batch wrote to the audit log")
		}
	})
}

// TestDepartmentReportSubtreeSum runs the indicator query of
// docs/department-reports.md: current values, periods within the range, subtree.
func TestDepartmentReportSubtreeSum(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		e := newDeptEnv(t, d)
		f := e.f
		e.submit(t, "department", fig("crime.solved", f.VillageA.Code, "2026-01", 2), fig("crime.solved", f.CommunityA.Code, "2026-01", 3),
			fig("crime.solved", f.TownB.Code, "2026-01", 11), fig("crime.solved", f.TownA.Code, "2026-02", 4), fig("crime.solved", f.TownA.Code, "2026-03", 100))
		old := e.submit(t, "department", fig("crime.fraud_solved", f.VillageA.Code, "2026-01", 50))[0]
		if _, err := e.reports.CorrectDepartmentReport(e.ctx(t, "department"), old.ID, 5, "", "api"); err != nil {
			t.Fatal(err)
		}
		raw := confRaw(t, e.db)
		sum := func(metric string, region *zhili.Region, from, to string) int64 {
			t.Helper()
			q := `SELECT COALESCE(SUM(d.value), 0) FROM department_reports d WHERE d.metric = $1 AND d.superseded_by IS NULL
				AND d.period_start >= $2 AND d.period_end <= $3 AND d.region_id IN (SELECT id FROM regions WHERE path >= $4 AND path < $5)`
			if d == "sqlite" {
				q = `SELECT COALESCE(SUM(d.value), 0) FROM department_reports d WHERE d.metric = ?1 AND d.superseded_by IS NULL
				AND d.period_start >= ?2 AND d.period_end <= ?3 AND d.region_id IN (SELECT id FROM regions WHERE path >= ?4 AND path < ?5)`
			}
			var n int64
			if err := raw.QueryRow(q, metric, from, to, region.Path, region.Path[:len(region.Path)-1]+"0").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, c := range []struct {
			metric   string
			region   *zhili.Region
			from, to string
			want     int64
		}{
			{"crime.solved", f.County, "2026-01-01", "2026-02-28", 20},
			{"crime.solved", f.TownA, "2026-01-01", "2026-02-28", 9},
			{"crime.solved", f.TownA, "2026-01-01", "2026-02-27", 5}, // February ends after the range
			{"crime.solved", f.TownB, "2026-01-01", "2026-12-31", 11},
			{"crime.fraud_solved", f.County, "2026-01-01", "2026-01-31", 5}, // the correction, not the original
		} {
			if got := sum(c.metric, c.region, c.from, c.to); got != c.want {
				t.Errorf("%s %s %s..%s = %d, want %d", c.metric, c.region.Name, c.from, c.to, got, c.want)
			}
		}
	})
}

// TestDepartmentReportBackup checks the table survives a backup and restore:
// superseded_by points at a later row, which the restore must order correctly.
func TestDepartmentReportBackup(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		e := newDeptEnv(t, d)
		first := e.submit(t, "department", fig("crime.solved", e.f.TownA.Code, "2026-01", 1))[0]
		for v := int64(2); v <= 4; v++ {
			c, err := e.reports.CorrectDepartmentReport(e.ctx(t, "department"), first.ID, v, "", "api")
			if err != nil {
				t.Fatal(err)
			}
			first = c
		}
		var buf bytes.Buffer
		if _, err := e.db.Backup(storetest.System(), &buf); err != nil {
			t.Fatal(err)
		}
		to := storetest.Open(t, d)
		if _, err := to.Restore(storetest.System(), &buf); err != nil {
			t.Fatalf("restore: %v", err)
		}
		h, err := sqlstore.NewDepartmentReportService(to).DepartmentReportHistory(storetest.System(), first.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 4 || h[3].Value != 4 || !h[3].Current() || h[0].SupersededBy != h[1].ID {
			t.Fatalf("restored history = %+v", h)
		}
	})
}

// TestDepartmentReportConcurrentCorrections races corrections of one figure: the
// compare-and-set lets exactly one win, and every write gets its own seq.
func TestDepartmentReportConcurrentCorrections(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		e := newDeptEnv(t, d)
		first := e.submit(t, "department", fig("crime.solved", e.f.TownB.Code, "2026-01", 1))[0]
		ctx := e.ctx(t, "department")
		const n = 6
		errs := make(chan error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := e.reports.CorrectDepartmentReport(ctx, first.ID, int64(10+i), "", "api")
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		won := 0
		for err := range errs {
			if err == nil {
				won++
			} else if zhili.ErrorCode(err) != zhili.ECONFLICT {
				t.Fatalf("unexpected error: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d corrections won, want exactly 1", won)
		}
		h, err := e.reports.DepartmentReportHistory(ctx, first.ID)
		if err != nil || len(h) != 2 {
			t.Fatalf("history = %d versions, %v", len(h), err)
		}
		if h[0].Seq == h[1].Seq || h[1].Seq <= first.Seq {
			t.Errorf("seqs %d, %d after %d", h[0].Seq, h[1].Seq, first.Seq)
		}
	})
}
