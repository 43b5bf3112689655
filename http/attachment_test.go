package http

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"sync"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// pngFile is the start of a PNG, enough for http.DetectContentType.
var pngFile = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{7}, 64)...)

// attachmentsB holds, per test environment, a case in township B with one file:
// the records the access rows of the attachment routes call.
var attachmentsB sync.Map

type attachmentIDs struct{ caseID, attID int64 }

// attachmentB returns township B's case and file, entering them on first use.
func (e *testEnv) attachmentB() attachmentIDs {
	if v, ok := attachmentsB.Load(e); ok {
		return v.(attachmentIDs)
	}
	cases := sqlstore.NewCaseService(e.db)
	c := &zhili.Case{Kind: zhili.KindHazard, Category: "fire", Title: "河东村楼道堆放杂物", RegionID: e.f.GridB.ID}
	if err := cases.ReportCase(storetest.System(), c, nil); err != nil {
		panic(err)
	}
	att, err := cases.AddAttachment(storetest.System(), c.ID, "河东村现场.png", "image/png", pngFile)
	if err != nil {
		panic(err)
	}
	ids := attachmentIDs{c.ID, att.ID}
	attachmentsB.Store(e, ids)
	return ids
}

// upload posts one file as the multipart field "file" with the session of token.
func (e *testEnv) upload(t *testing.T, token string, caseID int64, name, contentType string, data []byte) (int, []byte) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("note", "现场照片")
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
	h.Set("Content-Type", contentType)
	part, _ := mw.CreatePart(h)
	part.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/cases/%d/attachments", e.srv.URL, caseID), &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// TestAttachmentAPI uploads a photo as the grid member who reported the case,
// lists it and downloads it with the headers that keep browsers from sniffing it.
func TestAttachmentAPI(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			c := &zhili.Case{Kind: zhili.KindHazard, Category: "fire", Title: "楼道堆放杂物", RegionID: e.f.GridA.ID}
			mustCreate(t, sqlstore.NewCaseService(e.db).ReportCase(e.f.Ctx(t, e.db, "gridA"), c, nil))
			grid, leader := e.login(t, "gridA"), e.login(t, "leader")
			status, body := e.upload(t, grid, c.ID, "现场 照片.png", "image/png", pngFile)
			if status != http.StatusCreated || !contains(body, `"name":"现场 照片.png"`, `"content_type":"image/png"`) {
				t.Fatalf("upload: %d %s", status, body)
			}
			var att zhili.Attachment
			json.Unmarshal(body, &att)
			status, body = e.do(t, leader, "GET", fmt.Sprintf("/api/v1/cases/%d/attachments", c.ID), nil)
			if status != http.StatusOK || !contains(body, `"items":[{`, `"uploader_name":"gridA"`) {
				t.Fatalf("list: %d %s", status, body)
			}
			req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/cases/%d/attachments/%d", e.srv.URL, c.ID, att.ID), nil)
			req.Header.Set("Authorization", "Bearer "+leader)
			resp, err := e.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			h := resp.Header
			if resp.StatusCode != 200 || !bytes.Equal(data, pngFile) || h.Get("Content-Type") != "image/png" ||
				h.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment; filename*=utf-8''") {
				t.Fatalf("download: %d %v", resp.StatusCode, h)
			}
			// Bad files are refused naming the field, and nothing is stored.
			for _, bad := range []struct {
				name, ctype string
				data        []byte
				field       string
			}{
				{"page.png", "image/png", []byte("<html><script>alert(1)</script></html>"), "file"},
				{"photo.txt", "text/plain", pngFile, "content_type"},
				{"empty.png", "image/png", nil, "file"},
				{"huge.png", "image/png", append(append([]byte{}, pngFile...), make([]byte, maxUpload)...), "file"},
			} {
				status, body := e.upload(t, grid, c.ID, bad.name, bad.ctype, bad.data)
				if status != http.StatusBadRequest || !contains(body, `"field":"`+bad.field+`"`) {
					t.Errorf("%s: %d %s", bad.name, status, body)
				}
			}
			if status, body := e.do(t, grid, "POST", fmt.Sprintf("/api/v1/cases/%d/attachments", c.ID), map[string]string{"file": "x"}); status != http.StatusBadRequest ||
				!contains(body, `"field":"file"`) {
				t.Errorf("JSON instead of multipart: %d %s", status, body)
			}
			list, _ := sqlstore.NewCaseService(e.db).Attachments(storetest.System(), c.ID)
			if len(list) != 1 {
				t.Errorf("%d files stored, want the one good upload", len(list))
			}
		})
	}
}
