package report_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/zhili-project/zhili/report"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// office finds LibreOffice, or skips the test unless ZHILI_REQUIRE_BROWSER says
// the machine must have it (scripts/ensure-libreoffice installs it).
func office(t *testing.T) string {
	for _, name := range []string{"libreoffice", "soffice"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("ZHILI_REQUIRE_BROWSER") != "" {
		t.Fatal("libreoffice is not installed and ZHILI_REQUIRE_BROWSER is set: run scripts/ensure-libreoffice")
	}
	t.Skip("libreoffice is not installed (scripts/ensure-libreoffice installs it)")
	return ""
}

// TestDocxOpensInLibreOffice renders the exchange material as .docx, has
// LibreOffice convert it to text, and reads the seed's words and the numbers back.
func TestDocxOpensInLibreOffice(t *testing.T) {
	lo := office(t)
	db := storetest.Open(t, "sqlite")
	f := storetest.NewFixture(t, db)
	exchangeData(t, db, f)
	r := renderer(db, report.Chain{caseFigures(db), fixedFigures()})
	r.Strict = true
	d, err := r.Render(f.Ctx(t, db, "leader"), "exchange_material", report.Params{Region: f.County.Code, From: "2026-01-01", To: "2026-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	text := officeText(t, lo, d)
	if strings.Contains(text, "*") {
		t.Errorf("a * is left in the document:\n%s", text)
	}
	for _, want := range []string{
		"青山县加强社会治理交流材料", "一、高位推动，构筑社会治理“新格局”。", "二、融合施治", "三、立体管控", "四、靶向发力",
		"强化组织保障。坚持顶层设计", "排查各类矛盾纠纷3件，化解2件，化解率66.6％", "为12名劳动者追讨工资350多万元",
		"清收金融机构不良贷款1.2亿元", "驻村干部“1＋N”帮带机制", "努力营造“放心投资、安心经营、专心发展”的法治化营商环境。",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("LibreOffice's text lacks %q", want)
		}
	}
	inOrder(t, text, d)
}

// officeText writes d as .docx, has LibreOffice (at lo) convert it to PDF, which
// must not be empty, and to text, and returns the text.
func officeText(t *testing.T, lo string, d *report.Document) string {
	t.Helper()
	dir := t.TempDir()
	docx := filepath.Join(dir, "report.docx")
	var buf bytes.Buffer
	if err := report.WriteDocx(&buf, d); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(docx, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for _, to := range []string{"txt:Text (encoded):UTF8", "pdf"} {
		cmd := exec.CommandContext(ctx, lo, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless",
			"--convert-to", to, "--outdir", dir, docx)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("libreoffice --convert-to %s: %v\n%s", to, err, out)
		}
	}
	if st, err := os.Stat(filepath.Join(dir, "report.pdf")); err != nil || st.Size() == 0 {
		t.Fatalf("no PDF: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "report.txt"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(string(b), "\ufeff")
}

// inOrder checks that every paragraph of d, and every cell of its tables, reads
// back whole from text, in order.
func inOrder(t *testing.T, text string, d *report.Document) {
	t.Helper()
	last := 0
	for _, line := range strings.Split(strings.TrimSpace(d.Text()), "\n") {
		for _, cell := range strings.Split(line, "\t") {
			i := strings.Index(text[last:], cell)
			if i < 0 {
				t.Fatalf("paragraph or cell not found in order: %.60s…", cell)
			}
			last += i + len(cell)
		}
	}
}

// TestDocxConventions checks the official-document layout in the package's XML:
// A4 with GB/T 9704 margins, the title and body fonts with their fallbacks, the
// 三号 body and 二号 title sizes, headings numbered 一、.
func TestDocxConventions(t *testing.T) {
	d := &report.Document{Title: "标题", Region: report.RegionRef{Name: "青山县"}, From: "2026-01-01", To: "2026-12-31",
		Blocks: []report.Block{{Kind: "heading", Level: 1, Number: "一、", Runs: []report.Run{{Text: "总体情况"}}},
			{Kind: "paragraph", Runs: []report.Run{{Text: "正文<&>"}}}, {Kind: "table"}},
		Tables: []*report.Table{{Title: "表", Columns: []string{"甲", "乙"}}}}
	var buf bytes.Buffer
	if err := report.WriteDocx(&buf, d); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]string{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		parts[f.Name] = string(b)
	}
	for part, wants := range map[string][]string{
		"word/document.xml":   {`<w:pgSz w:w="11906" w:h="16838"/>`, `w:top="2098"`, `w:left="1587"`, "一、", "正文&lt;&amp;&gt;", `<w:pStyle w:val="Heading1"/>`, "<w:tbl>", "无"},
		"word/styles.xml":     {`w:eastAsia="方正小标宋简体"`, `w:eastAsia="仿宋"`, `w:eastAsia="黑体"`, `<w:sz w:val="44"/>`, `<w:sz w:val="32"/>`, `w:firstLineChars="200"`},
		"word/fontTable.xml":  {`<w:font w:name="方正小标宋简体"><w:altName w:val="SimSun"/>`, `<w:altName w:val="FangSong"/>`},
		"[Content_Types].xml": {"wordprocessingml.document.main+xml"},
	} {
		for _, w := range wants {
			if !strings.Contains(parts[part], w) {
				t.Errorf("%s lacks %s", part, w)
			}
		}
	}
}

// TestXLSXOneSheetPerTable writes the monthly bulletin and reads the workbook back.
func TestXLSXOneSheetPerTable(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	f := storetest.NewFixture(t, db)
	rhythmData(t, db, f)
	d, err := renderer(db, caseFigures(db)).Render(f.Ctx(t, db, "center"), "monthly_bulletin", report.Params{Region: f.County.Code, From: "2026-03-01", To: "2026-03-31"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := report.Encode(d, "xlsx")
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheets := x.GetSheetList()
	if len(sheets) != len(d.Tables)+1 || sheets[len(sheets)-1] != "指标" {
		t.Fatalf("sheets %q for %d tables", sheets, len(d.Tables))
	}
	for i, tab := range d.Tables {
		got, err := x.GetRows(sheets[i])
		if err != nil || len(got) != len(tab.Rows)+1 || strings.Join(got[0], ",") != strings.Join(tab.Columns, ",") {
			t.Errorf("sheet %s: %v %q", sheets[i], err, got)
		}
	}
	figs, _ := x.GetRows("指标")
	if len(figs) != len(d.Figures)+1 || figs[1][1] != "dispute.total" || figs[1][9] == "" {
		t.Errorf("figures sheet %q", figs)
	}
	if _, err := report.Encode(d, "pdf"); err == nil {
		t.Error("pdf accepted as a format")
	}
}
