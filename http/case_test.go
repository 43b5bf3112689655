package http

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// casesB enters township B's records for the access matrix: a reported case with a
// party in B's grid, a case B has accepted, and a saved search of townB's.
func (e *testEnv) casesB(t *testing.T) (reported, accepted, search int64) {
	t.Helper()
	cases := sqlstore.NewCaseService(e.db)
	ctx := e.f.Ctx(t, e.db, "townB")
	c := &zhili.Case{Kind: zhili.KindDispute, Category: "neighbour", Title: "河东村宅基地纠纷", RegionID: e.f.GridB.ID}
	mustCreate(t, cases.ReportCase(ctx, c, []*zhili.Party{{Name: "赵六", IDNumber: "11010519491231002X", Phone: "13987654321"}}))
	acc := &zhili.Case{Kind: zhili.KindHazard, Category: "road", Title: "河东村路面塌陷", RegionID: e.f.GridB.ID}
	mustCreate(t, cases.ReportCase(ctx, acc, nil))
	_, err := cases.Act(ctx, acc.ID, zhili.CaseAct{Action: zhili.DoAccept, From: zhili.CaseReported})
	mustCreate(t, err)
	ss := &zhili.SavedSearch{Name: "河东村", Query: "under=" + e.f.VillageB.Code}
	mustCreate(t, cases.CreateSavedSearch(ctx, ss))
	return c.ID, acc.ID, ss.ID
}

// apiCase is the part of a case the tests read back.
type apiCase struct {
	ID             int64              `json:"id"`
	No             string             `json:"no"`
	State          zhili.CaseState    `json:"state"`
	RegionID       int64              `json:"region_id"`
	HolderUnitID   int64              `json:"holder_unit_id"`
	Lat            *float64           `json:"lat"`
	Warning        zhili.DueWarning   `json:"warning"`
	AllowedActions []zhili.CaseAction `json:"allowed_actions"`
	Parties        []zhili.Party      `json:"parties"`
	Reason         zhili.QueueReason  `json:"reason"`
}

type apiList struct {
	Items []apiCase `json:"items"`
	Total int       `json:"total"`
}

// call sends a request as a fixture user, checks the status and decodes the body.
func (e *testEnv) call(t *testing.T, user, method, path string, body any, want int, out any) []byte {
	t.Helper()
	status, b := e.do(t, e.login(t, user), method, path, body)
	if status != want {
		t.Fatalf("%s %s as %s: status %d, want %d: %s", method, path, user, status, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
	return b
}

// TestCaseWorkflowAPI: a grid member reports a dispute by GPS; it goes up to the
// township, to the county mediation centre and back, each step through the
// actions endpoint as the unit that holds it; a stale step is refused with 409.
func TestCaseWorkflowAPI(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			var c apiCase
			e.call(t, "gridA", "POST", "/api/v1/cases", map[string]any{
				"kind": "dispute", "category": "neighbour", "title": "宅基地边界纠纷", "lat": 34.705, "lng": 113.605, "people": 2,
				"parties": []map[string]any{{"name": "张三", "id_number": "11010519491231002X", "phone": "13812345678"}, {"name": "李四", "role": "respondent"}},
			}, 201, &c)
			if c.RegionID != e.f.GridA.ID || c.HolderUnitID != e.f.Offices[e.f.VillageA.Code].ID || c.Lat == nil || c.State != zhili.CaseReported {
				t.Fatalf("reported: %+v", c)
			}
			path := fmt.Sprint("/api/v1/cases/", c.ID)
			var got apiCase
			body := e.call(t, "villageA", "GET", path, nil, 200, &got)
			if !containsAction(got.AllowedActions, zhili.DoAccept) || len(got.Parties) != 2 || got.Parties[0].IDNumberMasked != "110***********002X" ||
				strings.Contains(string(body), "11010519491231002X") || strings.Contains(string(body), "13812345678") || got.Warning != zhili.WarnNone {
				t.Fatalf("case as the village: %s", body)
			}
			if e.call(t, "gridA", "GET", path, nil, 200, &got); containsAction(got.AllowedActions, zhili.DoAssign) {
				t.Fatalf("grid member may assign a reported case: %v", got.AllowedActions)
			}

			act := func(user string, a map[string]any, want int) apiCase {
				t.Helper()
				var out apiCase
				if want != 200 {
					out := e.call(t, user, "POST", path+"/actions", a, want, nil)
					if !strings.Contains(string(out), `"error"`) {
						t.Fatalf("no error body: %s", out)
					}
					return apiCase{}
				}
				e.call(t, user, "POST", path+"/actions", a, want, &out)
				return out
			}
			mediation := e.f.Centers[zhili.UnitMediationCenter].ID
			act("villageA", map[string]any{"action": "escalate", "from": "reported", "note": "村级无法调解"}, 200)
			act("townA", map[string]any{"action": "accept", "from": "reported"}, 200)
			// Stale: someone who still sees "reported" gets a conflict, not a second accept.
			act("townA", map[string]any{"action": "accept", "from": "reported"}, 409)
			act("townA", map[string]any{"action": "assign", "from": "reported", "unit_id": mediation}, 409)
			act("townA", map[string]any{"action": "assign", "from": "accepted"}, 400)
			act("townB", map[string]any{"action": "assign", "from": "accepted", "unit_id": mediation}, 404)
			if out := act("townA", map[string]any{"action": "assign", "from": "accepted", "unit_id": mediation, "note": "交县矛调中心"}, 200); out.HolderUnitID != mediation {
				t.Fatalf("assigned: %+v", out)
			}
			act("mediator", map[string]any{"action": "start", "from": "assigned"}, 200)
			act("mediator", map[string]any{"action": "resolve", "from": "handling", "method": "人民调解"}, 400)
			act("mediator", map[string]any{"action": "resolve", "from": "handling", "method": "人民调解", "outcome": "达成协议", "agreement": true}, 200)
			act("mediator", map[string]any{"action": "verify", "from": "resolved"}, 403)
			act("townA", map[string]any{"action": "verify", "from": "resolved"}, 200)
			act("townA", map[string]any{"action": "visit", "from": "verified", "satisfaction": 9}, 400)
			act("townA", map[string]any{"action": "visit", "from": "verified", "satisfaction": 5}, 200)
			if out := act("townA", map[string]any{"action": "close", "from": "visited"}, 200); out.State != zhili.CaseClosed {
				t.Fatalf("closed: %+v", out)
			}
			act("townA", map[string]any{"action": "comment", "from": "closed", "note": "x"}, 409)
			e.call(t, "townA", "POST", path+"/actions", map[string]any{"action": "accept", "colour": "red"}, 400, nil)

			var tl struct{ Items []zhili.CaseEvent }
			e.call(t, "leader", "GET", path+"/timeline", nil, 200, &tl)
			want := []zhili.CaseAction{zhili.DoReport, zhili.DoEscalate, zhili.DoAccept, zhili.DoAssign, zhili.DoStart, zhili.DoResolve, zhili.DoVerify, zhili.DoVisit, zhili.DoClose}
			if len(tl.Items) != len(want) {
				t.Fatalf("timeline: %+v", tl.Items)
			}
			for i, ev := range tl.Items {
				if ev.Action != want[i] || ev.UserName == "" {
					t.Errorf("event %d: %+v, want %s", i, ev, want[i])
				}
			}

			var rev struct{ Items []zhili.Party }
			e.call(t, "townA", "POST", path+"/parties/reveal", nil, 200, &rev)
			if len(rev.Items) != 2 || rev.Items[0].IDNumber != "11010519491231002X" || rev.Items[0].Phone != "13812345678" {
				t.Fatalf("revealed: %+v", rev.Items)
			}
			e.call(t, "leader", "POST", path+"/parties/reveal", nil, 403, nil)
			e.call(t, "townB", "POST", path+"/parties/reveal", nil, 404, nil)

			var list apiList
			e.call(t, "townA", "GET", "/api/v1/cases?state=closed,rejected&kind=dispute&reported_from=2026-03-02&reported_to=2026-03-02", nil, 200, &list)
			if list.Total != 1 || list.Items[0].ID != c.ID {
				t.Fatalf("township list: %+v", list)
			}
			if e.call(t, "townA", "GET", "/api/v1/cases?reported_from=2026-03-03", nil, 200, &list); list.Total != 0 {
				t.Fatalf("date filter: %+v", list)
			}
			if e.call(t, "townB", "GET", "/api/v1/cases", nil, 200, &list); list.Total != 0 {
				t.Fatalf("township B sees A's case: %+v", list)
			}
			out := e.call(t, "townA", "GET", "/api/v1/cases?state=lost&reported_to=yesterday&overdue=2", nil, 400, nil)
			if !contains(out, `"field":"state"`, `"field":"reported_to"`, `"field":"overdue"`) {
				t.Fatalf("bad filters: %s", out)
			}
		})
	}
}

func containsAction(list []zhili.CaseAction, a zhili.CaseAction) bool {
	for _, x := range list {
		if x == a {
			return true
		}
	}
	return false
}

// TestCaseReportErrors: bad reports name their fields and enter nothing.
func TestCaseReportErrors(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, "sqlite")
	out := e.call(t, "gridA", "POST", "/api/v1/cases", map[string]any{"kind": "storm", "title": "", "region_code": e.f.GridA.Code}, 400, nil)
	if !contains(out, `"field":"kind"`, `"field":"title"`) {
		t.Fatalf("bad report: %s", out)
	}
	out = e.call(t, "gridA", "POST", "/api/v1/cases", map[string]any{"kind": "hazard", "category": "fire", "title": "x", "lat": 10.0, "lng": 10.0}, 400, nil)
	if !contains(out, `"field":"lat"`, `"no_grid"`) {
		t.Fatalf("point outside every grid: %s", out)
	}
	out = e.call(t, "gridA", "POST", "/api/v1/cases", map[string]any{"kind": "hazard", "category": "fire", "title": "x"}, 400, nil)
	if !contains(out, `"field":"region_code"`, `"required"`) {
		t.Fatalf("no place: %s", out)
	}
	out = e.call(t, "townA", "POST", "/api/v1/cases", map[string]any{"kind": "hazard", "category": "fire", "title": "x", "region_code": e.f.GridB.Code}, 400, nil)
	if !contains(out, `"field":"region_code"`, `"unknown_region"`) {
		t.Fatalf("other township: %s", out)
	}
	out = e.call(t, "townA", "POST", "/api/v1/cases", map[string]any{"kind": "dispute", "category": "neighbour", "title": "x", "region_code": e.f.GridA.Code,
		"parties": []map[string]any{{"name": "张三", "id_number": "110105194912310021"}}}, 400, nil)
	if !contains(out, `"field":"parties[0].id_number"`) {
		t.Fatalf("bad party: %s", out)
	}
	// GCJ-02 points (Chinese web maps) are converted and located.
	var c apiCase
	e.call(t, "gridA", "POST", "/api/v1/cases", map[string]any{"kind": "hazard", "category": "fire", "title": "消防通道堵塞",
		"lat": 34.70376, "lng": 113.61103, "crs": "gcj02"}, 201, &c)
	if c.RegionID != e.f.GridA.ID || c.Lat == nil || *c.Lat > 34.706 || *c.Lat < 34.704 {
		t.Fatalf("gcj02 report: %+v", c)
	}
	var list apiList
	if e.call(t, "leader", "GET", "/api/v1/cases", nil, 200, &list); list.Total != 1 {
		t.Fatalf("%d cases after the failed reports, want 1", list.Total)
	}
	var cats struct{ Items []zhili.Category }
	e.call(t, "gridA", "GET", "/api/v1/case-categories?kind=hazard", nil, 200, &cats)
	for _, c := range cats.Items {
		if c.Kind != zhili.KindHazard {
			t.Fatalf("category of another kind: %+v", c)
		}
	}
	e.call(t, "gridA", "GET", "/api/v1/case-categories?kind=storm", nil, 400, nil)
}

// TestQueueAPI: the red and yellow cards, bulk assignment all-or-nothing, and saved
// searches through the API.
func TestQueueAPI(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			clock := e.db.Clock.(*zhili.FixedClock)
			report := func(user, title string) int64 {
				var c apiCase
				e.call(t, user, "POST", "/api/v1/cases", map[string]any{"kind": "hazard", "category": "fire", "title": title, "region_code": e.f.GridA.Code}, 201, &c)
				return c.ID
			}
			a := report("gridA", "楼道堆放杂物")
			var q apiList
			e.call(t, "villageA", "GET", "/api/v1/queue", nil, 200, &q)
			if q.Total != 1 || q.Items[0].ID != a || q.Items[0].Reason != zhili.QueueHold || q.Items[0].Warning != zhili.WarnNone {
				t.Fatalf("village queue: %+v", q)
			}
			// Moving the clock ends the sessions (30 minutes idle): log in again.
			advance := func(d time.Duration) { clock.Advance(d); e.tokens = map[string]string{} }
			advance(10 * time.Hour)
			if e.call(t, "villageA", "GET", "/api/v1/queue?warning=yellow", nil, 200, &q); q.Total != 1 || q.Items[0].Warning != zhili.WarnYellow {
				t.Fatalf("yellow queue a day before the deadline: %+v", q)
			}
			if e.call(t, "villageA", "GET", "/api/v1/queue?warning=red", nil, 200, &q); q.Total != 0 {
				t.Fatalf("red queue before the deadline: %+v", q)
			}
			advance(25 * time.Hour)
			if e.call(t, "villageA", "GET", "/api/v1/queue?warning=red", nil, 200, &q); q.Total != 1 || q.Items[0].Warning != zhili.WarnRed {
				t.Fatalf("red queue after the deadline: %+v", q)
			}
			if e.call(t, "leader", "GET", "/api/v1/queue", nil, 200, &q); q.Total != 1 || q.Items[0].Reason != zhili.QueueOverdue {
				t.Fatalf("leader's queue: %+v", q)
			}
			if e.call(t, "townB", "GET", "/api/v1/queue", nil, 200, &q); q.Total != 0 {
				t.Fatalf("township B's queue: %+v", q)
			}
			var list apiList
			if e.call(t, "townA", "GET", "/api/v1/cases?overdue=1", nil, 200, &list); list.Total != 1 || list.Items[0].Warning != zhili.WarnRed {
				t.Fatalf("overdue list: %+v", list)
			}
			e.call(t, "villageA", "GET", "/api/v1/queue?warning=blue", nil, 400, nil)

			// Bulk assignment: the township's own accepted cases go to the village.
			b, c := report("townA", "路灯损坏"), report("townA", "井盖松动")
			for _, id := range []int64{b, c} {
				e.call(t, "townA", "POST", fmt.Sprint("/api/v1/cases/", id, "/actions"), map[string]any{"action": "accept", "from": "reported"}, 200, nil)
			}
			village := e.f.Offices[e.f.VillageA.Code].ID
			bulk := func(ids ...int64) map[string]any {
				return map[string]any{"case_ids": ids, "unit_id": village, "note": "批量交办"}
			}
			out := e.call(t, "townA", "POST", "/api/v1/cases/bulk-assign", bulk(b, a, c), 409, nil)
			if !contains(out, `"field":"case_ids[1]"`) || contains(out, `"field":"case_ids[0]"`) {
				t.Fatalf("bulk with a case the township does not hold: %s", out)
			}
			if e.call(t, "townA", "GET", "/api/v1/cases?state=assigned", nil, 200, &list); list.Total != 0 {
				t.Fatalf("a failed bulk assignment assigned %d cases", list.Total)
			}
			// Another township's case answers exactly like a case that does not exist.
			caseB, _, _ := e.casesB(t)
			outB := e.call(t, "townA", "POST", "/api/v1/cases/bulk-assign", bulk(caseB), 404, nil)
			ghost := e.call(t, "townA", "POST", "/api/v1/cases/bulk-assign", bulk(999999), 404, nil)
			if string(outB) != string(ghost) || contains(outB, "河东") {
				t.Fatalf("B's case %s, missing case %s", outB, ghost)
			}
			e.call(t, "leader", "POST", "/api/v1/cases/bulk-assign", bulk(b), 403, nil)
			many := make([]int64, zhili.MaxBulkAssign+1)
			for i := range many {
				many[i] = int64(i + 1)
			}
			if out := e.call(t, "townA", "POST", "/api/v1/cases/bulk-assign", bulk(many...), 400, nil); !contains(out, `"too_many"`) {
				t.Fatalf("too many: %s", out)
			}
			var done struct{ Items []apiCase }
			e.call(t, "townA", "POST", "/api/v1/cases/bulk-assign", bulk(b, c), 200, &done)
			if len(done.Items) != 2 || done.Items[0].State != zhili.CaseAssigned || done.Items[1].HolderUnitID != village {
				t.Fatalf("bulk assigned: %+v", done.Items)
			}

			// Saved searches belong to their user.
			var ss zhili.SavedSearch
			e.call(t, "townA", "POST", "/api/v1/saved-searches", map[string]string{"name": "超期", "query": "overdue=1&state=reported,accepted"}, 201, &ss)
			e.call(t, "townA", "POST", "/api/v1/saved-searches", map[string]string{"name": "超期", "query": "overdue=1"}, 409, nil)
			if out := e.call(t, "townA", "POST", "/api/v1/saved-searches", map[string]string{"name": "x", "query": "colour=red"}, 400, nil); !contains(out, `"field":"query"`) {
				t.Fatalf("unknown parameter: %s", out)
			}
			var mine struct{ Items []zhili.SavedSearch }
			if e.call(t, "townA", "GET", "/api/v1/saved-searches", nil, 200, &mine); len(mine.Items) != 1 || mine.Items[0].Query != "overdue=1&state=reported%2Caccepted" {
				t.Fatalf("saved: %+v", mine)
			}
			if e.call(t, "villageA", "GET", "/api/v1/saved-searches", nil, 200, &mine); len(mine.Items) != 0 {
				t.Fatalf("another user's saved searches: %+v", mine)
			}
			e.call(t, "villageA", "DELETE", fmt.Sprint("/api/v1/saved-searches/", ss.ID), nil, 404, nil)
			e.call(t, "townA", "DELETE", fmt.Sprint("/api/v1/saved-searches/", ss.ID), nil, http.StatusNoContent, nil)
		})
	}
}
