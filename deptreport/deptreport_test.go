package deptreport

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/zhili-project/zhili"
)

func TestMetricsFile(t *testing.T) {
	ms, err := Metrics()
	if err != nil {
		t.Fatal(err)
	}
	// Every department figure of FIGURES.md has its metric.
	for _, id := range []string{"crime.solved", "crime.fraud_solved", "crime.cross_province_solved", "crime.suspects_arrested",
		"enforcement.closed", "enforcement.amount", "credit.dishonest_debtors", "finance.npl_recovered", "credit.disclosures"} {
		if Lookup(ms, id) == nil {
			t.Errorf("metric %s is not declared", id)
		}
	}
	if m := Lookup(ms, "执行到位金额"); m == nil || !m.Money() || !m.SubmittedBy("court") || m.SubmittedBy("police") {
		t.Errorf("enforcement.amount by label = %+v", m)
	}
	for _, bad := range []string{`[{"id":"a","label":"甲","unit":"斤","departments":["x"],"period":"month"}]`,
		`[{"id":"a","label":"甲","unit":"件","departments":[],"period":"month"}]`,
		`[{"id":"a","label":"甲","unit":"件","departments":["x"],"period":"week"}]`,
		`[{"id":"a","label":"甲","unit":"件","departments":["x"],"period":"month"},{"id":"a","label":"乙","unit":"件","departments":["x"],"period":"month"}]`} {
		if _, err := parseMetrics([]byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

func TestParseDateAndValue(t *testing.T) {
	for in, want := range map[string]string{"2026-03-01": "2026-03-01", "2026/3/1": "2026-03-01", "2026.3.31": "2026-03-31",
		"2026年3月1日": "2026-03-01", "20260301": "2026-03-01", "46082": "2026-03-01"} {
		if got, err := ParseDate(in); err != nil || got != want {
			t.Errorf("ParseDate(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "2026-02-30", "3/1/2026", "next month"} {
		if _, err := ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) accepted", in)
		}
	}
	for _, c := range []struct {
		in   string
		yuan bool
		want int64
	}{{"12", false, 12}, {"1,234", false, 1234}, {"12.0", false, 12}, {"12,345.67", true, 1234567}, {"0.5", true, 50}, {"7", true, 700}} {
		if got, err := ParseValue(c.in, c.yuan); err != nil || got != c.want {
			t.Errorf("ParseValue(%q, %v) = %d, %v; want %d", c.in, c.yuan, got, err, c.want)
		}
	}
	for _, in := range []string{"12.5", "十二", "1.2.3", ""} {
		if _, err := ParseValue(in, false); err == nil {
			t.Errorf("ParseValue(%q) accepted", in)
		}
	}
	if _, err := ParseValue("1.234", true); err == nil {
		t.Error("three decimals of yuan accepted")
	}
	if why := CheckPeriod("month", "2026-02-01", "2026-02-28"); why != "" {
		t.Error(why)
	}
	if CheckPeriod("month", "2026-02-01", "2026-03-31") == "" || CheckPeriod("month", "2026-02-02", "2026-02-28") == "" {
		t.Error("a period that is not one month accepted")
	}
}

const goodCSV = "指标,区划代码,开始日期,结束日期,金额（元）,备注\n" +
	"执行到位金额,419901100000,2026-01-01,2026-01-31,\"12,345.67\",一月\n" +
	"enforcement.closed,419901100,2026/1/1,2026/1/31,37,\n" +
	",,,,,\n" +
	"crime.solved,419901001000,2026-02-01,2026-02-28,5,\n"

func TestParseCSV(t *testing.T) {
	ms := MustMetrics()
	gbk, _ := simplifiedchinese.GB18030.NewEncoder().String(goodCSV)
	for name, data := range map[string]string{"utf8.csv": goodCSV, "bom.csv": "\uFEFF" + goodCSV, "gbk.csv": gbk} {
		figs, err := Parse(name, strings.NewReader(data), ms)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := []zhili.DepartmentFigure{
			{Row: 2, Metric: "enforcement.amount", RegionCode: "419901100000", PeriodStart: "2026-01-01", PeriodEnd: "2026-01-31", Value: 1234567, Note: "一月"},
			{Row: 3, Metric: "enforcement.closed", RegionCode: "419901100000", PeriodStart: "2026-01-01", PeriodEnd: "2026-01-31", Value: 37},
			{Row: 5, Metric: "crime.solved", RegionCode: "419901001000", PeriodStart: "2026-02-01", PeriodEnd: "2026-02-28", Value: 5},
		}
		if fmt.Sprint(figs) != fmt.Sprint(want) {
			t.Errorf("%s:\n got %v\nwant %v", name, figs, want)
		}
	}
}

func TestParseNamesEveryBadCell(t *testing.T) {
	var b strings.Builder
	b.WriteString("metric,region_code,period_start,period_end,value\n")
	for i := range 10000 {
		switch i {
		case 4998: // file row 5000
			b.WriteString("crime.solved,419901001000,2026-02-01,2026-02-31,3\n")
		case 7000:
			b.WriteString("crime.bogus,41990,2026-02-01,2026-02-28,-1\n")
		default:
			fmt.Fprintf(&b, "crime.solved,419901001000,2026-02-01,2026-02-28,%d\n", i)
		}
	}
	_, err := Parse("big.csv", strings.NewReader(b.String()), MustMetrics())
	got := map[string]bool{}
	for _, f := range zhili.ErrorFields(err) {
		got[fmt.Sprintf("%d/%s/%s", f.Row, f.Column, f.Code)] = true
	}
	for _, want := range []string{"5000/period_end/malformed", "7002/metric/unknown_metric", "7002/region_code/malformed", "7002/value/negative"} {
		if !got[want] {
			t.Errorf("missing %s in %v", want, got)
		}
	}
	if len(got) != 4 {
		t.Errorf("errors = %v", got)
	}
	if _, err := Parse("h.csv", strings.NewReader("指标,数值\ncrime.solved,1\n"), MustMetrics()); len(zhili.ErrorFields(err)) != 3 {
		t.Errorf("missing columns: %v", err)
	}
}

func TestParseXLSX(t *testing.T) {
	f := excelize.NewFile()
	rows := [][]any{
		{"指标", "区划代码", "开始日期", "结束日期", "数值", "备注"},
		{"抓获犯罪嫌疑人", "419901100201", "2026-03-01", "2026-03-31", 14, "三月"},
		{"crime.solved", "419901100201", 46082, 46112, 6.0, nil}, // dates as Excel serial days
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	figs, err := Parse("march.xlsx", &buf, MustMetrics())
	if err != nil {
		t.Fatal(err)
	}
	if len(figs) != 2 || figs[0].Metric != "crime.suspects_arrested" || figs[0].Value != 14 || figs[1].PeriodStart != "2026-03-01" || figs[1].PeriodEnd != "2026-03-31" || figs[1].Value != 6 {
		t.Fatalf("figures = %+v", figs)
	}
	if _, err := Parse("broken.xlsx", strings.NewReader("PK\x03\x04 not a zip"), MustMetrics()); zhili.ErrorCode(err) != zhili.EINVALID {
		t.Fatalf("broken workbook: %v", err)
	}
}
