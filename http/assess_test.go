package http

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/assess"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// TestAssessmentAPIAndPages: a case in township B passes its acceptance
// deadline. The centre reads both townships' lines through the API and the
// pages; township A sees B's rank and score but not its lines, and B's unit page
// is not found for it. Bad input names the field.
func TestAssessmentAPIAndPages(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			c := &zhili.Case{Kind: zhili.KindDispute, Category: "neighbour", Title: "东城超期", RegionID: e.f.GridB.ID}
			if err := sqlstore.NewCaseService(e.db).ReportCase(storetest.System(), c, nil); err != nil {
				t.Fatal(err)
			}
			e.db.Clock.(*zhili.FixedClock).Advance(5 * 24 * time.Hour)
			if _, err := sqlstore.NewRhythmService(e.db).Supervise(storetest.System()); err != nil {
				t.Fatal(err)
			}
			var res assess.Result
			e.call(t, "center", "GET", "/api/v1/assessments/township_quarterly?period=2026-Q1", nil, http.StatusOK, &res)
			if res.Partial || len(res.Units) != 2 || res.Region.Code != e.f.County.Code {
				t.Fatalf("centre: %+v", res)
			}
			var townB *assess.UnitScore
			for i := range res.Units {
				if res.Units[i].Unit.ID == e.f.TownB.ID {
					townB = &res.Units[i]
				}
			}
			found := false
			for _, l := range townB.Lines {
				for _, r := range l.Measure.Records {
					found = found || (l.Item == "overdue" && r.URL == fmt.Sprint("/cases/", c.ID))
				}
			}
			if !found {
				t.Fatalf("township B's overdue case is not in its lines: %+v", townB.Lines)
			}
			var mine assess.Result
			e.call(t, "townA", "GET", "/api/v1/assessments/township_quarterly?period=2026-Q1", nil, http.StatusOK, &mine)
			for _, u := range mine.Units {
				if hidden := u.Unit.ID == e.f.TownB.ID; u.Hidden != hidden || (len(u.Lines) == 0) != hidden || u.Score == 0 {
					t.Errorf("township A's view of %s: %+v", u.Unit.Name, u)
				}
			}
			b := e.call(t, "townA", "GET", "/api/v1/assessments/township_quarterly?period=2026-13", nil, http.StatusBadRequest, nil)
			if !strings.Contains(string(b), `"period"`) {
				t.Fatalf("bad period: %s", b)
			}
			var schemes struct{ Items []assess.Scheme }
			e.call(t, "leader", "GET", "/api/v1/assessments", nil, http.StatusOK, &schemes)
			if len(schemes.Items) < 2 {
				t.Fatalf("schemes: %+v", schemes)
			}

			q := "?" + url.Values{"scheme": {"township_quarterly"}, "period": {"2026-Q1"}}.Encode()
			status, page, _ := get(t, e.pageUser(t, "center"), e.srv.URL+"/assessments"+q)
			if status != http.StatusOK || !strings.Contains(page, "红榜") || !strings.Contains(page, fmt.Sprintf("/assessments/township_quarterly/units/%d?", e.f.TownB.ID)) {
				t.Fatalf("ranking page: %d %.2000s", status, page)
			}
			unit := fmt.Sprintf("%s/assessments/township_quarterly/units/%d?period=2026-Q1", e.srv.URL, e.f.TownB.ID)
			status, page, _ = get(t, e.pageUser(t, "center"), unit)
			if status != http.StatusOK || !strings.Contains(page, fmt.Sprintf(`href="/cases/%d"`, c.ID)) || !strings.Contains(page, c.No) {
				t.Fatalf("unit page: %d %.3000s", status, page)
			}
			townA := e.pageUser(t, "townA")
			if status, page, _ = get(t, townA, e.srv.URL+"/assessments"+q); status != http.StatusOK || strings.Contains(page, fmt.Sprintf("/units/%d?", e.f.TownB.ID)) ||
				!strings.Contains(page, e.f.TownB.Name) {
				t.Fatalf("township A's ranking page: %d %.2000s", status, page)
			}
			if status, _, _ = get(t, townA, unit); status != http.StatusNotFound {
				t.Fatalf("township B's lines for township A: %d", status)
			}
		})
	}
}

// TestNoticesAPIAndPage: the report jobs announce last week's and last month's
// reports; township A's operator lists them, opens one through the page (marked
// read, sent to the archived file) and marks the rest read through the API.
func TestNoticesAPIAndPage(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			s := sqlstore.NewScheduler(e.db)
			s.Window = 8 * 24 * time.Hour
			s.EnableReports()
			if err := s.RunDue(context.Background()); err != nil {
				t.Fatal(err)
			}
			var list struct {
				Items []struct {
					ID    int64
					Title string
					URL   string
				}
				Unread int
			}
			e.call(t, "townA", "GET", "/api/v1/notices", nil, http.StatusOK, &list)
			if list.Unread != 2 || len(list.Items) != 2 || !strings.HasPrefix(list.Items[0].URL, "/reports/archive/") {
				t.Fatalf("notices: %+v", list)
			}
			browser := e.pageUser(t, "townA")
			status, page, _ := get(t, browser, e.srv.URL+"/notices")
			if status != http.StatusOK || !strings.Contains(page, list.Items[0].Title) || !strings.Contains(page, "未读 2 条") {
				t.Fatalf("notices page: %d %.2000s", status, page)
			}
			status, _, hdr := post(t, browser, fmt.Sprintf("%s/notices/%d/read", e.srv.URL, list.Items[0].ID), url.Values{"next": {list.Items[0].URL}})
			if status != http.StatusSeeOther || hdr.Get("Location") != list.Items[0].URL {
				t.Fatalf("open notice: %d %v", status, hdr)
			}
			if status, _, hdr = post(t, browser, fmt.Sprintf("%s/notices/%d/read", e.srv.URL, list.Items[1].ID), url.Values{"next": {"//evil.example"}}); status != http.StatusSeeOther || hdr.Get("Location") != "/notices" {
				t.Fatalf("off-site next: %d %v", status, hdr)
			}
			e.call(t, "townB", "POST", fmt.Sprintf("/api/v1/notices/%d/read", list.Items[0].ID), nil, http.StatusNotFound, nil)
			e.call(t, "townA", "GET", "/api/v1/notices?unread=1", nil, http.StatusOK, &list)
			if list.Unread != 0 || len(list.Items) != 0 {
				t.Fatalf("after reading: %+v", list)
			}
		})
	}
}
