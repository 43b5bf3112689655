package ledger_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/ledger"
)

func schema(t *testing.T, name string) *zhili.LedgerSchema {
	t.Helper()
	s, err := ledger.Default().Schema(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func readPath(t *testing.T, s *zhili.LedgerSchema, path string) ([]zhili.LedgerRow, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return ledger.ReadFile(s, path, f)
}

// A GB18030 CSV file with Chinese headers (one with its unit) reads as UTF-8.
func TestReadGB18030CSV(t *testing.T) {
	t.Parallel()
	text := "行政区划代码,培训日期,培训名称,培训对象,培训方式,业务骨干培训,培训人数（人）\r\n" +
		"419901000000,2024-03-05,行政执法线上培训,行政执法人员,线上,否,1200\r\n" +
		"419901000000,2024-04-01,综合行政执法业务骨干培训,行政执法人员,线下,是,86\r\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(gb, "培训") {
		t.Fatal("encoding did not change the bytes")
	}
	path := filepath.Join(t.TempDir(), "trainings.csv")
	if err := os.WriteFile(path, []byte(gb), 0o600); err != nil {
		t.Fatal(err)
	}
	rows, err := readPath(t, schema(t, "trainings"), path)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Line != 2 || rows[1].RegionCode != "419901000000" {
		t.Fatalf("rows: %+v", rows)
	}
	if rows[0].Data["title"] != "行政执法线上培训" || rows[0].Data["mode"] != "online" || rows[1].Data["backbone"] != true || rows[1].Data["trainees"] != int64(86) {
		t.Errorf("decoded data: %+v / %+v", rows[0].Data, rows[1].Data)
	}
}

// One bad cell anywhere returns no rows and names every bad row and column.
func TestReadReportsEveryBadCell(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("\ufeffregion,date,kind,title,participants\n")
	for i := 0; i < 200; i++ {
		switch i {
		case 49:
			b.WriteString("419901100201,2024-13-01,event,普法,10\n")
		case 149:
			b.WriteString(",2024-01-01,讲课,普法,-1\n")
		default:
			b.WriteString("419901100201,2024-01-01,lecture,普法,10\n")
		}
	}
	rows, err := ledger.ReadFile(schema(t, "legal_publicity"), "x.csv", strings.NewReader(b.String()))
	if rows != nil || zhili.ErrorCode(err) != zhili.EINVALID {
		t.Fatalf("rows %d, err %v", len(rows), err)
	}
	type at struct {
		row   int
		field string
	}
	got := map[at]bool{}
	for _, fe := range zhili.ErrorFields(err) {
		got[at{fe.Row, fe.Field}] = true
	}
	for _, w := range []at{{51, "date"}, {151, "region"}, {151, "kind"}, {151, "participants"}} {
		if !got[w] {
			t.Errorf("missing error at row %d field %s; got %v", w.row, w.field, err)
		}
	}
	if len(got) != 4 {
		t.Errorf("got %d errors, want 4: %v", len(got), err)
	}
}

func TestReadRefusesBadHeaders(t *testing.T) {
	t.Parallel()
	_, err := ledger.ReadFile(schema(t, "legal_publicity"), "x.csv", strings.NewReader("日期,形式,颜色\n2024-01-01,event,红\n"))
	codes := map[string]string{}
	for _, fe := range zhili.ErrorFields(err) {
		codes[fe.Column] = fe.Code
	}
	if codes["颜色"] != "unknown_column" || codes["行政区划代码"] != "missing_column" || codes["主题"] != "missing_column" {
		t.Errorf("header errors: %v", err)
	}
	if _, err := ledger.ReadFile(schema(t, "legal_publicity"), "x.txt", strings.NewReader("")); zhili.ErrorCode(err) != zhili.EINVALID {
		t.Errorf(".txt accepted: %v", err)
	}
}

// A real .xlsx written by excelize, with a numeric amount and a date cell.
func TestReadXLSX(t *testing.T) {
	t.Parallel()
	f := excelize.NewFile()
	rows := [][]any{
		{"行政区划代码", "发放日期", "救助对象", "救助类别", "发放金额（元）"},
		{"419901100201", "2024-03-05", "王五", "临时救助", 1500.5},
		{"419901100201", "2024/3/6", 17, "最低生活保障", 300},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	f.SetCellValue("Sheet1", "B4", 45358) // an Excel date cell: 2024-03-07
	f.SetCellStyle("Sheet1", "B4", "B4", date)
	f.SetSheetRow("Sheet1", "A4", &[]any{"419901100201"})
	f.SetSheetRow("Sheet1", "C4", &[]any{"赵六", "医疗救助", "12.34"})
	path := filepath.Join(t.TempDir(), "payouts.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	got, err := readPath(t, schema(t, "assistance_payouts"), path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("rows: %+v", got)
	}
	if got[0].Data["amount"] != int64(150050) || got[1].Data["recipient"] != int64(17) || got[1].Data["date"] != "2024-03-06" {
		t.Errorf("rows 2-3: %+v %+v", got[0].Data, got[1].Data)
	}
	if got[2].Data["date"] != "2024-03-07" || got[2].Data["amount"] != int64(1234) {
		t.Errorf("row 4: %+v", got[2].Data)
	}
}

// The template's header reads back, and an export reads back as the same data.
func TestTemplateAndExportRoundTrip(t *testing.T) {
	t.Parallel()
	s := schema(t, "housing_registration")
	var tpl bytes.Buffer
	if err := ledger.WriteTemplate(&tpl, s); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&tpl)
	if err != nil {
		t.Fatal(err)
	}
	head, _ := x.GetRows("台账")
	if len(head) != 1 || head[0][0] != "行政区划代码" || head[0][3] != "房屋套数（套）" {
		t.Fatalf("template header: %v", head)
	}
	dvs, _ := x.GetDataValidations("台账")
	if len(dvs) != 3 { // difficult, cause, first_registration_done: two booleans and an enum
		t.Errorf("template has %d drop-down lists, want 3", len(dvs))
	}
	rec := &zhili.LedgerRecord{ID: 7, RegionCode: "419901100001", RegionName: "青山社区", Data: map[string]any{
		"date": "2024-05-01", "project": "幸福小区", "units": int64(120), "difficult": true, "cause": "tax_arrears", "first_registration_done": false,
	}}
	for _, format := range []string{"xlsx", "csv"} {
		var out bytes.Buffer
		e, err := ledger.NewExporter(&out, s, format)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Write(rec); err != nil {
			t.Fatal(err)
		}
		if err := e.Close(); err != nil {
			t.Fatal(err)
		}
		rows, err := ledger.ReadFile(s, "export."+format, &out)
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if len(rows) != 1 || rows[0].RegionCode != "419901100001" || rows[0].Data["units"] != int64(120) ||
			rows[0].Data["cause"] != "tax_arrears" || rows[0].Data["difficult"] != true || rows[0].Data["first_registration_done"] != false {
			t.Errorf("%s round trip: %+v", format, rows)
		}
	}
	_, err = ledger.NewExporter(&bytes.Buffer{}, s, "pdf")
	if zhili.ErrorCode(err) != zhili.EINVALID {
		t.Errorf("pdf export: %v", err)
	}
}
