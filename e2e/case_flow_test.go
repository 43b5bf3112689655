package e2e

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// TestCaseFromPhoneToMediator follows one dispute through the pages: a grid
// member reports it on a phone with GPS and a photo, the village passes it up,
// the township accepts it and assigns it to the county mediation centre, a
// mediator resolves it and the township verifies it. Each of them finds it
// under "needs my action"; the other township can neither open nor list it.
func TestCaseFromPhoneToMediator(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			s := startSite(t, d)
			shots := d == "sqlite" // one set of screenshots is enough

			// The grid member, on a phone in grid A.
			grid := s.openTab(t, "gridA", phone)
			grid.locateAt(34.705, 113.605)
			grid.login("gridA")
			if st := grid.visit("/m/report"); st != 200 {
				t.Fatalf("phone page: %d", st)
			}
			grid.waitJS(`document.getElementById('m-geo').textContent.indexOf('已定位') >= 0`)
			grid.do(
				chromedp.SetValue(chromedp.CSS(`select[name=kind]`), "dispute"),
				chromedp.SetValue(chromedp.CSS(`select[name=category]`), "neighbour"),
				chromedp.SendKeys(chromedp.CSS(`input[name=title]`), "宅基地边界纠纷"),
				chromedp.SendKeys(chromedp.CSS(`textarea[name=detail]`), "两户因院墙位置发生争执，需要调解。"),
			)
			// A file that is no photo sends the form back with the reason at the
			// photo field, the rest kept; with the photo chosen again it goes.
			notPhoto := filepath.Join(t.TempDir(), "scene.jpg")
			if err := os.WriteFile(notPhoto, []byte("这不是照片"), 0o644); err != nil {
				t.Fatal(err)
			}
			grid.do(chromedp.SetUploadFiles(chromedp.CSS(`input[name=photo]`), []string{notPhoto}))
			if st := grid.submit(`form.phone-form button[type=submit]`); st != 400 {
				t.Fatalf("phone report with a file that is no photo: %d", st)
			}
			grid.forgive(400)
			if reason := grid.text(`label:has(input[name=photo]) .ferr`); !strings.Contains(reason, "照片须为") {
				t.Errorf("the photo field says %q", reason)
			}
			if title := get(grid, chromedp.Value(chromedp.CSS(`input[name=title]`))); title != "宅基地边界纠纷" {
				t.Errorf("the form came back without its title: %q", title)
			}
			grid.do(chromedp.SetUploadFiles(chromedp.CSS(`input[name=photo]`), []string{scenePhoto(t)}))
			if lat := get(grid, chromedp.Value(chromedp.CSS(`input[name=lat]`))); !strings.HasPrefix(lat, "34.705") {
				t.Fatalf("the page did not take the GPS position: lat=%q", lat)
			}
			if shots {
				grid.shot("phone-report")
			}
			if st := grid.submit(`form.phone-form button[type=submit]`); st != 200 {
				t.Fatalf("phone report: %d: %s", st, grid.body())
			}
			msg := grid.text(`.alert.ok`)
			no := regexp.MustCompile(`\d{4}-\d{6}`).FindString(msg)
			if !strings.Contains(msg, "上报成功") || no == "" || !strings.Contains(grid.body(), s.f.GridA.Name) {
				t.Fatalf("phone report result: %q\n%s", msg, grid.body())
			}
			href := get(grid, chromedp.AttributeValue(chromedp.CSS(`a[href^="/cases/"]`), "href"))
			id, err := strconv.ParseInt(strings.TrimPrefix(href.Value, "/cases/"), 10, 64)
			if err != nil {
				t.Fatalf("case link %q", href.Value)
			}
			casePath := fmt.Sprint("/cases/", id)
			if shots {
				grid.shot("phone-reported")
			}
			// The photo is stored with the case: listed by the API, and the file
			// served back is the one the phone sent.
			if !strings.Contains(msg, "现场照片已随事件保存") {
				t.Errorf("the result does not say the photo was kept: %q", msg)
			}
			atts := get(grid, chromedp.Evaluate[[]string](fmt.Sprintf(
				`fetch('/api/v1/cases/%d/attachments').then(r => r.json()).then(j => (j.items || []).map(a => a.content_type + ' ' + a.size + ' ' + a.id))`, id),
				chromedp.EvalAwaitPromise))
			photo, err := os.ReadFile(scenePhoto(t))
			if err != nil {
				t.Fatal(err)
			}
			if len(atts) != 1 || !strings.HasPrefix(atts[0], fmt.Sprintf("image/png %d ", len(photo))) {
				t.Fatalf("attachments of the phone report: %q (want the %d-byte PNG)", atts, len(photo))
			}
			attID := atts[0][strings.LastIndex(atts[0], " ")+1:]
			back := get(grid, chromedp.Evaluate[string](fmt.Sprintf(
				`fetch('/api/v1/cases/%d/attachments/%s').then(r => r.arrayBuffer()).then(b => Array.from(new Uint8Array(b), x => x.toString(16).padStart(2, '0')).join(''))`, id, attID),
				chromedp.EvalAwaitPromise))
			if back != fmt.Sprintf("%x", photo) {
				t.Errorf("the stored photo (%d hex digits) is not the one sent (%d bytes)", len(back), len(photo))
			}

			// The village holds it first and passes it up to the township.
			village := s.openTab(t, "villageA", desktop)
			village.login("villageA")
			village.inQueue(no)
			village.openCase(casePath, no)
			village.act("提级上报", map[string]string{"note": "村级调解未果，请镇里受理"})

			// The township accepts and assigns it to the county mediation centre.
			town := s.openTab(t, "townA", desktop)
			town.login("townA")
			town.inQueue(no)
			town.openCase(casePath, no)
			town.act("受理", nil)
			mediation := s.f.Centers[zhili.UnitMediationCenter]
			town.act("交办", map[string]string{"unit_id": fmt.Sprint(mediation.ID), "note": "交县矛调中心调解"})

			// The other township can neither open it nor find it in its lists.
			other := s.openTab(t, "townB", desktop)
			other.login("townB")
			if st := other.visit(casePath); st != 404 || strings.Contains(other.body(), "宅基地边界纠纷") {
				t.Errorf("township B opened township A's case: %d\n%s", st, other.body())
			} else if h1 := other.text("h1"); h1 != "页面不存在或无权查看" {
				t.Errorf("township B's error page says %q", h1)
			}
			other.forgive(404)
			for _, list := range []string{"/cases", "/queue", "/cases?q=" + no, "/cases?under=" + s.f.TownA.Code} {
				st := other.visit(list)
				if body := other.body(); strings.Contains(body, no) || strings.Contains(body, "宅基地边界纠纷") {
					t.Errorf("township B sees township A's case in %s (%d)", list, st)
				}
				other.forgive(400) // a region outside its scope is refused with a message…
				other.forgive(404) // …or not found
			}
			if st := get(other, chromedp.Evaluate[int](fmt.Sprintf(`fetch('/api/v1/cases/%d').then(r => r.status)`, id), chromedp.EvalAwaitPromise)); st != 404 {
				t.Errorf("township B got township A's case from the API: %d", st)
			}
			other.forgive(404)

			// The mediator starts and resolves it; a missing outcome is named in Chinese.
			mediator := s.openTab(t, "mediator", desktop)
			mediator.login("mediator")
			mediator.inQueue(no)
			if shots {
				mediator.shot("queue")
			}
			mediator.openCase(casePath, no)
			mediator.act("开始办理", nil)
			mediator.actFails("化解办结", map[string]string{"method": "人民调解"}, "outcome")
			mediator.act("化解办结", map[string]string{"method": "人民调解", "outcome": "双方达成调解协议，院墙按原址重砌。"})
			if shots {
				mediator.shot("case-resolved")
			}

			// Back to the township, which verifies the outcome.
			town.openCase(casePath, no)
			town.act("核查", map[string]string{"note": "已到现场核实"})
			if state := town.text(`h1 .state`); state != zhili.CaseVerified.Label() {
				t.Errorf("state after verify: %q", state)
			}
			for _, ev := range []string{"上报", "提级上报", "受理", "交办", "开始办理", "化解办结", "核查"} {
				if !strings.Contains(town.text(`table.timeline`), ev) {
					t.Errorf("timeline lacks %s", ev)
				}
			}
			if shots {
				town.shot("case-page")
			}
		})
	}
}

// inQueue checks that the case numbered no is on the user's "needs my action" page.
func (tb *tab) inQueue(no string) {
	tb.t.Helper()
	if st := tb.visit("/queue"); st != 200 {
		tb.t.Fatalf("%s: queue: %d", tb.name, st)
	}
	if !strings.Contains(tb.text(`table.cases`), no) {
		tb.t.Fatalf("%s: case %s not in the queue:\n%s", tb.name, no, tb.body())
	}
}

// openCase opens the case page and checks it is the case numbered no.
func (tb *tab) openCase(path, no string) {
	tb.t.Helper()
	if st := tb.visit(path); st != 200 || !strings.Contains(tb.text("h1"), no) {
		tb.t.Fatalf("%s: case page %s: %d", tb.name, path, st)
	}
}

// actionForm is the XPath of the form of the action labelled label on a case page.
func actionForm(label string) string {
	return fmt.Sprintf(`//details[summary[normalize-space(.)=%q]]`, label)
}

// fillAction opens the action's form and fills its fields.
func (tb *tab) fillAction(label string, fields map[string]string) {
	tb.t.Helper()
	form := actionForm(label)
	tb.do(chromedp.SetAttributeValue(form, "open", "")) // not a click: it may be open already
	for name, v := range fields {
		tb.do(chromedp.SetValue(fmt.Sprintf(`%s//*[@name=%q]`, form, name), v))
	}
}

// act takes an action through its form on the case page and checks it is done.
func (tb *tab) act(label string, fields map[string]string) {
	tb.t.Helper()
	tb.fillAction(label, fields)
	if st := tb.submit(actionForm(label) + `//button[@type="submit"]`); st != 200 {
		tb.t.Fatalf("%s: %s: %d: %s", tb.name, label, st, tb.body())
	}
	if msg := tb.text(".alert.ok"); !strings.Contains(msg, "已完成："+label) {
		tb.t.Fatalf("%s: %s: message %q", tb.name, label, msg)
	}
}

// actFails sends the action's form without the browser's own checks and expects
// it back with a Chinese reason at the named field.
func (tb *tab) actFails(label string, fields map[string]string, field string) {
	tb.t.Helper()
	tb.fillAction(label, fields)
	tb.do(chromedp.SetAttributeValue(actionForm(label)+"//form", "novalidate", ""))
	if st := tb.submit(actionForm(label) + `//button[@type="submit"]`); st != 400 {
		tb.t.Fatalf("%s: %s without %s: %d", tb.name, label, field, st)
	}
	tb.forgive(400)
	reason := tb.text(fmt.Sprintf(`details[open] label:has([name=%q]) .ferr`, field))
	if !regexp.MustCompile(`\p{Han}`).MatchString(reason) {
		tb.t.Fatalf("%s: %s: reason at %s is not Chinese: %q", tb.name, label, field, reason)
	}
}

// scenePhoto writes a small PNG, the photo a grid member takes at the scene.
func scenePhoto(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := range 48 {
		for x := range 64 {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 160, 255})
		}
	}
	path := filepath.Join(t.TempDir(), "scene.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return path
}
