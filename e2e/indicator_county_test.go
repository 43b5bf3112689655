package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestIndicatorCountyForm: the county leader goes from the indicator page to
// the county's own indicators and defines one through the form: choosing the
// ledger source brings its inputs (the script asks the server for the
// source's choices), going back to cases, a condition kind = hazard, saved; the
// list and the indicator page show it.
func TestIndicatorCountyForm(t *testing.T) {
	s := startSite(t, "sqlite")
	leader := s.openTab(t, "leader", desktop)
	leader.login("leader")
	if st := leader.visit("/indicators"); st != 200 {
		t.Fatalf("indicators: %d", st)
	}
	if st := leader.submit(`a[href="/indicators/county"]`); st != 200 {
		t.Fatalf("county list: %d", st)
	}
	if st := leader.submit(`a[href="/indicators/county/new"]`); st != 200 {
		t.Fatalf("new form: %d", st)
	}
	// the script hides the other sources' inputs and the ratio's
	leader.waitJS(`document.querySelector('[name="ledger"]').closest('label').hidden &&
		document.querySelector('[name="num"]').closest('[data-ratio]').hidden`)
	type1 := func(name, value string) {
		sel := `#county-form input[name="` + name + `"]`
		leader.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('`+sel+`').value = ''`), chromedp.SendKeys(chromedp.CSS(sel), value))
	}
	type1("id", "hazard_all")
	type1("label", "本县隐患总数")
	type1("unit", "件")
	choose := func(name, value string) {
		leader.do(chromedp.Evaluate[chromedp.Void](`window.zhiliOldPage = true;
			(function () { var s = document.querySelector('[name="` + name + `"]'); s.value = '` + value + `';
			s.dispatchEvent(new Event('change', {bubbles: true})); })()`))
		newPage(leader)
	}
	choose("source", "ledger")
	leader.waitJS(`!document.querySelector('[name="ledger"]').closest('label').hidden`)
	leader.waitJS(`document.querySelector('[name="label"]').value === '本县隐患总数'`)
	choose("source", "case")
	leader.waitJS(`document.querySelector('[name="ledger"]').closest('label').hidden`)
	leader.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('select[name="filter[0].field"]').value = 'kind'`))
	type1("filter[0].value", "hazard")
	leader.shot("indicator_county_edit")
	if st := leader.submit(`button.btn[value=save]`); st != 200 {
		t.Fatalf("save: %d: %s", st, leader.body())
	}
	if loc := leader.location(); !strings.Contains(loc, "/indicators/county?saved=county.hazard_all") {
		t.Fatalf("after saving at %s", loc)
	}
	if b := leader.text("table.county-indicators"); !strings.Contains(b, "county.hazard_all") || !strings.Contains(b, "kind = hazard") {
		t.Fatalf("county list: %q", b)
	}
	leader.shot("indicator_county_list")
	if st := leader.visit("/indicators"); st != 200 {
		t.Fatalf("indicators: %d", st)
	}
	if b := leader.text("table.indicators"); !strings.Contains(b, "本县隐患总数") || !strings.Contains(b, "county.hazard_all") {
		t.Fatalf("indicator page lacks the county indicator: %q", b)
	}
}

// newPage waits until the page the script submitted has loaded.
func newPage(tb *tab) {
	tb.t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for {
		ctx, cancel := context.WithTimeout(tb.ctx, 2*time.Second)
		done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!window.zhiliOldPage && document.readyState === 'complete'`))
		cancel()
		if err == nil && done {
			return
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("%s: no new page (%v) at %s", tb.name, err, tb.location())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
