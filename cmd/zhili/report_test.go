package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// TestReportCommand renders the monthly bulletin of the fixture county from the
// command line as JSON and as .docx, archives it, and refuses bad input.
func TestReportCommand(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, "sqlite")
	f := storetest.NewFixture(t, db)
	dsn := db.DSN
	if out := mustRun(t, dsn, "report"); !strings.Contains(out, "exchange_material") || !strings.Contains(out, "月通报") {
		t.Errorf("template list: %s", out)
	}
	out := mustRun(t, dsn, "report", "monthly_bulletin", "--region", f.County.Code, "--from", "2026-03-01", "--to", "2026-03-31", "--format", "json")
	var d struct {
		Title   string `json:"title"`
		Figures []struct {
			ID    string   `json:"id"`
			Value *float64 `json:"value"`
		} `json:"figures"`
		Tables []struct {
			Name string `json:"name"`
		} `json:"tables"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil || d.Title != "青山县2026年3月社会治理工作督查通报" || len(d.Figures) == 0 || len(d.Tables) != 6 { // six with tasks.period
		t.Fatalf("json: %v %+v", err, d)
	}
	for _, fig := range d.Figures {
		if fig.Value == nil || *fig.Value != 0 {
			t.Errorf("figure %s of an empty county: %v", fig.ID, fig.Value)
		}
	}
	file := filepath.Join(t.TempDir(), "bulletin.docx")
	mustRun(t, dsn, "report", "monthly_bulletin", "--region", f.County.Code, "--from", "2026-03-01", "--to", "2026-03-31",
		"--format", "docx", "--out", file, "--archive")
	b, err := os.ReadFile(file)
	if err != nil || !strings.HasPrefix(string(b), "PK") {
		t.Fatalf("docx: %v", err)
	}
	_, err = run(t, dsn, "report", "monthly_bulletin", "--region", f.County.Code, "--from", "2026-03-01", "--to", "2026-03-31", "--format", "pdf")
	if zhili.ErrorCode(err) != zhili.EINVALID {
		t.Errorf("pdf: %v", err)
	}
	_, err = run(t, dsn, "report", "quarterly_nonsense", "--region", f.County.Code, "--from", "2026-03-01", "--to", "2026-03-31")
	if zhili.ErrorCode(err) != zhili.ENOTFOUND {
		t.Errorf("unknown template: %v", err)
	}
	_, err = run(t, dsn, "report", "exchange_material", "--region", f.County.Code, "--from", "2026-01-01", "--to", "2026-12-31", "--strict")
	if err == nil {
		t.Error("strict render without the city's name passed")
	}
	if out := mustRun(t, dsn, "report", "exchange_material", "--region", f.County.Code, "--from", "2026-01-01", "--to", "2026-12-31",
		"--format", "html", "--set", "city_name=河洛市", "--set", "pairing_mechanism=1＋N"); !strings.Contains(out, "抢抓河洛市列入") || !strings.Contains(out, "“1＋N”帮带机制") {
		t.Errorf("html: %.400s", out)
	}
}
