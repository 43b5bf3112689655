package http

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// pageUser logs a fixture user in through the login form and returns the browser.
func (e *testEnv) pageUser(t *testing.T, name string) *http.Client {
	t.Helper()
	c := browser(t)
	resp, err := c.PostForm(e.srv.URL+"/login", url.Values{"username": {name}, "password": {storetest.Password}, "next": {"/"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %d", name, resp.StatusCode)
	}
	return c
}

func post(t *testing.T, c *http.Client, u string, form url.Values) (int, string, http.Header) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func TestCasePages(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, "sqlite")
	cases := sqlstore.NewCaseService(e.db)
	inA := &zhili.Case{Kind: zhili.KindDispute, Category: "neighbour", Title: "石桥村宅基地纠纷", RegionID: e.f.GridA.ID}
	mustCreate(t, cases.ReportCase(e.f.Ctx(t, e.db, "gridA"), inA, []*zhili.Party{{Name: "张三", IDNumber: "11010519491231002X", Phone: "13812345678"}}))
	caseB, _, _ := e.casesB(t)
	clock := e.db.Clock.(*zhili.FixedClock)
	clock.Advance(10 * time.Hour) // the accept deadline is within a day: yellow
	town, village := e.pageUser(t, "townA"), e.pageUser(t, "villageA")

	t.Run("the list shows only cases in scope", func(t *testing.T) {
		status, body, _ := get(t, town, e.srv.URL+"/cases")
		if status != 200 || !strings.Contains(body, "石桥村宅基地纠纷") || strings.Contains(body, "河东") || !strings.Contains(body, "即将到期") {
			t.Fatalf("list: %d %.2000s", status, body)
		}
		if !strings.Contains(body, `href="/cases/new"`) || !strings.Contains(body, `href="/queue"`) {
			t.Fatal("menu lacks the case entries")
		}
		status, body, _ = get(t, town, e.srv.URL+"/cases?state=closed")
		if status != 200 || strings.Contains(body, "石桥村宅基地纠纷") {
			t.Fatalf("state filter: %d", status)
		}
		status, body, _ = get(t, town, e.srv.URL+"/cases?reported_from=soon&under="+e.f.TownB.Code)
		if status != 400 || !strings.Contains(body, "上报日期起格式不正确") {
			t.Fatalf("bad filter: %d %.1500s", status, body)
		}
		if status, _, _ := get(t, town, fmt.Sprint(e.srv.URL, "/cases/", caseB)); status != 404 {
			t.Fatalf("township B's case page: %d", status)
		}
	})
	t.Run("a read-only role sees the list but may not report", func(t *testing.T) {
		status, body, _ := get(t, e.pageUser(t, "leader"), e.srv.URL+"/cases")
		if status != 200 || !strings.Contains(body, "河东村宅基地纠纷") || strings.Contains(body, `href="/cases/new"`) {
			t.Fatalf("leader list: %d %.1500s", status, body)
		}
	})
	t.Run("saved searches", func(t *testing.T) {
		status, _, h := post(t, town, e.srv.URL+"/cases/searches", url.Values{"name": {"纠纷"}, "query": {"kind=dispute"}})
		if status != http.StatusSeeOther || h.Get("Location") != "/cases?kind=dispute" {
			t.Fatalf("save: %d %q", status, h.Get("Location"))
		}
		_, body, _ := get(t, town, e.srv.URL+"/cases")
		if !strings.Contains(body, `<a href="/cases?kind=dispute">纠纷</a>`) {
			t.Fatalf("saved search not listed: %.3000s", body)
		}
	})

	casePage := fmt.Sprint(e.srv.URL, "/cases/", inA.ID)
	t.Run("the case page shows details, masked parties, timeline and action forms", func(t *testing.T) {
		status, body, _ := get(t, village, casePage)
		for _, want := range []string{"石桥村宅基地纠纷", "110***********002X", "138****5678", "上报", "gridA",
			`name="action" value="accept"`, `name="from" value="reported"`, `name="action" value="reject"`, "/static/case.js"} {
			if !strings.Contains(body, want) {
				t.Errorf("case page lacks %q", want)
			}
		}
		if status != 200 || strings.Contains(body, "11010519491231002X") || strings.Contains(body, "查看完整信息") {
			t.Fatalf("case page: %d", status)
		}
		_, body, _ = get(t, town, casePage)
		if strings.Contains(body, `name="action" value="accept"`) || !strings.Contains(body, "查看完整信息") {
			t.Fatal("the township (supervisor) is offered the holder's accept, or no reveal")
		}
		status, body, h := post(t, town, casePage+"/reveal", nil)
		if status != 200 || !strings.Contains(body, "11010519491231002X") || h.Get("Cache-Control") != "no-store" {
			t.Fatalf("reveal: %d", status)
		}
	})
	t.Run("an action form acts, redirects and refuses a stale state", func(t *testing.T) {
		status, body, _ := post(t, village, casePage+"/act", url.Values{"action": {"comment"}, "from": {"reported"}})
		if status != 400 || !strings.Contains(body, "说明必须填写") {
			t.Fatalf("comment without a note: %d %.2000s", status, body)
		}
		status, _, h := post(t, village, casePage+"/act", url.Values{"action": {"accept"}, "from": {"reported"}})
		if status != http.StatusSeeOther || !strings.HasSuffix(h.Get("Location"), "?done=accept") {
			t.Fatalf("accept: %d %q", status, h.Get("Location"))
		}
		if _, body, _ := get(t, village, e.srv.URL+h.Get("Location")); !strings.Contains(body, "已完成：受理") || !strings.Contains(body, `name="from" value="accepted"`) {
			t.Fatal("after accepting: no message or stale forms")
		}
		status, body, _ = post(t, village, casePage+"/act", url.Values{"action": {"accept"}, "from": {"reported"}})
		if status != 409 || !strings.Contains(body, "事件状态已经变化") {
			t.Fatalf("stale accept: %d", status)
		}
		status, body, _ = post(t, village, casePage+"/act", url.Values{"action": {"resolve"}, "from": {"accepted"}, "method": {"人民调解"}})
		if status != 400 || !strings.Contains(body, "化解结果必须填写") || !strings.Contains(body, "<details class=\"act\" open>") {
			t.Fatalf("incomplete resolve: %d %.3000s", status, body)
		}
		status, body, _ = post(t, village, casePage+"/act", url.Values{"action": {"assign"}, "from": {"accepted"}, "unit_id": {"abc"}})
		if status != 400 || !strings.Contains(body, "承办单位须为非负整数") {
			t.Fatalf("malformed unit: %d", status)
		}
	})
	t.Run("the report form enters a case", func(t *testing.T) {
		form := url.Values{"kind": {"hazard"}, "category": {"fire"}, "title": {""}, "region_code": {e.f.GridA.Code}, "amount": {"1.234"},
			"party_name_1": {"王五"}, "party_id_1": {"123"}}
		status, body, _ := post(t, town, e.srv.URL+"/cases/new", form)
		if status != 400 || !strings.Contains(body, "涉及金额须为金额") {
			t.Fatalf("bad amount: %d", status)
		}
		form.Set("amount", "12.5")
		status, body, _ = post(t, town, e.srv.URL+"/cases/new", form)
		if status != 400 || !strings.Contains(body, "标题必须填写") || !strings.Contains(body, "当事人2 证件号码格式不正确") {
			t.Fatalf("bad report: %d %.3000s", status, body)
		}
		form.Set("title", "电动车楼道充电")
		form.Del("party_id_1")
		status, _, h := post(t, town, e.srv.URL+"/cases/new", form)
		if status != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "?reported=1") {
			t.Fatalf("report: %d %q", status, h.Get("Location"))
		}
		if _, body, _ := get(t, town, e.srv.URL+h.Get("Location")); !strings.Contains(body, "12.50 元") || !strings.Contains(body, "王五") {
			t.Fatalf("reported case page: %.2000s", body)
		}
	})
	t.Run("the queue shows red and yellow cards", func(t *testing.T) {
		status, body, _ := get(t, village, e.srv.URL+"/queue")
		if status != 200 || !strings.Contains(body, "badge yellow") {
			t.Fatalf("queue: %d %.2000s", status, body)
		}
		clock.Advance(20 * 24 * time.Hour)
		_, body, _ = get(t, e.pageUser(t, "villageA"), e.srv.URL+"/queue?warning=red")
		if !strings.Contains(body, "badge red") || !strings.Contains(body, "石桥村宅基地纠纷") {
			t.Fatalf("red queue: %.2000s", body)
		}
	})
}

func TestMobileReport(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, "sqlite")
	grid := e.pageUser(t, "gridA")
	status, body, _ := get(t, grid, e.srv.URL+"/m/report")
	for _, want := range []string{`<meta name="viewport" content="width=device-width`, `enctype="multipart/form-data"`, `name="lat"`,
		`name="photo"`, `data-locate`, `/static/case.js`, e.f.GridA.Code} {
		if !strings.Contains(body, want) {
			t.Errorf("phone page lacks %q", want)
		}
	}
	if status != 200 || strings.Contains(body, `class="menu"`) || strings.Contains(body, e.f.GridB.Code) {
		t.Fatalf("phone page: %d", status)
	}
	if status, body, _ := get(t, grid, e.srv.URL+"/static/case.js"); status != 200 || !strings.Contains(body, "geolocation") {
		t.Fatalf("case.js: %d", status)
	}

	photo := "\xff\xd8\xff not really a jpeg"
	send := func(fields map[string]string) (int, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, v := range fields {
			mw.WriteField(k, v)
		}
		fw, _ := mw.CreateFormFile("photo", "scene.jpg")
		fw.Write([]byte(photo))
		mw.Close()
		resp, err := grid.Post(e.srv.URL+"/m/report", mw.FormDataContentType(), &buf)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, body = send(map[string]string{"kind": "hazard", "category": "fire", "title": "消防通道堵塞", "lat": "10", "lng": "10", "crs": "wgs84"})
	if status != 400 || !strings.Contains(body, "该位置不在您辖区内的任何网格中") {
		t.Fatalf("point outside: %d %.2000s", status, body)
	}
	status, body = send(map[string]string{"kind": "hazard", "category": "fire", "title": "消防通道堵塞", "lat": "34.705", "lng": "113.605", "crs": "wgs84"})
	if status != 200 || !strings.Contains(body, "上报成功") || !strings.Contains(body, "石桥村第一网格") || !strings.Contains(body, "现场照片已随事件保存") {
		t.Fatalf("phone report: %d %.2000s", status, body)
	}
	// The photo is stored with the case.
	if status, body, _ := get(t, grid, e.srv.URL+"/api/v1/cases/1/attachments"); status != 200 || !strings.Contains(body, `"image/jpeg"`) {
		t.Fatalf("photo of the phone report: %d %s", status, body)
	}
	// A photo that is no image sends the form back, reason at the field, and
	// enters no case.
	photo = "not a photo at all"
	status, body = send(map[string]string{"kind": "hazard", "category": "fire", "title": "楼道堆物", "lat": "34.705", "lng": "113.605", "crs": "wgs84"})
	if status != 400 || !strings.Contains(body, `<span class="ferr">照片须为`) || !strings.Contains(body, `value="楼道堆物"`) {
		t.Fatalf("phone report with a bad photo: %d %.2000s", status, body)
	}
	if status, _, _ := get(t, grid, e.srv.URL+"/api/v1/cases/2"); status != 404 {
		t.Fatalf("a report with a refused photo entered case 2: %d", status)
	}
}

// TestCasePageAttachments uploads a photo from the case page, sees it listed with
// its thumbnail, and gets the reason at the top when a file is refused.
func TestCasePageAttachments(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, "sqlite")
	cases := sqlstore.NewCaseService(e.db)
	c := &zhili.Case{Kind: zhili.KindHazard, Category: "fire", Title: "石桥村柴草堆放", RegionID: e.f.GridA.ID}
	mustCreate(t, cases.ReportCase(e.f.Ctx(t, e.db, "gridA"), c, nil))
	village := e.pageUser(t, "villageA")
	upload := func(name, ctype string, data []byte) (int, http.Header) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
		h.Set("Content-Type", ctype)
		part, _ := mw.CreatePart(h)
		part.Write(data)
		mw.Close()
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/cases/%d/attachments", e.srv.URL, c.ID), &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := village.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, resp.Header
	}
	if status, hdr := upload("现场.png", "image/png", pngFile); status != http.StatusSeeOther || hdr.Get("Location") != fmt.Sprintf("/cases/%d#attachments", c.ID) {
		t.Fatalf("upload: %d %v", status, hdr)
	}
	if status, _ := upload("x.sh", "text/plain", []byte("#!/bin/sh\n")); status != http.StatusBadRequest {
		t.Fatalf("script upload: %d", status)
	}
	status, body, _ := get(t, village, fmt.Sprintf("%s/cases/%d", e.srv.URL, c.ID))
	if status != http.StatusOK || !strings.Contains(body, "现场.png") || !strings.Contains(body, "<img src=") || !strings.Contains(body, "上传附件") {
		t.Fatalf("case page: %d", status)
	}
	if atts, _ := cases.Attachments(storetest.System(), c.ID); len(atts) != 1 {
		t.Fatalf("%d attachments stored", len(atts))
	}
}
