package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/ledger"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// TestSweepOnPhone: a grid member on a 390×844 phone files the day's sweep of
// grid A as a zero-report with one tap; the card turns to filed, and the
// village's page of sweeps lists it.
func TestSweepOnPhone(t *testing.T) {
	s := startSite(t, "sqlite")
	grid := s.openTab(t, "gridA", phone)
	grid.login("gridA")
	if st := grid.visit("/m/sweep"); st != 200 {
		t.Fatalf("sweep page: %d", st)
	}
	card := fmt.Sprintf(`//section[contains(@class,"sweep-card")][h2[normalize-space(.)=%q]]`, s.f.GridA.Name)
	if n := get(grid, chromedp.Evaluate[int](fmt.Sprintf(
		`document.evaluate(%q, document, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null).snapshotLength`, card+`//button[contains(@class,"sweep-zero")]`))); n != 1 {
		t.Fatalf("grid A's card offers %d zero-report buttons:\n%s", n, grid.body())
	}
	grid.shot("phone-sweep")
	if st := grid.submit(card + `//button[contains(@class,"sweep-zero")]`); st != 200 {
		t.Fatalf("zero-report: %d: %s", st, grid.body())
	}
	if msg := grid.text(`.alert.ok`); !strings.Contains(msg, "今日排查已提交") {
		t.Errorf("after the zero-report the page says %q", msg)
	}
	filed := get(grid, chromedp.Evaluate[string](fmt.Sprintf(
		`(n => n ? n.className + '|' + n.innerText : '')(document.evaluate(%q, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue)`, card)))
	if !strings.Contains(filed, "done") || !strings.Contains(filed, "已提交零报告") || strings.Contains(filed, "零报告\n今日无异常") {
		t.Errorf("grid A's card after filing: %q", filed)
	}
	if w := get(grid, chromedp.Evaluate[float64](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("the sweep page is %vpx wide on a 390px phone", w)
	}
	grid.shot("phone-sweep-filed")

	// The village sees the sweep among the day's filed ones.
	village := s.openTab(t, "villageA", desktop)
	village.login("villageA")
	if st := village.visit("/rhythm/missing"); st != 200 {
		t.Fatalf("missing sweeps page: %d", st)
	}
	if body := village.body(); !strings.Contains(body, s.f.GridA.Name) || !strings.Contains(body, "零报告") {
		t.Errorf("the village's sweep page does not list grid A's zero-report:\n%s", body)
	}
}

// TestLedgerImport imports a ledger file as township A: a file with a bad date
// is refused with its row and column named and nothing stored; the corrected
// file is stored and its records listed. Township B then tries the record, a
// task of township A and township A's cockpit by address, and gets the
// not-found page each time.
func TestLedgerImport(t *testing.T) {
	s := startSite(t, "sqlite")
	town := s.openTab(t, "townA", desktop)
	town.login("townA")
	if st := town.visit("/ledgers"); st != 200 {
		t.Fatalf("ledger list: %d", st)
	}
	town.shot("ledgers")
	if st := town.visit("/ledgers/meetings"); st != 200 {
		t.Fatalf("meetings ledger: %d", st)
	}
	if crumbs := strings.Join(strings.Fields(town.text(`nav.crumbs.auto`)), " "); crumbs != "首页 › 台账与报送 › 台账 › 会议台账" {
		t.Errorf("breadcrumbs of a ledger: %q", crumbs)
	}
	dir := t.TempDir()
	header := "区划代码,会议日期,会议类型,议题,研究试点工作,参会人数\n"
	code := s.f.TownA.Code
	bad := filepath.Join(dir, "会议-有误.csv")
	writeFile(t, bad, header+
		code+",2026-02-10,领导小组会议,研究网格化管理工作,是,12\n"+
		code+",2026-02-31,领导小组会议,部署矛盾纠纷排查,是,15\n")
	town.do(chromedp.SetUploadFiles(chromedp.CSS(`form[action="/ledgers/meetings/import"] input[name=file]`), []string{bad}))
	if st := town.submit(`form[action="/ledgers/meetings/import"] button[type=submit]`); st != 400 {
		t.Fatalf("import of a bad file: %d", st)
	}
	town.forgive(400)
	errs := get(town, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('table.import-errors tbody tr')).map(tr => tr.innerText)`))
	if len(errs) != 1 || !strings.Contains(errs[0], "第 3 行") || !strings.Contains(errs[0], "会议日期") {
		t.Fatalf("import errors shown: %q", errs)
	}
	if n := s.ledgerCount(t, "meetings"); n != 0 {
		t.Fatalf("a refused import stored %d records", n)
	}
	town.shot("ledger-import-error")

	good := filepath.Join(dir, "会议.csv")
	writeFile(t, good, header+
		code+",2026-02-10,领导小组会议,研究网格化管理工作,是,12\n"+
		code+",2026-02-27,领导小组会议,部署矛盾纠纷排查,是,15\n")
	town.do(chromedp.SetUploadFiles(chromedp.CSS(`form[action="/ledgers/meetings/import"] input[name=file]`), []string{good}))
	if st := town.submit(`form[action="/ledgers/meetings/import"] button[type=submit]`); st != 200 {
		t.Fatalf("import of the corrected file: %d: %s", st, town.body())
	}
	if msg := town.text(`.alert.ok`); !strings.Contains(msg, "已导入 2 条记录") {
		t.Errorf("after the import the page says %q", msg)
	}
	rows := town.text(`table.ledger tbody`)
	for _, topic := range []string{"研究网格化管理工作", "部署矛盾纠纷排查"} {
		if !strings.Contains(rows, topic) {
			t.Errorf("the ledger does not list %s:\n%s", topic, rows)
		}
	}
	if n := s.ledgerCount(t, "meetings"); n != 2 {
		t.Errorf("stored %d records, want 2", n)
	}
	town.shot("ledger-records")
	record := get(town, chromedp.AttributeValue(chromedp.CSS(`table.ledger tbody a[href^="/ledgers/meetings/records/"]`), "href")).Value
	if st := town.visit(record); st != 200 {
		t.Fatalf("township A's own record %s: %d", record, st)
	}

	// A task of township A, set by the county centre.
	task := &zhili.Task{Title: "完成青山镇网格边界核对", OwnerUnitID: s.f.Offices[s.f.TownA.Code].ID, Due: "2026-03-20"}
	if err := sqlstore.NewTaskService(s.db).CreateTask(s.f.Ctx(t, s.db, "center"), task, ""); err != nil {
		t.Fatal(err)
	}
	taskPath := fmt.Sprint("/tasks/", task.ID)
	if st := town.visit(taskPath); st != 200 || !strings.Contains(town.body(), task.Title) {
		t.Fatalf("township A's own task: %d", st)
	}

	other := s.openTab(t, "townB", desktop)
	other.login("townB")
	for _, path := range []string{record, taskPath, "/cockpit?region=" + code} {
		st := other.visit(path)
		body := other.body()
		if st != 404 || strings.Contains(body, "研究网格化管理工作") || strings.Contains(body, task.Title) || strings.Contains(body, s.f.TownA.Name) {
			t.Errorf("township B opened %s of township A: %d\n%s", path, st, body)
		} else if h1 := other.text("h1"); h1 != "页面不存在或无权查看" {
			t.Errorf("township B's page for %s says %q", path, h1)
		}
		other.forgive(404)
	}
	other.shot("not-found")
	if st := other.visit("/ledgers/meetings"); st != 200 || strings.Contains(other.body(), "研究网格化管理工作") {
		t.Errorf("township B's meetings ledger lists township A's records (%d)", st)
	}
	if st := other.visit("/tasks"); st != 200 || strings.Contains(other.body(), task.Title) {
		t.Errorf("township B's task list lists township A's task (%d)", st)
	}
}

// ledgerCount is how many records the ledger holds, counted in the database.
func (s *site) ledgerCount(t *testing.T, name string) int {
	t.Helper()
	_, n, err := sqlstore.NewLedgerService(s.db, ledger.Default()).FindLedgerRecords(storetest.System(), zhili.LedgerFilter{Ledger: name, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestPublicLink: the login page leads residents to the public page, which
// opens without an account.
func TestPublicLink(t *testing.T) {
	s := startSite(t, "sqlite")
	tb := s.openTab(t, "visitor", phone)
	if st := tb.visit("/login"); st != 200 {
		t.Fatalf("login page: %d", st)
	}
	if st := tb.submit(`a[href="/public"]`); st != 200 || !strings.HasSuffix(tb.location(), "/public") {
		t.Fatalf("the login page's link to the public page: %d at %s", st, tb.location())
	}
	if !strings.Contains(tb.body(), "反映") {
		t.Errorf("the public page: %s", tb.body())
	}
	tb.shot("public")
}
