package ledger

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/zhili-project/zhili"
)

// HeaderLabel is a field's column title in templates and exports: the Chinese
// label with its unit, which import reads back.
func HeaderLabel(f *zhili.LedgerField) string {
	if f.Unit != "" {
		return f.Label + "（" + f.Unit + "）"
	}
	return f.Label
}

// Describe says in Chinese what a field accepts, for templates and forms.
func Describe(f *zhili.LedgerField) string {
	var parts []string
	switch f.Type {
	case zhili.FieldText:
		parts = append(parts, "文本")
		if f.MaxLength > 0 {
			parts = append(parts, fmt.Sprintf("不超过 %d 字", f.MaxLength))
		}
	case zhili.FieldInteger:
		parts = append(parts, "整数")
	case zhili.FieldMoney:
		parts = append(parts, "金额（元，最多两位小数）")
	case zhili.FieldDecimal:
		parts = append(parts, "数字")
	case zhili.FieldDate:
		parts = append(parts, "日期，如 2024-03-05")
	case zhili.FieldEnum:
		labels := make([]string, len(f.Options))
		for i, o := range f.Options {
			labels[i] = o.Label
		}
		parts = append(parts, "选项："+strings.Join(labels, "、"))
	case zhili.FieldBoolean:
		parts = append(parts, "填“是”或“否”")
	case zhili.FieldRegion:
		parts = append(parts, "行政区划代码")
	case zhili.FieldPerson:
		parts = append(parts, "人员编号或姓名")
	}
	if f.Min != nil || f.Max != nil {
		lo, hi := "", ""
		if f.Min != nil {
			lo = bound(f, *f.Min)
		}
		if f.Max != nil {
			hi = bound(f, *f.Max)
		}
		parts = append(parts, "范围 "+strings.TrimSpace(lo)+" ～ "+strings.TrimSpace(hi))
	}
	if f.Help != "" {
		parts = append(parts, f.Help)
	}
	return strings.Join(parts, "；")
}

// WriteTemplate writes the import template of s: a header row (required columns
// in red), drop-down lists for enum and boolean columns, and a sheet 填写说明.
func WriteTemplate(w io.Writer, s *zhili.LedgerSchema) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "台账"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	req, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"}})
	if err != nil {
		return err
	}
	opt, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	set := func(col int, title string, required bool) error {
		cell, _ := excelize.CoordinatesToCellName(col, 1)
		if err := f.SetCellStr(sheet, cell, title); err != nil {
			return err
		}
		style := opt
		if required {
			style = req
		}
		name, _ := excelize.ColumnNumberToName(col)
		if err := f.SetColWidth(sheet, name, name, 16); err != nil {
			return err
		}
		return f.SetCellStyle(sheet, cell, cell, style)
	}
	if err := set(1, ColRegion, true); err != nil {
		return err
	}
	for i := range s.Fields {
		fd := &s.Fields[i]
		col := i + 2
		if err := set(col, HeaderLabel(fd), fd.Required); err != nil {
			return err
		}
		var list []string
		switch fd.Type {
		case zhili.FieldEnum:
			for _, o := range fd.Options {
				list = append(list, o.Label)
			}
		case zhili.FieldBoolean:
			list = []string{"是", "否"}
		}
		if len(list) == 0 {
			continue
		}
		name, _ := excelize.ColumnNumberToName(col)
		dv := excelize.NewDataValidation(true)
		dv.Sqref = name + "2:" + name + "10000"
		if err := dv.SetDropList(list); err != nil {
			return fmt.Errorf("drop list %s: %w", fd.ID, err)
		}
		if err := f.AddDataValidation(sheet, dv); err != nil {
			return err
		}
	}
	const help = "填写说明"
	if _, err := f.NewSheet(help); err != nil {
		return err
	}
	rows := [][]any{{"列", "是否必填", "填写要求"}, {ColRegion, "必填", "记录所属村（社区）、乡镇等的统计用区划代码"}}
	for i := range s.Fields {
		fd := &s.Fields[i]
		need := "选填"
		if fd.Required {
			need = "必填"
		}
		rows = append(rows, []any{HeaderLabel(fd), need, Describe(fd)})
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(help, cell, &r); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(help, "A", "A", 24); err != nil {
		return err
	}
	if err := f.SetColWidth(help, "C", "C", 70); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// Exporter writes records one at a time to .xlsx or .csv, so an export of any
// size holds one row in memory (excelize's StreamWriter spills to disk).
type Exporter struct {
	s      *zhili.LedgerSchema
	w      io.Writer
	csv    *csv.Writer
	xlsx   *excelize.File
	stream *excelize.StreamWriter
	row    int
}

// NewExporter starts an export of s in format "xlsx" or "csv" and writes the header.
func NewExporter(w io.Writer, s *zhili.LedgerSchema, format string) (*Exporter, error) {
	e := &Exporter{s: s, w: w}
	head := []string{ColRegion, ColRegionName}
	for i := range s.Fields {
		head = append(head, HeaderLabel(&s.Fields[i]))
	}
	head = append(head, ColID)
	switch format {
	case "csv":
		if _, err := io.WriteString(w, "\xef\xbb\xbf"); err != nil {
			return nil, err
		}
		e.csv = csv.NewWriter(w)
		return e, e.csv.Write(head)
	case "xlsx", "":
		e.xlsx = excelize.NewFile()
		sw, err := e.xlsx.NewStreamWriter("Sheet1")
		if err != nil {
			e.xlsx.Close()
			return nil, err
		}
		e.stream = sw
		return e, e.writeXLSX(head)
	}
	return nil, zhili.Invalid("导出格式应为 xlsx 或 csv。", zhili.FieldError{Field: "format", Code: "malformed", Reason: "应为 xlsx 或 csv"})
}

// Write adds one record. In .xlsx, numbers stay numbers (money in yuan).
func (e *Exporter) Write(r *zhili.LedgerRecord) error {
	cells := []string{r.RegionCode, r.RegionName}
	vals := []any{r.RegionCode, r.RegionName}
	for i := range e.s.Fields {
		f := &e.s.Fields[i]
		text := Format(f, r.Data[f.ID])
		cells = append(cells, text)
		vals = append(vals, cellValue(f, r.Data[f.ID], text))
	}
	cells = append(cells, strconv.FormatInt(r.ID, 10))
	vals = append(vals, r.ID)
	if e.csv != nil {
		return e.csv.Write(cells)
	}
	e.row++
	cell, _ := excelize.CoordinatesToCellName(1, e.row)
	return e.stream.SetRow(cell, vals)
}

func cellValue(f *zhili.LedgerField, v any, text string) any {
	if v == nil {
		return nil
	}
	switch f.Type {
	case zhili.FieldInteger, zhili.FieldDecimal:
		if x, ok := number(v); ok {
			return x
		}
	case zhili.FieldMoney:
		if n, err := wholeNumber(v, ""); err == nil {
			return float64(n.(int64)) / 100
		}
	}
	return text
}

func (e *Exporter) writeXLSX(cells []string) error {
	e.row++
	vals := make([]any, len(cells))
	for i, c := range cells {
		vals[i] = c
	}
	cell, _ := excelize.CoordinatesToCellName(1, e.row)
	return e.stream.SetRow(cell, vals)
}

// Close finishes the file and writes it out (for .xlsx, only now).
func (e *Exporter) Close() error {
	if e.csv != nil {
		e.csv.Flush()
		return e.csv.Error()
	}
	defer e.xlsx.Close()
	if err := e.stream.Flush(); err != nil {
		return err
	}
	_, err := e.xlsx.WriteTo(e.w)
	return err
}
