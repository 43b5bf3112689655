package indicator_test

import (
	"strings"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/indicator"
	"github.com/zhili-project/zhili/ledger"
)

// figures is FIGURES.md's table: each figure number and the indicator id it names.
var figures = map[string]string{
	"F04": "org.special_groups", "F05": "meeting.standing_sessions", "F06": "meeting.joint_sessions",
	"F08": "oversight.inspections", "F09": "oversight.suggestions_rectified", "F10": "center.staff",
	"F11": "grid.members", "F12": "party.standard_service_centers", "F15": "party.practical_deeds",
	"F16": "pairing.leaders", "F17": "pairing.village_cadres", "F18–19": "village.income_share_at_least",
	"F20": "region.communities", "F21": "grid.count", "F22": "party.commando_teams", "F23": "party.pioneer_posts",
	"F24": "party.sunk_cadres", "F25": "region.villages", "F26": "region.communities", "F27": "selfgov.organizations",
	"F28": "video.channels", "F30": "school.alarm_linked", "F31": "smart_community.count",
	"F32": "smart_community.population", "F33": "dispute.total", "F34": "dispute.resolved",
	"F35–36": "dispute.resolution_rate", "F37–38": "finance.npl_recovered", "F39": "housing.registration_difficult",
	"F40": "housing.first_registration_rate", "F41": "emergency.handled", "F42": "hazard.rectified",
	"F43": "crime.solved", "F44": "crime.fraud_solved", "F45": "crime.cross_province_solved",
	"F46": "crime.suspects_arrested", "F47": "livelihood.resolved", "F48": "assistance.recipients",
	"F49–50": "assistance.amount", "F51": "labor.complaints", "F52": "labor.workers_paid",
	"F53": "labor.wages_recovered", "F54": "legal.literates", "F55": "publicity.events", "F56": "publicity.lectures",
	"F57": "legal.consultations", "F58": "legal.culture_squares", "F59": "legal.publicity_boards",
	"F60": "legal.village_advisers", "F61": "mediation.mediators", "F62": "legal.model_villages",
	"F63": "legal.government_advisers", "F64": "training.online_trainees", "F65": "training.backbone_trainees",
	"F66": "credit.disclosures", "F67": "credit.dishonest_debtors", "F68": "enforcement.closed", "F69–70": "enforcement.amount",
}

// TestCatalogueCoversFigures checks that every figure of FIGURES.md is bound to
// the indicator id it names, and that case ids are the case figures' ids.
func TestCatalogueCoversFigures(t *testing.T) {
	c := indicator.Default()
	for no, id := range figures {
		d, _, ok := c.ByFigure(no)
		if !ok || d.ID != id {
			t.Errorf("%s: bound to %v, want %s", no, d, id)
		}
	}
	for _, cc := range zhili.CaseCounts {
		d, ok := c.Find(cc.ID)
		if !ok || d.Unit != cc.Unit {
			t.Errorf("case figure %s: %v in the catalogue (unit %q)", cc.ID, ok, cc.Unit)
		}
	}
}

// TestCatalogueLedgerFields checks that every ledger indicator names a shipped
// ledger and fields it has, with enum values among its options.
func TestCatalogueLedgerFields(t *testing.T) {
	cat := ledger.Default()
	for _, d := range indicator.Default().Defs {
		if d.Source != indicator.SourceLedger {
			continue
		}
		s, err := cat.Schema(d.Ledger)
		if err != nil {
			t.Errorf("%s: ledger %q: %v", d.ID, d.Ledger, err)
			continue
		}
		fields := []string{d.Field, d.Key}
		for _, c := range d.Filter {
			fields = append(fields, c.Field)
			if f := s.Field(c.Field); f != nil && f.Type == zhili.FieldEnum {
				for _, v := range append(append([]string{}, c.In...), indicator.CondValue(c.Eq)) {
					if v != "" && v != "<nil>" && f.OptionLabel(v) == v {
						t.Errorf("%s: %s has no option %q", d.ID, c.Field, v)
					}
				}
			}
		}
		for _, f := range fields {
			if f != "" && f != "@region" && s.Field(f) == nil {
				t.Errorf("%s: ledger %s has no field %q", d.ID, d.Ledger, f)
			}
		}
	}
}

// TestParseRejects checks that a bad catalogue is refused with the reason.
func TestParseRejects(t *testing.T) {
	for _, tc := range []struct{ json, want string }{
		{`[{"id":"a","label":"甲","source":"case","date":"record_date","agg":"count","unit":"件","format":"int"}]`, "cannot be dated"},
		{`[{"id":"a","label":"甲","source":"case","date":"reported_at","agg":"median","unit":"件","format":"int"}]`, "unknown aggregation"},
		{`[{"id":"a","label":"甲","agg":"ratio","num":"x","den":"y","unit":"％","format":"percent1"}]`, "not a base indicator"},
		{`[{"id":"a","label":"甲","source":"case","date":"reported_at","agg":"count","unit":"件","format":"int","filter":[{"field":"title","eq":"x"}]}]`, "cannot be filtered"},
		{`[{"id":"a","label":"甲","source":"case","date":"reported_at","agg":"count","unit":"件","format":"int","colour":"red"}]`, "unknown field"},
	} {
		_, err := indicator.Parse([]byte(tc.json))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.json, err, tc.want)
		}
	}
}

// TestFormat checks the seed's ways of writing figures.
func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		format, unit string
		r            indicator.Result
		want         string
	}{
		{"int", "件", indicator.Result{Value: 1234}, "1234件"},
		{"duo", "个", indicator.Result{Value: 47}, "40多个"},
		{"duo", "个", indicator.Result{Value: 40}, "40个"},
		{"duo", "人", indicator.Result{Value: 12_345}, "12000多人"},
		{"yu", "起", indicator.Result{Value: 356}, "350余起"},
		{"yu", "起", indicator.Result{Value: 7}, "7起"},
		{"wan1", "万元", indicator.Result{Value: 6_650_000}, "6.7万元"},
		{"wan1", "万元", indicator.Result{Value: 6_640_000}, "6.6万元"},
		{"yi1", "亿元", indicator.Result{Value: 12_345_678_900}, "1.2亿元"},
		{"yi1", "亿元", indicator.Result{Value: 15_000_000_000}, "1.5亿元"},
		{"wan_duo", "万元", indicator.Result{Value: 356_780_050}, "350多万元"},
		{"percent1", "％", indicator.Result{Num: 2, Den: 3}, "66.6％"},
		{"percent1", "％", indicator.Result{Num: 0, Den: 0}, "—"},
		{"percent0", "％", indicator.Result{Num: 2, Den: 3}, "66％"},
	} {
		v := &zhili.IndicatorValue{}
		indicator.Format(&indicator.Def{Format: tc.format, Unit: tc.unit}, tc.r, v)
		if v.Text != tc.want {
			t.Errorf("%s %+v: %q, want %q", tc.format, tc.r, v.Text, tc.want)
		}
	}
}
