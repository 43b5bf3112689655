package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAssessSchemeEdit: the county leader goes from the ranking to the schemes
// and edits the township scheme's form: 矛盾纠纷化解率 up to 30 points, the sum
// line following as they type; saved with the sum off, the form comes back with
// their input and the error; with 超期环节 down to 15 it saves and the ranking
// shows the new weights.
func TestAssessSchemeEdit(t *testing.T) {
	s := startSite(t, "sqlite")
	leader := s.openTab(t, "leader", desktop)
	leader.login("leader")
	if st := leader.visit("/assessments?scheme=township_quarterly&period=2026-Q1"); st != 200 {
		t.Fatalf("ranking: %d", st)
	}
	if st := leader.submit(`a[href="/assessments/schemes#scheme-township_quarterly"]`); st != 200 {
		t.Fatalf("schemes: %d", st)
	}
	leader.shot("assess_schemes")
	if st := leader.submit(`a[href="/assessments/schemes/township_quarterly"]`); st != 200 {
		t.Fatalf("edit form: %d", st)
	}
	// the script shows a threshold item's bands and hides the deduct parameters
	leader.waitJS(`document.querySelector('[name="items[0].rule.per"]').closest('label').hidden &&
		!document.querySelector('[name="items[0].rule.bands[0].at_least"]').closest('[data-for-kind]').hidden`)
	type1 := func(name, value string) {
		sel := `input[name="` + name + `"]`
		leader.do(chromedp.SetValue(chromedp.CSS(sel), ""), chromedp.SendKeys(chromedp.CSS(sel), value))
	}
	type1("items[0].weight", "30")
	leader.waitJS(`document.querySelector('[data-sum-value]').textContent === '105'`)
	leader.shot("assess_scheme_edit")
	if st := leader.submit(`button.btn[value=save]`); st != 400 {
		t.Fatalf("a sum of 105 saved: %d", st)
	}
	leader.forgive(400)
	if b := leader.body(); !strings.Contains(b, "各项权重合计 105 分，与满分 100 分不符") {
		t.Fatalf("no error for the sum: %s", b)
	}
	type1("items[1].weight", "15")
	type1("items[1].rule.cap", "15")
	if st := leader.submit(`button.btn[value=save]`); st != 200 {
		t.Fatalf("save: %d: %s", st, leader.body())
	}
	if loc := leader.location(); !strings.Contains(loc, "/assessments?scheme=township_quarterly") {
		t.Fatalf("after saving at %s", loc)
	}
	if h := leader.text("table.assess thead"); !strings.Contains(h, "30分") || !strings.Contains(h, "15分") {
		t.Fatalf("ranking header after the edit: %q", h)
	}
}
