package report_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/report"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// TestQuarterlyReviewAndTasks: on the bulletin tests' data, the quarterly
// review prints the township assessment as the assessment service scores it,
// rank by rank, and its lost points down to the records: township A's overdue
// acceptance of A3 and unresolved A3 link to the case. Two work-plan tasks for
// township A, one overdue and one due later in March, appear in the monthly
// bulletin; the weekly sheet of 16–22 March lists only the overdue one.
func TestQuarterlyReviewAndTasks(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			tasks := sqlstore.NewTaskService(db)
			leader := f.Ctx(t, db, "leader")
			late := &zhili.Task{Title: "排查化解积案", OwnerUnitID: f.Offices[f.TownA.Code].ID, Due: "2026-03-10"}
			later := &zhili.Task{Title: "建立调解员名册", OwnerUnitID: f.Offices[f.TownA.Code].ID, Due: "2026-03-25"}
			for _, k := range []*zhili.Task{late, later} {
				if err := tasks.CreateTask(leader, k, ""); err != nil {
					t.Fatal(err)
				}
			}
			cs := rhythmData(t, db, f)
			r := renderer(db, caseFigures(db))
			r.Tasks, r.Assess = tasks, sqlstore.NewAssessService(db)
			center := f.Ctx(t, db, "center")

			d, err := r.Render(center, "quarterly_review", report.Params{Region: f.County.Code, From: "2026-02-10", To: "2026-02-10"})
			if err != nil {
				t.Fatal(err)
			}
			if d.From != "2026-01-01" || d.To != "2026-03-31" || !strings.Contains(d.Title, "2026年第一季度") {
				t.Fatalf("period and title: %s %s %s", d.From, d.To, d.Title)
			}
			res, err := r.Assess.Assess(center, "township_quarterly", "2026-Q1", f.County.Code)
			if err != nil {
				t.Fatal(err)
			}
			rank := table(t, d, "assess.ranking")
			if len(rank.Rows) != len(res.Units) || len(rank.Rows) != 2 {
				t.Fatalf("ranking rows: %+v", rank.Rows)
			}
			for i, u := range res.Units {
				row := rank.Rows[i]
				if row[1].Text != u.Unit.Name || *row[0].Num != float64(u.Rank) || *row[2].Num != u.Score || len(row) != 3+len(u.Lines) {
					t.Errorf("ranking row %d: %+v, want %s rank %d score %v", i, row, u.Unit.Name, u.Rank, u.Score)
				}
			}
			lines := table(t, d, "assess.lines")
			find := func(unit, item, url string) bool {
				for _, row := range lines.Rows {
					if row[0].Text == unit && row[1].Text == item && row[2].URL == url {
						return true
					}
				}
				return false
			}
			a3 := fmt.Sprint("/cases/", cs["A3"].ID)
			if !find(f.TownA.Name, "超期环节", a3) || !find(f.TownA.Name, "矛盾纠纷化解率", a3) || find(f.TownB.Name, "超期环节", a3) {
				t.Fatalf("A3 in township A's lines: %+v", lines.Rows)
			}
			if !find(f.TownB.Name, "超期环节", fmt.Sprint("/cases/", cs["B2"].ID)) {
				t.Fatalf("B2 in township B's lines: %+v", lines.Rows)
			}
			if lists := table(t, d, "assess.lists"); len(lists.Rows) != 2 || lists.Rows[0][0].Text != "红榜" || lists.Rows[1][0].Text != "黑榜" {
				t.Fatalf("red and black lists: %+v", lists.Rows)
			}

			m, err := r.Render(center, "monthly_bulletin", report.Params{Region: f.County.Code, From: "2026-03-01", To: "2026-03-31"})
			if err != nil {
				t.Fatal(err)
			}
			got := taskRows(table(t, m, "tasks.period"))
			if len(got) != 2 || got[0] != "排查化解积案|"+f.Offices[f.TownA.Code].Name+"|2026-03-10|超期未完成|/tasks/"+fmt.Sprint(late.ID) ||
				!strings.HasPrefix(got[1], "建立调解员名册|") {
				t.Fatalf("monthly tasks: %v", got)
			}
			w, err := r.Render(center, "weekly_dispatch", report.Params{Region: f.County.Code, From: "2026-03-16", To: "2026-03-16"})
			if err != nil {
				t.Fatal(err)
			}
			if got := taskRows(table(t, w, "tasks.period")); len(got) != 1 || !strings.HasPrefix(got[0], "排查化解积案|") {
				t.Fatalf("weekly tasks: %v", got)
			}
			// Township B sees none of township A's tasks.
			wb, err := r.Render(f.Ctx(t, db, "townB"), "weekly_dispatch", report.Params{Region: f.TownB.Code, From: "2026-03-16", To: "2026-03-16"})
			if err != nil {
				t.Fatal(err)
			}
			if got := taskRows(table(t, wb, "tasks.period")); len(got) != 0 {
				t.Fatalf("township B's weekly tasks: %v", got)
			}
		})
	}
}

// taskRows writes a tasks table's rows as title|owner|due|state|link.
func taskRows(tab *report.Table) []string {
	var out []string
	for _, r := range tab.Rows {
		out = append(out, strings.Join([]string{r[0].Text, r[1].Text, r[2].Text, r[4].Text, r[0].URL}, "|"))
	}
	return out
}
