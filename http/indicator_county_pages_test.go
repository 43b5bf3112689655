package http

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// roadHazardForm is the county form as a browser posts it for a count of road
// hazards.
func roadHazardForm() url.Values {
	return url.Values{"op": {"save"}, "id": {"road_hazards"}, "label": {"道路隐患"}, "unit": {"件"}, "format": {"int"},
		"source": {"case"}, "date": {"reported_at"}, "agg": {"count"}, "ledger": {""}, "field": {""},
		"filter[0].field": {"kind"}, "filter[0].op": {"eq"}, "filter[0].value": {"hazard"},
		"filter[1].field": {"category"}, "filter[1].op": {"in"}, "filter[1].value": {"road，traffic"},
		"filter[2].field": {""}, "filter[2].op": {"eq"}, "filter[2].value": {""}}
}

// countyItems reads the stored definitions through the API as the leader.
func (e *testEnv) countyItems(t *testing.T) []map[string]any {
	t.Helper()
	var got struct{ Items []map[string]any }
	e.call(t, "leader", "GET", "/api/v1/indicator-definitions", nil, http.StatusOK, &got)
	return got.Items
}

// TestIndicatorCountyPages: a township reads the list without actions and may
// not open or post the form; the leader previews, saves, edits and deletes
// through the pages; a bad form comes back with the input and the error by its
// field (the store's "[1].filter[0].field" mapped to the row) and stores
// nothing; deleting a ratio's part is refused with the ratio named; a
// cross-site post is refused.
func TestIndicatorCountyPages(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			e.casesB(t) // a road hazard reported in township B on 2026-03-02
			leader, town := e.pageUser(t, "leader"), e.pageUser(t, "townB")
			base := e.srv.URL + "/indicators/county"

			status, body, _ := get(t, leader, base)
			if status != http.StatusOK || !strings.Contains(body, `href="/indicators/county/new"`) || !strings.Contains(body, "本县尚未定义") {
				t.Fatalf("list as leader: %d %.3000s", status, body)
			}
			if status, body, _ = get(t, town, base); status != http.StatusOK || strings.Contains(body, "/indicators/county/new") {
				t.Fatalf("list as township: %d %.3000s", status, body)
			}
			if status, _ := e.page(t, e.login(t, "auditor"), "GET", "/indicators/county", nil); status != http.StatusForbidden {
				t.Fatalf("list as auditor: %d", status)
			}
			if status, body, _ = get(t, leader, e.srv.URL+"/indicators"); !strings.Contains(body, `href="/indicators/county"`) {
				t.Fatalf("indicator page links no county list: %d", status)
			}
			if status, _, _ = get(t, town, base+"/new"); status != http.StatusForbidden {
				t.Fatalf("form as township: %d", status)
			}
			if status, _, _ = post(t, town, base+"/new", roadHazardForm()); status != http.StatusForbidden {
				t.Fatalf("save as township: %d", status)
			}
			if n := len(e.countyItems(t)); n != 0 {
				t.Fatalf("a township stored %d definitions", n)
			}

			status, body, _ = get(t, leader, base+"/new")
			if status != http.StatusOK || !strings.Contains(body, `name="filter[0].field"`) || !strings.Contains(body, `<span class="prefix">county.</span>`) ||
				!strings.Contains(body, `<option value="category">`) || !strings.Contains(body, "/static/indicator_county.js") {
				t.Fatalf("new form: %d %.4000s", status, body)
			}

			// add a row without script
			add := roadHazardForm()
			add.Set("op", "add_filter")
			if status, body, _ = post(t, leader, base+"/new", add); status != http.StatusOK || !strings.Contains(body, `name="filter[3].value"`) ||
				!strings.Contains(body, `value="road，traffic"`) {
				t.Fatalf("add row: %d %.4000s", status, body)
			}
			// the ledger's fields once a ledger is chosen
			ref := url.Values{"op": {"refresh"}, "source": {"ledger"}, "ledger": {"legal_publicity"}, "agg": {"sum"}}
			if status, body, _ = post(t, leader, base+"/new", ref); status != http.StatusOK || !strings.Contains(body, `<select name="field">`) {
				t.Fatalf("refresh: %d %.4000s", status, body)
			}

			// preview: computed, nothing stored
			pv := roadHazardForm()
			pv.Set("op", "preview")
			if status, body, _ = post(t, leader, base+"/new", pv); status != http.StatusOK || !strings.Contains(body, "data-preview") ||
				!strings.Contains(body, "未保存）：<b>") || !strings.Contains(body, "件</b>") {
				t.Fatalf("preview: %d %.4000s", status, body)
			}
			if n := len(e.countyItems(t)); n != 0 {
				t.Fatalf("preview stored %d definitions", n)
			}

			// a cross-site post is refused
			req, _ := http.NewRequest("POST", base+"/new", strings.NewReader(roadHazardForm().Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			if resp, err := leader.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
				t.Fatalf("cross-site post: %v %v", resp, err)
			} else {
				resp.Body.Close()
			}

			status, _, hdr := post(t, leader, base+"/new", roadHazardForm())
			if status != http.StatusSeeOther || hdr.Get("Location") != "/indicators/county?saved=county.road_hazards" {
				t.Fatalf("save: %d %v", status, hdr)
			}
			items := e.countyItems(t)
			if len(items) != 1 || items[0]["id"] != "county.road_hazards" || len(items[0]["filter"].([]any)) != 2 {
				t.Fatalf("stored: %+v", items)
			}
			if in := items[0]["filter"].([]any)[1].(map[string]any)["in"]; len(in.([]any)) != 2 {
				t.Fatalf("in values: %v", in)
			}
			q := "?from=2026-03-01&to=2026-03-31&region=" + e.f.TownB.Code
			if status, body, _ = get(t, town, e.srv.URL+"/indicators"+q); !strings.Contains(body, "/indicators/county.road_hazards/records?") {
				t.Fatalf("indicator page after saving: %d", status)
			}
			if status, body, _ = get(t, town, base); !strings.Contains(body, "county.road_hazards") || strings.Contains(body, "/edit") ||
				!strings.Contains(body, "category ∈ {road, traffic}") {
				t.Fatalf("list as township after saving: %d %.3000s", status, body)
			}

			// a bad second entry: the error by its row, the input kept, nothing stored
			bad := roadHazardForm()
			bad.Set("id", "bad_one")
			bad.Set("label", "错误的指标")
			bad.Set("filter[1].field", "bogus")
			status, body, _ = post(t, leader, base+"/new", bad)
			if status != http.StatusBadRequest || !strings.Contains(body, "不能按此字段筛选") || !strings.Contains(body, `value="错误的指标"`) ||
				!strings.Contains(body, "未作任何修改") || !strings.Contains(body, `<option value="bogus" selected>`) {
				t.Fatalf("bad form: %d %.6000s", status, body)
			}
			if i := strings.Index(body, "不能按此字段筛选"); i < strings.Index(body, `name="filter[1].field"`) || i > strings.Index(body, `name="filter[1].op"`) {
				t.Fatalf("the error is not by row 1: %.6000s", body)
			}
			bad = roadHazardForm()
			bad.Set("id", "Bad-Id")
			if status, body, _ = post(t, leader, base+"/new", bad); status != http.StatusBadRequest || !strings.Contains(body, "编码只能由") {
				t.Fatalf("bad id: %d %.3000s", status, body)
			}
			bad = roadHazardForm() // the same id again
			if status, body, _ = post(t, leader, base+"/new", bad); status != http.StatusBadRequest || !strings.Contains(body, "已有此编码") {
				t.Fatalf("duplicate id: %d %.3000s", status, body)
			}
			if n := len(e.countyItems(t)); n != 1 {
				t.Fatalf("refused forms stored: %d definitions", n)
			}

			// edit
			edit := base + "/county.road_hazards/edit"
			if status, body, _ = get(t, leader, edit); status != http.StatusOK || !strings.Contains(body, `value="road_hazards"`) ||
				!strings.Contains(body, `value="road, traffic"`) || !strings.Contains(body, `&#34;county.road_hazards&#34;`) {
				t.Fatalf("edit form: %d %.5000s", status, body)
			}
			ed := roadHazardForm()
			ed.Set("label", "道路交通隐患")
			if status, _, _ = post(t, leader, edit, ed); status != http.StatusSeeOther {
				t.Fatalf("edit: %d", status)
			}
			if items = e.countyItems(t); len(items) != 1 || items[0]["label"] != "道路交通隐患" {
				t.Fatalf("edited: %+v", items)
			}

			// a ratio of it, by the form; its part cannot go first
			ratio := url.Values{"op": {"save"}, "id": {"road_share"}, "label": {"道路隐患占比"}, "unit": {"％"}, "format": {"percent1"},
				"agg": {"ratio"}, "num": {"county.road_hazards"}, "den": {"dispute.total"}, "source": {"case"}, "date": {"reported_at"}}
			if status, body, _ = post(t, leader, base+"/new", ratio); status != http.StatusSeeOther {
				t.Fatalf("ratio: %d %.3000s", status, body)
			}
			if status, body, _ = get(t, leader, base+"/county.road_hazards/delete"); status != http.StatusOK || !strings.Contains(body, "确认删除") {
				t.Fatalf("delete page: %d %.3000s", status, body)
			}
			if status, _, _ = post(t, town, base+"/county.road_hazards/delete", nil); status != http.StatusForbidden {
				t.Fatalf("delete as township: %d", status)
			}
			if status, body, _ = post(t, leader, base+"/county.road_hazards/delete", nil); status != http.StatusBadRequest ||
				!strings.Contains(body, "无法删除：比率指标 道路隐患占比（county.road_share）") {
				t.Fatalf("delete a ratio's part: %d %.3000s", status, body)
			}
			if n := len(e.countyItems(t)); n != 2 {
				t.Fatalf("after refused deletes: %d definitions", n)
			}

			// the advanced JSON
			js := url.Values{"op": {"json"}, "json": {`{"id": "county.road_share", "label": "道路隐患占比", "agg": "median", "unit": "％", "format": "percent1"}`}}
			if status, body, _ = post(t, leader, base+"/county.road_share/edit", js); status != http.StatusBadRequest || !strings.Contains(body, "agg：") {
				t.Fatalf("bad JSON: %d %.3000s", status, body)
			}
			js.Set("json", `{"id": "county.road_share", "label": "道路隐患占矛盾纠纷", "agg": "ratio", "num": "county.road_hazards", "den": "dispute.total", "unit": "％", "format": "percent1"}`)
			if status, _, _ = post(t, leader, base+"/county.road_share/edit", js); status != http.StatusSeeOther {
				t.Fatalf("good JSON: %d", status)
			}
			if items = e.countyItems(t); len(items) != 2 || items[1]["label"] != "道路隐患占矛盾纠纷" {
				t.Fatalf("after JSON: %+v", items)
			}

			for _, id := range []string{"county.road_share", "county.road_hazards"} {
				if status, _, hdr = post(t, leader, base+"/"+id+"/delete", nil); status != http.StatusSeeOther || hdr.Get("Location") != "/indicators/county?deleted="+id {
					t.Fatalf("delete %s: %d %v", id, status, hdr)
				}
			}
			if n := len(e.countyItems(t)); n != 0 {
				t.Fatalf("after deleting: %d definitions", n)
			}
			if status, _, _ = get(t, leader, base+"/county.road_hazards/edit"); status != http.StatusNotFound {
				t.Fatalf("edit a removed one: %d", status)
			}
		})
	}
}
