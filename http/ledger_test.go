package http

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// ledgerIDs are township B's ledger records of one test env: keep is read and
// changed by the access matrix, del is deleted by it.
type ledgerIDs struct{ keep, del int64 }

var ledgersB sync.Map // *testEnv → ledgerIDs

// ledgerB records (once per env) two legal publicity events in township B's village.
func (e *testEnv) ledgerB() ledgerIDs {
	if v, ok := ledgersB.Load(e); ok {
		return v.(ledgerIDs)
	}
	svc := e.server.Ledgers
	var ids ledgerIDs
	for _, id := range []*int64{&ids.keep, &ids.del} {
		r := &zhili.LedgerRecord{Ledger: "legal_publicity", RegionID: e.f.VillageB.ID,
			Data: map[string]any{"date": "2026-02-10", "kind": "event", "title": "河东村普法宣传", "participants": float64(80)}}
		if err := svc.CreateLedgerRecord(storetest.System(), r); err != nil {
			panic(err)
		}
		*id = r.ID
	}
	ledgersB.Store(e, ids)
	return ids
}

func ledgerPath(suffix func(ids ledgerIDs) string) func(*testEnv, accessIDs) string {
	return func(e *testEnv, _ accessIDs) string {
		return "/api/v1/ledgers/legal_publicity" + suffix(e.ledgerB())
	}
}

// ledgerRegionPath is a legal publicity path ending in township B's village code.
func ledgerRegionPath(prefix string) func(*testEnv, accessIDs) string {
	return func(e *testEnv, _ accessIDs) string {
		e.ledgerB()
		return "/api/v1/ledgers/legal_publicity" + prefix + e.f.VillageB.Code
	}
}

// ledgerUpload posts a file as the multipart field "file" with a session token.
func (e *testEnv) ledgerUpload(t *testing.T, token, path, name string, content []byte) (int, []byte) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// The API end to end: create with field errors in Chinese, list with filters,
// patch, an all-or-nothing .xlsx import, the template and both exports.
func TestLedgerAPI(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			e.ledgerB()
			tok := e.login(t, "townA")
			status, out := e.do(t, tok, "GET", "/api/v1/ledgers", nil)
			if status != 200 || !strings.Contains(string(out), `"trainings"`) || !strings.Contains(string(out), "培训台账") {
				t.Fatalf("list schemas: %d %s", status, out)
			}
			status, out = e.do(t, tok, "POST", "/api/v1/ledgers/trainings/records", map[string]any{"region_code": e.f.VillageA.Code,
				"data": map[string]any{"date": "2026-02-30", "title": "培训", "audience": "行政执法人员", "mode": "空中", "backbone": "否"}})
			if status != 400 {
				t.Fatalf("bad record: %d %s", status, out)
			}
			var eb errorBody
			json.Unmarshal(out, &eb)
			reasons := map[string]string{}
			for _, fe := range eb.Error.Fields {
				reasons[fe.Field] = fe.Column + "：" + fe.Reason
			}
			if len(reasons) != 3 || !strings.Contains(reasons["date"], "培训日期") || !strings.Contains(reasons["mode"], "线上") || !strings.Contains(reasons["trainees"], "必填") {
				t.Errorf("field errors: %s", out)
			}
			status, out = e.do(t, tok, "POST", "/api/v1/ledgers/trainings/records", map[string]any{"region_code": e.f.VillageA.Code,
				"data": map[string]any{"date": "2026-02-28", "title": "线上执法培训", "audience": "law_enforcement", "mode": "online", "backbone": false, "trainees": 300}})
			if status != 201 {
				t.Fatalf("create: %d %s", status, out)
			}
			var rec zhili.LedgerRecord
			json.Unmarshal(out, &rec)
			status, out = e.do(t, tok, "PATCH", fmt.Sprintf("/api/v1/ledgers/trainings/records/%d", rec.ID), map[string]any{"version": 1, "data": map[string]any{"trainees": 320}})
			if status != 200 || !strings.Contains(string(out), `"trainees":320`) || !strings.Contains(string(out), `"version":2`) {
				t.Fatalf("patch: %d %s", status, out)
			}
			// An .xlsx with a bad second row stores nothing; the fixed file stores both.
			file := func(second string) []byte {
				f := excelize.NewFile()
				for i, row := range [][]any{
					{"行政区划代码", "培训日期", "培训名称", "培训对象", "培训方式", "业务骨干培训", "培训人数（人）"},
					{e.f.CommunityA.Code, "2026-01-05", "综合行政执法业务骨干培训", "行政执法人员", "线下", "是", 45},
					{e.f.VillageA.Code, "2026-01-06", "网格员培训", "网格员", "线下", "否", second},
				} {
					cell, _ := excelize.CoordinatesToCellName(1, i+1)
					f.SetSheetRow("Sheet1", cell, &row)
				}
				var b bytes.Buffer
				f.WriteTo(&b)
				return b.Bytes()
			}
			status, out = e.ledgerUpload(t, tok, "/api/v1/ledgers/trainings/import", "t.xlsx", file("三十"))
			if status != 400 || !strings.Contains(string(out), `"row":3`) || !strings.Contains(string(out), "培训人数") {
				t.Fatalf("bad import: %d %s", status, out)
			}
			status, out = e.do(t, tok, "GET", "/api/v1/ledgers/trainings/records", nil)
			if !strings.Contains(string(out), `"total":1`) {
				t.Fatalf("a refused import changed the ledger: %s", out)
			}
			status, out = e.ledgerUpload(t, tok, "/api/v1/ledgers/trainings/import", "t.xlsx", file("30"))
			if status != 201 || !strings.Contains(string(out), `"created":2`) {
				t.Fatalf("import: %d %s", status, out)
			}
			status, out = e.do(t, tok, "GET", "/api/v1/ledgers/trainings/records?backbone=是&region="+e.f.TownA.Code+"&from=2026-01-01&to=2026-01-31", nil)
			if status != 200 || !strings.Contains(string(out), `"total":1`) || !strings.Contains(string(out), "业务骨干") {
				t.Fatalf("filtered list: %d %s", status, out)
			}
			status, out = e.do(t, tok, "GET", "/api/v1/ledgers/trainings/export?format=csv", nil)
			text := string(out)
			if status != 200 || !strings.HasPrefix(text, "\ufeff行政区划代码") || strings.Count(text, "\n") != 4 || !strings.Contains(text, "线上执法培训") {
				t.Fatalf("csv export: %d %s", status, out)
			}
			status, out = e.do(t, tok, "GET", "/api/v1/ledgers/trainings/export?format=xlsx&mode=offline", nil)
			x, err := excelize.OpenReader(bytes.NewReader(out))
			if status != 200 || err != nil {
				t.Fatalf("xlsx export: %d %v", status, err)
			}
			rows, _ := x.GetRows("Sheet1")
			if len(rows) != 3 || rows[1][2] != "2026-01-05" {
				t.Errorf("xlsx export rows: %v", rows)
			}
			status, out = e.do(t, tok, "GET", "/api/v1/ledgers/trainings/template.xlsx", nil)
			if _, err := excelize.OpenReader(bytes.NewReader(out)); status != 200 || err != nil {
				t.Errorf("template: %d %v", status, err)
			}
			if status, _ := e.do(t, tok, "GET", "/api/v1/ledgers/nope/records", nil); status != 404 {
				t.Errorf("unknown ledger: %d", status)
			}
		})
	}
}

// The pages: the list, a records table, a form whose errors name the field in
// Chinese, an import that shows every bad row, and the edit page with history.
func TestLedgerPages(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, "sqlite")
	ids := e.ledgerB()
	c := e.pageUser(t, "townB")
	status, body, _ := get(t, c, e.srv.URL+"/ledgers")
	if status != 200 || !strings.Contains(body, "普法宣传台账") {
		t.Fatalf("list page: %d", status)
	}
	status, body, _ = get(t, c, e.srv.URL+"/ledgers/legal_publicity?kind=event")
	if status != 200 || !strings.Contains(body, "河东村普法宣传") || !strings.Contains(body, "宣传活动") {
		t.Fatalf("records page: %d %s", status, body)
	}
	status, body, _ = get(t, c, e.srv.URL+"/ledgers/legal_publicity/new")
	if status != 200 || !strings.Contains(body, `name="kind"`) || !strings.Contains(body, "专题讲座") {
		t.Fatalf("new form: %d", status)
	}
	status, body, _ = post(t, c, e.srv.URL+"/ledgers/legal_publicity/new", url.Values{"region": {e.f.VillageB.Code}, "date": {"2026-03-01"}, "kind": {"event"}, "participants": {"-5"}})
	if status != 400 || !strings.Contains(body, "必填") || !strings.Contains(body, "不能小于") {
		t.Fatalf("form errors: %d %s", status, body)
	}
	status, _, head := post(t, c, e.srv.URL+"/ledgers/legal_publicity/new", url.Values{"region": {e.f.VillageB.Code}, "date": {"2026-03-01"}, "kind": {"lecture"}, "title": {"宪法讲座"}})
	if status != http.StatusSeeOther || !strings.HasPrefix(head.Get("Location"), "/ledgers/legal_publicity/records/") {
		t.Fatalf("create: %d", status)
	}
	status, body, _ = get(t, c, e.srv.URL+head.Get("Location"))
	if status != 200 || !strings.Contains(body, "宪法讲座") || !strings.Contains(body, "修改记录") {
		t.Fatalf("record page: %d", status)
	}
	// Import through the page: two bad rows are both listed, nothing is stored.
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", "p.csv")
	fmt.Fprintf(fw, "行政区划代码,开展日期,形式,主题\n%s,2026-01-01,宣传活动,a\n%s,2026-01-02,唱歌,b\n419901999999,2026-01-03,宣传活动,c\n", e.f.VillageB.Code, e.f.VillageB.Code)
	mw.Close()
	resp, err := c.Post(e.srv.URL+"/ledgers/legal_publicity/import", mw.FormDataContentType(), &b)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 && resp.StatusCode != 400 || !strings.Contains(string(out), "第 3 行") {
		t.Fatalf("import page: %d %s", resp.StatusCode, out)
	}
	// townA cannot open B's record page.
	ca := e.pageUser(t, "townA")
	if status, _, _ := get(t, ca, fmt.Sprintf("%s/ledgers/legal_publicity/records/%d", e.srv.URL, ids.keep)); status != 404 {
		t.Errorf("townA opened B's record: %d", status)
	}
}
