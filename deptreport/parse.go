package deptreport

import (
	"fmt"
	"io"
	"strings"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sheet"
)

// MaxRows bounds a file; larger submissions are split by the department.
const MaxRows = 100_000

// headers maps every accepted column header (folded) to its field. A header that
// mentions 元 or yuan marks the value column as yuan.
var headers = map[string]string{
	"metric": "metric", "指标": "metric", "指标代码": "metric", "指标名称": "metric",
	"region_code": "region_code", "region": "region_code", "区划代码": "region_code", "地区代码": "region_code", "行政区划代码": "region_code",
	"period_start": "period_start", "start": "period_start", "开始日期": "period_start", "起始日期": "period_start",
	"period_end": "period_end", "end": "period_end", "结束日期": "period_end", "截止日期": "period_end",
	"value": "value", "数值": "value", "数量": "value", "金额": "value", "值": "value",
	"note": "note", "备注": "note", "说明": "note",
}

var required = []string{"metric", "region_code", "period_start", "period_end", "value"}

// fold strips what people add around a header: spaces, a BOM, a parenthesised unit.
func fold(h string) (key string, yuan bool) {
	h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
	yuan = strings.Contains(h, "元") || strings.Contains(h, "yuan")
	if i := strings.IndexAny(h, "(（"); i >= 0 {
		h = strings.TrimSpace(h[:i])
	}
	return strings.ReplaceAll(h, " ", ""), yuan
}

// Parse reads a department report file, .xlsx (first sheet) or .csv (UTF-8 with or
// without BOM, or GB18030), chosen by name's extension or, failing that, by content.
// It returns every figure, normalised, or an EINVALID error naming every bad row and
// column; nothing is half-read.
func Parse(name string, r io.Reader, ms []zhili.DepartmentMetric) ([]zhili.DepartmentFigure, error) {
	rows, err := sheet.Read(name, r, MaxRows+1)
	if err != nil {
		return nil, err
	}
	return parseRows(rows, ms)
}

// parseRows reads the header, then every data row; row numbers count the header
// as row 1, as a spreadsheet shows them.
func parseRows(rows [][]string, ms []zhili.DepartmentMetric) ([]zhili.DepartmentFigure, error) {
	if len(rows) == 0 {
		return nil, zhili.Invalid("The file is empty.", zhili.FieldError{Field: "file", Code: "empty", Reason: "no header row"})
	}
	col, label := map[string]int{}, map[string]string{}
	yuan := false
	var bad []zhili.FieldError
	for i, h := range rows[0] {
		key, y := fold(h)
		field, ok := headers[key]
		if !ok {
			continue
		}
		if _, dup := col[field]; dup {
			bad = append(bad, zhili.FieldError{Row: 1, Column: h, Field: field, Code: "duplicate_column", Reason: "column " + field + " appears twice"})
			continue
		}
		col[field], label[field] = i, strings.TrimSpace(h)
		if field == "value" {
			yuan = y
		}
	}
	for _, f := range required {
		if _, ok := col[f]; !ok {
			bad = append(bad, zhili.FieldError{Row: 1, Field: f, Code: "missing_column", Reason: "the header has no " + f + " column"})
		}
	}
	if len(bad) > 0 {
		return nil, zhili.Invalid("The file's header is not valid; nothing was imported.", bad...)
	}
	if len(rows)-1 > MaxRows {
		return nil, zhili.Invalid(fmt.Sprintf("The file has %d rows; at most %d per file.", len(rows)-1, MaxRows),
			zhili.FieldError{Field: "file", Code: "too_large", Reason: "too many rows"})
	}
	cell := func(rec []string, f string) string {
		if i, ok := col[f]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var figs []zhili.DepartmentFigure
	for n, rec := range rows[1:] {
		if sheet.Blank(rec) {
			continue
		}
		f := zhili.DepartmentFigure{Row: n + 2, Metric: cell(rec, "metric"), RegionCode: cell(rec, "region_code"),
			PeriodStart: cell(rec, "period_start"), PeriodEnd: cell(rec, "period_end"), Note: cell(rec, "note")}
		m := Lookup(ms, f.Metric)
		v, err := ParseValue(cell(rec, "value"), yuan && m != nil && m.Money())
		if err != nil {
			bad = append(bad, zhili.FieldError{Row: f.Row, Field: "value", Code: "malformed", Reason: err.Error()})
		}
		f.Value = v
		bad = append(bad, Normalize(ms, &f)...)
		figs = append(figs, f)
	}
	for i := range bad {
		if bad[i].Column == "" {
			bad[i].Column = label[bad[i].Field]
		}
	}
	if len(bad) > 0 {
		return nil, zhili.Invalid(fmt.Sprintf("%d problem(s) in the file; nothing was imported.", len(bad)), bad...)
	}
	if len(figs) == 0 {
		return nil, zhili.Invalid("The file has no figures.", zhili.FieldError{Field: "file", Code: "empty", Reason: "no data rows"})
	}
	return figs, nil
}
