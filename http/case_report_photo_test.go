package http

import (
	"bytes"
	"mime/multipart"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"

	"github.com/zhili-project/zhili"
)

// TestPhotoFromForm checks the phone form's photo as the attachment store will,
// before the case is entered: the Chinese reason for what it refuses, nothing
// for an empty field.
func TestPhotoFromForm(t *testing.T) {
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...)
	jpeg := append([]byte("\xff\xd8\xff\xe0"), make([]byte, 100)...)
	for _, c := range []struct {
		name, filename, declared string
		data                     []byte
		want, reason             string // want: the content type kept; reason: a part of the refusal
	}{
		{"png", "scene.png", "image/png", png, "image/png", ""},
		{"jpeg sent as image/jpg", "a.jpg", "image/jpg", jpeg, "image/jpg", ""},
		{"undeclared", "a.jpg", "application/octet-stream", jpeg, "application/octet-stream", ""},
		{"not chosen", "", "application/octet-stream", nil, "", ""},
		{"text", "a.jpg", "image/jpeg", []byte("这不是照片"), "", "照片须为"},
		{"pdf", "a.pdf", "application/pdf", []byte("%PDF-1.4\n"), "", "照片须为"},
		{"png declared as jpeg", "a.jpg", "image/jpeg", png, "", "不符"},
		{"empty file", "a.jpg", "image/jpeg", nil, "", "空文件"},
		{"too large", "a.png", "image/png", append(png, make([]byte, zhili.MaxAttachmentSize)...), "", "不能超过 10MB"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			mw.WriteField("title", "x")
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", `form-data; name="photo"; filename="`+c.filename+`"`)
			h.Set("Content-Type", c.declared)
			fw, _ := mw.CreatePart(h)
			fw.Write(c.data)
			mw.Close()
			r := httptest.NewRequest("POST", "/m/report", &buf)
			r.Header.Set("Content-Type", mw.FormDataContentType())
			if err := r.ParseMultipartForm(maxReportUpload); err != nil {
				t.Fatal(err)
			}
			photo, reason := photoFromForm(r)
			switch {
			case c.reason != "":
				if photo != nil || !strings.Contains(reason, c.reason) {
					t.Errorf("got %v, %q; want the reason %q", photo != nil, reason, c.reason)
				}
			case c.want == "":
				if photo != nil || reason != "" {
					t.Errorf("an empty field gave %v, %q", photo != nil, reason)
				}
			default:
				if reason != "" || photo == nil || photo.contentType != c.want || !bytes.Equal(photo.data, c.data) || photo.name != c.filename {
					t.Errorf("got %+v, %q", photo, reason)
				}
			}
		})
	}
}
