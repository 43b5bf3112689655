package http

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/indicator"
)

// The county indicator form (http/templates/indicator_county_edit.html): one
// definition as the strings the user typed, so a refused form comes back as
// sent. Inputs are named by the keys the store's errors use ("agg",
// "filter[0].field"), so "[2].filter[0].field" lands by its field once the
// entry's index is taken off (countyErrors).

// countyForm is one definition being edited.
type countyForm struct {
	// Orig is the id the form edits ("" for a new one); ID is typed without
	// indicator.CountyPrefix, which the form shows.
	Orig, ID                                string
	Label, Unit, Format, Source, Ledger     string
	Metric, Org, Date, Agg, Field, Num, Den string
	Note                                    string
	Filters                                 []condForm
	// Extra is what the form has no fields for (key, threshold, params), as
	// JSON, carried through so saving the form keeps it.
	Extra string
}

// condForm is one condition row; P prefixes its inputs' names. Op is eq, in,
// not_in or param; Value is the value, the values (comma separated) or the
// parameter's name.
type condForm struct{ P, Field, Op, Value string }

// condOps are the condition operators of a row.
var condOps = []schemeOption{{"eq", "等于"}, {"in", "属于（逗号分隔）"}, {"not_in", "不属于（逗号分隔）"}, {"param", "等于参数"}}

// countyExtra are the keys of a definition the form carries in Extra.
type countyExtra struct {
	Key       string                 `json:"key,omitempty"`
	Threshold string                 `json:"threshold,omitempty"`
	Params    []zhili.IndicatorParam `json:"params,omitempty"`
}

// formFromDef fills the form from a stored definition.
func formFromDef(d *indicator.Def) countyForm {
	f := countyForm{Orig: d.ID, ID: strings.TrimPrefix(d.ID, indicator.CountyPrefix), Label: d.Label, Unit: d.Unit, Format: d.Format,
		Source: d.Source, Ledger: d.Ledger, Metric: d.Metric, Org: d.Org, Date: d.Date, Agg: d.Agg, Field: d.Field,
		Num: d.Num, Den: d.Den, Note: d.Note}
	for _, c := range d.Filter {
		row := condForm{Field: c.Field}
		switch {
		case c.Param != "":
			row.Op, row.Value = "param", c.Param
		case c.In != nil:
			row.Op, row.Value = "in", strings.Join(c.In, ", ")
		case c.NotIn != nil:
			row.Op, row.Value = "not_in", strings.Join(c.NotIn, ", ")
		default:
			row.Op, row.Value = "eq", indicator.CondValue(c.Eq)
		}
		f.Filters = append(f.Filters, row)
	}
	if x := (countyExtra{Key: d.Key, Threshold: d.Threshold, Params: d.Params}); x.Key != "" || x.Threshold != "" || len(x.Params) > 0 {
		b, _ := json.Marshal(x)
		f.Extra = string(b)
	}
	f.number()
	return f
}

// number names the rows' inputs by position and leaves one empty row to fill.
func (f *countyForm) number() {
	if n := len(f.Filters); n == 0 || f.Filters[n-1].Field != "" || f.Filters[n-1].Value != "" {
		f.Filters = append(f.Filters, condForm{Op: "eq"})
	}
	for j := range f.Filters {
		f.Filters[j].P = fmt.Sprintf("filter[%d].", j)
	}
}

var condField = regexp.MustCompile(`^filter\[(\d{1,3})\]\.`)

// parseCountyForm reads the posted form: rows marked for removal and empty
// rows are dropped, the rest keep their order (so their indexes are the
// definition's).
func parseCountyForm(v url.Values, orig string) countyForm {
	g := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	f := countyForm{Orig: orig, ID: strings.TrimPrefix(g("id"), indicator.CountyPrefix), Label: g("label"), Unit: g("unit"),
		Format: g("format"), Source: g("source"), Ledger: g("ledger"), Metric: g("metric"), Org: g("org"), Date: g("date"),
		Agg: g("agg"), Field: g("field"), Num: g("num"), Den: g("den"), Note: g("note"), Extra: g("extra")}
	rows := 0
	for k := range v {
		if m := condField.FindStringSubmatch(k); m != nil {
			i, _ := strconv.Atoi(m[1])
			rows = max(rows, min(i+1, maxRows))
		}
	}
	for j := 0; j < rows; j++ {
		p := fmt.Sprintf("filter[%d].", j)
		c := condForm{Field: g(p + "field"), Op: g(p + "op"), Value: g(p + "value")}
		if v.Get(p+"remove") != "" || c.Field == "" && c.Value == "" {
			continue
		}
		f.Filters = append(f.Filters, c)
	}
	return f
}

// splitValues splits a list typed with commas (either width), 、 or semicolons.
func splitValues(s string) []string {
	out := []string{}
	for _, x := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(",，、;；", r) }) {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// condValue types an eq value as figures.json writes it: true/false as
// booleans, a region level as a number, the rest as text (the engine compares
// them as text either way).
func condValue(field, s string) any {
	switch {
	case s == "true" || s == "false":
		return s == "true"
	case field == "level":
		if _, err := strconv.Atoi(s); err == nil {
			return json.Number(s)
		}
	}
	return s
}

// def builds the definition the form describes, keeping only the keys its
// source and aggregation use; the store's checks do the rest. The errors are
// those of Extra, which must be JSON.
func (f *countyForm) def() (*indicator.Def, []zhili.FieldError) {
	d := &indicator.Def{ID: indicator.CountyPrefix + f.ID, Label: f.Label, Unit: f.Unit, Format: f.Format, Agg: f.Agg, Note: f.Note}
	var errs []zhili.FieldError
	if f.ID == "" {
		d.ID = ""
	}
	if f.Agg == indicator.AggRatio {
		d.Num, d.Den = f.Num, f.Den
		return d, nil
	}
	d.Source, d.Date = f.Source, f.Date
	switch f.Source {
	case indicator.SourceLedger:
		d.Ledger = f.Ledger
	case indicator.SourceDept:
		d.Metric = f.Metric
	case indicator.SourceOrg:
		d.Org = f.Org
	}
	if f.Agg != indicator.AggCount {
		d.Field = f.Field
	}
	for _, c := range f.Filters {
		cond := indicator.Cond{Field: c.Field}
		switch c.Op {
		case "in":
			cond.In = splitValues(c.Value)
		case "not_in":
			cond.NotIn = splitValues(c.Value)
		case "param":
			cond.Param = c.Value
		default:
			if c.Value != "" {
				cond.Eq = condValue(c.Field, c.Value)
			}
		}
		d.Filter = append(d.Filter, cond)
	}
	if f.Extra != "" {
		var x countyExtra
		dec := json.NewDecoder(strings.NewReader(f.Extra))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&x); err != nil {
			errs = append(errs, zhili.FieldError{Field: "extra", Code: "malformed", Reason: err.Error()})
		}
		d.Key, d.Threshold, d.Params = x.Key, x.Threshold, x.Params
	}
	return d, errs
}

// countySet is the county's stored definitions with entry k replaced by (or,
// at the end, added as) the one being edited.
type countySet struct {
	entries []json.RawMessage
	k       int
}

// newCountySet places the entry that edits orig ("" for a new one) in stored.
func newCountySet(stored []byte, orig string) (*countySet, error) {
	s := &countySet{}
	if err := json.Unmarshal(stored, &s.entries); err != nil {
		return nil, fmt.Errorf("county indicators: %w", err)
	}
	s.k = len(s.entries)
	for i, e := range s.entries {
		if orig != "" && entryID(e) == orig {
			s.k = i
		}
	}
	return s, nil
}

// entryID is the id of a definition as JSON.
func entryID(e json.RawMessage) string {
	var x struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(e, &x)
	return x.ID
}

// with returns the whole set with e in its place, as the API's PUT takes it,
// or a field error if another entry has e's id already.
func (s *countySet) with(e json.RawMessage) ([]byte, error) {
	id := entryID(e)
	for i, o := range s.entries {
		if i != s.k && id != "" && entryID(o) == id {
			return nil, zhili.Invalid("Bad indicator definitions.", zhili.FieldError{Field: fmt.Sprintf("[%d].id", s.k), Code: "duplicate",
				Reason: fmt.Sprintf("%q is defined already", id)})
		}
	}
	all := append([]json.RawMessage{}, s.entries[:min(s.k, len(s.entries))]...)
	all = append(all, e)
	if s.k < len(s.entries) {
		all = append(all, s.entries[s.k+1:]...)
	}
	return json.Marshal(all)
}

var entryField = regexp.MustCompile(`^\[(\d+)\](?:\.(.*))?$`)

// countyErrors says the store's field errors in Chinese: those of entry k by
// the form's input names, the others (another entry, the whole set) in a list
// for the top of the page.
func countyErrors(fields []zhili.FieldError, k int, entries []json.RawMessage) (map[string]string, []string) {
	out := map[string]string{}
	var general []string
	for _, fe := range fields {
		m := entryField.FindStringSubmatch(fe.Field)
		key := ""
		if m != nil {
			key = m[2]
		}
		msg := countyReason(key, fe.Code, fe.Reason)
		i := -1
		if m != nil {
			i, _ = strconv.Atoi(m[1])
		}
		if i != k || key == "" || key == "figures" {
			who := "指标定义"
			if i >= 0 && i < len(entries) && i != k {
				who = "已有指标 " + entryID(entries[i])
			}
			general = append(general, who+"："+msg)
			continue
		}
		switch {
		case key == "key" || key == "threshold" || strings.HasPrefix(key, "params"):
			key = "extra"
		case condField.MatchString(key):
			j := condField.FindStringSubmatch(key)[1]
			if rest := strings.TrimPrefix(key, "filter["+j+"]."); rest != "field" {
				key = "filter[" + j + "].value"
			}
		}
		if _, seen := out[key]; !seen {
			out[key] = msg
		}
	}
	return out, general
}

// countyReasons are the Chinese reasons by key (a row's index as []) and code;
// the store's own reason follows in brackets.
var countyReasons = map[string]string{
	"id/taken":               "与内置指标编码重复",
	"id/malformed":           "编码只能由小写字母、数字、下划线和点组成，如 hazard_fire",
	"id/duplicate":           "已有此编码的本县指标",
	"id/invalid":             "请填写编码、名称和单位",
	"label/invalid":          "请填写名称",
	"unit/invalid":           "请填写单位",
	"format/invalid":         "请选择显示格式",
	"source/invalid":         "请选择记录来源",
	"source/too_many":        "此来源的指标已达上限",
	"date/invalid":           "此来源不能按这个日期计入",
	"ledger/invalid":         "请选择台账",
	"metric/invalid":         "请填写部门报送的指标代码",
	"org/invalid":            "请选择统计对象（岗位、单位或区划）",
	"agg/invalid":            "此来源不能用这种统计方式",
	"field/invalid":          "请选择此来源可用的字段",
	"num/invalid":            "比率须有分子和分母",
	"den/invalid":            "比率须有分子和分母",
	"num/unknown":            "请选择一个基础指标（内置或本县，非比率）",
	"den/unknown":            "请选择一个基础指标（内置或本县，非比率）",
	"filter/invalid":         "部门报送指标不能设条件",
	"filter[]/invalid":       "每个条件须填写字段、方式和值",
	"filter[].field/invalid": "不能按此字段筛选",
	"filter[].value/invalid": "取值有误",
	"extra/malformed":        "高级设置不是有效的JSON",
	"/malformed":             "不是有效的指标定义",
}

var rowIndex = regexp.MustCompile(`\[\d+\]`)

func countyReason(key, code, reason string) string {
	k := rowIndex.ReplaceAllString(key, "[]")
	if strings.HasPrefix(k, "filter[].") && k != "filter[].field" {
		k = "filter[].value"
	}
	if strings.HasPrefix(k, "params") || k == "key" || k == "threshold" {
		k = "extra"
	}
	msg, ok := countyReasons[k+"/"+code]
	if k == "filter[]" && strings.Contains(reason, "no option") {
		msg = "取值不是该字段的选项"
	}
	if !ok {
		msg, ok = countyReasons["/"+code]
	}
	if !ok {
		return reason
	}
	return msg + "（" + reason + "）"
}

// countyJSON is a definition as the advanced textarea shows it.
func countyJSON(d *indicator.Def) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(d)
	return strings.TrimSpace(b.String())
}
