package http

import (
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/report"
)

// The reports API (docs/reports.md): the templates, rendering one for a region
// and a period in a format (archived unless asked not to), and the archive of
// reports as issued. The store bounds everything by the caller's scope.

// reportService returns the report service or an internal error when the server
// was started without one.
func (s *Server) reportService() (*report.Service, error) {
	if s.Reports == nil {
		return nil, fmt.Errorf("server has no report service")
	}
	return s.Reports, nil
}

// reportTemplate is a template as GET /api/v1/reports lists it.
type reportTemplate struct {
	*report.Template
	Figures []string `json:"figures"`
	Tables  []string `json:"tables"`
}

func (s *Server) handleReportList(w http.ResponseWriter, r *http.Request) {
	if err := zhili.ActorFromContext(r.Context()).Require(zhili.ActBusinessRead); err != nil {
		s.Error(w, r, err)
		return
	}
	out := []reportTemplate{}
	for _, t := range report.Templates() {
		out = append(out, reportTemplate{Template: t, Figures: t.FigureIDs(), Tables: t.Tables()})
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

// renderRequest is the body of POST /api/v1/reports/{name}/render.
type renderRequest struct {
	Region string `json:"region"`
	From   string `json:"from"`
	To     string `json:"to"`
	Format string `json:"format"` // html, docx, xlsx or json (default)
	// Archive keeps the output in the archive; default true.
	Archive *bool `json:"archive"`
}

func (s *Server) handleReportRender(w http.ResponseWriter, r *http.Request) {
	svc, err := s.reportService()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var req renderRequest
	if err := decode(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	if req.Format == "" {
		req.Format = "json"
	}
	out, err := svc.Generate(r.Context(), r.PathValue("name"), report.Params{Region: req.Region, From: req.From, To: req.To},
		req.Format, req.Archive == nil || *req.Archive)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if out.Archive != nil {
		w.Header().Set("X-Report-Archive-Id", strconv.FormatInt(out.Archive.ID, 10))
	}
	sendFile(w, out.ContentType, out.FileName, out.Format, out.Content)
}

// sendFile writes a report file; JSON and HTML show inline, the rest download.
func sendFile(w http.ResponseWriter, contentType, name, format string, content []byte) {
	disp := "attachment"
	if format == "json" || format == "html" {
		disp = "inline"
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType(disp, map[string]string{"filename": name}))
	w.Header().Set("Content-Length", strconv.Itoa(len(content)))
	w.WriteHeader(http.StatusOK)
	w.Write(content)
}

func (s *Server) handleReportArchiveList(w http.ResponseWriter, r *http.Request) {
	svc, err := s.reportService()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	q := r.URL.Query()
	f := report.ArchiveFilter{Template: strings.TrimSpace(q.Get("template"))}
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	if code := strings.TrimSpace(q.Get("under")); code != "" {
		reg, err := s.Regions.FindRegionByCode(r.Context(), code)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		f.Under = reg.ID
	}
	items, total, err := svc.Archive.FindArchives(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": total})
}

func (s *Server) handleReportArchiveGet(w http.ResponseWriter, r *http.Request) {
	svc, err := s.reportService()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	a, err := svc.Archive.FindArchive(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("X-Content-SHA256", a.SHA256)
	w.Header().Set("X-Content-SM3", a.SM3)
	sendFile(w, report.ContentType(a.Format), report.FileName(a.RegionName, a.Template, a.From, a.To, a.Format), a.Format, a.Content)
}
