package http

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/zhili-project/zhili/assess"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// builtinScheme returns a fresh copy of a built-in scheme.
func builtinScheme(t testing.TB, name string) *assess.Scheme {
	for _, b := range assess.Builtin() {
		if b.Name == name {
			return b
		}
	}
	t.Fatalf("no built-in scheme %s", name)
	return nil
}

// builtinSchemeBody is the access matrix's PUT body: the township scheme as
// shipped, so storing it changes no score.
func builtinSchemeBody(*testEnv, accessIDs) any {
	for _, b := range assess.Builtin() {
		if b.Name == "township_quarterly" {
			return b
		}
	}
	return nil
}

// schemeOf reads a scheme through the API as the leader.
func (e *testEnv) schemeOf(t *testing.T, name string) *schemeView {
	t.Helper()
	v := &schemeView{Scheme: &assess.Scheme{}}
	e.call(t, "leader", "GET", "/api/v1/assessments/"+name+"/scheme", nil, http.StatusOK, v)
	return v
}

func weights(sc *assess.Scheme) string {
	var w []string
	for _, it := range sc.Items {
		w = append(w, fmt.Sprintf("%s=%g", it.Key, it.Weight))
	}
	return strings.Join(w, ",")
}

// TestAssessSchemeAPI: the leader moves five points from 超期环节 to 化解率 and
// the scores follow; a township, the auditor and a department may not; a bad
// edit names its field and stores nothing; DELETE goes back to the built-in
// scheme, and removes a scheme the county added.
func TestAssessSchemeAPI(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			const path = "/api/v1/assessments/township_quarterly"
			if v := e.schemeOf(t, "township_quarterly"); v.Source != "builtin" || !v.HasBuiltin {
				t.Fatalf("built-in scheme: %+v", v)
			}
			sc := builtinScheme(t, "township_quarterly")
			sc.Name = "" // may be left out
			sc.Items[0].Weight, sc.Items[1].Weight, sc.Items[1].Rule.Cap = 30, 15, 15
			for _, u := range []string{"townA", "auditor", "department", "supervisor", "sysadmin"} {
				e.call(t, u, "PUT", path, sc, http.StatusForbidden, nil)
				e.call(t, u, "DELETE", path, nil, http.StatusForbidden, nil)
			}
			if v := e.schemeOf(t, "township_quarterly"); v.Source != "builtin" {
				t.Fatalf("refused edits changed the scheme: %+v", v)
			}
			var got schemeView
			e.call(t, "leader", "PUT", path, sc, http.StatusOK, &got)
			if got.Source != "settings" || got.Name != "township_quarterly" || got.Items[0].Weight != 30 || got.Items[1].Weight != 15 {
				t.Fatalf("stored: %+v", got.Scheme)
			}
			stored := weights(got.Scheme)
			var res assess.Result
			e.call(t, "center", "GET", path+"?period=2026-Q1", nil, http.StatusOK, &res)
			if len(res.Units) == 0 || res.Units[0].Lines[0].Weight != 30 {
				t.Fatalf("the ranking does not use the edit: %+v", res.Units)
			}

			bad := builtinScheme(t, "township_quarterly")
			bad.Items[2].Rule = assess.Rule{Kind: assess.RuleDeduct, Per: 0}
			for _, c := range []struct {
				body any
				want string
			}{
				{bad, `"items[2].rule"`},
				{map[string]any{"name": "department_quarterly", "label": "x"}, `"name"`},
				{[]int{1}, `"scheme"`},
				{map[string]any{"label": "x", "bogus": 1}, `"scheme"`},
			} {
				b := e.call(t, "center", "PUT", path, c.body, http.StatusBadRequest, nil)
				if !strings.Contains(string(b), c.want) {
					t.Errorf("bad edit %v: %s, want the field %s", c.body, b, c.want)
				}
			}
			if v := e.schemeOf(t, "township_quarterly"); weights(v.Scheme) != stored || v.Source != "settings" {
				t.Fatalf("a refused edit changed the scheme: %s", weights(v.Scheme))
			}
			var audit struct {
				Items []struct {
					ObjectID string `json:"object_id"`
				}
			}
			e.call(t, "auditor", "GET", "/api/v1/audit?action=assess.scheme.set", nil, http.StatusOK, &audit)
			if len(audit.Items) != 1 || audit.Items[0].ObjectID != "township_quarterly" {
				t.Fatalf("audit: %+v", audit)
			}

			e.call(t, "leader", "DELETE", path, nil, http.StatusOK, &got)
			if got.Source != "builtin" || got.Items[0].Weight != 25 {
				t.Fatalf("reset: %+v", got.Scheme)
			}
			e.call(t, "center", "DELETE", path, nil, http.StatusOK, nil) // built-in already

			monthly := builtinScheme(t, "township_quarterly")
			monthly.Name, monthly.Label, monthly.Period = "township_monthly", "乡镇月度考核", "month"
			e.call(t, "center", "PUT", "/api/v1/assessments/township_monthly", monthly, http.StatusOK, &got)
			if v := e.schemeOf(t, "township_monthly"); v.Source != "settings" || v.HasBuiltin || v.Period != "month" {
				t.Fatalf("new scheme: %+v", v)
			}
			e.call(t, "leader", "GET", "/api/v1/assessments/township_monthly?period=2026-01", nil, http.StatusOK, nil)
			e.call(t, "leader", "DELETE", "/api/v1/assessments/township_monthly", nil, http.StatusNoContent, nil)
			e.call(t, "leader", "DELETE", "/api/v1/assessments/township_monthly", nil, http.StatusNotFound, nil)
			e.call(t, "leader", "GET", "/api/v1/assessments/township_monthly/scheme", nil, http.StatusNotFound, nil)
		})
	}
}

// schemeValues is the edit form as a browser posts it for sc.
func schemeValues(sc *assess.Scheme) url.Values {
	v := url.Values{"op": {"save"}, "label": {sc.Label}, "units": {sc.Units}, "period": {sc.Period}, "description": {sc.Description},
		"base_score": {fmt.Sprint(sc.BaseScore)}, "red_list": {fmt.Sprint(sc.RedList)}, "black_list": {fmt.Sprint(sc.BlackList)}}
	for i, it := range sc.Items {
		p := fmt.Sprintf("items[%d].", i)
		v.Set(p+"key", it.Key)
		v.Set(p+"label", it.Label)
		v.Set(p+"measure", it.Measure)
		v.Set(p+"weight", fmt.Sprint(it.Weight))
		v.Set(p+"rule.kind", it.Rule.Kind)
		v.Set(p+"rule.per", fmt.Sprint(it.Rule.Per))
		v.Set(p+"rule.cap", fmt.Sprint(it.Rule.Cap))
		v.Set(p+"rule.target", fmt.Sprint(it.Rule.Target))
		v.Set(p+"indicator", it.Indicator)
		v[p+"ledgers"] = it.Ledgers
		for j, b := range it.Rule.Bands {
			v.Set(fmt.Sprintf("%srule.bands[%d].at_least", p, j), fmt.Sprint(b.AtLeast))
			v.Set(fmt.Sprintf("%srule.bands[%d].score", p, j), fmt.Sprint(b.Score))
		}
	}
	return v
}

// TestAssessSchemePages: the leader lists the schemes, edits a weight through
// the form and lands on the ranking; a bad form comes back with the user's input
// and the error by the field, storing nothing; rows are added and removed;
// 恢复内置 resets. A township reads the list without the actions and may not
// open the form; the auditor may not read the list.
func TestAssessSchemePages(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			leader, town := e.pageUser(t, "leader"), e.pageUser(t, "townA")
			list, edit := e.srv.URL+"/assessments/schemes", e.srv.URL+"/assessments/schemes/township_quarterly"

			status, body, _ := get(t, leader, list)
			if status != http.StatusOK || !strings.Contains(body, `href="/assessments/schemes/township_quarterly"`) || !strings.Contains(body, "内置") ||
				!strings.Contains(body, "矛盾纠纷化解率") {
				t.Fatalf("list as leader: %d %.3000s", status, body)
			}
			if status, body, _ = get(t, town, list); status != http.StatusOK || strings.Contains(body, `href="/assessments/schemes/township_quarterly"`) ||
				strings.Contains(body, "/reset") {
				t.Fatalf("list as township: %d %.3000s", status, body)
			}
			if status, _ := e.page(t, e.login(t, "auditor"), "GET", "/assessments/schemes", nil); status != http.StatusForbidden {
				t.Fatalf("list as auditor: %d", status)
			}
			if status, _, _ = get(t, town, edit); status != http.StatusForbidden {
				t.Fatalf("form as township: %d", status)
			}
			sc := builtinScheme(t, "township_quarterly")
			form := schemeValues(sc)
			form.Set("items[0].weight", "30")
			form.Set("items[1].weight", "15")
			form.Set("items[1].rule.cap", "")
			if status, _, _ = post(t, town, edit, form); status != http.StatusForbidden {
				t.Fatalf("save as township: %d", status)
			}
			if status, _, _ = post(t, town, edit+"/reset", nil); status != http.StatusForbidden {
				t.Fatalf("reset as township: %d", status)
			}
			if v := e.schemeOf(t, "township_quarterly"); v.Source != "builtin" {
				t.Fatalf("a township changed the scheme: %+v", v)
			}

			status, body, _ = get(t, leader, edit)
			if status != http.StatusOK || !strings.Contains(body, `name="items[0].weight"`) || !strings.Contains(body, `value="25"`) ||
				!strings.Contains(body, `name="items[0].rule.bands[0].at_least"`) || !strings.Contains(body, "/static/assess_edit.js") ||
				!strings.Contains(body, "各项权重合计 <b data-sum-value>100</b>") {
				t.Fatalf("form: %d %.4000s", status, body)
			}

			// a bad form: the rule of item 2 takes nothing per record, item 3's weight is text
			bad := schemeValues(sc)
			bad.Set("label", "改过的名称")
			bad.Set("items[2].rule.kind", "deduct")
			bad.Set("items[2].rule.per", "0")
			status, body, _ = post(t, leader, edit, bad)
			if status != http.StatusBadRequest || !strings.Contains(body, "扣分制：每条扣分须大于0") || !strings.Contains(body, `value="改过的名称"`) ||
				!strings.Contains(body, "未作任何修改") {
				t.Fatalf("bad form: %d %.5000s", status, body)
			}
			bad = schemeValues(sc)
			bad.Set("items[3].weight", "十五")
			if status, body, _ = post(t, leader, edit, bad); status != http.StatusBadRequest || !strings.Contains(body, "请填写数字") ||
				!strings.Contains(body, `value="十五"`) {
				t.Fatalf("text weight: %d %.5000s", status, body)
			}
			bad = schemeValues(sc)
			bad.Set("items[0].weight", "20")
			if status, body, _ = post(t, leader, edit, bad); status != http.StatusBadRequest || !strings.Contains(body, "各项权重合计 95 分，与满分 100 分不符") {
				t.Fatalf("weights off: %d %.5000s", status, body)
			}
			if v := e.schemeOf(t, "township_quarterly"); v.Source != "builtin" {
				t.Fatalf("a refused form changed the scheme: %+v", v)
			}

			// add a row (no script needed): the form comes back with an empty item
			add := schemeValues(sc)
			add.Set("op", "add_item")
			if status, body, _ = post(t, leader, edit, add); status != http.StatusOK || !strings.Contains(body, fmt.Sprintf(`name="items[%d].measure"`, len(sc.Items))) {
				t.Fatalf("add item: %d %.3000s", status, body)
			}

			// a form posted from another site is refused (cross-origin protection)
			req, _ := http.NewRequest("POST", edit, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			if resp, err := leader.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
				t.Fatalf("cross-site post: %v %v", resp, err)
			} else {
				resp.Body.Close()
			}
			if v := e.schemeOf(t, "township_quarterly"); v.Source != "builtin" {
				t.Fatalf("a cross-site form changed the scheme: %+v", v)
			}

			status, _, hdr := post(t, leader, edit, form)
			if status != http.StatusSeeOther || hdr.Get("Location") != "/assessments?scheme=township_quarterly" {
				t.Fatalf("save: %d %v", status, hdr)
			}
			v := e.schemeOf(t, "township_quarterly")
			if v.Source != "settings" || v.Items[0].Weight != 30 || v.Items[1].Weight != 15 || v.Items[1].Rule.Cap != 0 || len(v.Items) != len(sc.Items) {
				t.Fatalf("saved: %s %+v", weights(v.Scheme), v.Items[1].Rule)
			}
			if status, body, _ = get(t, leader, e.srv.URL+"/assessments?scheme=township_quarterly&period=2026-Q1"); status != http.StatusOK ||
				!strings.Contains(body, "矛盾纠纷化解率<br><small>30分") || !strings.Contains(body, "/assessments/schemes#scheme-township_quarterly") {
				t.Fatalf("ranking after the edit: %d %.3000s", status, body)
			}
			if status, body, _ = get(t, leader, list); !strings.Contains(body, "本县修改") || !strings.Contains(body, "恢复内置") {
				t.Fatalf("list after the edit: %d %.3000s", status, body)
			}

			// remove the last item, its weight moved to the first
			last := len(sc.Items) - 1
			rm := schemeValues(sc)
			rm.Set(fmt.Sprintf("items[%d].remove", last), "1")
			rm.Set("items[0].weight", fmt.Sprint(sc.Items[0].Weight+sc.Items[last].Weight))
			if status, body, _ = post(t, leader, edit, rm); status != http.StatusSeeOther {
				t.Fatalf("remove item: %d %.3000s", status, body)
			}
			if v := e.schemeOf(t, "township_quarterly"); len(v.Items) != last {
				t.Fatalf("after removing: %s", weights(v.Scheme))
			}

			// the advanced JSON: a bad one is refused with the field named
			js := url.Values{"op": {"json"}, "json": {`{"name": "township_quarterly", "label": ""}`}}
			if status, body, _ = post(t, leader, edit, js); status != http.StatusBadRequest || !strings.Contains(body, "label：请填写名称") {
				t.Fatalf("bad JSON: %d %.3000s", status, body)
			}
			good, _ := json.Marshal(builtinScheme(t, "township_quarterly"))
			if status, _, _ = post(t, leader, edit, url.Values{"op": {"json"}, "json": {string(good)}}); status != http.StatusSeeOther {
				t.Fatalf("good JSON: %d", status)
			}

			if status, _, hdr = post(t, leader, edit+"/reset", nil); status != http.StatusSeeOther || hdr.Get("Location") != "/assessments?scheme=township_quarterly" {
				t.Fatalf("reset: %d %v", status, hdr)
			}
			if v := e.schemeOf(t, "township_quarterly"); v.Source != "builtin" {
				t.Fatalf("after reset: %+v", v)
			}

			// a new scheme, from a template
			status, _, hdr = get(t, leader, list+"?new=township_monthly&from=township_quarterly")
			if status != http.StatusSeeOther || hdr.Get("Location") != "/assessments/schemes/township_monthly?from=township_quarterly" {
				t.Fatalf("new scheme: %d %v", status, hdr)
			}
			if status, body, _ = get(t, leader, list+"?new=Bad-Name&from=township_quarterly"); status != http.StatusBadRequest || !strings.Contains(body, "方案代码只能") {
				t.Fatalf("bad new name: %d %.2000s", status, body)
			}
			if status, body, _ = get(t, leader, e.srv.URL+hdr.Get("Location")); status != http.StatusOK || !strings.Contains(body, "新方案") {
				t.Fatalf("new scheme form: %d %.2000s", status, body)
			}
			nf := schemeValues(sc)
			nf.Set("period", "month")
			if status, _, hdr = post(t, leader, e.srv.URL+"/assessments/schemes/township_monthly", nf); status != http.StatusSeeOther {
				t.Fatalf("save new scheme: %d", status)
			}
			if v := e.schemeOf(t, "township_monthly"); v.Period != "month" || v.HasBuiltin {
				t.Fatalf("new scheme: %+v", v)
			}
			if status, _, hdr = post(t, leader, e.srv.URL+"/assessments/schemes/township_monthly/reset", nil); status != http.StatusSeeOther || hdr.Get("Location") != "/assessments/schemes" {
				t.Fatalf("delete new scheme: %d %v", status, hdr)
			}
		})
	}
}
