package http

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// rhythmIDs are the records of township B and the deployment that the access
// rows of the rhythm act on.
type rhythmIDs struct {
	ruleID int64  // a deadline rule to delete
	day    string // a listed calendar day to delete
}

var rhythmsB sync.Map // *testEnv → rhythmIDs

// rhythmB enters, on first use: yesterday's sweep of B's grid by townB, the
// scheduler's snapshots as of the fixture clock, a listed day and a rule to delete.
func (e *testEnv) rhythmB() rhythmIDs {
	if v, ok := rhythmsB.Load(e); ok {
		return v.(rhythmIDs)
	}
	ctx := storetest.System()
	u := e.f.Users["townB"]
	townB := zhili.NewContextWithActor(context.Background(), &zhili.Actor{UserID: u.ID, Username: u.Username, Role: u.Role, UnitID: u.UnitID,
		ScopeRegionID: e.f.TownB.ID, ScopePath: e.f.TownB.Path})
	if _, err := sqlstore.NewRhythmService(e.db).FileDailyCheck(townB, e.f.GridB.ID, "2026-03-01", 1, "河东村排查"); err != nil {
		panic(err)
	}
	if err := sqlstore.NewScheduler(e.db).RunDue(ctx); err != nil {
		panic(err)
	}
	cal := sqlstore.NewCalendarService(e.db)
	ids := rhythmIDs{day: "2026-10-01"}
	if err := cal.SetCalendarDays(ctx, []*zhili.CalendarDay{{Day: ids.day, Name: "国庆节"}}); err != nil {
		panic(err)
	}
	rule := &zhili.DeadlineRule{Kind: zhili.KindHazard, Step: zhili.StepVerify, Days: 2}
	if err := cal.SetDeadlineRule(ctx, rule); err != nil {
		panic(err)
	}
	ids.ruleID = rule.ID
	rhythmsB.Store(e, ids)
	return ids
}

// decodeInto unmarshals a response body or fails the test.
func decodeInto(t *testing.T, body []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
}

// TestDailyCheckAPI: a grid member files a zero-report in one call, cannot file it
// twice, gets the field named for bad input, and cannot reach township B's grid,
// which answers exactly like a grid that does not exist. The lists follow.
func TestDailyCheckAPI(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			e.people(t) // 王五 in post in grid A, 赵六 in grid B
			grid := e.login(t, "gridA")
			status, body := e.do(t, grid, "POST", "/api/v1/daily-checks", map[string]any{"grid_code": e.f.GridA.Code, "found": 0})
			var c zhili.DailyCheck
			if status != http.StatusCreated {
				t.Fatalf("zero-report: %d %s", status, body)
			}
			decodeInto(t, body, &c)
			if !c.ZeroReport || c.Day != "2026-03-02" || c.GridID != e.f.GridA.ID {
				t.Fatalf("zero-report filed as %+v", c)
			}
			if status, body := e.do(t, grid, "POST", "/api/v1/daily-checks", map[string]any{"grid_code": e.f.GridA.Code}); status != http.StatusConflict {
				t.Fatalf("second sweep of the day: %d %s, want 409", status, body)
			}
			status, body = e.do(t, grid, "POST", "/api/v1/daily-checks", map[string]any{"grid_code": e.f.GridA.Code, "found": -1, "day": "2026-02-01"})
			var eb errorBody
			decodeInto(t, body, &eb)
			var fields []string
			for _, f := range eb.Error.Fields {
				fields = append(fields, f.Field)
			}
			if status != http.StatusBadRequest || !slices.Contains(fields, "found") || !slices.Contains(fields, "day") {
				t.Fatalf("bad sweep: %d %s, want 400 naming found and day", status, body)
			}
			farStatus, farBody := e.do(t, grid, "POST", "/api/v1/daily-checks", map[string]any{"grid_code": e.f.GridB.Code})
			ghostStatus, ghostBody := e.do(t, grid, "POST", "/api/v1/daily-checks", map[string]any{"grid_code": "419901100201999"})
			if farStatus != http.StatusNotFound || farStatus != ghostStatus || string(farBody) != string(ghostBody) {
				t.Fatalf("township B's grid: %d %s; a missing grid: %d %s", farStatus, farBody, ghostStatus, ghostBody)
			}

			// Township A sees the sweep and, missing, nothing of its own; the centre
			// sees grid B missing with its member; township A cannot ask for B.
			townA := e.login(t, "townA")
			status, body = e.do(t, townA, "GET", "/api/v1/daily-checks", nil)
			var filed struct {
				Day   string              `json:"day"`
				Items []*zhili.FiledCheck `json:"items"`
			}
			decodeInto(t, body, &filed)
			if status != http.StatusOK || len(filed.Items) != 1 || filed.Items[0].GridName != e.f.GridA.Name || filed.Items[0].UserName != "gridA" {
				t.Fatalf("township A's sweeps: %d %s", status, body)
			}
			var missing struct {
				Items []*zhili.MissingCheck `json:"items"`
			}
			status, body = e.do(t, townA, "GET", "/api/v1/daily-checks/missing", nil)
			decodeInto(t, body, &missing)
			if status != http.StatusOK || len(missing.Items) != 0 {
				t.Fatalf("township A's missing sweeps after grid A filed: %d %s", status, body)
			}
			status, body = e.do(t, e.login(t, "center"), "GET", "/api/v1/daily-checks/missing?under="+e.f.County.Code, nil)
			decodeInto(t, body, &missing)
			if status != http.StatusOK || len(missing.Items) != 1 || missing.Items[0].GridID != e.f.GridB.ID ||
				!slices.Equal(missing.Items[0].Members, []string{"赵六"}) || missing.Items[0].Township != e.f.TownB.Name {
				t.Fatalf("county's missing sweeps: %d %s", status, body)
			}
			status, body = e.do(t, townA, "GET", "/api/v1/daily-checks/missing?under="+e.f.TownB.Code, nil)
			if status != http.StatusNotFound || contains(body, "赵六") {
				t.Fatalf("township A asking for B's missing sweeps: %d %s", status, body)
			}
			if status, body := e.do(t, townA, "GET", "/api/v1/daily-checks?day=3月2日", nil); status != http.StatusBadRequest || !contains(body, `"field":"day"`) {
				t.Fatalf("bad day: %d %s", status, body)
			}
		})
	}
}

// TestRhythmListsAPI: with a fixed clock, a case open sixteen days is on the
// dispatch list with its history, a case resolved eleven days ago without a visit
// is overdue, the weekly review and the bulletin count them; township A sees none
// of township B's.
func TestRhythmListsAPI(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			clock := e.db.Clock.(*zhili.FixedClock)
			cases, ctxB := sqlstore.NewCaseService(e.db), e.f.Ctx(t, e.db, "townB")
			report := func(title string) *zhili.Case {
				c := &zhili.Case{Kind: zhili.KindDispute, Category: "neighbour", Title: title, RegionID: e.f.GridB.ID}
				mustCreate(t, cases.ReportCase(ctxB, c, nil))
				return c
			}
			clock.T = time.Date(2026, 2, 13, 2, 0, 0, 0, time.UTC) // 2026-02-13, sixteen days before 03-01
			open := report("河东村长期未结纠纷")
			resolved := report("河东村已化解纠纷")
			_, err := cases.Act(ctxB, resolved.ID, zhili.CaseAct{Action: zhili.DoAccept, From: zhili.CaseReported})
			mustCreate(t, err)
			clock.T = time.Date(2026, 2, 18, 2, 0, 0, 0, time.UTC) // resolved on 02-18: visit due by 02-28
			_, err = cases.Act(ctxB, resolved.ID, zhili.CaseAct{Action: zhili.DoResolve, Method: "人民调解", Outcome: "双方和解"})
			mustCreate(t, err)
			clock.T = time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
			townB, townA, center := e.login(t, "townB"), e.login(t, "townA"), e.login(t, "center")

			var dispatch struct {
				On    string                `json:"on"`
				Items []*zhili.DispatchItem `json:"items"`
			}
			status, body := e.do(t, townB, "GET", "/api/v1/dispatch-list", nil)
			decodeInto(t, body, &dispatch)
			if status != http.StatusOK || dispatch.On != "2026-03-01" || len(dispatch.Items) != 1 || dispatch.Items[0].Case.ID != open.ID ||
				dispatch.Items[0].DaysOpen != 16 || len(dispatch.Items[0].Timeline) == 0 {
				t.Fatalf("township B's dispatch list: %d %s", status, body)
			}
			// A day earlier the case was open fifteen days: not yet on the list.
			status, body = e.do(t, townB, "GET", "/api/v1/dispatch-list?on=2026-02-28", nil)
			decodeInto(t, body, &dispatch)
			if status != http.StatusOK || len(dispatch.Items) != 0 {
				t.Fatalf("dispatch list on day 15: %d %s", status, body)
			}
			var visits struct {
				Items []*zhili.Case `json:"items"`
			}
			status, body = e.do(t, center, "GET", "/api/v1/overdue-visits?on=2026-03-01", nil)
			decodeInto(t, body, &visits)
			if status != http.StatusOK || len(visits.Items) != 1 || visits.Items[0].ID != resolved.ID {
				t.Fatalf("county's overdue visits: %d %s", status, body)
			}
			status, body = e.do(t, center, "GET", "/api/v1/overdue-visits?on=2026-02-28", nil)
			decodeInto(t, body, &visits)
			if status != http.StatusOK || len(visits.Items) != 0 {
				t.Fatalf("overdue visits on the tenth day: %d %s", status, body)
			}
			var review zhili.WeeklyReview
			status, body = e.do(t, townB, "GET", "/api/v1/weekly-review?week=2026-W07", nil)
			decodeInto(t, body, &review)
			if status != http.StatusOK || review.New != 2 || review.RegionID != e.f.TownB.ID {
				t.Fatalf("weekly review of W07: %d %s", status, body)
			}
			var bulletin zhili.MonthlyBulletin
			status, body = e.do(t, center, "GET", "/api/v1/monthly-bulletin?under="+e.f.County.Code, nil)
			decodeInto(t, body, &bulletin)
			var rowB *zhili.BulletinRow
			for i := range bulletin.Rows {
				if bulletin.Rows[i].RegionID == e.f.TownB.ID {
					rowB = &bulletin.Rows[i]
				}
			}
			if status != http.StatusOK || bulletin.Month != "2026-02" || rowB == nil || rowB.New != 2 || rowB.Resolved != 1 {
				t.Fatalf("February's bulletin (the default month): %d %s", status, body)
			}
			if status, body := e.do(t, center, "GET", "/api/v1/monthly-bulletin?month=2026-13", nil); status != http.StatusBadRequest || !contains(body, `"field":"month"`) {
				t.Fatalf("bad month: %d %s", status, body)
			}

			// Township A: its own lists are empty, B's answer like a region that
			// does not exist.
			for _, path := range []string{"/api/v1/dispatch-list", "/api/v1/overdue-visits", "/api/v1/weekly-review?week=2026-W07", "/api/v1/monthly-bulletin"} {
				status, body := e.do(t, townA, "GET", path, nil)
				if status != http.StatusOK || contains(body, "河东") {
					t.Errorf("township A's own %s: %d %s", path, status, body)
				}
				sep := "?"
				if slices.Contains([]byte(path), '?') {
					sep = "&"
				}
				farStatus, farBody := e.do(t, townA, "GET", path+sep+"under="+e.f.TownB.Code, nil)
				ghostStatus, ghostBody := e.do(t, townA, "GET", path+sep+"under=419901999000", nil)
				if farStatus != http.StatusNotFound || farStatus != ghostStatus || string(farBody) != string(ghostBody) {
					t.Errorf("township A on B's %s: %d %s; on a missing region: %d %s", path, farStatus, farBody, ghostStatus, ghostBody)
				}
			}
		})
	}
}

// TestCalendarAPI: the county centre lists holidays, a township may read but not
// change them; a bad batch changes nothing and names each bad entry; deadline
// rules are set by key and deleted.
func TestCalendarAPI(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			center, townA := e.login(t, "center"), e.login(t, "townA")
			days := []map[string]any{{"day": "2026-10-01", "workday": false, "name": "国庆节"}, {"day": "2026-10-10", "workday": true, "name": "国庆节调休上班"}}
			if status, body := e.do(t, center, "PUT", "/api/v1/calendar", map[string]any{"days": days}); status != http.StatusOK {
				t.Fatalf("set days: %d %s", status, body)
			}
			if status, body := e.do(t, townA, "PUT", "/api/v1/calendar", map[string]any{"days": days}); status != http.StatusForbidden {
				t.Fatalf("township sets days: %d %s, want 403", status, body)
			}
			bad := []map[string]any{{"day": "2026-11-02", "name": "正常"}, {"day": "2026-02-30"}, {"day": "2026-11-02"}}
			status, body := e.do(t, center, "PUT", "/api/v1/calendar", map[string]any{"days": bad})
			if status != http.StatusBadRequest || !contains(body, `"days[1].day"`, `"days[2].day"`, "duplicate") {
				t.Fatalf("bad batch: %d %s", status, body)
			}
			var list struct {
				Items []*zhili.CalendarDay `json:"items"`
			}
			status, body = e.do(t, townA, "GET", "/api/v1/calendar?from=2026-01-01&to=2026-12-31", nil)
			decodeInto(t, body, &list)
			if status != http.StatusOK || len(list.Items) != 2 || list.Items[0].Day != "2026-10-01" || list.Items[1].Workday != true {
				t.Fatalf("calendar after a refused batch: %d %s", status, body)
			}
			if status, body := e.do(t, center, "DELETE", "/api/v1/calendar/2026-10-10", nil); status != http.StatusNoContent {
				t.Fatalf("delete day: %d %s", status, body)
			}
			if status, body := e.do(t, center, "DELETE", "/api/v1/calendar/2026-10-10", nil); status != http.StatusNotFound {
				t.Fatalf("delete day again: %d %s", status, body)
			}

			rule := map[string]any{"kind": "dispute", "category": "neighbour", "level": 2, "step": "handle", "working_days": 7, "note": "邻里纠纷乡镇七日办结"}
			var set zhili.DeadlineRule
			status, body = e.do(t, center, "PUT", "/api/v1/deadline-rules", rule)
			decodeInto(t, body, &set)
			if status != http.StatusOK || set.ID == 0 || set.Days != 7 {
				t.Fatalf("set rule: %d %s", status, body)
			}
			rule["working_days"] = 6
			status, body = e.do(t, center, "PUT", "/api/v1/deadline-rules", rule)
			var again zhili.DeadlineRule
			decodeInto(t, body, &again)
			if status != http.StatusOK || again.ID != set.ID || again.Days != 6 {
				t.Fatalf("replace rule: %d %s (first id %d)", status, body, set.ID)
			}
			status, body = e.do(t, center, "PUT", "/api/v1/deadline-rules", map[string]any{"category": "neighbour", "step": "wait", "working_days": 0})
			if status != http.StatusBadRequest || !contains(body, `"field":"kind"`, `"field":"step"`, `"field":"working_days"`) {
				t.Fatalf("bad rule: %d %s", status, body)
			}
			var rules struct {
				Items []*zhili.DeadlineRule `json:"items"`
			}
			status, body = e.do(t, townA, "GET", "/api/v1/deadline-rules", nil)
			decodeInto(t, body, &rules)
			found := slices.ContainsFunc(rules.Items, func(r *zhili.DeadlineRule) bool { return r.ID == set.ID && r.Days == 6 })
			if status != http.StatusOK || !found {
				t.Fatalf("rules: %d %s", status, body)
			}
			if status, body := e.do(t, townA, "DELETE", "/api/v1/deadline-rules/"+itoa(set.ID), nil); status != http.StatusForbidden {
				t.Fatalf("township deletes a rule: %d %s", status, body)
			}
			if status, body := e.do(t, center, "DELETE", "/api/v1/deadline-rules/"+itoa(set.ID), nil); status != http.StatusNoContent {
				t.Fatalf("delete rule: %d %s", status, body)
			}
		})
	}
}

// TestJobRunsAPI: the scheduler's runs are listed for the system administrator
// and the county centre, newest first, one row per job and period.
func TestJobRunsAPI(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			e.rhythmB()
			var runs struct {
				Items []*zhili.JobRun `json:"items"`
			}
			status, body := e.do(t, e.login(t, "sysadmin"), "GET", "/api/v1/job-runs", nil)
			decodeInto(t, body, &runs)
			jobs := map[string]string{}
			for _, r := range runs.Items {
				jobs[r.Job] = r.Period
				if r.FinishedAt == nil || r.Error != "" {
					t.Errorf("run %+v did not finish cleanly", r)
				}
			}
			if status != http.StatusOK || jobs["daily_checks"] != "2026-03-01" || jobs["monthly_bulletin"] != "2026-02" || jobs["weekly_review"] != "2026-W09" {
				t.Fatalf("job runs: %d %s", status, body)
			}
			status, body = e.do(t, e.login(t, "center"), "GET", "/api/v1/job-runs?job=daily_checks", nil)
			decodeInto(t, body, &runs)
			if status != http.StatusOK || len(runs.Items) != 1 {
				t.Fatalf("daily_checks runs: %d %s", status, body)
			}
			// The snapshot the morning run stored is there for township B.
			status, body = e.do(t, e.login(t, "townB"), "GET", "/api/v1/rhythm-reports/daily_checks/2026-03-01", nil)
			var rep zhili.RhythmReport
			decodeInto(t, body, &rep)
			if status != http.StatusOK || rep.RegionID != e.f.TownB.ID || rep.Job != "daily_checks" {
				t.Fatalf("snapshot: %d %s", status, body)
			}
		})
	}
}

func itoa(id int64) string {
	b, _ := json.Marshal(id)
	return string(b)
}
