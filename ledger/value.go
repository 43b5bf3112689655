package ledger

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhili-project/zhili"
)

// Validate checks raw data against the named schema and returns it in stored
// form. Every bad field is reported, with the field's Chinese label as Column.
func (c *Catalog) Validate(name string, raw map[string]any) (map[string]any, error) {
	s, err := c.Schema(name)
	if err != nil {
		return nil, err
	}
	data, errs := ValidateData(s, raw)
	if len(errs) > 0 {
		return nil, zhili.Invalid(s.Label+"：数据有误，请按提示修改。", errs...)
	}
	return data, nil
}

// Value checks one value of one field of the named ledger, for filters.
func (c *Catalog) Value(name, field string, raw any) (any, error) {
	s, err := c.Schema(name)
	if err != nil {
		return nil, err
	}
	f := s.Field(field)
	if f == nil {
		return nil, zhili.Invalid(s.Label+"：没有这一项。", zhili.FieldError{Field: field, Column: field, Code: "unknown_field", Reason: "本台账没有这一项"})
	}
	if text, ok := raw.(string); ok {
		if raw = strings.TrimSpace(text); raw == "" {
			return nil, nil
		}
	}
	v, err := convert(f, raw)
	if err != nil {
		return nil, zhili.Invalid(s.Label+"：筛选条件有误。", fieldError(f, err))
	}
	return v, nil
}

// ValidateData checks raw against s and returns the stored form and every field error.
func ValidateData(s *zhili.LedgerSchema, raw map[string]any) (map[string]any, []zhili.FieldError) {
	var errs []zhili.FieldError
	unknown := make([]string, 0)
	for k := range raw {
		if s.Field(k) == nil {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		errs = append(errs, zhili.FieldError{Field: k, Column: k, Code: "unknown_field", Reason: "本台账没有这一项"})
	}
	data := make(map[string]any, len(s.Fields))
	for i := range s.Fields {
		f := &s.Fields[i]
		v, err := Value(f, raw[f.ID])
		if err != nil {
			errs = append(errs, fieldError(f, err))
			continue
		}
		if v != nil {
			data[f.ID] = v
		}
	}
	for i := range s.Fields {
		f := &s.Fields[i]
		if f.MaxField == "" || data[f.ID] == nil || data[f.MaxField] == nil {
			continue
		}
		if toFloat(data[f.ID]) > toFloat(data[f.MaxField]) {
			m := s.Field(f.MaxField)
			errs = append(errs, fieldError(f, &valueError{"exceeds_field", "不能大于「" + m.Label + "」"}))
		}
	}
	return data, errs
}

// valueError is why one value was refused: a machine code and a Chinese reason.
type valueError struct{ code, reason string }

func (e *valueError) Error() string { return e.reason }

func fieldError(f *zhili.LedgerField, err error) zhili.FieldError {
	fe := zhili.FieldError{Field: f.ID, Column: f.Label, Code: "malformed", Reason: err.Error()}
	if ve, ok := err.(*valueError); ok {
		fe.Code = ve.code
	}
	return fe
}

func bad(format string, args ...any) error {
	return &valueError{"malformed", fmt.Sprintf(format, args...)}
}

// Value checks one value of field f and returns its stored form, or nil when it
// is empty and optional. Strings are read as people type them (money in yuan,
// enum labels, 是/否); JSON numbers as stored (money in fen).
func Value(f *zhili.LedgerField, v any) (any, error) {
	if s, ok := v.(string); ok {
		v = strings.TrimSpace(s)
		if v == "" {
			v = nil
		}
	}
	if v == nil {
		if f.Required {
			return nil, &valueError{"required", "必填"}
		}
		return nil, nil
	}
	out, err := convert(f, v)
	if err != nil {
		return nil, err
	}
	if numeric(f.Type) {
		x := toFloat(out)
		if f.Min != nil && x < *f.Min {
			return nil, &valueError{"out_of_range", "不能小于 " + bound(f, *f.Min)}
		}
		if f.Max != nil && x > *f.Max {
			return nil, &valueError{"out_of_range", "不能大于 " + bound(f, *f.Max)}
		}
	}
	return out, nil
}

func bound(f *zhili.LedgerField, x float64) string {
	if f.Type == zhili.FieldMoney {
		return FormatYuan(int64(x)) + " 元"
	}
	return strconv.FormatFloat(x, 'f', -1, 64) + " " + f.Unit
}

func convert(f *zhili.LedgerField, v any) (any, error) {
	s, isText := v.(string)
	switch f.Type {
	case zhili.FieldText:
		if !isText {
			s = fmt.Sprint(v)
		}
		if f.MaxLength > 0 && utf8.RuneCountInString(s) > f.MaxLength {
			return nil, &valueError{"too_long", fmt.Sprintf("不能超过 %d 个字", f.MaxLength)}
		}
		return s, nil
	case zhili.FieldInteger:
		if isText {
			s = trimUnit(s, f.Unit)
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				if x, e := strconv.ParseFloat(s, 64); e == nil && x == math.Trunc(x) && math.Abs(x) < 1e15 {
					return int64(x), nil
				}
				return nil, bad("应为整数，不是 %q", s)
			}
			return n, nil
		}
		return wholeNumber(v, "应为整数")
	case zhili.FieldMoney:
		if isText {
			return ParseYuan(trimUnit(strings.TrimPrefix(strings.TrimPrefix(s, "¥"), "￥"), "元"))
		}
		return wholeNumber(v, "金额应为以分计的整数")
	case zhili.FieldDecimal:
		if isText {
			x, err := strconv.ParseFloat(trimUnit(s, f.Unit), 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, bad("应为数字，不是 %q", s)
			}
			return x, nil
		}
		x, ok := number(v)
		if !ok {
			return nil, bad("应为数字")
		}
		return x, nil
	case zhili.FieldDate:
		if !isText {
			if x, ok := number(v); ok {
				s = strconv.FormatFloat(x, 'f', -1, 64)
			}
		}
		return ParseDate(s)
	case zhili.FieldEnum:
		if !isText {
			return nil, bad("应为选项之一")
		}
		for _, o := range f.Options {
			if s == o.Code || s == o.Label {
				return o.Code, nil
			}
		}
		labels := make([]string, len(f.Options))
		for i, o := range f.Options {
			labels[i] = o.Label
		}
		return nil, &valueError{"unknown_option", fmt.Sprintf("%q 不是可选项（可选：%s）", s, strings.Join(labels, "、"))}
	case zhili.FieldBoolean:
		if b, ok := v.(bool); ok {
			return b, nil
		}
		switch strings.ToLower(fmt.Sprint(v)) {
		case "是", "true", "1", "yes", "y", "有", "√", "✓":
			return true, nil
		case "否", "false", "0", "no", "n", "无", "×", "✗":
			return false, nil
		}
		return nil, bad("应填“是”或“否”，不是 %q", fmt.Sprint(v))
	case zhili.FieldRegion:
		if !isText {
			n, err := wholeNumber(v, "应为行政区划代码")
			if err != nil {
				return nil, err
			}
			s = strconv.FormatInt(n.(int64), 10)
		}
		if len(s) < 6 || len(s) > 15 || strings.Trim(s, "0123456789") != "" {
			return nil, bad("应为 6 至 15 位数字的行政区划代码，不是 %q", s)
		}
		return s, nil
	case zhili.FieldPerson:
		if !isText {
			n, err := wholeNumber(v, "应为人员编号或姓名")
			if err != nil {
				return nil, err
			}
			if n.(int64) <= 0 {
				return nil, bad("人员编号应为正整数")
			}
			return n, nil
		}
		if strings.Trim(s, "0123456789") == "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n <= 0 {
				return nil, bad("人员编号应为正整数")
			}
			return n, nil
		}
		if utf8.RuneCountInString(s) > 50 {
			return nil, &valueError{"too_long", "姓名不能超过 50 个字"}
		}
		return s, nil
	}
	return nil, bad("未知类型 %s", f.Type)
}

// trimUnit drops thousands separators and a trailing unit ("12人", "1,200 元").
func trimUnit(s, unit string) string {
	s = strings.ReplaceAll(s, ",", "")
	s = strings.ReplaceAll(s, "，", "")
	if unit != "" {
		s = strings.TrimSuffix(s, unit)
	}
	return strings.TrimSpace(s)
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}

func wholeNumber(v any, reason string) (any, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case int:
		return int64(x), nil
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n, nil
		}
	}
	x, ok := number(v)
	if !ok || x != math.Trunc(x) || math.Abs(x) > 1e15 {
		return nil, bad("%s", reason)
	}
	return int64(x), nil
}

func toFloat(v any) float64 {
	x, _ := number(v)
	return x
}

// ParseYuan reads an amount in yuan with at most two decimals ("1234.5",
// "-3.05") and returns fen, exactly, without going through floating point.
func ParseYuan(s string) (any, error) {
	orig := s
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(whole) > 13 || strings.Trim(whole, "0123456789") != "" ||
		len(frac) > 2 || strings.Trim(frac, "0123456789") != "" {
		return nil, bad("应为以元计、最多两位小数的金额，不是 %q", orig)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	n, _ := strconv.ParseInt(whole+frac, 10, 64)
	if neg {
		n = -n
	}
	return n, nil
}

// FormatYuan writes fen as yuan with two decimals: 123456 → "1234.56".
func FormatYuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// excelEpoch is day 0 of Excel's 1900 date system (with its 1900 leap-year bug).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// ParseDate accepts 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日 and Excel serial
// day numbers, and returns "YYYY-MM-DD".
func ParseDate(s string) (any, error) {
	orig := s
	if x, err := strconv.ParseFloat(s, 64); err == nil && x >= 1 && x < 100000 && !strings.Contains(s, "-") {
		return excelEpoch.AddDate(0, 0, int(x)).Format("2006-01-02"), nil
	}
	s = strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-").Replace(s)
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i] // a date cell written as a time: keep the day
	}
	for _, layout := range []string{"2006-01-02", "2006-1-2"} {
		if t, err := time.Parse(layout, s); err == nil && t.Year() >= 1949 && t.Year() <= 2100 {
			return t.Format("2006-01-02"), nil
		}
	}
	return nil, bad("应为日期（如 2024-03-05），不是 %q", orig)
}

// Format renders a stored value for people: money in yuan, enums by label,
// booleans as 是/否, dates as stored.
func Format(f *zhili.LedgerField, v any) string {
	if v == nil {
		return ""
	}
	switch f.Type {
	case zhili.FieldMoney:
		if n, err := wholeNumber(v, ""); err == nil {
			return FormatYuan(n.(int64))
		}
	case zhili.FieldEnum:
		return f.OptionLabel(fmt.Sprint(v))
	case zhili.FieldBoolean:
		if b, ok := v.(bool); ok {
			if b {
				return "是"
			}
			return "否"
		}
	case zhili.FieldInteger, zhili.FieldPerson:
		if n, err := wholeNumber(v, ""); err == nil {
			return strconv.FormatInt(n.(int64), 10)
		}
	case zhili.FieldDecimal:
		if x, ok := number(v); ok {
			return strconv.FormatFloat(x, 'f', -1, 64)
		}
	}
	return fmt.Sprint(v)
}
