package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// TestReportDownload generates the exchange material as a Word file on the
// reports page and downloads it from the archive list through the browser's own
// download: the file arrives, is not empty and is a .docx (a zip with a Word
// document inside).
func TestReportDownload(t *testing.T) {
	s := startSite(t, "sqlite")
	s.seedCases(t)
	tb := s.openTab(t, "center", desktop)
	tb.login("center")
	if st := tb.visit("/reports"); st != 200 {
		t.Fatalf("reports page: %d", st)
	}
	tb.do(
		chromedp.SetValue(chromedp.CSS(`form.report-form select[name=template]`), "exchange_material"),
		chromedp.SetValue(chromedp.CSS(`form.report-form select[name=format]`), "docx"),
	)
	if st := tb.submit(`form.report-form button[value=generate]`); st != 200 {
		t.Fatalf("generate: %d: %s", st, tb.body())
	}
	if msg := tb.text(`.alert.ok`); !strings.Contains(msg, "报告已生成并存档") {
		t.Fatalf("after generating the page says %q", msg)
	}
	tb.shot("reports")
	link := `table.grid tr.row-yellow td:nth-child(5) a`
	if f := tb.text(link); f != "docx" {
		t.Fatalf("the new archive entry is %q", f)
	}

	dir := t.TempDir()
	if _, err := chromedp.Call(tb.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir,
		BrowserContextID: chromedp.FromContext(tb.ctx).BrowserContextID, EventsEnabled: new(true),
	}); err != nil {
		t.Fatalf("allow downloads: %v", err)
	}
	begin := chromedp.Events(tb.ctx, browser.DownloadWillBegin)
	progress := chromedp.Events(tb.ctx, browser.DownloadProgress)
	tb.do(chromedp.Click(chromedp.CSS(link)))
	var name string
	for ev, err := range begin {
		if err != nil {
			t.Fatalf("download: %v", err)
		}
		name = ev.SuggestedFilename
		break
	}
	var guid string
	deadline := time.AfterFunc(stepTimeout, func() { t.Errorf("the download did not finish") })
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download: %v", err)
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatalf("the download was cancelled")
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			guid = ev.GUID
			break
		}
	}
	deadline.Stop()
	data, err := os.ReadFile(filepath.Join(dir, guid))
	if err != nil {
		t.Fatalf("downloaded file: %v", err)
	}
	if !strings.HasSuffix(name, ".docx") {
		t.Errorf("the file is named %q", name)
	}
	if len(data) < 1000 || !bytes.HasPrefix(data, []byte("PK\x03\x04")) || !bytes.Contains(data, []byte("word/document.xml")) {
		t.Errorf("the download (%d bytes) is not a Word document", len(data))
	}
}

// TestCockpitFigureChanges watches two cockpit figures, 排查矛盾纠纷 (F33) and
// 化解 (F34), as the county leader: a village reports a dispute on the desktop
// form, accepts and resolves it, and both figures of the leader's cockpit go up
// by one; the resolved figure opens its records, which list the case.
func TestCockpitFigureChanges(t *testing.T) {
	s := startSite(t, "sqlite")
	s.seedCases(t)
	leader := s.openTab(t, "leader", desktop)
	leader.login("leader")
	figure := func(id string) int {
		t.Helper()
		if st := leader.visit("/cockpit"); st != 200 {
			t.Fatalf("cockpit: %d", st)
		}
		txt := leader.text(fmt.Sprintf(`li.ck-card[title=%q] .ck-num`, id))
		var n int
		if _, err := fmt.Sscan(strings.ReplaceAll(txt, ",", ""), &n); err != nil {
			t.Fatalf("figure %s reads %q", id, txt)
		}
		return n
	}
	total, resolved := figure("dispute.total"), figure("dispute.resolved")
	leader.waitJS(`document.querySelector('.ck-chart canvas, .ck-chart svg') !== null`)
	leader.shot("cockpit")

	village := s.openTab(t, "villageA", desktop)
	village.login("villageA")
	if st := village.visit("/cases/new"); st != 200 {
		t.Fatalf("report form: %d", st)
	}
	village.do(
		chromedp.SetValue(chromedp.CSS(`form.report select[name=kind]`), "dispute"),
		chromedp.SetValue(chromedp.CSS(`form.report select[name=category]`), "neighbour"),
		chromedp.SendKeys(chromedp.CSS(`form.report input[name=title]`), "排水沟堵塞引发邻里纠纷"),
		chromedp.SetValue(chromedp.CSS(`form.report input[name=region_code]`), s.f.GridA.Code),
	)
	if st := village.submit(`form.report button[type=submit]`); st != 200 {
		t.Fatalf("report: %d: %s", st, village.body())
	}
	no := regexp.MustCompile(`\d{4}-\d{6}`).FindString(village.text("h1"))
	if no == "" {
		t.Fatalf("no case number on the case page: %s", village.text("h1"))
	}
	village.act("受理", nil)
	village.act("化解办结", map[string]string{"method": "人民调解", "outcome": "疏通排水沟，双方和解。"})

	// The cache of the figures is trusted for half a second; a reload after it
	// sees the case. Reload a few times rather than sleep a fixed time.
	var total2, resolved2 int
	for range 20 {
		if total2, resolved2 = figure("dispute.total"), figure("dispute.resolved"); total2 == total+1 && resolved2 == resolved+1 {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if total2 != total+1 || resolved2 != resolved+1 {
		t.Fatalf("after a dispute reported and resolved the cockpit shows %d reported and %d resolved (before %d and %d)", total2, resolved2, total, resolved)
	}
	if st := leader.submit(`li.ck-card[title="dispute.resolved"] a.ck-num`); st != 200 {
		t.Fatalf("records of the resolved figure: %d", st)
	}
	if !strings.Contains(leader.location(), "/indicators/dispute.resolved/records") {
		t.Fatalf("the figure opened %s", leader.location())
	}
	rows := get(leader, chromedp.Evaluate[int](`document.querySelectorAll('table.indicator-records tbody tr:not(:has(.empty))').length`))
	if rows != resolved2 || !strings.Contains(leader.text(`table.indicator-records`), no) {
		t.Errorf("the records of %d resolved disputes list %d rows, case %s %s", resolved2, rows, no,
			map[bool]string{true: "among them", false: "missing"}[strings.Contains(leader.text(`table.indicator-records`), no)])
	}
	leader.shot("figure-records")
}
