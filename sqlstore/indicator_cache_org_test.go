package sqlstore_test

import (
	"fmt"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// TestIndicatorOrgEditsReload changes org and department rows in ways that
// keep every count and the latest end date as they were (an earlier end date
// moved, a retirement re-dated, a position moved, a report's value corrected
// in place) and checks that the cache's copy follows each one.
func TestIndicatorOrgEditsReload(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		sys := storetest.System()
		people := sqlstore.NewPersonService(db)
		// Grid members: one left on 30 March, one leaves at the end of the year
		// (the latest end date), one stays.
		var pos []int64
		for i, span := range [][2]string{{"2025-01-01", "2026-03-30"}, {"2025-01-01", "2026-12-31"}, {"2025-01-01", ""}} {
			p := &zhili.Person{Name: fmt.Sprintf("网格员%d", i), RegionID: f.VillageA.ID}
			if err := people.CreatePerson(sys, p); err != nil {
				t.Fatal(err)
			}
			x := &zhili.Position{PersonID: p.ID, Role: zhili.PositionGridMember, RegionID: f.GridA.ID, Start: span[0]}
			if err := people.CreatePosition(sys, x); err != nil {
				t.Fatal(err)
			}
			if span[1] != "" {
				if err := people.EndPosition(sys, x.ID, span[1]); err != nil {
					t.Fatal(err)
				}
			}
			pos = append(pos, x.ID)
		}
		// Two special groups, both retired (on the fixture's 2 March 2026).
		units := sqlstore.NewUnitService(db)
		lead := &zhili.Unit{Kind: zhili.UnitLeadingGroup, Name: "领导小组", RegionID: f.TownA.ID}
		if err := units.CreateUnit(sys, lead); err != nil {
			t.Fatal(err)
		}
		var groups []int64
		for i := range 2 {
			u := &zhili.Unit{Kind: zhili.UnitSpecialGroup, Name: fmt.Sprintf("专项组%d", i), RegionID: f.TownA.ID, ParentID: lead.ID}
			if err := units.CreateUnit(sys, u); err != nil {
				t.Fatal(err)
			}
			if err := units.RetireUnit(sys, u.ID); err != nil {
				t.Fatal(err)
			}
			groups = append(groups, u.ID)
		}
		finance := &zhili.Unit{Kind: zhili.UnitDepartment, Name: "青山县金融办", RegionID: f.County.ID, Code: "finance"}
		if err := units.CreateUnit(sys, finance); err != nil {
			t.Fatal(err)
		}
		if _, err := sqlstore.NewDepartmentReportService(db).SubmitDepartmentReports(sys, []zhili.DepartmentFigure{
			{Metric: "finance.npl_recovered", RegionCode: f.TownA.Code, PeriodStart: "2026-03-01", PeriodEnd: "2026-03-31", Value: 100},
		}, zhili.DepartmentSubmit{UnitID: finance.ID, Via: "cli"}); err != nil {
			t.Fatal(err)
		}
		_, st := indEngine(db)
		ctx := f.Ctx(t, db, "leader")
		regions := []*zhili.Region{f.County, f.TownA, f.TownB, f.GridA}
		periods := [][2]string{{"2026-02-01", "2026-02-28"}, {"2026-03-01", "2026-03-31"}, {"2026-04-01", "2026-04-30"}}
		indCompare(t, ctx, st, regions, periods)
		for _, e := range []struct {
			name, sql string
			args      []any
		}{
			{"an earlier end date moved", `UPDATE positions SET end_day = ? WHERE id = ?`, []any{"2026-04-15", pos[0]}},
			{"a position moved to another township", `UPDATE positions SET region_id = ? WHERE id = ?`, []any{f.GridB.ID, pos[2]}},
			{"a retirement re-dated", `UPDATE units SET retired_at = ? WHERE id = ?`, []any{"2026-05-01T00:00:00.000000Z", groups[0]}},
			{"a report corrected in place", `UPDATE department_reports SET value = ? WHERE value = ?`, []any{250, 100}},
			{"a region retired without an event", `UPDATE regions SET retired_at = ? WHERE id = ?`, []any{"2026-03-10T00:00:00.000000Z", f.GridA2.ID}},
		} {
			if err := db.ExecForTest(sys, e.sql, e.args...); err != nil {
				t.Fatalf("%s: %v", e.name, err)
			}
			t.Run(e.name, func(t *testing.T) { indCompare(t, ctx, st, regions, periods) })
		}
	})
}
