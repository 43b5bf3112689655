package http

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/zhili-project/zhili"
)

// Public reporting (群众网上反映): anonymous pages and endpoints through which a
// resident reports a problem or a need, follows it by tracking code and rates the
// outcome. Each client address may submit a few reports and make a few dozen
// look-ups per window; beyond that it gets 429.

// publicLimits are the default brakes on the public endpoints, per client address.
var publicLimits = struct {
	Submit, Read int
	Window       time.Duration
}{Submit: 5, Read: 60, Window: 10 * time.Minute}

func (s *Server) publicAllowed(w http.ResponseWriter, r *http.Request, l *rateLimiter) bool {
	if l.allow(limitKey(s.clientIP(r))) {
		return true
	}
	w.Header().Set("Retry-After", "120")
	if isAPI(r) {
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"error": map[string]string{"code": "rate_limited", "message": "Too many requests from your address; try again in a few minutes."}})
	} else {
		s.render(w, r, http.StatusTooManyRequests, "error.html", page{Title: "请求过于频繁", Error: "提交过于频繁，请稍后再试。"})
	}
	return false
}

// publicReportOf reads a report from a JSON body or a multipart form (with an
// optional "photo" file).
func publicReportOf(w http.ResponseWriter, r *http.Request) (*zhili.PublicReport, error) {
	var rep zhili.PublicReport
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" && mt != "application/x-www-form-urlencoded" {
		return &rep, decode(w, r, &rep)
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return nil, zhili.Invalid("The form is not valid: "+err.Error(), zhili.FieldError{Field: "photo", Code: "too_large", Reason: "照片不超过10MB"})
	}
	f := r.Form
	rep.Kind, rep.Category = zhili.CaseKind(f.Get("kind")), f.Get("category")
	rep.Title, rep.Detail, rep.Address = f.Get("title"), f.Get("detail"), f.Get("address")
	rep.RegionCode, rep.Contact = f.Get("region_code"), f.Get("contact")
	if lat, err1 := strconv.ParseFloat(f.Get("lat"), 64); err1 == nil {
		if lng, err2 := strconv.ParseFloat(f.Get("lng"), 64); err2 == nil {
			rep.Lat, rep.Lng = &lat, &lng
		}
	}
	if file, hdr, err := r.FormFile("photo"); err == nil {
		defer file.Close()
		data, err := io.ReadAll(io.LimitReader(file, zhili.MaxAttachmentSize+1))
		if err != nil {
			return nil, uploadError(err)
		}
		if len(data) > 0 {
			rep.Photo, rep.PhotoName, rep.PhotoType = data, hdr.Filename, hdr.Header.Get("Content-Type")
		}
	}
	return &rep, nil
}

// publicCreated is the answer to a submitted report: the tracking code, shown once.
type publicCreated struct {
	Code string `json:"code"`
	No   string `json:"no"`
}

func (s *Server) handlePublicSubmit(w http.ResponseWriter, r *http.Request) {
	if !s.publicAllowed(w, r, s.publicSubmits) {
		return
	}
	rep, err := publicReportOf(w, r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	code, no, err := s.Public.SubmitPublic(s.publicCtx(r), rep)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, publicCreated{Code: code, No: no})
}

func (s *Server) handlePublicTrack(w http.ResponseWriter, r *http.Request) {
	if !s.publicAllowed(w, r, s.publicReads) {
		return
	}
	st, err := s.Public.TrackPublic(r.Context(), r.PathValue("code"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// publicRating is the body of POST /api/v1/public/reports/{code}/rating.
type publicRating struct {
	Satisfaction int    `json:"satisfaction"`
	Note         string `json:"note"`
}

func (s *Server) handlePublicRate(w http.ResponseWriter, r *http.Request) {
	if !s.publicAllowed(w, r, s.publicReads) {
		return
	}
	var req publicRating
	if err := decode(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	st, err := s.Public.RatePublic(s.publicCtx(r), r.PathValue("code"), req.Satisfaction, req.Note)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// publicCtx carries the client's address to the store for the audit log, without
// any logged-in user: the public side never acts as one.
func (s *Server) publicCtx(r *http.Request) context.Context {
	return zhili.NewContextWithActor(r.Context(), &zhili.Actor{Username: "public", IP: s.clientIP(r)})
}

// cleanCode keeps what looks like a tracking code from a form field.
func cleanCode(s string) string {
	return strings.ToUpper(strings.TrimSpace(s))
}
