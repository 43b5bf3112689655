package report_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/zhili-project/zhili/report"
)

// figureIDs are the indicator ids of FIGURES.md (F04–F70), arguments dropped.
// TestFiguresListMatches checks this list against FIGURES.md where the shared
// folder is at hand, so the list cannot drift.
var figureIDs = []string{
	"org.special_groups", "meeting.standing_sessions", "meeting.joint_sessions", "oversight.inspections",
	"oversight.suggestions_rectified", "center.staff", "grid.members", "party.standard_service_centers",
	"party.practical_deeds", "pairing.leaders", "pairing.village_cadres", "village.income_share_at_least",
	"region.communities", "grid.count", "party.commando_teams", "party.pioneer_posts", "party.sunk_cadres",
	"region.villages", "selfgov.organizations", "video.channels", "school.alarm_linked", "smart_community.count",
	"smart_community.population", "dispute.total", "dispute.resolved", "dispute.resolution_rate",
	"finance.npl_recovered", "housing.registration_difficult", "housing.first_registration_rate",
	"emergency.handled", "hazard.rectified", "crime.solved", "crime.fraud_solved", "crime.cross_province_solved",
	"crime.suspects_arrested", "livelihood.resolved", "assistance.recipients", "assistance.amount",
	"labor.complaints", "labor.workers_paid", "labor.wages_recovered", "legal.literates", "publicity.events",
	"publicity.lectures", "legal.consultations", "legal.culture_squares", "legal.publicity_boards",
	"legal.village_advisers", "mediation.mediators", "legal.model_villages", "legal.government_advisers",
	"training.online_trainees", "training.backbone_trainees", "credit.disclosures", "credit.dishonest_debtors",
	"enforcement.closed", "enforcement.amount",
}

func TestFiguresListMatches(t *testing.T) {
	b, err := os.ReadFile("../../shared/FIGURES.md")
	if err != nil {
		t.Skip("../shared/FIGURES.md is not beside the checkout; the list in this file stands in for it")
	}
	var ids []string
	for _, m := range regexp.MustCompile("(?m)^\\| F[0-9–]+ \\|[^|]*\\| `([a-z_.]+)").FindAllStringSubmatch(string(b), -1) {
		if !slices.Contains(ids, m[1]) {
			ids = append(ids, m[1])
		}
	}
	if !slices.Equal(ids, figureIDs) {
		t.Fatalf("FIGURES.md ids\n%q\ndiffer from figureIDs\n%q", ids, figureIDs)
	}
}

// TestExchangeMaterialBindsEveryFigure: every indicator of FIGURES.md has a
// placeholder in the exchange material, and no placeholder names anything else.
func TestExchangeMaterialBindsEveryFigure(t *testing.T) {
	tm, ok := report.Lookup("exchange_material")
	if !ok {
		t.Fatal("no exchange_material template")
	}
	var bases []string
	for _, id := range tm.FigureIDs() {
		base, _ := report.SplitID(id)
		bases = append(bases, base)
	}
	for _, id := range figureIDs {
		if !slices.Contains(bases, id) {
			t.Errorf("FIGURES.md id %s has no placeholder", id)
		}
	}
	for _, b := range bases {
		if !slices.Contains(figureIDs, b) {
			t.Errorf("placeholder %s is not a FIGURES.md id", b)
		}
	}
}

// TestExchangeMaterialKeepsTheSeedWording turns every placeholder of the template
// back into the seed's "*" and compares with the seed, markup aside: headings are
// numbered by the renderer, **bold** marks the seed's own sub-headings, and the
// title's "*县" had lost its star in the seed as shared.
func TestExchangeMaterialKeepsTheSeedWording(t *testing.T) {
	seed, err := os.ReadFile("testdata/seed_exchange_material.txt")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("templates/exchange_material.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	header, body, ok := strings.Cut(string(src), "\n---\n")
	if !ok {
		t.Fatal("no --- in the template")
	}
	title := regexp.MustCompile(`(?m)^title: (.*)$`).FindStringSubmatch(header)[1]
	star := func(s string) string {
		s = strings.ReplaceAll(s, "{{pairing_mechanism}}", "*＋*")
		s = regexp.MustCompile(`\{\{[^}]*dp=1[^}]*\}\}`).ReplaceAllString(s, "*.*")
		return regexp.MustCompile(`\{\{[^}]*\}\}`).ReplaceAllString(s, "*")
	}
	var got []string
	section, afterHeading := 0, false
	for _, line := range strings.Split(star(body), "\n") {
		line = strings.ReplaceAll(line, "**", "")
		switch {
		case line == "":
		case strings.HasPrefix(line, "= "):
			section++
			got, afterHeading = append(got, []string{"一", "二", "三", "四"}[section-1]+"、"+line[2:]), true
		case afterHeading: // the seed runs a heading on into its paragraph
			got[len(got)-1] += line
			afterHeading = false
		default:
			got = append(got, line)
		}
	}
	lines := strings.Split(strings.TrimSpace(string(seed)), "\n")
	if star(title) != "*"+lines[0] {
		t.Errorf("title %q, seed %q", star(title), lines[0])
	}
	var want []string
	for _, l := range lines[1:] {
		if l = strings.TrimSpace(l); l != "" {
			want = append(want, l)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d paragraphs, the seed has %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("paragraph %d differs from the seed:\n got %s\nwant %s", i+1, got[i], want[i])
		}
	}
	if strings.Contains(body, "*") && strings.Count(body, "*") != strings.Count(body, "**")*2 {
		t.Error("a bare * is left in the template body")
	}
}

// TestParseTemplateErrors: each mistake is refused with its line.
func TestParseTemplateErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"no body", "name: x\ntitle: T\n", "no --- line"},
		{"unknown key", "name: x\ncolour: red\ntitle: T\n---\n", `unknown header key "colour"`},
		{"unknown name", "name: x\ntitle: T\n---\n{{mayor}}\n", `"mayor" is neither`},
		{"bad option", "name: x\ntitle: T\n---\n{{dispute.total dp=9}}\n", "line 4"},
		{"bad unit", "name: x\ntitle: T\n---\n{{dispute.total unit=斤}}\n", "option unit=斤"},
		{"unclosed", "name: x\ntitle: T\n---\n{{dispute.total\n", "unclosed {{"},
		{"unknown table", "name: x\ntitle: T\n---\n{{table nonsense}}\n", `unknown table "nonsense"`},
		{"unknown var", "name: x\ntitle: T\n---\n{{$threshold}}\n", "no var threshold"},
		{"name mismatch", "name: y\ntitle: T\n---\n", "differs from the file name"},
		{"unclosed bold", "name: x\ntitle: T\n---\n**加粗\n", "unclosed **"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := report.ParseTemplate("x", tc.src)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
	tm, err := report.ParseTemplate("x", "name: x\nvar t: 10\ntitle: {{region}}\n---\n= 一\n{{village.income_share_at_least(threshold=$t)}}\n{{table monthly.ranking}}\n")
	if err != nil {
		t.Fatal(err)
	}
	if ids := tm.FigureIDs(); len(ids) != 1 || ids[0] != "village.income_share_at_least(threshold=10)" {
		t.Errorf("figure ids %q", ids)
	}
	if tabs := tm.Tables(); len(tabs) != 1 || tabs[0] != "monthly.ranking" {
		t.Errorf("tables %q", tabs)
	}
}
