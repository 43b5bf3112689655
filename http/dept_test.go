package http

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// deptIDs are township B's department figure and a token of the county police.
type deptIDs struct{ reportID, tokenID int64 }

var deptsB sync.Map // *testEnv → deptIDs

// deptB returns a figure for township B's village and a department token, entering
// them on first use.
func (e *testEnv) deptB() deptIDs {
	if v, ok := deptsB.Load(e); ok {
		return v.(deptIDs)
	}
	police := e.f.Users["department"].UnitID
	rs, err := sqlstore.NewDepartmentReportService(e.db).SubmitDepartmentReports(storetest.System(), []zhili.DepartmentFigure{{
		Metric: "crime.fraud_solved", RegionCode: e.f.VillageB.Code, PeriodStart: "2026-01-01", PeriodEnd: "2026-01-31", Value: 4}},
		zhili.DepartmentSubmit{UnitID: police, Via: "cli"})
	if err != nil {
		panic(err)
	}
	tok, _, err := sqlstore.NewDepartmentTokenService(e.db).CreateDepartmentToken(storetest.System(), police, "测试令牌")
	if err != nil {
		panic(err)
	}
	ids := deptIDs{rs[0].ID, tok.ID}
	deptsB.Store(e, ids)
	return ids
}

// deptListPath lists department figures under township B, entering B's figure first.
func deptListPath(e *testEnv, _ accessIDs) string {
	e.deptB()
	return "/api/v1/department-reports?region=" + e.f.TownB.Code
}

// deptReportPath is the path of township B's figure followed by suffix.
func deptReportPath(suffix string) func(*testEnv, accessIDs) string {
	return func(e *testEnv, _ accessIDs) string {
		return fmt.Sprint("/api/v1/department-reports/", e.deptB().reportID, suffix)
	}
}

// deptTokenPath is the path of the county police's token.
func deptTokenPath(e *testEnv, _ accessIDs) string {
	return fmt.Sprint("/api/v1/department-tokens/", e.deptB().tokenID)
}

// deptUpload posts a file as the multipart field "file".
func (e *testEnv) deptUpload(t *testing.T, token, name string, data []byte, replace bool) (int, []byte) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if replace {
		mw.WriteField("replace", "1")
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/department-reports/import", &body)
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

func (e *testEnv) deptCount(t *testing.T) int {
	t.Helper()
	_, n, err := sqlstore.NewDepartmentReportService(e.db).FindDepartmentReports(storetest.System(), zhili.DepartmentReportFilter{History: true})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDeptTokenAPI(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			admin := e.login(t, "sysadmin")
			police := e.f.Users["department"].UnitID
			status, body := e.do(t, admin, "POST", "/api/v1/department-tokens", map[string]any{"unit_id": police, "name": "警综平台"})
			if status != http.StatusCreated {
				t.Fatalf("issue token: %d %s", status, body)
			}
			var issued struct {
				Token  zhili.DepartmentToken `json:"token"`
				Secret string                `json:"secret"`
			}
			json.Unmarshal(body, &issued)
			secret := issued.Secret

			fig := map[string]any{"metric": "crime.solved", "region_code": e.f.TownB.Code, "period_start": "2026-02-01", "period_end": "2026-02-28", "value": 12}
			status, body = e.do(t, secret, "POST", "/api/v1/department-reports", map[string]any{"figures": []any{fig}})
			if status != http.StatusCreated || !strings.Contains(string(body), `"token_id":`+fmt.Sprint(issued.Token.ID)) {
				t.Fatalf("submit with token: %d %s", status, body)
			}
			var made struct{ Items []zhili.DepartmentReport }
			json.Unmarshal(body, &made)
			id := made.Items[0].ID
			for _, c := range []struct {
				method, path string
				body         any
				want         int
			}{
				{"GET", "/api/v1/department-metrics", nil, 200},
				{"GET", "/api/v1/department-reports?region=" + e.f.TownB.Code, nil, 200},
				{"GET", fmt.Sprint("/api/v1/department-reports/", id, "/history"), nil, 200},
				{"POST", fmt.Sprint("/api/v1/department-reports/", id, "/correct"), map[string]any{"value": 13}, 200},
				{"POST", fmt.Sprint("/api/v1/department-reports/", id, "/correct"), map[string]any{"value": 14}, 409}, // stale
				// Outside its endpoints the token is refused, even where its role could read.
				{"GET", "/api/v1/regions", nil, 403},
				{"GET", "/api/v1/me", nil, 403},
				{"GET", "/api/v1/cases", nil, 403},
				{"GET", "/api/v1/department-tokens", nil, 403},
			} {
				if got, out := e.do(t, secret, c.method, c.path, c.body); got != c.want {
					t.Errorf("%s %s with token: %d, want %d: %s", c.method, c.path, got, c.want, out)
				}
			}
			// The token's uses are in the audit log, refusals included.
			entries, _, err := sqlstore.NewAuditService(e.db).FindAudit(e.f.Ctx(t, e.db, "auditor"), zhili.AuditFilter{Action: "department_token", Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			uses, refused := 0, 0
			for _, a := range entries {
				switch a.Action {
				case "department_token.use":
					uses++
				case "department_token.refused":
					refused++
				}
			}
			if uses != 6 || refused != 4 {
				t.Errorf("audit: %d uses and %d refusals, want 6 and 4", uses, refused)
			}
			if status, body := e.do(t, admin, "DELETE", fmt.Sprint("/api/v1/department-tokens/", issued.Token.ID), nil); status != http.StatusNoContent {
				t.Fatalf("revoke: %d %s", status, body)
			}
			if status, _ := e.do(t, secret, "GET", "/api/v1/department-metrics", nil); status != http.StatusUnauthorized {
				t.Errorf("revoked token: %d, want 401", status)
			}
		})
	}
}

func TestDeptImportAPI(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			dept := e.login(t, "department")
			var csv strings.Builder
			csv.WriteString("指标,区划代码,开始日期,结束日期,数值,备注\n")
			for i := range 40 {
				month := 1 + i%12
				region := []string{e.f.VillageA.Code, e.f.CommunityA.Code, e.f.VillageB.Code}[i/12%3]
				metric := []string{"crime.solved", "破获电信诈骗案件", "crime.suspects_arrested", "带破外省案件"}[i/36]
				value := fmt.Sprint(i)
				if i == 25 {
					value = "十二" // row 27
				}
				fmt.Fprintf(&csv, "%s,%s,2025-%02d-01,2025-%02d-%02d,%s,\n", metric, region, month, month, []int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[month-1], value)
			}
			status, body := e.deptUpload(t, dept, "2025.csv", []byte(csv.String()), false)
			if status != http.StatusBadRequest || !strings.Contains(string(body), `"row":27`) || !strings.Contains(string(body), `"column":"数值"`) {
				t.Fatalf("bad row: %d %s", status, body)
			}
			if n := e.deptCount(t); n != 0 {
				t.Fatalf("a refused import stored %d figures", n)
			}
			fixed := strings.Replace(csv.String(), "十二", "12", 1)
			if status, body := e.deptUpload(t, dept, "2025.csv", []byte(fixed), false); status != http.StatusCreated || !strings.Contains(string(body), `"imported":40`) {
				t.Fatalf("good import: %d %s", status, body)
			}
			// The same file again clashes with every figure, unless replacing.
			if status, _ := e.deptUpload(t, dept, "2025.csv", []byte(fixed), false); status != http.StatusBadRequest {
				t.Fatalf("second import: %d, want 400", status)
			}
			if status, _ := e.deptUpload(t, dept, "2025.csv", []byte(fixed), true); status != http.StatusCreated {
				t.Fatalf("replacing import: %d", status)
			}
			if n := e.deptCount(t); n != 80 {
				t.Fatalf("after replacing, %d figures in history, want 80", n)
			}
			// A township operator may not import at all, whatever the file.
			if status, _ := e.deptUpload(t, e.login(t, "townA"), "2025.csv", []byte("junk"), false); status != http.StatusForbidden {
				t.Fatalf("township import: %d, want 403", status)
			}
		})
	}
}
