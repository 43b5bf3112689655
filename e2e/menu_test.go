package e2e

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// shotPages are the pages saved as screenshots, by the user who sees them best.
var shotPages = map[string]map[string]string{
	"center": {"/cases": "cases", "/cases/new": "case-new", "/": "regions", "/tasks": "tasks", "/indicators": "indicators",
		"/rhythm/weekly": "weekly-review", "/rhythm/bulletin": "bulletin", "/department-reports": "department-reports"},
	"leader":   {"/queue": "leader-queue", "/assessments": "assessments"},
	"sysadmin": {"/admin/users": "users"},
	"auditor":  {"/admin/audit": "audit"},
}

// TestEveryMenuPage signs in as every role and opens every page of its menu:
// each loads with status 200, highlights its own menu entry, shows breadcrumbs,
// and writes nothing to the browser console.
func TestEveryMenuPage(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			s := startSite(t, d)
			s.seedCases(t)
			users := []string{"sysadmin", "secadmin", "auditor", "leader", "center", "townA", "villageA",
				"gridA", "mediator", "department", "supervisor"}
			if d != "sqlite" {
				// The pages are the same on both databases and their queries differ
				// little by role, so PostgreSQL gets the centre (every business page)
				// and the system administrator (second factor, user list).
				users = []string{"sysadmin", "center"}
			}
			for _, user := range users {
				tb := s.openTab(t, user, desktop)
				tb.login(user)
				links := get(tb, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('.menu a')).map(a => a.getAttribute('href'))`))
				if len(links) == 0 {
					t.Fatalf("%s has an empty menu on %s", user, tb.location())
				}
				for _, link := range links {
					st := tb.visit(link)
					if st != 200 {
						t.Errorf("%s: %s: status %d", user, link, st)
						continue
					}
					if strings.HasPrefix(link, "/m/") {
						continue // the phone page has a layout of its own, with no menu
					}
					on := get(tb, chromedp.Evaluate[string](`(document.querySelector('.menu a.on') || {getAttribute: () => ''}).getAttribute('href')`))
					if on != link {
						t.Errorf("%s: %s highlights %q in the menu", user, link, on)
					}
					if crumbs := tb.text(`nav.crumbs.auto`); !strings.HasPrefix(crumbs, "首页") {
						t.Errorf("%s: %s: breadcrumbs %q", user, link, crumbs)
					}
					if name, ok := shotPages[user][link]; ok && d == "sqlite" {
						tb.shot(name)
					}
				}
				// Pages outside the menu the role may not use are refused, not shown.
				if user == "auditor" || user == "gridA" {
					if st := tb.visit("/admin/users"); st != 403 {
						t.Errorf("%s opened the user list: %d", user, st)
					}
					tb.forgive(403)
				}
				tb.close()
			}
		})
	}
}

// TestRegionSelector opens the region tree as a township user: it starts at the
// township, lists only its villages, and picking one opens it (or, on the case
// list, filters by it).
func TestRegionSelector(t *testing.T) {
	s := startSite(t, "sqlite")
	tb := s.openTab(t, "townA", desktop)
	tb.visit("/login")
	tb.shot("login")
	tb.login("townA")
	tb.visit("/cases")
	if label := tb.text(`.picker-label`); label != s.f.TownA.Name {
		t.Fatalf("selector shows %q, want the township", label)
	}
	tb.do(chromedp.Click(chromedp.CSS(`.picker-btn`)))
	tb.waitJS(`document.querySelectorAll('.tree li[data-code]').length > 1`)
	codes := get(tb, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('.tree li[data-code]')).map(li => li.dataset.code)`))
	want := map[string]bool{s.f.TownA.Code: true, s.f.VillageA.Code: true, s.f.CommunityA.Code: true}
	if len(codes) != len(want) {
		t.Fatalf("tree holds %v", codes)
	}
	for _, c := range codes {
		if !want[c] {
			t.Fatalf("tree of township A holds %s", c)
		}
	}
	tb.shot("region-selector")
	// Picking the village on the case list filters the list by it.
	if st := tb.submit(`.tree a[data-pick="` + s.f.VillageA.Code + `"]`); st != 200 {
		t.Fatalf("pick on the case list: %d", st)
	}
	u, _ := url.Parse(tb.location())
	if u.Path != "/cases" || u.Query().Get("under") != s.f.VillageA.Code {
		t.Fatalf("picking a village led to %s", u)
	}
	if label := tb.text(`.picker-label`); label != s.f.TownA.Name+" › "+s.f.VillageA.Name {
		t.Errorf("selector shows %q after picking", label)
	}
	// Elsewhere the pick opens the region's page; the search finds grids by name.
	tb.visit("/")
	tb.do(chromedp.Click(chromedp.CSS(`.picker-btn`)), chromedp.SendKeys(chromedp.CSS(`.picker-search`), "网格"))
	tb.waitJS(`document.querySelector('.tree a[data-pick="` + s.f.GridA.Code + `"]') !== null`)
	if st := tb.submit(`.tree a[data-pick="` + s.f.GridA.Code + `"]`); st != 200 || !strings.HasSuffix(tb.location(), "/regions/"+s.f.GridA.Code) {
		t.Fatalf("pick a grid: %d at %s", st, tb.location())
	}
	if !strings.Contains(tb.text("h1"), s.f.GridA.Name) {
		t.Errorf("grid page: %s", tb.text("h1"))
	}
}

// TestPhoneMenu checks the layout on a phone: the menu is hidden until the
// menu button opens it, and tables scroll instead of overflowing the page.
func TestPhoneMenu(t *testing.T) {
	s := startSite(t, "sqlite")
	tb := s.openTab(t, "center", phone)
	tb.login("center")
	tb.visit("/cases")
	if right := get(tb, chromedp.Evaluate[float64](`document.querySelector('.menu').getBoundingClientRect().right`)); right > 0 {
		t.Fatalf("menu shows on a phone before it is opened (right edge %v)", right)
	}
	tb.do(chromedp.Click(chromedp.CSS(`label.burger`)))
	tb.waitJS(`document.querySelector('.menu').getBoundingClientRect().left >= 0`)
	tb.shot("phone-menu")
	if w := get(tb, chromedp.Evaluate[float64](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("the case list is %vpx wide on a 390px phone", w)
	}
}

// seedCases reports a few cases in both townships, some moved on, so the lists
// and queues have rows to draw.
func (s *site) seedCases(t *testing.T) {
	t.Helper()
	cases := sqlstore.NewCaseService(s.db)
	titles := []struct {
		kind           zhili.CaseKind
		category       string
		title          string
		reporter, grid string
	}{
		{zhili.KindDispute, "neighbour", "邻里噪音纠纷", "gridA", s.f.GridA.Code},
		{zhili.KindHazard, "fire", "楼道堆放杂物", "gridA", s.f.GridA.Code},
		{zhili.KindDispute, "marriage_family", "赡养老人纠纷", "villageA", s.f.GridA.Code},
		{zhili.KindDispute, "neighbour", "宅基地界址争议", "townA", s.f.GridA2.Code},
		{zhili.KindHazard, "fire", "河东村消防通道堵塞", "townB", s.f.GridB.Code},
	}
	for i, c := range titles {
		reg, err := sqlstore.NewRegionService(s.db).FindRegionByCode(storetest.System(), c.grid)
		if err != nil {
			t.Fatal(err)
		}
		kase := &zhili.Case{Kind: c.kind, Category: c.category, Title: c.title, RegionID: reg.ID, People: i + 1,
			Detail: fmt.Sprintf("第 %d 件测试事件。", i+1)}
		if err := cases.ReportCase(s.f.Ctx(t, s.db, c.reporter), kase, nil); err != nil {
			t.Fatalf("seed case %q: %v", c.title, err)
		}
	}
}

// TestTableTools checks what the layout adds to a list: headers sort the rows
// of the page both ways, and the filter box hides the rows that do not match.
func TestTableTools(t *testing.T) {
	s := startSite(t, "sqlite")
	s.seedCases(t)
	tb := s.openTab(t, "center", desktop)
	tb.login("center")
	tb.visit("/cases")
	firstNo := func() string {
		return get(tb, chromedp.Evaluate[string](`document.querySelector('table.cases tbody tr:not([hidden]) td').textContent.trim()`))
	}
	tb.do(chromedp.Click(chromedp.CSS(`table.cases thead th:first-child`)))
	if no := firstNo(); no != "2026-000001" {
		t.Errorf("sorted up, the first case is %s", no)
	}
	tb.do(chromedp.Click(chromedp.CSS(`table.cases thead th:first-child`)))
	if no := firstNo(); no != "2026-000005" {
		t.Errorf("sorted down, the first case is %s", no)
	}
	tb.do(chromedp.SendKeys(chromedp.CSS(`.table-tools input`), "杂物"))
	shown := get(tb, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('table.cases tbody tr:not([hidden])')).map(tr => tr.cells[1].textContent.trim())`))
	if len(shown) != 1 || shown[0] != "楼道堆放杂物" {
		t.Errorf("filtered rows: %v", shown)
	}
	if count := tb.text(`.table-tools .count`); !strings.Contains(count, "1 / 5") {
		t.Errorf("filter count %q", count)
	}
}
