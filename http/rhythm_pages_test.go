package http

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// TestSweepPage: on the phone page a grid member files a zero-report with one
// form, sees it filed, cannot file it twice, and sees the day's cases.
func TestSweepPage(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			wang, _ := e.people(t)
			// 王五's own account, in the community's office, sees the grid of its post
			// only, not the community's grid.
			_, err := sqlstore.NewUserService(e.db).CreateUser(storetest.System(), zhili.UserCreate{Username: "wangwu", Name: "王五",
				Role: zhili.RoleGridMember, UnitID: e.f.Offices[e.f.CommunityA.Code].ID, PersonID: wang.ID, Password: storetest.Password})
			mustCreate(t, err)
			if status, body, _ := get(t, e.pageUser(t, "wangwu"), e.srv.URL+"/m/sweep"); status != http.StatusOK ||
				!strings.Contains(body, e.f.GridA.Code) || strings.Contains(body, e.f.GridA2.Code) {
				t.Fatalf("王五's sweep page: %d %.3000s", status, body)
			}
			c := &zhili.Case{Kind: zhili.KindHazard, Category: "fire", Title: "石桥村柴草堆放", RegionID: e.f.GridA.ID}
			mustCreate(t, sqlstore.NewCaseService(e.db).ReportCase(e.f.Ctx(t, e.db, "gridA"), c, nil))
			grid := e.pageUser(t, "gridA")

			status, body, _ := get(t, grid, e.srv.URL+"/m/sweep")
			if status != http.StatusOK || !strings.Contains(body, e.f.GridA.Name) || !strings.Contains(body, "零报告") ||
				!strings.Contains(body, "石桥村柴草堆放") || strings.Contains(body, "河东") {
				t.Fatalf("sweep page: %d %.3000s", status, body)
			}
			status, body, hdr := post(t, grid, e.srv.URL+"/m/sweep", url.Values{"grid_code": {e.f.GridA.Code}, "found": {"0"}})
			if status != http.StatusSeeOther || hdr.Get("Location") != "/m/sweep?ok=1" {
				t.Fatalf("zero-report: %d %s %.2000s", status, hdr.Get("Location"), body)
			}
			status, body, _ = get(t, grid, e.srv.URL+"/m/sweep?ok=1")
			if status != http.StatusOK || !strings.Contains(body, "已提交零报告") || !strings.Contains(body, "今日排查已提交") {
				t.Fatalf("after the zero-report: %d %.3000s", status, body)
			}
			status, body, _ = post(t, grid, e.srv.URL+"/m/sweep", url.Values{"grid_code": {e.f.GridA.Code}, "found": {"2"}, "note": {"两处"}})
			if status != http.StatusConflict || !strings.Contains(body, "已经提交过") {
				t.Fatalf("second sweep: %d %.2000s", status, body)
			}
			status, body, _ = post(t, grid, e.srv.URL+"/m/sweep", url.Values{"grid_code": {e.f.GridB.Code}, "found": {"0"}})
			if status != http.StatusNotFound || strings.Contains(body, "赵六") {
				t.Fatalf("township B's grid: %d %.2000s", status, body)
			}
			status, body, _ = post(t, e.pageUser(t, "villageA"), e.srv.URL+"/m/sweep", url.Values{"grid_code": {e.f.GridA.Code}, "found": {"x"}})
			if status != http.StatusBadRequest || !strings.Contains(body, "发现问题数") {
				t.Fatalf("bad number: %d %.2000s", status, body)
			}
		})
	}
}

// TestRhythmPages: each list page renders for a township with its own data and
// none of the other's; another township's region is "not found"; the calendar
// page edits for the centre and refuses a township.
func TestRhythmPages(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, "sqlite")
	e.people(t)
	e.casesB(t)
	e.rhythmB()
	townB, townA, center := e.pageUser(t, "townB"), e.pageUser(t, "townA"), e.pageUser(t, "center")
	for _, p := range []struct{ path, want string }{
		{"/rhythm/missing?day=2026-03-02", "赵六"},
		{"/rhythm/missing?day=2026-03-01", "河东村排查"},
		{"/rhythm/weekly?week=2026-W10", "河东村第一网格"},
		{"/rhythm/visits", "没有超期未回访的事件"},
		{"/rhythm/dispatch?on=2026-03-20", "河东村宅基地纠纷"},
		{"/rhythm/bulletin?month=2026-03", "东城街道"},
		{"/rhythm/calendar", "办理时限"},
	} {
		status, body, _ := get(t, townB, e.srv.URL+p.path)
		if status != http.StatusOK || !strings.Contains(body, p.want) {
			t.Errorf("township B %s: %d, want %q: %.3000s", p.path, status, p.want, body)
		}
		status, body, _ = get(t, townA, e.srv.URL+p.path)
		if status != http.StatusOK || strings.Contains(body, "河东") || strings.Contains(body, "赵六") {
			t.Errorf("township A %s: %d or B's data: %.3000s", p.path, status, body)
		}
	}
	if status, body, _ := get(t, townA, e.srv.URL+"/rhythm/dispatch?under="+e.f.TownB.Code); status != http.StatusNotFound || strings.Contains(body, "河东") {
		t.Errorf("township A on B's dispatch page: %d %.2000s", status, body)
	}
	if status, body, _ := get(t, townB, e.srv.URL+"/rhythm/weekly?week=W10"); status != http.StatusBadRequest || !strings.Contains(body, "周次") {
		t.Errorf("bad week: %d %.2000s", status, body)
	}

	// The centre lists a holiday week and a rule; a township may not.
	status, body, hdr := post(t, center, e.srv.URL+"/rhythm/calendar", url.Values{"day": {"2026-10-01"}, "until": {"2026-10-07"}, "workday": {"false"}, "name": {"国庆节"}})
	if status != http.StatusSeeOther || hdr.Get("Location") != "/rhythm/calendar?ok=days" {
		t.Fatalf("add holiday week: %d %.2000s", status, body)
	}
	days, err := sqlstore.NewCalendarService(e.db).CalendarDays(storetest.System(), "2026-10-01", "2026-10-31")
	if err != nil || len(days) != 7 {
		t.Fatalf("holiday week: %v %d days", err, len(days))
	}
	status, body, _ = post(t, townA, e.srv.URL+"/rhythm/calendar", url.Values{"day": {"2026-10-08"}, "workday": {"false"}})
	if status != http.StatusForbidden || !strings.Contains(body, "县级综治中心") {
		t.Errorf("township adds a holiday: %d %.2000s", status, body)
	}
	status, body, _ = post(t, center, e.srv.URL+"/rhythm/deadlines", url.Values{"kind": {"emergency"}, "level": {"2"}, "step": {"handle"}, "working_days": {"2"}})
	if status != http.StatusSeeOther {
		t.Fatalf("set rule: %d %.2000s", status, body)
	}
	status, body, _ = get(t, center, e.srv.URL+"/rhythm/calendar?ok=rule")
	if status != http.StatusOK || !strings.Contains(body, "国庆节") || !strings.Contains(body, "办理时限已保存") || !strings.Contains(body, "2 个工作日") {
		t.Errorf("calendar page after the changes: %d %.3000s", status, body)
	}
	rules, err := sqlstore.NewCalendarService(e.db).DeadlineRules(storetest.System())
	mustCreate(t, err)
	var emergency *zhili.DeadlineRule
	for _, r := range rules {
		if r.Kind == zhili.KindEmergency && r.Level == zhili.LevelTownship {
			emergency = r
		}
	}
	if emergency == nil {
		t.Fatal("the rule set through the page is not in the table")
	}
	status, body, _ = get(t, center, e.srv.URL+"/rhythm/calendar?edit="+itoa(emergency.ID))
	if status != http.StatusOK || !strings.Contains(body, `name="working_days" min="1" max="365" required value="2"`) {
		t.Errorf("edit form of the rule: %d %.3000s", status, body)
	}
	status, body, _ = post(t, center, e.srv.URL+"/rhythm/deadlines", url.Values{"step": {"handle"}, "working_days": {"0"}})
	if status != http.StatusBadRequest || !strings.Contains(body, "时限（工作日）") {
		t.Errorf("bad rule: %d %.2000s", status, body)
	}
	if status, body, _ := get(t, center, e.srv.URL+"/rhythm/jobs"); status != http.StatusOK || !strings.Contains(body, "daily_checks") {
		t.Errorf("job runs page: %d %.2000s", status, body)
	}
	if status, _, _ := get(t, townA, e.srv.URL+"/rhythm/jobs"); status != http.StatusForbidden {
		t.Errorf("township on the job runs page: %d", status)
	}
}
