package http

import (
	"fmt"
	"strings"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// accessUsers are the columns of the matrix: one fixture account per role, with
// townA, villageA and gridA on the far side of township B, and "" for anonymous.
var accessUsers = []string{"sysadmin", "secadmin", "auditor", "leader", "center", "townA", "townB",
	"villageA", "gridA", "mediator", "department", "supervisor", ""}

// outsideB are the accounts whose scope excludes township B: for them every record
// of B must answer exactly like a record that does not exist.
var outsideB = []string{"townA", "villageA", "gridA"}

// accessRow is one endpoint called on township B's records, with the status each
// account must get. def applies to accounts not listed; anonymous gets 401 unless
// listed.
type accessRow struct {
	pattern string // the route as registered, so every route must have a row
	method  string
	path    func(e *testEnv, ids accessIDs) string
	// ghost is the same request on a record that does not exist; empty when the
	// request names no record.
	ghost func(e *testEnv, ids accessIDs) string
	body  func(e *testEnv, ids accessIDs) any
	def   int
	want  map[string]int
}

type accessIDs struct {
	personB *zhili.Person
	// caseB is a case reported in township B's grid, with a party; caseAccB one that
	// B has accepted, for bulk assignment; searchB a saved search of townB's.
	caseB, caseAccB, searchB int64
}

// readB is the answer pattern for reading one of township B's records: everyone in
// scope with the permission reads it, the far side gets 404, the auditor (no
// business or region rights) 403.
func readB() map[string]int {
	return map[string]int{"townA": 404, "villageA": 404, "gridA": 404, "auditor": 403}
}

func with(m map[string]int, kv ...any) map[string]int {
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1].(int)
	}
	return m
}

func fixed(s string) func(*testEnv, accessIDs) string {
	return func(*testEnv, accessIDs) string { return s }
}

var accessRows = []accessRow{
	{pattern: "GET /api/v1/me", method: "GET", path: fixed("/api/v1/me"), def: 200},
	{pattern: "GET /api/v1/regions", method: "GET", path: fixed("/api/v1/regions"), def: 200, want: map[string]int{"auditor": 403}},
	{pattern: "GET /api/v1/regions/{code}", method: "GET", def: 200, want: readB(),
		path:  func(e *testEnv, _ accessIDs) string { return "/api/v1/regions/" + e.f.TownB.Code },
		ghost: fixed("/api/v1/regions/419901999000")},
	{pattern: "GET /api/v1/regions/{code}/history", method: "GET", def: 200, want: readB(),
		path:  func(e *testEnv, _ accessIDs) string { return "/api/v1/regions/" + e.f.GridB.Code + "/history" },
		ghost: fixed("/api/v1/regions/419901999999999/history")},
	{pattern: "PATCH /api/v1/regions/{code}", method: "PATCH", def: 403, want: with(readB(), "sysadmin", 200),
		path:  func(e *testEnv, _ accessIDs) string { return "/api/v1/regions/" + e.f.VillageB.Code },
		ghost: fixed("/api/v1/regions/419901001999"),
		body:  func(*testEnv, accessIDs) any { return map[string]string{"name": "河东村"} }},
	{pattern: "POST /api/v1/regions", method: "POST", def: 403, want: map[string]int{"sysadmin": 201, "townA": 400, "villageA": 400, "gridA": 400},
		path: fixed("/api/v1/regions"),
		body: func(e *testEnv, _ accessIDs) any {
			return map[string]any{"code": "419901001201009", "name": "河东村第九网格", "parent_code": e.f.VillageB.Code, "level": 4, "kind": "comprehensive"}
		}},
	{pattern: "GET /api/v1/locate", method: "GET", def: 200, want: readB(),
		path: fixed("/api/v1/locate?lat=34.705&lng=113.625"), ghost: fixed("/api/v1/locate?lat=10&lng=10")},
	{pattern: "GET /api/v1/units", method: "GET", path: fixed("/api/v1/units"), def: 200, want: map[string]int{"auditor": 403}},
	{pattern: "GET /api/v1/units/{id}", method: "GET", def: 200, want: readB(),
		path: func(e *testEnv, _ accessIDs) string {
			return fmt.Sprint("/api/v1/units/", e.f.Offices[e.f.TownB.Code].ID)
		},
		ghost: fixed("/api/v1/units/999999")},
	{pattern: "POST /api/v1/units", method: "POST", def: 403, want: map[string]int{"sysadmin": 201, "townA": 400, "villageA": 400, "gridA": 400},
		path: fixed("/api/v1/units"),
		body: func(e *testEnv, _ accessIDs) any {
			return map[string]any{"kind": "office", "name": "测试办公室", "region_code": e.f.TownB.Code}
		}},
	{pattern: "POST /api/v1/people", method: "POST", def: 403, want: map[string]int{"center": 201, "townB": 201, "townA": 400, "villageA": 400, "gridA": 400},
		path: fixed("/api/v1/people"),
		body: func(e *testEnv, _ accessIDs) any {
			return map[string]any{"name": "孙七", "region_code": e.f.VillageB.Code}
		}},
	{pattern: "GET /api/v1/people/{id}", method: "GET", def: 403,
		want:  map[string]int{"leader": 200, "center": 200, "townB": 200, "supervisor": 200, "mediator": 200, "townA": 404, "villageA": 404},
		path:  func(e *testEnv, ids accessIDs) string { return fmt.Sprint("/api/v1/people/", ids.personB.ID) },
		ghost: fixed("/api/v1/people/999999")},
	{pattern: "POST /api/v1/people/{id}/reveal", method: "POST", def: 403, want: map[string]int{"center": 200, "townB": 200, "townA": 404},
		path: func(e *testEnv, ids accessIDs) string {
			return fmt.Sprint("/api/v1/people/", ids.personB.ID, "/reveal")
		},
		ghost: fixed("/api/v1/people/999999/reveal")},
	{pattern: "GET /api/v1/positions", method: "GET", def: 403,
		want:  map[string]int{"leader": 200, "center": 200, "townB": 200, "supervisor": 200, "mediator": 200, "townA": 404, "villageA": 404, "gridA": 404},
		path:  func(e *testEnv, _ accessIDs) string { return "/api/v1/positions?under=" + e.f.TownB.Code },
		ghost: fixed("/api/v1/positions?under=419901999000")},
	{pattern: "POST /api/v1/positions", method: "POST", def: 403, want: map[string]int{"center": 201, "townB": 201, "townA": 400, "villageA": 400, "gridA": 400},
		path: fixed("/api/v1/positions"),
		body: func(e *testEnv, ids accessIDs) any {
			return map[string]any{"person_id": ids.personB.ID, "role": "mediator", "region_code": e.f.VillageB.Code, "start": "2026-02-01"}
		}},
	{pattern: "POST /api/v1/cases", method: "POST", def: 403,
		want: map[string]int{"center": 201, "townB": 201, "mediator": 201, "department": 201, "townA": 400, "villageA": 400, "gridA": 400},
		path: fixed("/api/v1/cases"),
		body: func(e *testEnv, _ accessIDs) any {
			return map[string]any{"kind": "hazard", "category": "fire", "title": "楼道堆放杂物", "region_code": e.f.GridB.Code}
		}},
	// The same report placed by a GPS point in B's grid: outside B, no grid holds it.
	{pattern: "POST /api/v1/cases", method: "POST", def: 403,
		want: map[string]int{"center": 201, "townB": 201, "mediator": 201, "department": 201, "townA": 400, "villageA": 400, "gridA": 400},
		path: fixed("/api/v1/cases"),
		body: func(*testEnv, accessIDs) any {
			return map[string]any{"kind": "hazard", "category": "fire", "title": "井盖缺失", "lat": 34.705, "lng": 113.625}
		}},
	{pattern: "GET /api/v1/cases", method: "GET", def: 200,
		want:  map[string]int{"sysadmin": 403, "secadmin": 403, "auditor": 403, "townA": 400, "villageA": 400, "gridA": 400},
		path:  func(e *testEnv, _ accessIDs) string { return "/api/v1/cases?under=" + e.f.TownB.Code },
		ghost: fixed("/api/v1/cases?under=419901999000")},
	{pattern: "GET /api/v1/cases/{id}", method: "GET", def: 200, want: with(readB(), "sysadmin", 403, "secadmin", 403),
		path:  func(_ *testEnv, ids accessIDs) string { return fmt.Sprint("/api/v1/cases/", ids.caseB) },
		ghost: fixed("/api/v1/cases/999999")},
	{pattern: "GET /api/v1/cases/{id}/timeline", method: "GET", def: 200, want: with(readB(), "sysadmin", 403, "secadmin", 403),
		path:  func(_ *testEnv, ids accessIDs) string { return fmt.Sprint("/api/v1/cases/", ids.caseB, "/timeline") },
		ghost: fixed("/api/v1/cases/999999/timeline")},
	// A comment is repeatable. B's office holds the case and the county office
	// supervises it; the supervisor and leader roles sit in the county office and
	// may not write. The leader comments as an overseer all the same (any side that
	// may take the action will do, with its own permission); the supervisor role
	// oversees nothing.
	{pattern: "POST /api/v1/cases/{id}/actions", method: "POST", def: 403,
		want:  map[string]int{"townB": 200, "center": 200, "leader": 200, "townA": 404, "villageA": 404, "gridA": 404},
		path:  func(_ *testEnv, ids accessIDs) string { return fmt.Sprint("/api/v1/cases/", ids.caseB, "/actions") },
		ghost: fixed("/api/v1/cases/999999/actions"),
		body: func(*testEnv, accessIDs) any {
			return map[string]string{"action": "comment", "note": "请尽快处理"}
		}},
	{pattern: "POST /api/v1/cases/{id}/parties/reveal", method: "POST", def: 403,
		want: map[string]int{"center": 200, "townB": 200, "townA": 404, "villageA": 404, "gridA": 404},
		path: func(_ *testEnv, ids accessIDs) string {
			return fmt.Sprint("/api/v1/cases/", ids.caseB, "/parties/reveal")
		},
		ghost: fixed("/api/v1/cases/999999/parties/reveal")},
	// The first account that may assigns the accepted case; for those after it the
	// case has moved on (409). Outside B the case does not exist (as in case_test.go).
	{pattern: "POST /api/v1/cases/bulk-assign", method: "POST", def: 403,
		want: map[string]int{"center": 200, "townB": 409, "mediator": 409, "department": 409, "townA": 404, "villageA": 404, "gridA": 404},
		path: fixed("/api/v1/cases/bulk-assign"),
		body: func(e *testEnv, ids accessIDs) any {
			return map[string]any{"case_ids": []int64{ids.caseAccB}, "unit_id": e.f.Offices[e.f.VillageB.Code].ID, "note": "交村里处理"}
		}},
	{pattern: "GET /api/v1/case-categories", method: "GET", path: fixed("/api/v1/case-categories?kind=dispute"), def: 200,
		want: map[string]int{"sysadmin": 403, "secadmin": 403, "auditor": 403}},
	{pattern: "GET /api/v1/queue", method: "GET", path: fixed("/api/v1/queue"), def: 200,
		want: map[string]int{"sysadmin": 403, "secadmin": 403, "auditor": 403}},
	// The event feed: B's case events are left out of the far side's page, which
	// must read like a page past the end (the ghost) and name nothing of B.
	{pattern: "GET /api/v1/events", method: "GET", path: fixed("/api/v1/events"), ghost: fixed("/api/v1/events?after=999999"), def: 200,
		want: map[string]int{"sysadmin": 403, "secadmin": 403, "auditor": 403}},
	{pattern: "GET /api/v1/saved-searches", method: "GET", path: fixed("/api/v1/saved-searches"), def: 200,
		want: map[string]int{"sysadmin": 403, "secadmin": 403, "auditor": 403}},
	{pattern: "POST /api/v1/saved-searches", method: "POST", path: fixed("/api/v1/saved-searches"), def: 201,
		want: map[string]int{"sysadmin": 403, "secadmin": 403, "auditor": 403},
		body: func(e *testEnv, _ accessIDs) any {
			return map[string]string{"name": "本周上报", "query": "reported_from=2026-03-01"}
		}},
	// Saved searches are their owner's alone: anyone else's answer is "no such search".
	{pattern: "DELETE /api/v1/saved-searches/{id}", method: "DELETE", def: 404,
		want:  map[string]int{"townB": 204, "sysadmin": 403, "secadmin": 403, "auditor": 403},
		path:  func(_ *testEnv, ids accessIDs) string { return fmt.Sprint("/api/v1/saved-searches/", ids.searchB) },
		ghost: fixed("/api/v1/saved-searches/999999")},
	{pattern: "GET /api/v1/users", method: "GET", path: fixed("/api/v1/users"), def: 403, want: map[string]int{"sysadmin": 200, "secadmin": 200}},
	{pattern: "POST /api/v1/users", method: "POST", def: 403, want: map[string]int{"sysadmin": 201},
		path: fixed("/api/v1/users"),
		body: func(e *testEnv, _ accessIDs) any {
			return map[string]any{"username": "newuser", "role": "village_operator", "unit_id": e.f.Offices[e.f.VillageB.Code].ID, "password": storetest.Password}
		}},
	{pattern: "GET /api/v1/users/{id}", method: "GET", def: 404, want: map[string]int{"sysadmin": 200, "secadmin": 200, "townB": 200},
		path:  func(e *testEnv, _ accessIDs) string { return fmt.Sprint("/api/v1/users/", e.f.Users["townB"].ID) },
		ghost: fixed("/api/v1/users/999999")},
	{pattern: "PATCH /api/v1/users/{id}", method: "PATCH", def: 404, want: map[string]int{"secadmin": 200, "sysadmin": 403, "townB": 403},
		path:  func(e *testEnv, _ accessIDs) string { return fmt.Sprint("/api/v1/users/", e.f.Users["townB"].ID) },
		ghost: fixed("/api/v1/users/999999"),
		body:  func(*testEnv, accessIDs) any { return map[string]bool{"unlock": true} }},
	{pattern: "GET /api/v1/audit", method: "GET", path: fixed("/api/v1/audit"), def: 403, want: map[string]int{"auditor": 200}},
	{pattern: "GET /api/v1/audit/verify", method: "GET", path: fixed("/api/v1/audit/verify"), def: 403, want: map[string]int{"auditor": 200}},
	{pattern: "POST /api/v1/login", method: "POST", path: fixed("/api/v1/login"), def: 401, want: map[string]int{"": 401},
		body: func(*testEnv, accessIDs) any { return map[string]string{"username": "nobody", "password": "wrong"} }},
	{pattern: "POST /api/v1/login/totp", method: "POST", path: fixed("/api/v1/login/totp"), def: 200,
		body: func(*testEnv, accessIDs) any { return map[string]string{"code": "000000"} }},
	{pattern: "POST /api/v1/totp/enroll", method: "POST", path: fixed("/api/v1/totp/enroll"), def: 200,
		want: map[string]int{"sysadmin": 409, "secadmin": 409, "auditor": 409}},
	{pattern: "POST /api/v1/totp/confirm", method: "POST", path: fixed("/api/v1/totp/confirm"), def: 400,
		want: map[string]int{"sysadmin": 409, "secadmin": 409, "auditor": 409},
		body: func(*testEnv, accessIDs) any { return map[string]string{"code": "000000"} }},
	// Case attachments (http/attachment.go) on a case in township B: those working
	// on it (the township, the centre) may add files, but a JSON body carries
	// none, hence 400; readers in scope list and download; outsiders get 404.
	{pattern: "POST /api/v1/cases/{id}/attachments", method: "POST", def: 403,
		want: map[string]int{"center": 400, "townB": 400, "townA": 404, "villageA": 404, "gridA": 404},
		path: func(e *testEnv, _ accessIDs) string {
			return fmt.Sprint("/api/v1/cases/", e.attachmentB().caseID, "/attachments")
		},
		ghost: fixed("/api/v1/cases/999999/attachments")},
	{pattern: "GET /api/v1/cases/{id}/attachments", method: "GET", def: 200, want: with(readB(), "sysadmin", 403, "secadmin", 403),
		path: func(e *testEnv, _ accessIDs) string {
			return fmt.Sprint("/api/v1/cases/", e.attachmentB().caseID, "/attachments")
		},
		ghost: fixed("/api/v1/cases/999999/attachments")},
	{pattern: "GET /api/v1/cases/{id}/attachments/{aid}", method: "GET", def: 200, want: with(readB(), "sysadmin", 403, "secadmin", 403),
		path: func(e *testEnv, _ accessIDs) string {
			return fmt.Sprint("/api/v1/cases/", e.attachmentB().caseID, "/attachments/", e.attachmentB().attID)
		},
		ghost: fixed("/api/v1/cases/999999/attachments/1")},
	// Work-plan tasks (http/task.go) on a task owned by township B's office: leaders
	// and the centre set them, supervisors add notes, everyone in scope reads.
	{pattern: "GET /api/v1/tasks", method: "GET", path: fixed("/api/v1/tasks"), def: 200,
		want: map[string]int{"sysadmin": 403, "secadmin": 403, "auditor": 403}},
	{pattern: "POST /api/v1/tasks", method: "POST", def: 403, want: map[string]int{"leader": 201, "center": 201},
		path: fixed("/api/v1/tasks"),
		body: func(e *testEnv, _ accessIDs) any {
			return map[string]any{"title": "河东村安全隐患整治", "owner_unit_id": e.f.Offices[e.f.VillageB.Code].ID, "due": "2026-04-30"}
		}},
	{pattern: "GET /api/v1/tasks/{id}", method: "GET", def: 200, want: with(readB(), "sysadmin", 403, "secadmin", 403),
		path:  func(e *testEnv, _ accessIDs) string { return fmt.Sprint("/api/v1/tasks/", e.taskB()) },
		ghost: fixed("/api/v1/tasks/999999")},
	{pattern: "POST /api/v1/tasks/{id}/notes", method: "POST", def: 403,
		want:  map[string]int{"leader": 200, "center": 200, "supervisor": 200, "townA": 404, "villageA": 404, "gridA": 404},
		path:  func(e *testEnv, _ accessIDs) string { return fmt.Sprint("/api/v1/tasks/", e.taskB(), "/notes") },
		ghost: fixed("/api/v1/tasks/999999/notes"),
		body: func(*testEnv, accessIDs) any {
			return map[string]string{"kind": "supervision", "text": "请按期办结", "state": "open"}
		}},
	// The rhythm (http/rhythm*.go) on township B: its lists read like B's records;
	// the far side gets 404, as for a region that does not exist.
	{pattern: "POST /api/v1/daily-checks", method: "POST", def: 403,
		want: map[string]int{"center": 201, "townB": 201, "mediator": 201, "department": 201, "townA": 404, "villageA": 404, "gridA": 404},
		path: fixed("/api/v1/daily-checks"),
		body: func(e *testEnv, _ accessIDs) any { return map[string]any{"grid_code": e.f.GridB.Code, "found": 0} }},
	{pattern: "GET /api/v1/daily-checks", method: "GET", def: 200, want: with(readB(), "sysadmin", 403, "secadmin", 403),
		path: func(e *testEnv, _ accessIDs) string {
			e.rhythmB()
			return "/api/v1/daily-checks?day=2026-03-01&under=" + e.f.TownB.Code
		},
		ghost: fixed("/api/v1/daily-checks?day=2026-03-01&under=419901999000")},
	{pattern: "GET /api/v1/daily-checks/missing", method: "GET", def: 200, want: with(readB(), "sysadmin", 403, "secadmin", 403),
		path: func(e *testEnv, _ accessIDs) string {
			return "/api/v1/daily-checks/missing?day=2026-03-01&under=" + e.f.TownB.Code
		},
		ghost: fixed("/api/v1/daily-checks/missing?day=2026-03-01&under=419901999000")},
	{pattern: "GET /api/v1/weekly-review", method: "GET", def: 200, want: with(readB(), "sysadmin", 403, "secadmin", 403),
		path: func(e *testEnv, _ accessIDs) string {
			return "/api/v1/weekly-review?week=2026-W10&under=" + e.f.TownB.Code
		},
		ghost: fixed("/api/v1/weekly-review?week=2026-W10&under=419901999000")},
	{pattern: "GET /api/v1/overdue-visits", method: "GET", def: 200, want: with(readB(), "sysadmin", 403, "secadmin", 403),
		path:  func(e *testEnv, _ accessIDs) string { return "/api/v1/overdue-visits?under=" + e.f.TownB.Code },
		ghost: fixed("/api/v1/overdue-visits?under=419901999000")},
	{pattern: "GET /api/v1/dispatch-list", method: "GET", def: 200, want: with(readB(), "sysadmin", 403, "secadmin", 403),
		path: func(e *testEnv, _ accessIDs) string {
			return "/api/v1/dispatch-list?on=2026-03-20&under=" + e.f.TownB.Code
		},
		ghost: fixed("/api/v1/dispatch-list?on=2026-03-20&under=419901999000")},
	{pattern: "GET /api/v1/monthly-bulletin", method: "GET", def: 200, want: with(readB(), "sysadmin", 403, "secadmin", 403),
		path: func(e *testEnv, _ accessIDs) string {
			return "/api/v1/monthly-bulletin?month=2026-03&under=" + e.f.TownB.Code
		},
		ghost: fixed("/api/v1/monthly-bulletin?month=2026-03&under=419901999000")},
	{pattern: "GET /api/v1/rhythm-reports/{job}/{period}", method: "GET", def: 200, want: with(readB(), "sysadmin", 403, "secadmin", 403),
		path: func(e *testEnv, _ accessIDs) string {
			e.rhythmB()
			return "/api/v1/rhythm-reports/daily_checks/2026-03-01?under=" + e.f.TownB.Code
		},
		ghost: fixed("/api/v1/rhythm-reports/daily_checks/2026-03-01?under=419901999000")},
	// The scheduler's runs, the calendar and the deadline table are the
	// deployment's: read by every region role, changed by the system administrator
	// and the county centre. A deletion succeeds once; the next caller finds nothing.
	{pattern: "GET /api/v1/job-runs", method: "GET", path: fixed("/api/v1/job-runs"), def: 403, want: map[string]int{"sysadmin": 200, "center": 200}},
	{pattern: "GET /api/v1/calendar", method: "GET", path: fixed("/api/v1/calendar?from=2026-01-01&to=2026-12-31"), def: 200, want: map[string]int{"auditor": 403}},
	{pattern: "PUT /api/v1/calendar", method: "PUT", path: fixed("/api/v1/calendar"), def: 403, want: map[string]int{"sysadmin": 200, "center": 200},
		body: func(*testEnv, accessIDs) any {
			return map[string]any{"days": []map[string]any{{"day": "2026-10-02", "workday": false, "name": "国庆节"}}}
		}},
	{pattern: "DELETE /api/v1/calendar/{day}", method: "DELETE", def: 403, want: map[string]int{"sysadmin": 204, "center": 404},
		path: func(e *testEnv, _ accessIDs) string { return "/api/v1/calendar/" + e.rhythmB().day }},
	{pattern: "GET /api/v1/deadline-rules", method: "GET", path: fixed("/api/v1/deadline-rules"), def: 200, want: map[string]int{"auditor": 403}},
	{pattern: "PUT /api/v1/deadline-rules", method: "PUT", path: fixed("/api/v1/deadline-rules"), def: 403, want: map[string]int{"sysadmin": 200, "center": 200},
		body: func(*testEnv, accessIDs) any {
			return map[string]any{"kind": "dispute", "category": "neighbour", "level": 2, "step": "handle", "working_days": 7}
		}},
	{pattern: "DELETE /api/v1/deadline-rules/{id}", method: "DELETE", def: 403, want: map[string]int{"sysadmin": 204, "center": 404},
		path: func(e *testEnv, _ accessIDs) string { return fmt.Sprint("/api/v1/deadline-rules/", e.rhythmB().ruleID) }},
	// The public page's endpoints (http/public.go) answer anyone, logged in or not;
	// the tracking code is the only key, and the status holds no person's data.
	{pattern: "POST /api/v1/public/reports", method: "POST", def: 201, want: map[string]int{"": 201},
		path: fixed("/api/v1/public/reports"),
		body: func(e *testEnv, _ accessIDs) any {
			return map[string]any{"kind": "livelihood", "category": "water", "title": "停水三天", "region_code": e.f.VillageB.Code}
		}},
	{pattern: "GET /api/v1/public/reports/{code}", method: "GET", def: 200, want: map[string]int{"": 200},
		path: func(e *testEnv, _ accessIDs) string { return "/api/v1/public/reports/" + e.publicB() }},
	{pattern: "POST /api/v1/public/reports/{code}/rating", method: "POST", def: 409, want: map[string]int{"": 409},
		path: func(e *testEnv, _ accessIDs) string { return "/api/v1/public/reports/" + e.publicB() + "/rating" },
		body: func(*testEnv, accessIDs) any { return map[string]int{"satisfaction": 5} }},
	// Department reports (http/dept_report.go): a figure for township B's village
	// submitted by the county police; only department accounts submit and correct,
	// business roles read within their scope.
	{pattern: "GET /api/v1/department-metrics", method: "GET", path: fixed("/api/v1/department-metrics"), def: 200},
	{pattern: "GET /api/v1/department-reports", method: "GET", def: 200,
		want:  map[string]int{"sysadmin": 403, "secadmin": 403, "auditor": 403, "townA": 400, "villageA": 400, "gridA": 400},
		path:  deptListPath,
		ghost: fixed("/api/v1/department-reports?region=419901999000")},
	{pattern: "POST /api/v1/department-reports", method: "POST", def: 403, want: map[string]int{"department": 201},
		path: fixed("/api/v1/department-reports"),
		body: func(e *testEnv, _ accessIDs) any {
			return map[string]any{"figures": []any{map[string]any{"metric": "crime.solved", "region_code": e.f.VillageB.Code,
				"period_start": "2026-02-01", "period_end": "2026-02-28", "value": 3}}}
		}},
	{pattern: "POST /api/v1/department-reports/import", method: "POST", def: 403, want: map[string]int{"department": 400},
		path: fixed("/api/v1/department-reports/import")},
	{pattern: "POST /api/v1/department-reports/{id}/correct", method: "POST", def: 403, want: map[string]int{"department": 200},
		path:  deptReportPath("/correct"),
		ghost: fixed("/api/v1/department-reports/999999/correct"),
		body:  func(*testEnv, accessIDs) any { return map[string]any{"value": 5, "note": "补报"} }},
	{pattern: "GET /api/v1/department-reports/{id}/history", method: "GET", def: 200, want: with(readB(), "sysadmin", 403, "secadmin", 403),
		path:  deptReportPath("/history"),
		ghost: fixed("/api/v1/department-reports/999999/history")},
	{pattern: "POST /api/v1/department-tokens", method: "POST", def: 403, want: map[string]int{"sysadmin": 201},
		path: fixed("/api/v1/department-tokens"),
		body: func(e *testEnv, _ accessIDs) any {
			return map[string]any{"unit_id": e.f.Users["department"].UnitID, "name": "警综平台"}
		}},
	{pattern: "GET /api/v1/department-tokens", method: "GET", path: fixed("/api/v1/department-tokens"), def: 403,
		want: map[string]int{"sysadmin": 200, "secadmin": 200}},
	{pattern: "DELETE /api/v1/department-tokens/{id}", method: "DELETE", def: 403, want: map[string]int{"sysadmin": 204},
		path:  deptTokenPath,
		ghost: fixed("/api/v1/department-tokens/999999")},
	// Ledgers (http/ledger*.go): legal publicity events of township B's village;
	// business roles read in scope, writers write in scope, the administrators
	// see schemas only. The deletion succeeds once; later callers find nothing.
	{pattern: "GET /api/v1/ledgers", method: "GET", path: fixed("/api/v1/ledgers"), def: 200},
	{pattern: "GET /api/v1/ledgers/{name}", method: "GET", path: fixed("/api/v1/ledgers/legal_publicity"), def: 200},
	{pattern: "GET /api/v1/ledgers/{name}/records", method: "GET", def: 200,
		want:  map[string]int{"sysadmin": 403, "secadmin": 403, "auditor": 403, "townA": 400, "villageA": 400, "gridA": 400},
		path:  ledgerRegionPath("/records?region="),
		ghost: fixed("/api/v1/ledgers/legal_publicity/records?region=419901999000")},
	{pattern: "POST /api/v1/ledgers/{name}/records", method: "POST", def: 403,
		want: map[string]int{"center": 201, "townB": 201, "mediator": 201, "department": 201, "townA": 400, "villageA": 400, "gridA": 400},
		path: fixed("/api/v1/ledgers/legal_publicity/records"),
		body: func(e *testEnv, _ accessIDs) any {
			return map[string]any{"region_code": e.f.VillageB.Code, "data": map[string]any{"date": "2026-02-11", "kind": "lecture", "title": "讲座"}}
		}},
	{pattern: "GET /api/v1/ledgers/{name}/records/{id}", method: "GET", def: 200, want: with(readB(), "sysadmin", 403, "secadmin", 403),
		path:  ledgerPath(func(ids ledgerIDs) string { return fmt.Sprint("/records/", ids.keep) }),
		ghost: fixed("/api/v1/ledgers/legal_publicity/records/999999")},
	{pattern: "PATCH /api/v1/ledgers/{name}/records/{id}", method: "PATCH", def: 403,
		want:  map[string]int{"center": 200, "townB": 200, "mediator": 200, "department": 200, "townA": 404, "villageA": 404, "gridA": 404},
		path:  ledgerPath(func(ids ledgerIDs) string { return fmt.Sprint("/records/", ids.keep) }),
		ghost: fixed("/api/v1/ledgers/legal_publicity/records/999999"),
		body:  func(*testEnv, accessIDs) any { return map[string]any{"data": map[string]any{"participants": 90}} }},
	{pattern: "GET /api/v1/ledgers/{name}/records/{id}/history", method: "GET", def: 200, want: with(readB(), "sysadmin", 403, "secadmin", 403),
		path:  ledgerPath(func(ids ledgerIDs) string { return fmt.Sprint("/records/", ids.keep, "/history") }),
		ghost: fixed("/api/v1/ledgers/legal_publicity/records/999999/history")},
	{pattern: "DELETE /api/v1/ledgers/{name}/records/{id}", method: "DELETE", def: 404,
		want:  map[string]int{"sysadmin": 403, "secadmin": 403, "auditor": 403, "leader": 403, "supervisor": 403, "center": 204},
		path:  ledgerPath(func(ids ledgerIDs) string { return fmt.Sprint("/records/", ids.del) }),
		ghost: fixed("/api/v1/ledgers/legal_publicity/records/999999")},
	{pattern: "POST /api/v1/ledgers/{name}/import", method: "POST", def: 403,
		want: map[string]int{"center": 400, "townA": 400, "townB": 400, "villageA": 400, "gridA": 400, "mediator": 400, "department": 400},
		path: fixed("/api/v1/ledgers/legal_publicity/import")},
	{pattern: "GET /api/v1/ledgers/{name}/template.xlsx", method: "GET", def: 200, want: map[string]int{"sysadmin": 403, "secadmin": 403, "auditor": 403},
		path: fixed("/api/v1/ledgers/legal_publicity/template.xlsx")},
	{pattern: "GET /api/v1/ledgers/{name}/export", method: "GET", def: 200,
		want:  map[string]int{"sysadmin": 403, "secadmin": 403, "auditor": 403, "townA": 400, "villageA": 400, "gridA": 400},
		path:  ledgerRegionPath("/export?format=csv&region="),
		ghost: fixed("/api/v1/ledgers/legal_publicity/export?format=csv&region=419901999000")},
	// Reports (http/report.go): every business role renders and reads reports of
	// its own area; a region outside it answers like a template that does not exist.
	{pattern: "GET /api/v1/reports", method: "GET", path: fixed("/api/v1/reports"), def: 200,
		want: map[string]int{"sysadmin": 403, "secadmin": 403, "auditor": 403}},
	{pattern: "POST /api/v1/reports/{name}/render", method: "POST", def: 200, want: with(readB(), "sysadmin", 403, "secadmin", 403),
		path: fixed("/api/v1/reports/monthly_bulletin/render"), ghost: fixed("/api/v1/reports/no_such_report/render"), body: renderB},
	{pattern: "GET /api/v1/report-archive", method: "GET", def: 200, want: with(readB(), "sysadmin", 403, "secadmin", 403),
		path:  func(e *testEnv, _ accessIDs) string { return "/api/v1/report-archive?under=" + e.f.TownB.Code },
		ghost: fixed("/api/v1/report-archive?under=419901999000")},
	{pattern: "GET /api/v1/report-archive/{id}", method: "GET", def: 200, want: with(readB(), "sysadmin", 403, "secadmin", 403),
		path:  func(e *testEnv, _ accessIDs) string { return fmt.Sprint("/api/v1/report-archive/", e.reportArchiveB()) },
		ghost: fixed("/api/v1/report-archive/999999")},
	// Indicators (http/indicator.go): the catalogue for anyone signed in; values and
	// drill-downs for business roles within their scope, a region outside it
	// answering like one that does not exist.
	{pattern: "GET /api/v1/indicators", method: "GET", path: fixed("/api/v1/indicators"), def: 200},
	{pattern: "GET /api/v1/indicators/{id}", method: "GET", def: 200, want: with(readB(), "sysadmin", 403, "secadmin", 403),
		path: func(e *testEnv, _ accessIDs) string {
			return "/api/v1/indicators/dispute.total?from=2026-01-01&to=2026-12-31&region=" + e.f.TownB.Code
		},
		ghost: fixed("/api/v1/indicators/dispute.total?from=2026-01-01&to=2026-12-31&region=419901999000")},
	{pattern: "GET /api/v1/indicators/{id}/records", method: "GET", def: 200, want: with(readB(), "sysadmin", 403, "secadmin", 403),
		path: func(e *testEnv, _ accessIDs) string {
			return "/api/v1/indicators/dispute.total/records?from=2026-01-01&to=2026-12-31&region=" + e.f.TownB.Code
		},
		ghost: fixed("/api/v1/indicators/dispute.total/records?from=2026-01-01&to=2026-12-31&region=419901999000")},
	// A county's own indicators (http/indicator_county.go): business roles read the
	// definitions; the leader and the centre (task.assign) replace them ([] here).
	{pattern: "GET /api/v1/indicator-definitions", method: "GET", path: fixed("/api/v1/indicator-definitions"), def: 200,
		want: map[string]int{"auditor": 403, "sysadmin": 403, "secadmin": 403}},
	{pattern: "PUT /api/v1/indicator-definitions", method: "PUT", path: fixed("/api/v1/indicator-definitions"), def: 403,
		want: map[string]int{"leader": 200, "center": 200}, body: func(*testEnv, accessIDs) any { return []any{} }},
	// The security policy (http/security_policy.go): the three administrators
	// read it, the security administrator alone changes it.
	{pattern: "GET /api/v1/security-policy", method: "GET", path: fixed("/api/v1/security-policy"), def: 403,
		want: map[string]int{"sysadmin": 200, "secadmin": 200, "auditor": 200}},
	{pattern: "PUT /api/v1/security-policy", method: "PUT", path: fixed("/api/v1/security-policy"), def: 403,
		want: map[string]int{"secadmin": 200}, body: func(*testEnv, accessIDs) any { return map[string]int{"max_failures": 5} }},
	// The cockpit (http/cockpit.go): business roles within their scope; a region
	// outside it answers like one that does not exist.
	cockpitRow("summary", ""), cockpitRow("trend", ""), cockpitRow("map", "&metric=overdue"), cockpitRow("board", ""),
	// Assessment (http/assess.go): business roles; township B's assessment is out
	// of reach for the far side, like a region that does not exist.
	{pattern: "GET /api/v1/assessments", method: "GET", path: fixed("/api/v1/assessments"), def: 200,
		want: map[string]int{"auditor": 403, "sysadmin": 403, "secadmin": 403}},
	{pattern: "GET /api/v1/assessments/{scheme}", method: "GET", def: 200, want: with(readB(), "sysadmin", 403, "secadmin", 403),
		path: func(e *testEnv, _ accessIDs) string {
			return "/api/v1/assessments/township_quarterly?period=2026-Q1&region=" + e.f.TownB.Code
		},
		ghost: fixed("/api/v1/assessments/township_quarterly?period=2026-Q1&region=419901999000")},
	// Assessment schemes (http/assess_edit.go): business roles read them; the
	// leader and the centre (task.assign) store and reset them. The PUT stores the
	// built-in scheme unchanged, the DELETE resets it (built-in already: 200).
	{pattern: "GET /api/v1/assessments/{scheme}/scheme", method: "GET", path: fixed("/api/v1/assessments/township_quarterly/scheme"), def: 200,
		want: map[string]int{"auditor": 403, "sysadmin": 403, "secadmin": 403}},
	{pattern: "PUT /api/v1/assessments/{scheme}", method: "PUT", path: fixed("/api/v1/assessments/township_quarterly"), def: 403,
		want: map[string]int{"leader": 200, "center": 200}, body: builtinSchemeBody},
	{pattern: "DELETE /api/v1/assessments/{scheme}", method: "DELETE", path: fixed("/api/v1/assessments/township_quarterly"), def: 403,
		want: map[string]int{"leader": 200, "center": 200}},
	// Notices (http/notice.go): every account reads and marks its own.
	{pattern: "GET /api/v1/notices", method: "GET", path: fixed("/api/v1/notices"), def: 200},
	{pattern: "POST /api/v1/notices/{id}/read", method: "POST", path: fixed("/api/v1/notices/all/read"), def: 200},
	// The OpenAPI document (http/openapi.go) holds no data: anyone reads it.
	{pattern: "GET /api/v1/openapi.json", method: "GET", path: fixed("/api/v1/openapi.json"), def: 200, want: map[string]int{"": 200}},
	// The self-service password change (http/password_change.go): a wrong current
	// password changes nothing, for every account.
	{pattern: "POST /api/v1/me/password", method: "POST", path: fixed("/api/v1/me/password"), def: 400,
		body: func(*testEnv, accessIDs) any {
			return map[string]string{"old_password": "wrong", "password": "Another@2026!pass"}
		}},
	// Last: it ends the sessions the rows above use.
	{pattern: "POST /api/v1/logout", method: "POST", path: fixed("/api/v1/logout"), def: 200, want: map[string]int{"": 200}},
}

// TestAccessMatrix calls every API route as every role on township B's records and
// checks the status; for accounts outside B it also checks that the answer is the
// same as for a record that does not exist, and carries none of B's data.
func TestAccessMatrix(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			_, personB := e.people(t)
			ids := accessIDs{personB: personB}
			ids.caseB, ids.caseAccB, ids.searchB = e.casesB(t)
			for _, u := range accessUsers {
				if u != "" {
					e.login(t, u)
				}
			}
			for _, row := range accessRows {
				for _, u := range accessUsers {
					want, ok := row.want[u]
					if !ok {
						want = row.def
						if u == "" {
							want = 401
						}
					}
					var body any
					if row.body != nil {
						body = row.body(e, ids)
					}
					path := row.path(e, ids)
					got, out := e.do(t, e.tokens[u], row.method, path, body)
					if got != want {
						t.Errorf("%s %s as %q: status %d, want %d: %s", row.method, path, u, got, want, out)
					}
					if row.ghost == nil || !isOutsideB(u) {
						continue
					}
					if strings.Contains(string(out), "河东") || strings.Contains(string(out), "东城") || strings.Contains(string(out), "赵六") {
						t.Errorf("%s %s as %q leaks township B's data: %s", row.method, path, u, out)
					}
					if g, _ := e.do(t, e.tokens[u], row.method, row.ghost(e, ids), body); g != got {
						t.Errorf("%s %s as %q: %d for B's record but %d for a missing one; the answer reveals existence", row.method, path, u, got, g)
					}
				}
			}
		})
	}
}

// cockpitRow is the access row of a cockpit panel asked for township B.
func cockpitRow(panel, extra string) accessRow {
	q := "?from=2026-01-01&to=2026-12-31" + extra + "&region="
	return accessRow{pattern: "GET /api/v1/cockpit/" + panel, method: "GET", def: 200, want: with(readB(), "sysadmin", 403, "secadmin", 403),
		path:  func(e *testEnv, _ accessIDs) string { return "/api/v1/cockpit/" + panel + q + e.f.TownB.Code },
		ghost: fixed("/api/v1/cockpit/" + panel + q + "419901999000")}
}

func isOutsideB(u string) bool {
	for _, o := range outsideB {
		if o == u {
			return true
		}
	}
	return false
}

// TestEveryRouteHasAccessRow fails when an API route is added without its row.
func TestEveryRouteHasAccessRow(t *testing.T) {
	t.Parallel()
	rows := map[string]bool{}
	for _, r := range accessRows {
		rows[r.pattern] = true
	}
	for _, r := range NewServer().apiRoutes() {
		if !rows[r.pattern] {
			t.Errorf("route %q has no row in accessRows: say who may call it", r.pattern)
		}
	}
	// Every role must have a column: a new role without one fails here.
	e := newTestEnv(t, "sqlite")
	covered := map[zhili.Role]bool{}
	for _, u := range accessUsers {
		if u != "" {
			covered[e.f.Users[u].Role] = true
		}
	}
	for _, r := range zhili.Roles {
		if !covered[r.Role] {
			t.Errorf("role %s has no column in accessUsers", r.Role)
		}
	}
}
