package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// WriteXLSX writes the document as an Excel workbook: one sheet per table, and a
// sheet 指标 listing every figure with its indicator id, value and drill-down.
func WriteXLSX(w io.Writer, d *Document) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	used := map[string]bool{}
	first := true
	for _, t := range d.Tables {
		name := sheetName(t.Title, used)
		if first {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
			first = false
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		header := make([]any, len(t.Columns))
		for i, c := range t.Columns {
			header[i] = c
		}
		if err := f.SetSheetRow(name, "A1", &header); err != nil {
			return err
		}
		for r, row := range t.Rows {
			vals := make([]any, len(row))
			for i, c := range row {
				vals[i] = c.Text
				if c.Num != nil {
					vals[i] = *c.Num
				}
			}
			cell, _ := excelize.CoordinatesToCellName(1, r+2)
			if err := f.SetSheetRow(name, cell, &vals); err != nil {
				return err
			}
		}
		last, _ := excelize.CoordinatesToCellName(len(t.Columns), 1)
		if err := f.SetCellStyle(name, "A1", last, bold); err != nil {
			return err
		}
	}
	name := sheetName("指标", used)
	if first {
		if err := f.SetSheetName("Sheet1", name); err != nil {
			return err
		}
	} else if _, err := f.NewSheet(name); err != nil {
		return err
	}
	header := []any{"序号", "指标", "占位符", "区域", "起始日", "截止日", "数值", "显示", "单位", "明细链接"}
	if err := f.SetSheetRow(name, "A1", &header); err != nil {
		return err
	}
	for i, p := range d.Figures {
		var v any = ""
		if p.Value != nil {
			v = *p.Value
		}
		row := []any{p.N, p.ID, p.Source, p.Region, p.From, p.To, v, p.Text, p.Unit, p.URL}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(name, cell, &row); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(name, "A1", "J1", bold); err != nil {
		return err
	}
	f.SetDocProps(&excelize.DocProperties{Title: d.Title, Creator: "zhili"})
	_, err = f.WriteTo(w)
	return err
}

// sheetName makes a valid, unique sheet name: at most 31 characters, none of
// []:*?/\ .
func sheetName(title string, used map[string]bool) string {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, title)
	if r := []rune(name); len(r) > 28 {
		name = string(r[:28])
	}
	base := name
	for i := 2; used[name]; i++ {
		name = fmt.Sprintf("%s%d", base, i)
	}
	used[name] = true
	return name
}
