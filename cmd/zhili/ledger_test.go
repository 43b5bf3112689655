package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// `zhili import ledger` reads a GB18030 CSV all or nothing; `zhili export ledger`
// writes .csv and .xlsx with a region and date filter.
func TestImportExportLedger(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			dsn := storetest.DSN(t, d)
			dir := t.TempDir()
			regions := filepath.Join(dir, "regions.csv")
			writeFile(t, regions, "code,name,parent_code\n419901000000,青山县,\n419901100000,青山镇,419901000000\n419901100201,石桥村,419901100000\n419901001000,东城街道,419901000000\n")
			mustRun(t, dsn, "import", "regions", regions)
			gb := func(text string) string {
				path := filepath.Join(dir, "videos.csv")
				b, err := simplifiedchinese.GB18030.NewEncoder().String(text)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(b), 0o600); err != nil {
					t.Fatal(err)
				}
				return path
			}
			head := "行政区划代码,接入日期,点位名称,资源级别,视频路数（路）,已联网\n"
			bad := gb(head + "419901100201,2025-03-01,村口,村级,4,是\n419901001000,2025-03-02,街口,区级,6,是\n")
			_, err := run(t, dsn, "import", "ledger", "video_resources", bad)
			if err == nil || !strings.Contains(err.Error(), "未导入") {
				t.Fatalf("bad file: %v", err)
			}
			if out := mustRun(t, dsn, "export", "ledger", "video_resources"); strings.Count(out, "\n") != 1 {
				t.Fatalf("a refused import changed the ledger:\n%s", out)
			}
			good := gb(head + "419901100201,2025-03-01,村口,村级,4,是\n419901001000,2025-12-31,街口,乡镇级,6,否\n419901001000,2026-01-01,桥头,乡镇级,8,是\n")
			if out := mustRun(t, dsn, "import", "ledger", "video_resources", good); !strings.Contains(out, "3 records") {
				t.Fatalf("import: %s", out)
			}
			csv := mustRun(t, dsn, "export", "ledger", "video_resources", "--from", "2025-01-01", "--to", "2025-12-31")
			if strings.Count(csv, "\n") != 3 || !strings.Contains(csv, "街口") || strings.Contains(csv, "桥头") {
				t.Fatalf("csv export:\n%s", csv)
			}
			xlsx := filepath.Join(dir, "out.xlsx")
			mustRun(t, dsn, "export", "ledger", "video_resources", "--out", xlsx, "--region", "419901001000")
			f, err := excelize.OpenFile(xlsx)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, _ := f.GetRows("Sheet1")
			if len(rows) != 3 || rows[1][3] != "街口" || rows[2][5] != "8" {
				t.Fatalf("xlsx export: %v", rows)
			}
			if _, err := run(t, dsn, "import", "ledger", "nope", good); err == nil {
				t.Error("unknown ledger accepted")
			}
		})
	}
}
