package http

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// apiEvents is the body of GET /api/v1/events.
type apiEvents struct {
	Items []zhili.Event `json:"items"`
	Next  int64         `json:"next"`
}

func (e *testEnv) events(t *testing.T, who, query string) apiEvents {
	t.Helper()
	status, body := e.do(t, e.login(t, who), "GET", "/api/v1/events"+query, nil)
	if status != 200 {
		t.Fatalf("events%s as %s: %d %s", query, who, status, body)
	}
	var out apiEvents
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("events body: %v: %s", err, body)
	}
	return out
}

// TestEventFeedAPI: the feed in seq order with a cursor, scope, the query checks
// and department tokens kept out.
func TestEventFeedAPI(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			reported, accepted, _ := e.casesB(t) // township B: two reports, one accepted
			all := e.events(t, "center", "")
			var got []string
			for i, ev := range all.Items {
				got = append(got, fmt.Sprint(ev.Type, " ", ev.CaseID))
				if i > 0 && ev.Seq <= all.Items[i-1].Seq {
					t.Fatalf("seq %d after %d", ev.Seq, all.Items[i-1].Seq)
				}
			}
			want := []string{fmt.Sprint("case.reported ", reported), fmt.Sprint("case.reported ", accepted), fmt.Sprint("case.accepted ", accepted)}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("events %v, want %v", got, want)
			}
			last := all.Items[2]
			if all.Next != last.Seq || last.RegionCode != e.f.GridB.Code || last.Unit != e.f.Offices[e.f.TownB.Code].Name ||
				last.State != zhili.CaseAccepted || last.FromState != zhili.CaseReported || last.CaseNo == "" {
				t.Fatalf("accepted event %+v, next %d", last, all.Next)
			}
			_, raw := e.do(t, e.login(t, "center"), "GET", "/api/v1/events", nil)
			for _, secret := range []string{"赵六", "13987654321", "宅基地", "townB", "user_name", "note"} {
				if strings.Contains(string(raw), secret) {
					t.Errorf("the feed shows %q: %s", secret, raw)
				}
			}
			// One at a time, the cursor walks the same events.
			var after int64
			for i := range 3 {
				p := e.events(t, "center", fmt.Sprint("?limit=1&after=", after))
				if len(p.Items) != 1 || p.Items[0].Seq != all.Items[i].Seq || p.Next != p.Items[0].Seq {
					t.Fatalf("page %d: %+v", i, p)
				}
				after = p.Next
			}
			if p := e.events(t, "center", fmt.Sprint("?after=", after)); len(p.Items) != 0 || p.Next != after {
				t.Fatalf("past the end: %+v", p)
			}
			// A new event is there on the next read, without waiting for a sequencer tick.
			if _, err := sqlstore.NewCaseService(e.db).Act(e.f.Ctx(t, e.db, "townB"), reported,
				zhili.CaseAct{Action: zhili.DoComment, Note: "补充说明"}); err != nil {
				t.Fatal(err)
			}
			if p := e.events(t, "center", fmt.Sprint("?after=", after)); len(p.Items) != 1 || p.Items[0].Type != "case.commented" {
				t.Fatalf("new comment: %+v", p)
			}
			// Township A sees none of B's events, and its cursor passes them.
			if p := e.events(t, "townA", ""); len(p.Items) != 0 || p.Next < last.Seq {
				t.Fatalf("township A: %+v", p)
			}
			if p := e.events(t, "townB", ""); len(p.Items) != 4 {
				t.Fatalf("township B: %d events", len(p.Items))
			}
			for _, q := range []struct{ query, field string }{
				{"?after=x", "after"}, {"?after=-1", "after"}, {"?after=1.5", "after"},
				{"?limit=0", "limit"}, {"?limit=1001", "limit"}, {"?limit=ten", "limit"},
			} {
				status, body := e.do(t, e.login(t, "center"), "GET", "/api/v1/events"+q.query, nil)
				if status != 400 || !strings.Contains(string(body), `"field":"`+q.field+`"`) {
					t.Errorf("%s: %d %s, want 400 naming %s", q.query, status, body, q.field)
				}
			}
			// Department tokens serve department reports only; the feed is for accounts.
			_, secret, err := sqlstore.NewDepartmentTokenService(e.db).CreateDepartmentToken(storetest.System(), e.f.Users["department"].UnitID, "12345热线")
			if err != nil {
				t.Fatal(err)
			}
			if status, body := e.do(t, secret, "GET", "/api/v1/events", nil); status != 403 {
				t.Fatalf("department token: %d %s, want 403", status, body)
			}
		})
	}
}
