package http

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/assess"
)

// The scheme form (http/templates/assess_edit.html): a scheme as the strings
// the user typed, so a refused form comes back exactly as sent. Every input is
// named by the path the scheme's validation uses ("items[2].rule.per"), so a
// field error lands next to its field without translation.

// schemeForm is a scheme being edited.
type schemeForm struct {
	Name, Label, Description, Units, Period string
	BaseScore, RedList, BlackList           string
	Items                                   []itemForm
}

// itemForm is one item row; P is the prefix of its inputs' names.
type itemForm struct {
	P                                 string
	Key, Label, Measure, Weight, Kind string
	Per, Cap, Target, Indicator, Low  string
	Ledgers                           []string
	Bands                             []bandForm
	// LedgerOpts are the ledgers to choose from, the item's marked On.
	LedgerOpts []ledgerChoice
}

// ledgerChoice is a ledger offered to a ledgers_current item.
type ledgerChoice struct {
	Value, Label string
	On           bool
}

// bandForm is one band of a threshold rule; P prefixes its inputs' names.
type bandForm struct{ P, AtLeast, Score string }

// schemeNum prints a number as people write it: 0.2, 25, not 2.5e+01.
func schemeNum(f float64) string {
	if f == 0 {
		return ""
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// formFromScheme fills the form from a stored scheme.
func formFromScheme(sc *assess.Scheme) schemeForm {
	f := schemeForm{Name: sc.Name, Label: sc.Label, Description: sc.Description, Units: sc.Units, Period: sc.Period,
		BaseScore: schemeNum(sc.BaseScore), RedList: strconv.Itoa(sc.RedList), BlackList: strconv.Itoa(sc.BlackList)}
	for _, it := range sc.Items {
		row := itemForm{Key: it.Key, Label: it.Label, Measure: it.Measure, Weight: schemeNum(it.Weight), Kind: it.Rule.Kind,
			Per: schemeNum(it.Rule.Per), Cap: schemeNum(it.Rule.Cap), Target: schemeNum(it.Rule.Target), Indicator: it.Indicator, Ledgers: it.Ledgers}
		if it.Low != 0 {
			row.Low = strconv.Itoa(it.Low)
		}
		for _, b := range it.Rule.Bands {
			row.Bands = append(row.Bands, bandForm{AtLeast: strconv.FormatFloat(b.AtLeast, 'f', -1, 64), Score: strconv.FormatFloat(b.Score, 'f', -1, 64)})
		}
		f.Items = append(f.Items, row)
	}
	f.number()
	return f
}

// number sets the input names' prefixes from the rows' positions and gives
// every threshold-capable row one empty band to fill in.
func (f *schemeForm) number() {
	for i := range f.Items {
		it := &f.Items[i]
		it.P = fmt.Sprintf("items[%d].", i)
		if n := len(it.Bands); n == 0 || it.Bands[n-1].AtLeast != "" || it.Bands[n-1].Score != "" {
			it.Bands = append(it.Bands, bandForm{})
		}
		for j := range it.Bands {
			it.Bands[j].P = fmt.Sprintf("%srule.bands[%d].", it.P, j)
		}
	}
}

var (
	itemField = regexp.MustCompile(`^items\[(\d{1,3})\]\.`)
	bandField = regexp.MustCompile(`^rule\.bands\[(\d{1,3})\]\.`)
)

// maxRows bounds the item and band rows a form may post.
const maxRows = 100

// parseSchemeForm reads the posted form. Rows marked for removal are dropped and
// empty bands skipped; the rest keep their order.
func parseSchemeForm(v url.Values, name string) schemeForm {
	g := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	f := schemeForm{Name: name, Label: g("label"), Description: g("description"), Units: g("units"), Period: g("period"),
		BaseScore: g("base_score"), RedList: g("red_list"), BlackList: g("black_list")}
	items, bands := 0, map[int]int{}
	for k := range v {
		if m := itemField.FindStringSubmatch(k); m != nil {
			i, _ := strconv.Atoi(m[1])
			items = max(items, min(i+1, maxRows))
			if b := bandField.FindStringSubmatch(k[len(m[0]):]); b != nil {
				j, _ := strconv.Atoi(b[1])
				bands[i] = max(bands[i], min(j+1, maxRows))
			}
		}
	}
	for i := 0; i < items; i++ {
		p := fmt.Sprintf("items[%d].", i)
		if v.Get(p+"remove") != "" || v.Get(p+"measure") == "" && v.Get(p+"label") == "" && v.Get(p+"weight") == "" {
			continue
		}
		it := itemForm{Key: g(p + "key"), Label: g(p + "label"), Measure: g(p + "measure"), Weight: g(p + "weight"),
			Kind: g(p + "rule.kind"), Per: g(p + "rule.per"), Cap: g(p + "rule.cap"), Target: g(p + "rule.target"),
			Indicator: g(p + "indicator"), Low: g(p + "low")}
		for _, l := range v[p+"ledgers"] {
			it.Ledgers = append(it.Ledgers, strings.FieldsFunc(l, func(r rune) bool { return strings.ContainsRune(" ,，、;；", r) })...)
		}
		for j := 0; j < bands[i]; j++ {
			bp := fmt.Sprintf("%srule.bands[%d].", p, j)
			if b := (bandForm{AtLeast: g(bp + "at_least"), Score: g(bp + "score")}); b.AtLeast != "" || b.Score != "" {
				it.Bands = append(it.Bands, b)
			}
		}
		f.Items = append(f.Items, it)
	}
	return f
}

// scheme builds the scheme the form describes. Text that is not a number is a
// field error of its own; the scheme's validation adds the rest (Validate).
func (f *schemeForm) scheme() (*assess.Scheme, []zhili.FieldError) {
	var errs []zhili.FieldError
	number := func(field, s string) float64 {
		if s == "" {
			return 0
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			errs = append(errs, zhili.FieldError{Field: field, Code: "number", Reason: "not a number"})
			return 0
		}
		return x
	}
	integer := func(field, s string) int {
		if s == "" {
			return 0
		}
		x, err := strconv.Atoi(s)
		if err != nil {
			errs = append(errs, zhili.FieldError{Field: field, Code: "integer", Reason: "not a whole number"})
		}
		return x
	}
	sc := &assess.Scheme{Name: f.Name, Label: f.Label, Description: f.Description, Units: f.Units, Period: f.Period,
		BaseScore: number("base_score", f.BaseScore), RedList: integer("red_list", f.RedList), BlackList: integer("black_list", f.BlackList)}
	keys := map[string]bool{}
	for _, it := range f.Items {
		keys[it.Key] = true
	}
	for i := range f.Items {
		row := &f.Items[i]
		p := fmt.Sprintf("items[%d].", i)
		if row.Key == "" { // a new row: named after its measure
			base := row.Measure
			if base == "" {
				base = "item"
			}
			row.Key = base
			for n := 2; keys[row.Key]; n++ {
				row.Key = fmt.Sprintf("%s_%d", base, n)
			}
			keys[row.Key] = true
		}
		it := assess.Item{Key: row.Key, Label: row.Label, Measure: row.Measure, Weight: number(p+"weight", row.Weight),
			Rule: assess.Rule{Kind: row.Kind}}
		switch row.Kind {
		case assess.RuleDeduct:
			it.Rule.Per, it.Rule.Cap = number(p+"rule.per", row.Per), number(p+"rule.cap", row.Cap)
		case assess.RuleThreshold:
			for _, b := range row.Bands {
				it.Rule.Bands = append(it.Rule.Bands, assess.Band{AtLeast: number(p+"rule.bands", b.AtLeast), Score: number(p+"rule.bands", b.Score)})
			}
		case assess.RuleRatio:
			it.Rule.Target = number(p+"rule.target", row.Target)
		}
		switch row.Measure {
		case assess.MeasureIndicator:
			it.Indicator = row.Indicator
		case assess.MeasureLedgersCurrent:
			it.Ledgers = row.Ledgers
		case assess.MeasureSatisfaction:
			it.Low = integer(p+"low", row.Low)
			if it.Low < 0 || it.Low > 5 {
				errs = append(errs, zhili.FieldError{Field: p + "low", Code: "range", Reason: "low is a visit score 1–5"})
			}
		}
		sc.Items = append(sc.Items, it)
	}
	return sc, errs
}

// weightSum adds up the weights typed so far, skipping what is not a number.
func (f *schemeForm) weightSum() (sum, base float64) {
	for _, it := range f.Items {
		if w, err := strconv.ParseFloat(it.Weight, 64); err == nil {
			sum += w
		}
	}
	base, _ = strconv.ParseFloat(f.BaseScore, 64)
	return math.Round(sum*1e6) / 1e6, base // 0.1 + 0.2 shows as 0.3
}

// schemeErrors says each field error in Chinese, keyed by the input's name; the
// first error of a field wins.
func schemeErrors(fields []zhili.FieldError, f *schemeForm) map[string]string {
	out := map[string]string{}
	for _, fe := range fields {
		if _, seen := out[fe.Field]; seen {
			continue
		}
		field := itemField.ReplaceAllString(fe.Field, "")
		msg, ok := schemeReasons[field+"/"+fe.Code]
		if !ok {
			msg, ok = schemeReasons["/"+fe.Code]
		}
		if !ok {
			msg = fe.Reason
		}
		if fe.Field == "items" && fe.Code == "weights" {
			sum, base := f.weightSum()
			msg = fmt.Sprintf("各项权重合计 %s 分，与满分 %s 分不符", strconv.FormatFloat(sum, 'f', -1, 64), strconv.FormatFloat(base, 'f', -1, 64))
		}
		out[fe.Field] = msg
	}
	return out
}

// schemeReasons are the Chinese reasons of the scheme's field errors, by field
// (item prefix removed) and code; "/code" applies to any field.
var schemeReasons = map[string]string{
	"name/malformed":      "方案代码只能由小写字母、数字和下划线组成，以字母开头",
	"name/mismatch":       "方案代码与地址中的方案不一致",
	"label/required":      "请填写名称",
	"units/unknown":       "请选择考核对象",
	"period/unknown":      "请选择考核周期",
	"base_score/range":    "满分必须大于0",
	"red_list/range":      "红榜、黑榜人数不能为负数",
	"items/required":      "至少需要一个考核项",
	"key/malformed":       "代码须唯一，由小写字母、数字和下划线组成",
	"measure/unknown":     "请选择考核内容",
	"measure/unsupported": "这项内容不能用于县直部门考核",
	"indicator/required":  "请填写指标编号，如 dispute.resolution_rate",
	"ledgers/required":    "请至少选择一个台账",
	"weight/range":        "权重必须大于0",
	"rule/range":          "扣分制：每条扣分须大于0，扣分上限在0到权重之间（0即权重）",
	"rule.bands/required": "分档制至少需要一档",
	"rule.bands/range":    "各档按“达到”从高到低排列，每档得分在0到权重之间",
	"rule.target/range":   "比例制的目标值必须大于0",
	"rule.kind/unknown":   "请选择计分方式",
	"low/range":           "低分线是1到5的回访评分",
	"scheme/malformed":    "不是有效的JSON",
	"/number":             "请填写数字",
	"/integer":            "请填写整数",
}

// schemeOption is one choice of a select.
type schemeOption struct{ Value, Label string }

var (
	unitOptions   = []schemeOption{{assess.UnitsTownships, "乡镇（街道）"}, {assess.UnitsDepartments, "县直部门"}}
	periodOptions = []schemeOption{{"quarter", "季度"}, {"month", "月度"}}
	ruleOptions   = []schemeOption{{assess.RuleDeduct, "扣分制（每条记录扣分）"}, {assess.RuleThreshold, "分档制（按达到值给分）"}, {assess.RuleRatio, "比例制（按目标值折算）"}}
	measureOrder  = []string{assess.MeasureResolutionRate, assess.MeasureOverdueSteps, assess.MeasureVisitsOnTime,
		assess.MeasureSatisfaction, assess.MeasureSweepsFiled, assess.MeasureLedgersCurrent, assess.MeasureIndicator}
)

// measureOptions lists the known measures, those not measured for departments
// marked; any other measure Measures gains is listed after them.
func measureOptions() []schemeOption {
	var out []schemeOption
	seen := map[string]bool{}
	add := func(k string) {
		m := assess.Measures[k]
		l := m.Label + "（" + k + "）"
		if !m.Departments {
			l += " · 仅乡镇"
		}
		out = append(out, schemeOption{k, l})
		seen[k] = true
	}
	for _, k := range measureOrder {
		if _, ok := assess.Measures[k]; ok {
			add(k)
		}
	}
	var rest []string
	for k := range assess.Measures {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		add(k)
	}
	return out
}

// optionLabel returns the label of value among opts, or value itself.
func optionLabel(opts []schemeOption, value string) string {
	for _, o := range opts {
		if o.Value == value {
			return o.Label
		}
	}
	return value
}

// ruleText says an item's rule in a line: "每条扣0.2分，最多扣20分".
func ruleText(it assess.Item) string {
	switch it.Rule.Kind {
	case assess.RuleDeduct:
		c := it.Rule.Cap
		if c == 0 {
			c = it.Weight
		}
		return fmt.Sprintf("每条扣%s分，最多扣%s分", schemeNum(it.Rule.Per), schemeNum(c))
	case assess.RuleThreshold:
		var parts []string
		for _, b := range it.Rule.Bands {
			parts = append(parts, fmt.Sprintf("≥%s得%s", strconv.FormatFloat(b.AtLeast, 'f', -1, 64), strconv.FormatFloat(b.Score, 'f', -1, 64)))
		}
		return "分档：" + strings.Join(parts, "，")
	case assess.RuleRatio:
		return fmt.Sprintf("按目标值%s折算", schemeNum(it.Rule.Target))
	}
	return it.Rule.Kind
}
