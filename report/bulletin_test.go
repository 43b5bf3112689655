package report_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/report"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// rhythmCases is the fixed data set of the bulletin tests, by name.
type rhythmCases map[string]*zhili.Case

// rhythmData: February has A0 (township A, resolved on the 11th, never visited)
// and B0 (township B, reported on the 15th, never accepted). On Monday 2 March
// township A gets A1–A3 and township B B1–B2; A1, A2 and B1 are resolved that
// evening, A3 and B2 never accepted, so both pass their acceptance deadline and
// are supervised on Wednesday. A2 is verified and visited on the 5th. The
// reports are made on 20 March.
func rhythmData(t *testing.T, db *sqlstore.DB, f *storetest.Fixture) rhythmCases {
	b := newBook(t, db)
	cs := rhythmCases{}
	add := func(name string, grid *zhili.Region, when string) *zhili.Case {
		cs[name] = b.report(zhili.KindDispute, "neighbour", name+"号纠纷", grid, when)
		return cs[name]
	}
	b.resolve(add("A0", f.GridA, "2026-02-10 09:00"), "2026-02-11 09:00", 0, 0)
	add("B0", f.GridB, "2026-02-15 09:00")
	add("A1", f.GridA, "2026-03-02 17:00")
	add("A2", f.GridA, "2026-03-02 17:00")
	add("A3", f.GridA2, "2026-03-02 17:00")
	add("B1", f.GridB, "2026-03-02 17:00")
	add("B2", f.GridB, "2026-03-02 17:00")
	for _, n := range []string{"A1", "A2", "B1"} {
		b.resolve(cs[n], "2026-03-02 18:00", 0, 0)
	}
	b.at("2026-03-04 00:00")
	if _, err := sqlstore.NewRhythmService(db).Supervise(storetest.System()); err != nil {
		t.Fatal(err)
	}
	b.act(cs["A2"], "2026-03-05 10:00", zhili.CaseAct{Action: zhili.DoVerify})
	b.act(cs["A2"], "2026-03-05 10:00", zhili.CaseAct{Action: zhili.DoVisit, Satisfaction: 5})
	b.at("2026-03-20 12:00")
	return cs
}

// table finds a document's table by name.
func table(t *testing.T, d *report.Document, name string) *report.Table {
	t.Helper()
	for _, tab := range d.Tables {
		if tab.Name == name {
			return tab
		}
	}
	t.Fatalf("no table %s", name)
	return nil
}

// rows renders a table's rows as strings of tab-separated cells.
func rows(tab *report.Table) []string {
	var out []string
	for _, r := range tab.Rows {
		var cells []string
		for _, c := range r {
			cells = append(cells, c.Text)
		}
		out = append(out, strings.Join(cells, "\t"))
	}
	return out
}

func figure(t *testing.T, d *report.Document, src string) string {
	t.Helper()
	for _, f := range d.Figures {
		if f.Source == src {
			return f.Text
		}
	}
	t.Fatalf("no figure {{%s}}", src)
	return ""
}

// TestMonthlyBulletin checks the March bulletin of the data set: the rows per
// township, the ranking, the comparison with February, the overdue cases and
// missed visits named with their units.
func TestMonthlyBulletin(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, dialect)
			f := storetest.NewFixture(t, db)
			cs := rhythmData(t, db, f)
			r := renderer(db, caseFigures(db))
			r.Strict = true
			// Any day of March gives the whole month.
			d, err := r.Render(f.Ctx(t, db, "center"), "monthly_bulletin", report.Params{Region: f.County.Code, From: "2026-03-15", To: "2026-03-15"})
			if err != nil {
				t.Fatal(err)
			}
			if d.From != "2026-03-01" || d.To != "2026-03-31" || d.Title != "青山县2026年3月社会治理工作督查通报" {
				t.Fatalf("period %s–%s, title %s", d.From, d.To, d.Title)
			}
			if got := []string{figure(t, d, "dispute.total"), figure(t, d, "dispute.total period=prev_month"),
				figure(t, d, "dispute.resolution_rate dp=1"), figure(t, d, "dispute.resolution_rate dp=1 period=prev_month")}; !slices.Equal(got, []string{"5", "2", "60.0", "50.0"}) {
				t.Errorf("figures this month and last: %v", got)
			}
			want := map[string][]string{
				"monthly.townships": {"东城街道\t2\t1\t50.0\t1\t0\t0", "青山镇\t3\t2\t66.6\t1\t1\t0"},
				"monthly.ranking":   {"1\t青山镇\t66.6\t1\t3", "2\t东城街道\t50.0\t1\t2"},
				"monthly.compare":   {"东城街道\t2\t1\t+1\t50.0\t0.0\t+50.0", "青山镇\t3\t1\t+2\t66.6\t100.0\t-33.4"},
			}
			for name, w := range want {
				if got := rows(table(t, d, name)); !slices.Equal(got, w) {
					t.Errorf("%s:\n got %q\nwant %q", name, got, w)
				}
			}
			overdue := table(t, d, "monthly.overdue")
			var named []string
			for _, row := range overdue.Rows {
				named = append(named, row[0].Text)
				if row[3].Text == "" || row[4].Text != "受理" || row[0].URL == "" {
					t.Errorf("overdue row %q", rows(&report.Table{Rows: [][]report.Cell{row}}))
				}
			}
			if slices.Sort(named); !slices.Equal(named, sorted(cs["A3"].No, cs["B2"].No)) {
				t.Errorf("overdue cases %v, want A3 and B2", named)
			}
			var missed []string
			for _, row := range table(t, d, "monthly.missed_visits").Rows {
				missed = append(missed, row[0].Text)
				if row[3].Text == "" {
					t.Errorf("missed visit without its unit: %v", row)
				}
			}
			if slices.Sort(missed); !slices.Equal(missed, sorted(cs["A0"].No, cs["A1"].No, cs["B1"].No)) {
				t.Errorf("missed visits %v, want A0, A1, B1", missed)
			}
			// Township A's own bulletin has its row only and none of B's cases.
			d, err = r.Render(f.Ctx(t, db, "townA"), "monthly_bulletin", report.Params{Region: f.TownA.Code, From: "2026-03-01", To: "2026-03-31"})
			if err != nil {
				t.Fatal(err)
			}
			if got := rows(table(t, d, "monthly.ranking")); !slices.Equal(got, []string{"1\t青山镇\t66.6\t1\t3"}) || strings.Contains(d.Text(), "东城") {
				t.Errorf("township A's bulletin: %q\n%s", got, d.Text())
			}
		})
	}
}

func sorted(s ...string) []string { slices.Sort(s); return s }

// TestWeeklyDispatch checks week 10 of the data set, made after the week ended.
func TestWeeklyDispatch(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, dialect)
			f := storetest.NewFixture(t, db)
			cs := rhythmData(t, db, f)
			r := renderer(db, caseFigures(db))
			d, err := r.Render(f.Ctx(t, db, "leader"), "weekly_dispatch", report.Params{Region: f.County.Code, From: "2026-03-04", To: "2026-03-04"})
			if err != nil {
				t.Fatal(err)
			}
			if d.From != "2026-03-02" || d.To != "2026-03-08" || d.Title != "青山县社会治理工作周调度（2026年第10周）" {
				t.Fatalf("period %s–%s, title %s", d.From, d.To, d.Title)
			}
			// As of Sunday night: B0 is over fifteen days open; A0's visit is overdue.
			if got := rows(table(t, d, "weekly.townships")); !slices.Equal(got, []string{"青山镇\t3\t2\t1\t0\t1", "东城街道\t2\t1\t2\t1\t0"}) &&
				!slices.Equal(got, []string{"东城街道\t2\t1\t2\t1\t0", "青山镇\t3\t2\t1\t0\t1"}) {
				t.Errorf("weekly townships %q", got)
			}
			dispatch := table(t, d, "weekly.dispatch")
			if len(dispatch.Rows) != 1 || dispatch.Rows[0][0].Text != cs["B0"].No || dispatch.Rows[0][3].Text == "" {
				t.Errorf("dispatch list %q", rows(dispatch))
			}
			if figure(t, d, "dispute.total") != "5" || figure(t, d, "dispute.total period=prev_week") != "0" {
				t.Errorf("week's disputes %s, last week's %s", figure(t, d, "dispute.total"), figure(t, d, "dispute.total period=prev_week"))
			}
		})
	}
}
