package sqlstore_test

import (
	"bytes"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// Minimal files of each kind, as http.DetectContentType recognises them.
var (
	attPNG  = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{7}, 64)...)
	attJPEG = append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), bytes.Repeat([]byte{1}, 64)...)
	attWEBP = append([]byte("RIFF\x24\x00\x00\x00WEBPVP8 "), bytes.Repeat([]byte{2}, 64)...)
	attPDF  = []byte("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n")
	attHTML = []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")
)

// attCase reports a hazard in grid A as the grid member; village A's office holds
// it and township A's supervises it.
func attCase(t *testing.T, db *sqlstore.DB, f *storetest.Fixture) int64 {
	t.Helper()
	c := &zhili.Case{Kind: zhili.KindHazard, Category: "fire", Title: "楼道堆放杂物", RegionID: f.GridA.ID}
	if err := sqlstore.NewCaseService(db).ReportCase(f.Ctx(t, db, "gridA"), c, nil); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// TestAttachments: who may add files, what comes back, and the audit entry.
func TestAttachments(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		cases := sqlstore.NewCaseService(db)
		id := attCase(t, db, f)
		before := confAuditCount(t, db)
		att, err := cases.AddAttachment(f.Ctx(t, db, "gridA"), id, `C:\Users\张三\现场照片.PNG`, "image/png", attPNG)
		if err != nil {
			t.Fatal(err)
		}
		if att.ID == 0 || att.Name != "现场照片.png" || att.ContentType != "image/png" || att.Size != int64(len(attPNG)) || len(att.SHA256) != 64 {
			t.Fatalf("added: %+v", att)
		}
		if got := confAuditCount(t, db); got != before+1 {
			t.Fatalf("audit entries %d → %d, want one more", before, got)
		}
		// Those working on the case may add; the others in scope may only read.
		for who, want := range map[string]string{"villageA": "", "townA": "", "center": "", "leader": zhili.EFORBIDDEN,
			"mediator": zhili.EFORBIDDEN, "department": zhili.EFORBIDDEN, "supervisor": zhili.EFORBIDDEN, "auditor": zhili.EFORBIDDEN,
			"sysadmin": zhili.EFORBIDDEN, "townB": zhili.ENOTFOUND} {
			_, err := cases.AddAttachment(f.Ctx(t, db, who), id, "scan.pdf", "application/pdf", attPDF)
			if zhili.ErrorCode(err) != want {
				t.Errorf("%s adds: %v, want %q", who, err, want)
			}
		}
		list, err := cases.Attachments(f.Ctx(t, db, "leader"), id)
		if err != nil || len(list) != 4 || list[0].ID != att.ID || list[0].Data != nil || list[0].UploaderName != "gridA" {
			t.Fatalf("list: %v %+v", err, list)
		}
		got, err := cases.Attachment(f.Ctx(t, db, "supervisor"), id, att.ID)
		if err != nil || !bytes.Equal(got.Data, attPNG) || got.ContentType != "image/png" {
			t.Fatalf("read back: %v %+v", err, got)
		}
		// Outside the scope, the case and its files do not exist.
		_, err = cases.Attachments(f.Ctx(t, db, "townB"), id)
		confCode(t, err, zhili.ENOTFOUND)
		_, err = cases.Attachment(f.Ctx(t, db, "townB"), id, att.ID)
		confCode(t, err, zhili.ENOTFOUND)
		_, err = cases.Attachment(f.Ctx(t, db, "auditor"), id, att.ID)
		confCode(t, err, zhili.EFORBIDDEN)
		// A file of another case is not this case's.
		other := attCase(t, db, f)
		_, err = cases.Attachment(f.Ctx(t, db, "leader"), other, att.ID)
		confCode(t, err, zhili.ENOTFOUND)
		// A finished case takes no more files.
		if _, err := cases.Act(f.Ctx(t, db, "villageA"), other, zhili.CaseAct{Action: zhili.DoReject, Note: "重复"}); err != nil {
			t.Fatal(err)
		}
		_, err = cases.AddAttachment(f.Ctx(t, db, "villageA"), other, "a.png", "image/png", attPNG)
		confCode(t, err, zhili.ECONFLICT)
	})
}

// TestAttachmentFiles: only the allowed types, as sniffed, agreeing with the
// declared type, at most 10 MiB, with a safe name.
func TestAttachmentFiles(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		cases := sqlstore.NewCaseService(db)
		id := attCase(t, db, f)
		ctx := f.Ctx(t, db, "villageA")
		big := append(append([]byte{}, attPNG...), make([]byte, zhili.MaxAttachmentSize)...)
		for _, c := range []struct {
			name, declared string
			data           []byte
			field, want    string // the field named on refusal, or the stored name
		}{
			{"现场.jpeg", "image/jpeg", attJPEG, "", "现场.jpg"},
			{"photo", "", attWEBP, "", "photo.webp"},
			{"协议书.pdf", "application/octet-stream", attPDF, "", "协议书.pdf"},
			{"../../etc/passwd", "image/jpg", attJPEG, "", "passwd.jpg"},
			{"evil\".html", "image/png", attPNG, "", "evil.html.png"},
			{"a\u202egnp.exe", "IMAGE/PNG; charset=binary", attPNG, "", "agnp.exe.png"},
			{"", "image/png", attPNG, "", "附件.png"},
			{"empty.png", "image/png", nil, "file", ""},
			{"page.html", "text/html", attHTML, "file", ""},
			{"page.png", "image/png", attHTML, "file", ""},
			{"scan.png", "image/png", attPDF, "content_type", ""},
			{"big.png", "image/png", big, "file", ""},
		} {
			att, err := cases.AddAttachment(ctx, id, c.name, c.declared, c.data)
			if c.field != "" {
				confCode(t, err, zhili.EINVALID)
				confField(t, err, c.field)
				continue
			}
			if err != nil || att.Name != c.want {
				t.Errorf("%q: %v, name %q, want %q", c.name, err, att.Name, c.want)
			}
		}
		list, err := cases.Attachments(ctx, id)
		if err != nil || len(list) != 7 {
			t.Fatalf("%d stored (%v), want the 7 good ones", len(list), err)
		}
	})
}

// TestAttachmentLimit: a case holds at most MaxAttachments files.
func TestAttachmentLimit(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, "sqlite")
	f := storetest.NewFixture(t, db)
	cases := sqlstore.NewCaseService(db)
	id := attCase(t, db, f)
	ctx := f.Ctx(t, db, "villageA")
	for i := range zhili.MaxAttachments {
		if _, err := cases.AddAttachment(ctx, id, "p.png", "image/png", attPNG); err != nil {
			t.Fatalf("file %d: %v", i, err)
		}
	}
	_, err := cases.AddAttachment(ctx, id, "p.png", "image/png", attPNG)
	confCode(t, err, zhili.ECONFLICT)
}
