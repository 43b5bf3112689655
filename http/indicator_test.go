package http

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// TestIndicatorAPI: the catalogue lists every figure; a township's value and its
// drill-down agree; bad input names the field; the page shows the value linked to
// the records, and the records page lists the case.
func TestIndicatorAPI(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			disputeB, _, _ := e.casesB(t) // a dispute and a hazard reported in township B on 2026-03-02

			var list struct{ Items []zhili.IndicatorInfo }
			e.call(t, "leader", "GET", "/api/v1/indicators", nil, http.StatusOK, &list)
			found := false
			for _, it := range list.Items {
				found = found || (it.ID == "dispute.total" && len(it.Figures) == 1 && it.Figures[0].No == "F33")
			}
			if len(list.Items) < 57 || !found {
				t.Fatalf("catalogue: %d items, dispute.total as F33: %v", len(list.Items), found)
			}

			q := "?from=2026-03-01&to=2026-03-31&region=" + e.f.TownB.Code
			var v zhili.IndicatorValue
			e.call(t, "townB", "GET", "/api/v1/indicators/dispute.total"+q, nil, http.StatusOK, &v)
			if v.Raw != 1 || v.Text != "1件" || v.RegionName != e.f.TownB.Name {
				t.Errorf("dispute.total for B: %+v, want 1件", v)
			}
			var recs struct {
				Items []zhili.IndicatorRecord
				Total int
			}
			e.call(t, "townB", "GET", "/api/v1/indicators/dispute.total/records"+q, nil, http.StatusOK, &recs)
			if recs.Total != 1 || len(recs.Items) != 1 || recs.Items[0].ID != disputeB || recs.Items[0].Kind != "case" {
				t.Errorf("drill-down: %+v, want case %d", recs, disputeB)
			}
			// The day before the period: nothing; a share with its threshold parameter.
			e.call(t, "leader", "GET", "/api/v1/indicators/dispute.total?from=2026-03-03&to=2026-03-31&region="+e.f.TownB.Code, nil, http.StatusOK, &v)
			if v.Raw != 0 {
				t.Errorf("dispute.total from 3 March: %d, want 0", v.Raw)
			}
			e.call(t, "leader", "GET", "/api/v1/indicators/village.income_share_at_least"+q+"&threshold=20", nil, http.StatusOK, &v)
			if v.Params["threshold"] != "20" || v.Text != "—" {
				t.Errorf("share without records: %+v", v)
			}

			for _, bad := range []struct{ path, field string }{
				{"/api/v1/indicators/dispute.total?from=2026-13-01&to=2026-03-31&region=" + e.f.TownB.Code, "from"},
				{"/api/v1/indicators/no.such" + q, "id"},
				{"/api/v1/indicators/dispute.total" + q + "&colour=red", "colour"},
				{"/api/v1/indicators/village.income_share_at_least" + q + "&threshold=-1", "threshold"},
				{"/api/v1/indicators/dispute.total/records" + q + "&page=x", "page"},
			} {
				body := e.call(t, "leader", "GET", bad.path, nil, http.StatusBadRequest, nil)
				if !strings.Contains(string(body), `"field":"`+bad.field+`"`) {
					t.Errorf("%s: %s, want the field %s named", bad.path, body, bad.field)
				}
			}

			status, page := e.page(t, e.login(t, "townB"), "GET", "/indicators"+q, nil)
			link := "/indicators/dispute.total/records?from=2026-03-01&amp;region=" + e.f.TownB.Code + "&amp;to=2026-03-31"
			if status != http.StatusOK || !strings.Contains(string(page), link) || !strings.Contains(string(page), "1件") {
				t.Errorf("indicator page: %d, link %s present: %v", status, link, strings.Contains(string(page), link))
			}
			status, page = e.page(t, e.login(t, "townB"), "GET", "/indicators/dispute.total/records"+q, nil)
			if status != http.StatusOK || !strings.Contains(string(page), fmt.Sprintf(`href="/cases/%d"`, disputeB)) {
				t.Errorf("records page: %d, case link missing", status)
			}
			status, _ = e.page(t, e.login(t, "townA"), "GET", "/indicators"+q, nil)
			if status != http.StatusNotFound {
				t.Errorf("township A on B's indicator page: %d, want 404", status)
			}
		})
	}
}
