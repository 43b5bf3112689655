package sqlstore_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/report"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// raService is the report service on db, the case figures from the store.
func raService(db *sqlstore.DB) *report.Service {
	regions := sqlstore.NewRegionService(db)
	return &report.Service{
		Renderer: &report.Renderer{Figures: report.CaseFigures{Counts: sqlstore.NewCaseService(db), Regions: regions},
			Regions: regions, Rhythm: sqlstore.NewRhythmService(db), Clock: db.Clock, Strict: true},
		Archive: sqlstore.NewReportArchiveService(db),
	}
}

// raResolved reads dispute.resolved out of an archived JSON report.
func raResolved(t *testing.T, content []byte) float64 {
	t.Helper()
	var d struct {
		Figures []struct {
			Source string   `json:"placeholder"`
			Value  *float64 `json:"value"`
		} `json:"figures"`
	}
	if err := json.Unmarshal(content, &d); err != nil {
		t.Fatal(err)
	}
	for _, f := range d.Figures {
		if f.Source == "dispute.resolved" {
			return *f.Value
		}
	}
	t.Fatal("no dispute.resolved in the report")
	return 0
}

// TestReportArchive: an archived bulletin keeps its bytes after the data behind it
// changes; the next run is a new entry with the new figure. Rows cannot be
// updated, are bounded by scope, and each archiving is audited.
func TestReportArchive(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			a1 := rhReport(t, db, f, "gridA", f.GridA, "一号")
			a2 := rhReport(t, db, f, "gridA", f.GridA, "二号")
			rhResolve(t, db, f, a1.ID)
			svc, store := raService(db), sqlstore.NewReportArchiveService(db)
			center := f.Ctx(t, db, "center")
			p := report.Params{Region: f.County.Code, From: "2026-03-01", To: "2026-03-31"}
			first, err := svc.Generate(center, "monthly_bulletin", p, "json", true)
			if err != nil {
				t.Fatal(err)
			}
			if first.Archive == nil || first.Archive.ID == 0 || raResolved(t, first.Content) != 1 {
				t.Fatalf("first run: %+v", first.Archive)
			}
			sum := sha256.Sum256(first.Content)
			if first.Archive.SHA256 != hex.EncodeToString(sum[:]) || len(first.Archive.SM3) != 64 || first.Archive.GeneratedByName != "center" {
				t.Errorf("archive stamps: %+v", first.Archive)
			}

			rhResolve(t, db, f, a2.ID) // the data change after the report was issued
			second, err := svc.Generate(center, "monthly_bulletin", p, "json", true)
			if err != nil {
				t.Fatal(err)
			}
			if second.Archive.ID == first.Archive.ID || raResolved(t, second.Content) != 2 {
				t.Fatalf("second run: id %d, resolved %v", second.Archive.ID, raResolved(t, second.Content))
			}
			old, err := store.FindArchive(center, first.Archive.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(old.Content, first.Content) || old.SHA256 != first.Archive.SHA256 || raResolved(t, old.Content) != 1 {
				t.Fatal("the archived report changed with the data")
			}
			if old.RegionCode != f.County.Code || old.From != "2026-03-01" || old.To != "2026-03-31" || old.Title == "" {
				t.Errorf("archive fields: %+v", old)
			}

			// Rows are frozen in the database itself.
			raw := rhRaw(t, db)
			if _, err := raw.Exec(`UPDATE report_archive SET title = 'x' WHERE id = ` + strconv.FormatInt(first.Archive.ID, 10)); err == nil {
				t.Error("an archived report could be updated")
			}

			list, total, err := store.FindArchives(center, report.ArchiveFilter{Template: "monthly_bulletin"})
			if err != nil || total != 2 || len(list) != 2 || list[0].ID != second.Archive.ID || list[0].Content != nil {
				t.Fatalf("list: %v %d %+v", err, total, list)
			}
			town := f.Ctx(t, db, "townA")
			if list, total, err := store.FindArchives(town, report.ArchiveFilter{}); err != nil || total != 0 || len(list) != 0 {
				t.Errorf("township A sees the county's reports: %v %d", err, total)
			}
			_, err = store.FindArchive(town, first.Archive.ID)
			rhCode(t, "township A opens the county's report", err, zhili.ENOTFOUND)
			_, err = store.FindArchive(f.Ctx(t, db, "auditor"), first.Archive.ID)
			rhCode(t, "auditor opens a report", err, zhili.EFORBIDDEN)
			_, _, err = store.FindArchives(town, report.ArchiveFilter{Under: f.County.ID})
			rhCode(t, "township A lists under the county", err, zhili.ENOTFOUND)

			// Township A archives its own bulletin; the county sees it under A.
			own, err := svc.Generate(town, "monthly_bulletin", report.Params{Region: f.TownA.Code, From: "2026-03-01", To: "2026-03-31"}, "docx", true)
			if err != nil {
				t.Fatal(err)
			}
			if list, total, err := store.FindArchives(center, report.ArchiveFilter{Under: f.TownA.ID}); err != nil || total != 1 || list[0].ID != own.Archive.ID {
				t.Errorf("reports under township A: %v %d", err, total)
			}
			_, err = svc.Generate(town, "monthly_bulletin", p, "docx", true)
			rhCode(t, "township A archives the county's report", err, zhili.ENOTFOUND)

			err = store.ArchiveReport(center, &report.Archive{Template: "x", Title: "t", RegionID: f.County.ID, From: "2026-03-01", To: "2026-02-01", Format: "pdf"})
			rhCode(t, "bad archive", err, zhili.EINVALID)
			if n := len(zhili.ErrorFields(err)); n != 3 {
				t.Errorf("bad archive names %d fields, want format, to and content: %v", n, err)
			}

			entries, _, err := sqlstore.NewAuditService(db).FindAudit(f.Ctx(t, db, "auditor"), zhili.AuditFilter{Action: "report.archive"})
			if err != nil || len(entries) != 3 || entries[0].ObjectID != strconv.FormatInt(own.Archive.ID, 10) || entries[0].Username != "townA" {
				t.Errorf("audit: %v %d entries", err, len(entries))
			}
		})
	}
}
