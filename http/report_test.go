package http

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/zhili-project/zhili/report"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// newTestReports is the report service of the test server: case figures from
// the store, the rest marked missing.
func newTestReports(db *sqlstore.DB) *report.Service {
	regions := sqlstore.NewRegionService(db)
	return &report.Service{
		Renderer: &report.Renderer{Figures: report.CaseFigures{Counts: sqlstore.NewCaseService(db), Regions: regions},
			Regions: regions, Rhythm: sqlstore.NewRhythmService(db), Settings: db, Clock: db.Clock},
		Archive: sqlstore.NewReportArchiveService(db),
	}
}

var reportsB sync.Map // *testEnv → int64

// reportArchiveB returns the id of an archived monthly bulletin of township B,
// making it on first use.
func (e *testEnv) reportArchiveB() int64 {
	if v, ok := reportsB.Load(e); ok {
		return v.(int64)
	}
	out, err := newTestReports(e.db).Generate(storetest.System(), "monthly_bulletin",
		report.Params{Region: e.f.TownB.Code, From: "2026-03-01", To: "2026-03-31"}, "json", true)
	if err != nil {
		panic(err)
	}
	reportsB.Store(e, out.Archive.ID)
	return out.Archive.ID
}

// renderB is the body of a render of township B's March bulletin.
func renderB(e *testEnv, _ accessIDs) any {
	return map[string]any{"region": e.f.TownB.Code, "from": "2026-03-01", "to": "2026-03-31", "format": "json"}
}

// TestReportsAPI generates the monthly bulletin through the API in every format,
// finds it in the archive and downloads the same bytes; the reports page lists
// and previews.
func TestReportsAPI(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			e.casesB(t)
			tok := e.login(t, "center")
			status, body := e.do(t, tok, "GET", "/api/v1/reports", nil)
			if status != 200 || !contains(body, `"name":"exchange_material"`, `"label":"月通报"`, `"dispute.resolution_rate"`, `"monthly.ranking"`) {
				t.Fatalf("templates: %d %s", status, body)
			}
			ids := map[string]int64{}
			for _, format := range []string{"json", "docx", "xlsx", "html"} {
				req := map[string]any{"region": e.f.County.Code, "from": "2026-03-01", "to": "2026-03-31", "format": format}
				b, _ := json.Marshal(req)
				hr, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/reports/monthly_bulletin/render", bytes.NewReader(b))
				hr.Header.Set("Authorization", "Bearer "+tok)
				hr.Header.Set("Content-Type", "application/json")
				resp, err := e.srv.Client().Do(hr)
				if err != nil {
					t.Fatal(err)
				}
				var content bytes.Buffer
				content.ReadFrom(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != report.ContentType(format) {
					t.Fatalf("%s: %d %s %.200s", format, resp.StatusCode, resp.Header.Get("Content-Type"), content.String())
				}
				id, _ := strconv.ParseInt(resp.Header.Get("X-Report-Archive-Id"), 10, 64)
				ids[format] = id
				status, dl := e.do(t, tok, "GET", "/api/v1/report-archive/"+strconv.FormatInt(id, 10), nil)
				if status != 200 || !bytes.Equal(dl, content.Bytes()) {
					t.Fatalf("%s archive %d: %d, %d bytes, rendered %d", format, id, status, len(dl), content.Len())
				}
				if format == "json" && !contains(dl, `"id": "dispute.total"`, `"url": "/indicators/dispute.total/records?`) {
					t.Errorf("json: %.300s", dl)
				}
				if format == "html" && !contains(dl, `<a class="fig" href="/indicators/dispute.total/records?`) {
					t.Errorf("html: %.300s", dl)
				}
			}
			status, body = e.do(t, tok, "GET", "/api/v1/report-archive?template=monthly_bulletin&under="+e.f.County.Code, nil)
			if status != 200 || !contains(body, `"total":4`, `"sm3":`) {
				t.Errorf("archive list: %d %s", status, body)
			}
			// Without archiving nothing is added.
			status, _ = e.do(t, tok, "POST", "/api/v1/reports/weekly_dispatch/render",
				map[string]any{"region": e.f.County.Code, "from": "2026-03-02", "to": "2026-03-08", "archive": false})
			if status != 200 {
				t.Errorf("weekly dispatch: %d", status)
			}
			if _, body = e.do(t, tok, "GET", "/api/v1/report-archive", nil); !contains(body, `"total":4`) {
				t.Errorf("unarchived render was archived: %s", body)
			}
			for _, bad := range []map[string]any{
				{"region": e.f.County.Code, "from": "2026-03-01", "to": "2026-03-31", "format": "pdf"},
				{"region": e.f.County.Code, "from": "March", "to": "2026-03-31"},
				{"from": "2026-03-01", "to": "2026-03-31"},
			} {
				if status, body := e.do(t, tok, "POST", "/api/v1/reports/monthly_bulletin/render", bad); status != 400 || !contains(body, `"fields"`) {
					t.Errorf("bad render %v: %d %s", bad, status, body)
				}
			}
			// The page lists the archive and previews a report with its figure links.
			status, body = e.page(t, tok, "GET", "/reports", nil)
			if status != 200 || !contains(body, "报告与存档", "交流材料", "/reports/archive/"+strconv.FormatInt(ids["docx"], 10)) {
				t.Errorf("reports page: %d %.500s", status, body)
			}
			form := url.Values{"template": {"monthly_bulletin"}, "region": {e.f.County.Code}, "from": {"2026-03-01"}, "to": {"2026-03-31"}, "action": {"preview"}}
			status, body = e.page(t, tok, "POST", "/reports/generate", form)
			if status != 200 || !contains(body, "督查通报", `href="/indicators/dispute.total/records?`) {
				t.Errorf("preview: %d %.500s", status, body)
			}
			form.Set("action", "generate")
			form.Set("format", "docx")
			if status, _ = e.page(t, tok, "POST", "/reports/generate", form); status != http.StatusSeeOther {
				t.Errorf("generate: %d", status)
			}
			if status, body = e.page(t, tok, "GET", "/reports/archive/"+strconv.FormatInt(ids["docx"], 10), nil); status != 200 || !strings.HasPrefix(string(body), "PK") {
				t.Errorf("download: %d", status)
			}
		})
	}
}

// page sends a page request with the session as a cookie and a same-origin
// header, as a browser does, without following redirects.
func (e *testEnv) page(t *testing.T, token, method, path string, form url.Values) (int, []byte) {
	t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, body)
	req.Header.Set("Authorization", "Bearer "+token)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	c := *e.srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, b.Bytes()
}
