package http

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/zhili-project/zhili"
)

// maxUpload bounds an upload request: one file and the multipart framing around it.
const maxUpload = zhili.MaxAttachmentSize + 1<<20

// readUpload reads the multipart field "file" of an upload. A request that is not
// multipart, or has no such field, gives no file, and the store refuses it only
// after checking the caller may add files to the case at all, so that a refusal
// tells an outsider nothing about the case.
func readUpload(w http.ResponseWriter, r *http.Request) (name, contentType string, data []byte, err error) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return "", "", nil, nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		return "", "", nil, zhili.Invalid("The upload is not valid multipart: "+err.Error(), zhili.FieldError{Field: "file", Code: "malformed", Reason: err.Error()})
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return "", "", nil, nil
		} else if err != nil {
			return "", "", nil, uploadError(err)
		}
		if part.FormName() != "file" {
			part.Close()
			continue
		}
		// One byte more than allowed, so the store can say the file is too large.
		data, err := io.ReadAll(io.LimitReader(part, zhili.MaxAttachmentSize+1))
		if err != nil {
			return "", "", nil, uploadError(err)
		}
		return part.FileName(), part.Header.Get("Content-Type"), data, nil
	}
}

func uploadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return zhili.Invalid("The upload is too large.", zhili.FieldError{Field: "file", Code: "too_large",
			Reason: fmt.Sprintf("at most %d bytes per file", zhili.MaxAttachmentSize)})
	}
	return zhili.Invalid("The upload could not be read: "+err.Error(), zhili.FieldError{Field: "file", Code: "malformed", Reason: err.Error()})
}

func (s *Server) handleAttachmentCreate(w http.ResponseWriter, r *http.Request) {
	svc := s.Attachments
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	name, contentType, data, err := readUpload(w, r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	att, err := svc.AddAttachment(r.Context(), id, name, contentType, data)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, att)
}

func (s *Server) handleAttachmentList(w http.ResponseWriter, r *http.Request) {
	svc := s.Attachments
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	items, err := svc.Attachments(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": nonNil(items)})
}

// handleAttachmentGet sends a file as a download with its stored, sniffed type;
// nosniff and the attachment disposition keep a browser from rendering it as
// anything else. ServeContent answers range requests (PDF viewers) and ETags.
func (s *Server) handleAttachmentGet(w http.ResponseWriter, r *http.Request) {
	svc := s.Attachments
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	aid, err := idParam(r, "aid")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	att, err := svc.Attachment(r.Context(), id, aid)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	serveAttachment(w, r, att)
}

func serveAttachment(w http.ResponseWriter, r *http.Request, att *zhili.Attachment) {
	h := w.Header()
	h.Set("Content-Type", att.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": att.Name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-cache")
	h.Set("ETag", `"`+strings.ToLower(att.SHA256)+`"`)
	http.ServeContent(w, r, "", att.At, bytes.NewReader(att.Data))
}
