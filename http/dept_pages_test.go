package http

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// form posts url-encoded values with the session of token, not following redirects.
func (e *testEnv) form(t *testing.T, token, path string, v url.Values) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+token)
	c := *e.srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

func TestDeptPages(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			dept := e.login(t, "department")
			status, loc, body := e.form(t, dept, "/department-reports", url.Values{"metric": {"crime.solved"},
				"region_code": {e.f.TownB.Code}, "month": {"2026-02"}, "value": {"21"}, "note": {"二月"}})
			if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/department-reports/") {
				t.Fatalf("submit form: %d %s %s", status, loc, body)
			}
			status, page := e.do(t, dept, "GET", loc, nil)
			if status != 200 || !strings.Contains(string(page), "21 起") || !strings.Contains(string(page), "更正数据") {
				t.Fatalf("history page: %d %s", status, page)
			}
			status, loc2, body := e.form(t, dept, loc+"/correct", url.Values{"value": {"23"}, "note": {"补录"}})
			if status != http.StatusSeeOther || loc2 == loc {
				t.Fatalf("correct form: %d %s %s", status, loc2, body)
			}
			// Correcting the old figure again is stale: the page says so, nothing changes.
			if status, _, body := e.form(t, dept, loc+"/correct", url.Values{"value": {"99"}}); status != http.StatusConflict || !strings.Contains(body, "already corrected") {
				t.Fatalf("stale correct form: %d %s", status, body)
			}
			// The same month again without replace is refused and names the problem.
			if status, _, body := e.form(t, dept, "/department-reports", url.Values{"metric": {"crime.solved"},
				"region_code": {e.f.TownB.Code}, "month": {"2026-02"}, "value": {"1"}}); status != http.StatusBadRequest || !strings.Contains(body, "already reports") {
				t.Fatalf("duplicate form: %d %s", status, body)
			}
			for who, want := range map[string]bool{"townB": true, "townA": false, "leader": true} {
				status, page := e.do(t, e.login(t, who), "GET", "/department-reports?metric=crime.solved", nil)
				shows := strings.Contains(string(page), "23 起")
				if status != 200 || shows != want || strings.Contains(string(page), "报送一条数据") {
					t.Errorf("list as %s: %d, shows the figure %v, want %v", who, status, shows, want)
				}
			}
			// The template imports as it is: one zero figure per police metric for the county.
			status, tmpl := e.do(t, dept, "GET", "/department-reports/template.csv", nil)
			if status != 200 || !strings.Contains(string(tmpl), "区划代码") {
				t.Fatalf("template: %d %s", status, tmpl)
			}
			if status, body := e.deptUpload(t, dept, "template.csv", tmpl, false); status != http.StatusCreated || !strings.Contains(string(body), `"imported":4`) {
				t.Fatalf("template import: %d %s", status, body)
			}
			admin := e.login(t, "sysadmin")
			status, _, body = e.form(t, admin, "/admin/department-tokens", url.Values{"unit_id": {"0"}, "name": {"x"}})
			if status != http.StatusBadRequest {
				t.Fatalf("token for no unit: %d", status)
			}
			status, page = e.do(t, admin, "GET", "/admin/department-tokens", nil)
			unit := regexp.MustCompile(`<option value="(\d+)">青山县公安局`).FindStringSubmatch(string(page))
			if status != 200 || unit == nil {
				t.Fatalf("tokens page: %d %s", status, page)
			}
			status, _, body = e.form(t, admin, "/admin/department-tokens", url.Values{"unit_id": {unit[1]}, "name": {"警综平台"}})
			secret := regexp.MustCompile(`zdt_[A-Za-z0-9_-]{43}`).FindString(body)
			if status != 200 || secret == "" {
				t.Fatalf("issue token: %d %s", status, body)
			}
			if status, _ := e.do(t, secret, "GET", "/department-reports", nil); status != http.StatusForbidden {
				t.Errorf("a token opens the pages: %d", status)
			}
			if status, _ := e.do(t, e.login(t, "townA"), "GET", "/admin/department-tokens", nil); status != http.StatusForbidden {
				t.Errorf("township sees the tokens page: %d", status)
			}
		})
	}
}
