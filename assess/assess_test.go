package assess_test

import (
	"strings"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/assess"
)

func TestBuiltinSchemesValid(t *testing.T) {
	list := assess.Builtin()
	if len(list) < 2 {
		t.Fatalf("built-in schemes: %d", len(list))
	}
	units := map[string]bool{}
	for _, s := range list {
		units[s.Units] = true
		sum := 0.0
		for _, it := range s.Items {
			sum += it.Weight
		}
		if sum != s.BaseScore || s.Source != "builtin" {
			t.Errorf("%s: weights %g, base %g, source %q", s.Name, sum, s.BaseScore, s.Source)
		}
	}
	if !units[assess.UnitsTownships] || !units[assess.UnitsDepartments] {
		t.Fatalf("townships and departments: %v", units)
	}
}

// TestParseNamesEveryBadField: a scheme with several mistakes is refused with
// one field error each.
func TestParseNamesEveryBadField(t *testing.T) {
	raw := `{"name": "Bad Name", "label": "", "units": "villages", "period": "week", "base_score": 100,
		"items": [
		  {"key": "a", "label": "甲", "measure": "sweeps_filed", "weight": 50, "rule": {"kind": "deduct", "per": 0}},
		  {"key": "a", "label": "乙", "measure": "nothing", "weight": 30, "rule": {"kind": "threshold", "bands": [{"at_least": 80, "score": 10}, {"at_least": 90, "score": 40}]}},
		  {"key": "c", "label": "丙", "measure": "indicator", "weight": 10, "rule": {"kind": "ratio"}}
		]}`
	_, err := assess.Parse([]byte(raw))
	if zhili.ErrorCode(err) != zhili.EINVALID {
		t.Fatalf("error: %v", err)
	}
	var fields []string
	for _, f := range zhili.ErrorFields(err) {
		fields = append(fields, f.Field)
	}
	got := strings.Join(fields, " ")
	for _, want := range []string{"name", "label", "units", "period", "items[0].rule", "items[1].key", "items[1].measure",
		"items[1].rule.bands", "items[2].indicator", "items[2].rule.target", "items"} {
		if !strings.Contains(" "+got+" ", " "+want+" ") {
			t.Errorf("no error for %s in %q", want, got)
		}
	}
	if _, err := assess.Parse([]byte(`{"name": "x", "extra": 1}`)); zhili.ErrorCode(err) != zhili.EINVALID {
		t.Fatalf("unknown field: %v", err)
	}
}

func TestParsePeriod(t *testing.T) {
	q := &assess.Scheme{Name: "q", Period: "quarter"}
	p, err := q.ParsePeriod("2026-Q3", time.Now())
	if err != nil || p.From.Format(time.DateOnly) != "2026-07-01" || p.To.Format(time.DateOnly) != "2026-10-01" || len(p.Months()) != 3 {
		t.Fatalf("2026-Q3: %v %+v", err, p)
	}
	now := time.Date(2026, 12, 31, 17, 0, 0, 0, time.UTC) // 1 January 2027 in China
	if p, err := q.ParsePeriod("", now); err != nil || p.Label != "2027-Q1" {
		t.Fatalf("current quarter: %v %+v", err, p)
	}
	for _, bad := range []string{"2026-Q5", "2026-07", "Q3"} {
		if _, err := q.ParsePeriod(bad, now); zhili.ErrorCode(err) != zhili.EINVALID {
			t.Errorf("%s: %v", bad, err)
		}
	}
	m := &assess.Scheme{Name: "m", Period: "month"}
	if p, err := m.ParsePeriod("2026-02", now); err != nil || p.To.Format(time.DateOnly) != "2026-03-01" {
		t.Fatalf("2026-02: %v %+v", err, p)
	}
}

// TestScoreRules: a deduct rule with a cap, threshold bands, a ratio, an empty
// measure at full marks, ties sharing a rank, an idle unit left unranked, and
// redaction keeping scores but not lines.
func TestScoreRules(t *testing.T) {
	s := &assess.Scheme{Name: "t", Label: "测试", BaseScore: 30, RedList: 5, BlackList: 5, Items: []assess.Item{
		{Key: "d", Label: "扣分", Weight: 10, Rule: assess.Rule{Kind: assess.RuleDeduct, Per: 3, Cap: 8}},
		{Key: "t", Label: "分档", Weight: 10, Rule: assess.Rule{Kind: assess.RuleThreshold, Bands: []assess.Band{{AtLeast: 90, Score: 10}, {AtLeast: 80, Score: 6}}}},
		{Key: "r", Label: "比例", Weight: 10, Rule: assess.Rule{Kind: assess.RuleRatio, Target: 80}},
	}}
	recs := func(n int) []assess.Record { return make([]assess.Record, n) }
	units := []assess.UnitMeasures{
		{Unit: assess.Unit{ID: 1, Name: "甲", Visible: true}, Measures: map[string]assess.Measurement{
			"d": {Count: 1, Records: recs(1)}, "t": {Value: 85, Unit: "％", Den: 20}, "r": {Value: 40, Unit: "％", Den: 10}}},
		{Unit: assess.Unit{ID: 2, Name: "乙"}, Measures: map[string]assess.Measurement{
			"d": {Count: 5, Records: recs(5)}, "t": {Value: 95, Unit: "％", Den: 20}, "r": {Value: 100, Unit: "％", Den: 10}}},
		{Unit: assess.Unit{ID: 3, Name: "丙"}, Measures: map[string]assess.Measurement{
			"d": {Count: 2, Records: recs(2)}, "t": {Empty: true}, "r": {Value: 79.9, Unit: "％", Den: 10}}},
		{Unit: assess.Unit{ID: 4, Name: "丁"}, Measures: map[string]assess.Measurement{"t": {Empty: true}, "r": {Empty: true}}},
	}
	res := assess.Score(s, assess.Period{Label: "2026-Q1"}, assess.RegionRef{}, units, time.Now())
	// 甲: 10−3=7, 6, 10×40/80=5 → 18. 乙: 10−8 (capped)=2, 10, 10 → 22.
	// 丙: 10−6=4, empty=10, 10×79.9/80=9.99 → 23.99. 丁: nothing measured.
	want := []struct {
		name  string
		rank  int
		score float64
	}{{"丙", 1, 23.99}, {"乙", 2, 22}, {"甲", 3, 18}, {"丁", 0, 30}}
	for i, w := range want {
		u := res.Units[i]
		if u.Unit.Name != w.name || u.Rank != w.rank || u.Score != w.score {
			t.Errorf("place %d: %s rank %d score %v, want %+v", i, u.Unit.Name, u.Rank, u.Score, w)
		}
	}
	if !res.Units[3].Idle || len(res.RedList) != 1 || res.RedList[0].Unit.Name != "丙" || len(res.BlackList) != 1 || res.BlackList[0].Unit.Name != "甲" {
		t.Fatalf("idle and lists: %+v / %+v / %+v", res.Units[3], res.RedList, res.BlackList)
	}
	if l := res.Units[1].Lines[0]; l.Lost != 8 || !strings.Contains(l.Reason, "封顶8分") || l.PerRecord != 3 {
		t.Errorf("capped deduction: %+v", l)
	}
	if l := res.Units[0].Lines[1]; l.Score != 10 || !strings.Contains(l.Reason, "满分") {
		t.Errorf("empty measure: %+v", l)
	}
	if l := res.Units[0].Lines[2]; l.Score != 9.99 {
		t.Errorf("ratio: %+v", l)
	}
	res.Redact()
	if !res.Partial || !res.Units[0].Hidden || len(res.Units[0].Lines) != 0 || res.Units[0].Score != 23.99 ||
		res.Units[2].Hidden || len(res.Units[2].Lines) != 3 || !res.RedList[0].Hidden {
		t.Fatalf("redacted: %+v", res.Units)
	}
	// ties share a rank
	units[0].Measures = units[1].Measures
	res = assess.Score(s, assess.Period{}, assess.RegionRef{}, units[:2], time.Now())
	if res.Units[0].Rank != 1 || res.Units[1].Rank != 1 || res.Units[0].Unit.Name != "乙" {
		t.Fatalf("tie: %+v", res.Units)
	}
}

// TestListsSkipTies: when every unit scores the same, the black list names none.
func TestListsSkipTies(t *testing.T) {
	s := &assess.Scheme{Name: "t", BaseScore: 10, RedList: 2, BlackList: 2, Items: []assess.Item{
		{Key: "d", Label: "扣分", Weight: 10, Rule: assess.Rule{Kind: assess.RuleDeduct, Per: 1}}}}
	var units []assess.UnitMeasures
	for i, n := range []string{"甲", "乙", "丙", "丁"} {
		units = append(units, assess.UnitMeasures{Unit: assess.Unit{ID: int64(i + 1), Name: n},
			Measures: map[string]assess.Measurement{"d": {Count: 1, Records: make([]assess.Record, 1)}}})
	}
	res := assess.Score(s, assess.Period{}, assess.RegionRef{}, units, time.Now())
	if len(res.RedList) != 2 || len(res.BlackList) != 0 || res.Units[3].Rank != 1 {
		t.Fatalf("all tied: red %d black %d, %+v", len(res.RedList), len(res.BlackList), res.Units)
	}
}
