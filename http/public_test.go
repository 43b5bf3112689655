package http

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// publicCodesB holds, per test environment, the tracking code of a public report
// made in township B: the key the access rows of the public routes use.
var publicCodesB sync.Map

func (e *testEnv) publicB() string {
	if v, ok := publicCodesB.Load(e); ok {
		return v.(string)
	}
	pub := sqlstore.NewPublicService(e.db, sqlstore.NewLocateService(e.db))
	code, _, err := pub.SubmitPublic(storetest.System(), &zhili.PublicReport{Kind: zhili.KindHazard, Category: "fire", Title: "河东村路灯损坏", RegionCode: e.f.VillageB.Code})
	if err != nil {
		panic(err)
	}
	publicCodesB.Store(e, code)
	return code
}

var codeRE = regexp.MustCompile(`data-code>([0-9A-Z-]{14})<`)

// TestPublicPages is a resident's visit: the form, a report with a photo sent as the
// browser sends it, the code shown once, the tracking page; and the brake on floods.
func TestPublicPages(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, "sqlite")
	c := browser(t)
	status, body, _ := get(t, c, e.srv.URL+"/public")
	if status != http.StatusOK || !strings.Contains(body, "群众反映") || !strings.Contains(body, e.f.VillageB.Name) {
		t.Fatalf("form: %d", status)
	}

	send := func(fields map[string]string, photo []byte) (int, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, v := range fields {
			mw.WriteField(k, v)
		}
		if photo != nil {
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", `form-data; name="photo"; filename="scene.png"`)
			h.Set("Content-Type", "image/png")
			part, _ := mw.CreatePart(h)
			part.Write(photo)
		}
		mw.Close()
		req, _ := http.NewRequest("POST", e.srv.URL+"/public", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out bytes.Buffer
		out.ReadFrom(resp.Body)
		return resp.StatusCode, out.String()
	}
	// Missing title and a phone that is no phone: the form comes back with both named.
	status, body = send(map[string]string{"kind": "hazard", "category": "fire", "region_code": e.f.VillageB.Code, "contact": "123"}, nil)
	if status != http.StatusBadRequest || !strings.Contains(body, "请用一句话说明") || !strings.Contains(body, "联系电话格式不正确") {
		t.Fatalf("bad form: %d %.3000s", status, body)
	}
	status, body = send(map[string]string{"kind": "hazard", "category": "fire", "title": "路口井盖缺失", "lat": "34.705", "lng": "113.625",
		"contact": "13900001111"}, pngFile)
	m := codeRE.FindStringSubmatch(body)
	if status != http.StatusCreated || m == nil {
		t.Fatalf("submit: %d %.3000s", status, body)
	}
	code := m[1]
	status, body, _ = get(t, c, e.srv.URL+"/public/track?code="+url.QueryEscape(code))
	if status != http.StatusOK || !strings.Contains(body, "等待受理") || !strings.Contains(body, "河东村第一网格") || strings.Contains(body, "13900001111") {
		t.Fatalf("track: %d %.3000s", status, body)
	}
	if status, _, _ = get(t, c, e.srv.URL+"/public/track?code=AAAA-BBBB-CCCC"); status != http.StatusNotFound {
		t.Fatalf("unknown code: %d", status)
	}
	// The case reached township B's village with its photo; the contact is stored masked.
	cases := sqlstore.NewCaseService(e.db)
	list, _, _ := cases.FindCases(storetest.System(), zhili.CaseFilter{Query: "井盖"})
	if len(list) != 1 || list[0].RegionID != e.f.GridB.ID {
		t.Fatalf("case: %+v", list)
	}
	if atts, _ := cases.Attachments(storetest.System(), list[0].ID); len(atts) != 1 {
		t.Fatalf("photo not stored: %d", len(atts))
	}

	// The brake: a fresh limiter of 2 per minute refuses the third submission.
	e2 := newTestEnv(t, "sqlite")
	srv := e2.server
	srv.publicSubmits = newRateLimiter(2, time.Minute)
	for i := 0; i < 3; i++ {
		st, out := e2.do(t, "", "POST", "/api/v1/public/reports", map[string]any{"kind": "livelihood", "category": "water",
			"title": fmt.Sprint("停水", i), "region_code": e2.f.VillageA.Code})
		want := http.StatusCreated
		if i == 2 {
			want = http.StatusTooManyRequests
		}
		if st != want {
			t.Fatalf("submission %d: %d %s", i, st, out)
		}
		if i == 0 {
			var created publicCreated
			json.Unmarshal(out, &created)
			if len(created.Code) != 14 {
				t.Fatalf("created %s", out)
			}
		}
	}
}
