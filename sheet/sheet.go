// Package sheet reads the spreadsheets people import — .xlsx (the first sheet) or
// .csv in UTF-8 (with or without a BOM) or GB18030, as Excel on a Chinese Windows
// saves it — into a grid of text cells. Ledgers and department reports both read
// their files through it; what the cells mean is theirs.
package sheet

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/zhili-project/zhili"
)

// maxBytes bounds what is read of one file, so a wrong file cannot exhaust memory.
const maxBytes = 256 << 20

// Read returns the rows of the file, at most maxRows of them (an EINVALID error
// with code too_large beyond). The format follows the name's extension, .xlsx or
// .csv; for any other name the content decides (a zip archive is a workbook).
func Read(filename string, r io.Reader, maxRows int) ([][]string, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxBytes))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", filename, err)
	}
	ext := strings.ToLower(filepath.Ext(filename))
	if ext == ".xlsx" || (ext != ".csv" && bytes.HasPrefix(b, []byte("PK\x03\x04"))) {
		return readXLSX(b, maxRows)
	}
	return readCSV(b, maxRows)
}

// Blank reports whether a row has no text in any cell.
func Blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func readCSV(b []byte, maxRows int) ([][]string, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(b) {
		d, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
		if err != nil || bytes.ContainsRune(d, utf8.RuneError) {
			return nil, zhili.Invalid("文件不是 UTF-8 或 GB18030 编码的文本。", zhili.FieldError{Field: "file", Code: "encoding", Reason: "无法识别的编码"})
		}
		b = d
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	var grid [][]string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := len(grid) + 1
			if pe, ok := err.(*csv.ParseError); ok {
				line = pe.Line
			}
			return nil, zhili.Invalid("CSV 格式有误。", zhili.FieldError{Row: line, Field: "file", Code: "malformed", Reason: err.Error()})
		}
		if grid = append(grid, rec); len(grid) > maxRows {
			return nil, tooMany(maxRows)
		}
	}
	return grid, nil
}

func readXLSX(b []byte, maxRows int) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, zhili.Invalid("无法读取 Excel 文件。", zhili.FieldError{Field: "file", Code: "malformed", Reason: "不是有效的 .xlsx 文件"})
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, zhili.Invalid("Excel 文件没有工作表。", zhili.FieldError{Field: "file", Code: "empty", Reason: "没有工作表"})
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, fmt.Errorf("read xlsx rows: %w", err)
	}
	defer rows.Close()
	var grid [][]string
	for rows.Next() {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fmt.Errorf("read xlsx row %d: %w", len(grid)+1, err)
		}
		if grid = append(grid, cells); len(grid) > maxRows {
			return nil, tooMany(maxRows)
		}
	}
	return grid, rows.Error()
}

func tooMany(maxRows int) error {
	return zhili.Invalid(fmt.Sprintf("一次最多导入 %d 行。", maxRows), zhili.FieldError{Field: "file", Code: "too_large", Reason: "行数过多"})
}
