package http

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// cockpitCases reports cases in both townships and moves the clock three weeks
// on, so the reported ones are overdue and on the dispatch list.
func (e *testEnv) cockpitCases(t *testing.T) {
	t.Helper()
	e.casesB(t)
	cases := sqlstore.NewCaseService(e.db)
	ctx := e.f.Ctx(t, e.db, "townA")
	for _, c := range []*zhili.Case{
		{Kind: zhili.KindDispute, Category: "neighbour", Title: "石桥村宅基地纠纷", RegionID: e.f.GridA.ID},
		{Kind: zhili.KindHazard, Category: "fire", Title: "青山社区楼道堆物", RegionID: e.f.GridA2.ID},
		{Kind: zhili.KindDispute, Category: "neighbour", Title: "石桥村邻里纠纷", RegionID: e.f.GridA.ID},
	} {
		mustCreate(t, cases.ReportCase(ctx, c, nil))
	}
	e.db.Clock.(*zhili.FixedClock).Advance(21 * 24 * time.Hour)
}

// caseTotal is the total of the case list API for a query: what a cockpit
// number's link opens.
func (e *testEnv) caseTotal(t *testing.T, user, query string) int {
	t.Helper()
	var l apiList
	e.call(t, user, "GET", "/api/v1/cases?limit=1&"+query, nil, 200, &l)
	return l.Total
}

func TestCockpitAPI(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			e.cockpitCases(t)
			today := e.server.today()
			period := "from=" + today[:4] + "-01-01&to=" + today

			t.Run("map counts are the case lists' totals", func(t *testing.T) {
				var fc struct {
					Type     string
					Metric   string
					Region   zhili.CockpitRegion
					Features []struct {
						ID         string
						Geometry   *struct{ Type string }
						Properties struct {
							Code, Name, OpenHref, OverdueHref string
							Open, Overdue, Value              int
						}
					}
				}
				e.call(t, "leader", "GET", "/api/v1/cockpit/map?metric=overdue", nil, 200, &fc)
				if fc.Type != "FeatureCollection" || fc.Metric != "overdue" || fc.Region.Code != e.f.County.Code || len(fc.Features) != 3 {
					t.Fatalf("map: %+v", fc)
				}
				var open, overdue int
				for _, f := range fc.Features {
					p := f.Properties
					if f.Geometry == nil || f.Geometry.Type != "Polygon" || p.Value != p.Overdue {
						t.Errorf("grid %s: geometry %v, value %d", f.ID, f.Geometry, p.Value)
					}
					if n := e.caseTotal(t, "leader", "under="+p.Code+"&overdue=1"); n != p.Overdue {
						t.Errorf("grid %s: overdue %d, case list %d", p.Code, p.Overdue, n)
					}
					q := url.Values{"under": {p.Code}, "state": {openStatesParam()}}.Encode()
					if n := e.caseTotal(t, "leader", q); n != p.Open {
						t.Errorf("grid %s: open %d, case list %d", p.Code, p.Open, n)
					}
					open, overdue = open+p.Open, overdue+p.Overdue
				}
				if open != 5 || overdue == 0 {
					t.Errorf("open %d, overdue %d", open, overdue)
				}
				status, body := e.do(t, e.login(t, "leader"), "GET", "/api/v1/cockpit/map?metric=busy", nil)
				if status != 400 || !contains(body, `"field":"metric"`) {
					t.Errorf("bad metric: %d %s", status, body)
				}
			})

			t.Run("figures link to their records", func(t *testing.T) {
				var sum cockpitSummary
				e.call(t, "leader", "GET", "/api/v1/cockpit/summary?"+period, nil, 200, &sum)
				if sum.Region.Code != e.f.County.Code || len(sum.Figures) < 10 {
					t.Fatalf("summary: %+v", sum)
				}
				found := false
				for _, f := range sum.Figures {
					if !strings.HasPrefix(f.Href, "/indicators/"+f.ID+"/records?") || !strings.Contains(f.Href, "region="+e.f.County.Code) || f.Label == "" || f.Unit == "" {
						t.Errorf("figure %s: %+v", f.No, f)
					}
					if f.No != "F33" {
						continue
					}
					found = true
					var v zhili.IndicatorValue
					e.call(t, "leader", "GET", "/api/v1/indicators/dispute.total?region="+e.f.County.Code+"&"+period, nil, 200, &v)
					if f.Raw != v.Raw || f.Raw != 3 {
						t.Errorf("F33: %d, indicator %d", f.Raw, v.Raw)
					}
				}
				if !found {
					t.Error("no figure F33")
				}
				if status, body := e.do(t, e.login(t, "leader"), "GET", "/api/v1/cockpit/summary?from=2026-13-01", nil); status != 400 {
					t.Errorf("bad period: %d %s", status, body)
				}
			})

			t.Run("trend adds up to the cases reported", func(t *testing.T) {
				var tr zhili.CockpitTrend
				e.call(t, "townA", "GET", "/api/v1/cockpit/trend?"+period, nil, 200, &tr)
				total := 0
				for _, s := range tr.Series {
					for i, n := range s.New {
						q := url.Values{"kind": {string(s.Kind)}, "reported_from": {tr.MonthFrom[i]}, "reported_to": {tr.MonthTo[i]}}.Encode()
						if n > 0 && e.caseTotal(t, "townA", q) != n {
							t.Errorf("%s %s: %d", s.Kind, tr.Months[i], n)
						}
						total += n
					}
				}
				if total != 3 || tr.Region.Code != e.f.TownA.Code {
					t.Errorf("townA's trend counts %d cases of %s", total, tr.Region.Code)
				}
			})

			t.Run("board ranks and lists within scope", func(t *testing.T) {
				var b zhili.CockpitBoard
				e.call(t, "center", "GET", "/api/v1/cockpit/board?"+period, nil, 200, &b)
				if len(b.Rankings) != 2 || b.Rankings[0].Name != "东城街道" || b.Rankings[0].New != 2 || b.Rankings[1].Open != 3 {
					t.Errorf("rankings: %+v", b.Rankings)
				}
				if n := e.caseTotal(t, "center", "overdue=1"); n != b.OverdueTotal || n != len(b.Overdue) || n == 0 {
					t.Errorf("overdue %d listed %d, case list %d", b.OverdueTotal, len(b.Overdue), n)
				}
				if b.DispatchTotal != 5 || len(b.Dispatch) != 5 {
					t.Errorf("dispatch %d", b.DispatchTotal)
				}
				body := e.call(t, "townA", "GET", "/api/v1/cockpit/board?"+period, nil, 200, &b)
				if len(b.Rankings) != 2 || b.DispatchTotal != 3 || contains(body, "河东") || contains(body, "东城") {
					t.Errorf("townA's board: %s", body)
				}
			})
		})
	}
}

// scriptsHaveSrc reports whether every <script> tag loads a file: the CSP
// refuses inline scripts.
func scriptsHaveSrc(body string) bool {
	for rest := body; ; {
		i := strings.Index(rest, "<script")
		if i < 0 {
			return true
		}
		end := strings.Index(rest[i:], ">")
		if end < 0 || !strings.Contains(rest[i:i+end], ` src="/static/`) {
			return false
		}
		rest = rest[i+end:]
	}
}

func TestCockpitPage(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, "sqlite")
	e.cockpitCases(t)
	leader, town := e.pageUser(t, "leader"), e.pageUser(t, "townA")

	status, body, _ := get(t, leader, e.srv.URL+"/cockpit")
	for _, want := range []string{"驾驶舱", `src="/static/cockpit.js"`, `href="/static/cockpit.css"`, `data-map="/api/v1/cockpit/map?`,
		`data-trend="/api/v1/cockpit/trend?`, "/indicators/dispute.total/records?", "F33", "东城街道", "青山镇", "超期预警", "半月调度", "今日未排查",
		"/rhythm/dispatch?", "/cases?overdue=1&amp;under=" + e.f.County.Code} {
		if !strings.Contains(body, want) {
			t.Errorf("leader's cockpit lacks %q", want)
		}
	}
	if status != 200 || !scriptsHaveSrc(body) {
		t.Fatalf("leader's cockpit: %d %.3000s", status, body)
	}
	status, body, _ = get(t, town, e.srv.URL+"/cockpit")
	if status != 200 || strings.Contains(body, "河东") || strings.Contains(body, "东城") || !strings.Contains(body, "石桥村") {
		t.Errorf("townA's cockpit: %d %.3000s", status, body)
	}
	for _, path := range []string{"/cockpit?region=" + e.f.TownB.Code, "/cockpit?region=419901999000"} {
		if status, body, _ := get(t, town, e.srv.URL+path); status != 404 || strings.Contains(body, "河东") {
			t.Errorf("townA %s: %d", path, status)
		}
	}
	status, body, _ = get(t, town, e.srv.URL+"/cockpit?from=2026-04-01&to=2026-03-01")
	if status != 400 || !strings.Contains(body, "驾驶舱") {
		t.Errorf("reversed period: %d %.2000s", status, body)
	}
	// Drilling down: a village's cockpit from the rankings.
	status, body, _ = get(t, town, e.srv.URL+"/cockpit?region="+e.f.VillageA.Code)
	if status != 200 || !strings.Contains(body, fmt.Sprintf(`<option value="%s" selected>`, e.f.VillageA.Code)) {
		t.Errorf("village cockpit: %d", status)
	}
	for _, f := range []string{"/static/cockpit.js", "/static/cockpit.css"} {
		if status, _, _ := get(t, town, e.srv.URL+f); status != 200 {
			t.Errorf("%s: %d", f, status)
		}
	}
}
