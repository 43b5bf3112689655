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
	// may not write. (The leader is refused as the supervising unit although as an
	// overseer a leader may comment: sqlstore's may() requires business.write as
	// soon as the actor plays any side besides overseer.)
	{pattern: "POST /api/v1/cases/{id}/actions", method: "POST", def: 403,
		want:  map[string]int{"townB": 200, "center": 200, "leader": 403, "townA": 404, "villageA": 404, "gridA": 404},
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
