package http

import (
	"net/http"
	"strings"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// TestIndicatorCountyAPI: the centre stores a county indicator; the catalogue
// lists it with origin county; its value and drill-down answer; the page lists
// it; a bad body names the entry and key and stores nothing.
func TestIndicatorCountyAPI(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			_, hazardB, _ := e.casesB(t) // a road hazard reported in township B on 2026-03-02
			defs := []any{map[string]any{"id": "county.road_hazards", "label": "道路隐患", "source": "case",
				"filter": []any{map[string]any{"field": "kind", "eq": "hazard"}, map[string]any{"field": "category", "eq": "road"}},
				"date":   "reported_at", "agg": "count", "unit": "件", "format": "int"}}
			var got struct{ Items []map[string]any }
			e.call(t, "center", "PUT", "/api/v1/indicator-definitions", defs, http.StatusOK, &got)
			if len(got.Items) != 1 || got.Items[0]["id"] != "county.road_hazards" {
				t.Fatalf("PUT answered %+v", got)
			}
			e.call(t, "townB", "GET", "/api/v1/indicator-definitions", nil, http.StatusOK, &got)
			if len(got.Items) != 1 {
				t.Fatalf("GET answered %+v", got)
			}
			var list struct{ Items []zhili.IndicatorInfo }
			e.call(t, "leader", "GET", "/api/v1/indicators", nil, http.StatusOK, &list)
			origin := map[string]string{}
			for _, it := range list.Items {
				origin[it.ID] = it.Origin
			}
			if origin["county.road_hazards"] != "county" || origin["dispute.total"] != "builtin" {
				t.Errorf("catalogue origins: %v", origin)
			}
			q := "?from=2026-03-01&to=2026-03-31&region=" + e.f.TownB.Code
			var v zhili.IndicatorValue
			e.call(t, "townB", "GET", "/api/v1/indicators/county.road_hazards"+q, nil, http.StatusOK, &v)
			if v.Raw != 1 || v.Text != "1件" {
				t.Errorf("county.road_hazards for B: %+v", v)
			}
			var recs struct {
				Items []zhili.IndicatorRecord
				Total int
			}
			e.call(t, "townB", "GET", "/api/v1/indicators/county.road_hazards/records"+q, nil, http.StatusOK, &recs)
			if recs.Total != 1 || recs.Items[0].ID != hazardB {
				t.Errorf("drill-down: %+v, want case %d", recs, hazardB)
			}
			status, page := e.page(t, e.login(t, "townB"), "GET", "/indicators"+q, nil)
			if status != http.StatusOK || !strings.Contains(string(page), "/indicators/county.road_hazards/records?") {
				t.Errorf("indicator page: %d, county indicator linked: %v", status, strings.Contains(string(page), "county.road_hazards"))
			}
			bad := []any{map[string]any{"id": "county.x", "label": "甲", "source": "case", "date": "reported_at", "agg": "median", "unit": "件", "format": "int"}}
			body := e.call(t, "leader", "PUT", "/api/v1/indicator-definitions", bad, http.StatusBadRequest, nil)
			if !strings.Contains(string(body), `"field":"[0].agg"`) {
				t.Errorf("bad definition: %s, want [0].agg named", body)
			}
			e.call(t, "townB", "PUT", "/api/v1/indicator-definitions", []any{}, http.StatusForbidden, nil)
			e.call(t, "townB", "GET", "/api/v1/indicator-definitions", nil, http.StatusOK, &got)
			if len(got.Items) != 1 {
				t.Errorf("after refused PUTs: %+v", got)
			}
			e.call(t, "leader", "PUT", "/api/v1/indicator-definitions", []any{}, http.StatusOK, &got)
			e.call(t, "leader", "GET", "/api/v1/indicators/county.road_hazards"+q, nil, http.StatusBadRequest, nil)
		})
	}
}
