package ledger

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sheet"
)

// Column names of the record itself, beside the schema's fields.
const (
	ColRegion     = "行政区划代码"
	ColRegionName = "行政区划名称"
	ColID         = "记录编号"
)

// maxFileRows bounds one import, so a wrong file cannot exhaust memory.
const maxFileRows = 200000

// ReadFile parses an import file (.xlsx, or .csv in UTF-8 or GB18030) of the
// ledger s. It checks every cell and returns every row, or an EINVALID error
// naming every bad row and column: all or nothing.
func ReadFile(s *zhili.LedgerSchema, filename string, r io.Reader) ([]zhili.LedgerRow, error) {
	switch strings.ToLower(filepath.Ext(filename)) {
	case ".xlsx", ".csv":
	default:
		return nil, zhili.Invalid("只能导入 .xlsx 或 .csv 文件。", zhili.FieldError{Field: "file", Code: "format", Reason: "文件类型应为 .xlsx 或 .csv"})
	}
	grid, err := sheet.Read(filename, r, maxFileRows)
	if err != nil {
		return nil, err
	}
	return Rows(s, grid)
}

// Rows checks a grid of text cells whose first row is the header.
func Rows(s *zhili.LedgerSchema, grid [][]string) ([]zhili.LedgerRow, error) {
	if len(grid) == 0 {
		return nil, zhili.Invalid("文件是空的。", zhili.FieldError{Row: 1, Field: "file", Code: "empty", Reason: "没有表头"})
	}
	cols, errs := header(s, grid[0])
	if len(errs) > 0 {
		return nil, zhili.Invalid("表头有误，请使用导入模板。", errs...)
	}
	var rows []zhili.LedgerRow
	for i, cells := range grid[1:] {
		line := i + 2
		if sheet.Blank(cells) {
			continue
		}
		raw := map[string]any{}
		region := ""
		for j, c := range cells {
			if j >= len(cols) || cols[j] == "" {
				continue
			}
			if cols[j] == "region" {
				region = strings.TrimSpace(c)
			} else {
				raw[cols[j]] = c
			}
		}
		data, ferrs := ValidateData(s, raw)
		if region == "" {
			ferrs = append([]zhili.FieldError{{Field: "region", Code: "required", Reason: "必填"}}, ferrs...)
		}
		for _, fe := range ferrs {
			fe.Row = line
			if fe.Field == "region" {
				fe.Column = ColRegion
			}
			errs = append(errs, fe)
		}
		rows = append(rows, zhili.LedgerRow{Line: line, RegionCode: region, Data: data})
	}
	if len(errs) > 0 {
		return nil, zhili.Invalid(fmt.Sprintf("%d 处数据有误，未导入任何记录。", len(errs)), errs...)
	}
	if len(rows) == 0 {
		return nil, zhili.Invalid("文件没有数据行。", zhili.FieldError{Row: 2, Field: "file", Code: "empty", Reason: "表头下没有数据"})
	}
	return rows, nil
}

// header maps each column to a field id, "region", or "" (ignored export-only
// columns). Ids and Chinese labels both match, with or without the unit.
func header(s *zhili.LedgerSchema, head []string) ([]string, []zhili.FieldError) {
	byName := map[string]string{"region": "region", "region_code": "region", ColRegion: "region",
		"行政区划": "region", "区划代码": "region", ColRegionName: "", "region_name": "", ColID: "", "id": ""}
	for _, f := range s.Fields {
		byName[f.ID], byName[f.Label] = f.ID, f.ID
		if f.Unit != "" {
			byName[f.Label+"（"+f.Unit+"）"], byName[f.Label+"("+f.Unit+")"] = f.ID, f.ID
		}
	}
	var errs []zhili.FieldError
	cols := make([]string, len(head))
	seen := map[string]bool{}
	for j, h := range head {
		h = strings.TrimPrefix(strings.TrimSpace(h), "*")
		if h == "" {
			continue
		}
		id, ok := byName[h]
		if !ok {
			errs = append(errs, zhili.FieldError{Row: 1, Column: h, Field: h, Code: "unknown_column", Reason: "本台账没有这一列"})
			continue
		}
		if id != "" && seen[id] {
			errs = append(errs, zhili.FieldError{Row: 1, Column: h, Field: id, Code: "duplicate_column", Reason: "重复的列"})
		}
		seen[id], cols[j] = true, id
	}
	if !seen["region"] {
		errs = append(errs, zhili.FieldError{Row: 1, Column: ColRegion, Field: "region", Code: "missing_column", Reason: "缺少必填列"})
	}
	for _, f := range s.Fields {
		if f.Required && !seen[f.ID] {
			errs = append(errs, zhili.FieldError{Row: 1, Column: f.Label, Field: f.ID, Code: "missing_column", Reason: "缺少必填列"})
		}
	}
	return cols, errs
}
