package http

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/report"
)

// reportPageRoutes registers the reports page: choose a template, a region and a
// period, preview it or generate a file (archived), and download what was issued.
func (s *Server) reportPageRoutes() {
	s.mux.HandleFunc("GET /reports", s.handleReportsPage)
	s.mux.HandleFunc("POST /reports/generate", s.handleReportGenerateForm)
	s.mux.HandleFunc("GET /reports/archive/{id}", s.handleReportArchiveDownload)
}

// reportsPage is the data of the reports page.
type reportsPage struct {
	Templates []*report.Template
	Formats   []string
	// Form holds the chosen template, region, period and format.
	Form map[string]string
	// Preview is the rendered report when the page previews one.
	Preview  template.HTML
	Archive  []*report.Archive
	Total    int
	Archived int64 // the entry just made, highlighted
}

// reportsForm reads the form's fields, defaulting to the caller's area, the
// exchange material and the year so far.
func (s *Server) reportsForm(r *http.Request, a *zhili.Actor) map[string]string {
	f := map[string]string{}
	for _, k := range []string{"template", "region", "from", "to", "format"} {
		f[k] = strings.TrimSpace(r.FormValue(k))
	}
	now := time.Now()
	if s.Reports != nil && s.Reports.Renderer != nil && s.Reports.Renderer.Clock != nil {
		now = s.Reports.Renderer.Clock.Now()
	}
	if f["template"] == "" {
		f["template"] = "exchange_material"
	}
	if f["region"] == "" {
		if reg, err := s.Regions.FindRegion(r.Context(), a.ScopeRegionID); err == nil {
			f["region"] = reg.Code
		}
	}
	if f["from"] == "" {
		f["from"] = strconv.Itoa(now.In(zhili.ChinaTime).Year()) + "-01-01"
	}
	if f["to"] == "" {
		f["to"] = zhili.Day(now)
	}
	if f["format"] == "" {
		f["format"] = "docx"
	}
	return f
}

func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request, status int, a *zhili.Actor, data reportsPage, msg, errMsg string) {
	svc, err := s.reportService()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data.Templates = report.Templates()
	for _, f := range report.Formats {
		data.Formats = append(data.Formats, f.Format)
	}
	if data.Form == nil {
		data.Form = s.reportsForm(r, a)
	}
	if data.Archive, data.Total, err = svc.Archive.FindArchives(r.Context(), report.ArchiveFilter{Limit: 50}); err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, status, "report_index.html", page{Title: "报告与存档", Message: msg, Error: errMsg, Data: data})
}

func (s *Server) handleReportsPage(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requirePage(w, r)
	if !ok {
		return
	}
	if err := a.Require(zhili.ActBusinessRead); err != nil {
		s.Error(w, r, err)
		return
	}
	data := reportsPage{}
	data.Archived, _ = strconv.ParseInt(r.URL.Query().Get("archived"), 10, 64)
	msg := ""
	if data.Archived > 0 {
		msg = "报告已生成并存档（第 " + strconv.FormatInt(data.Archived, 10) + " 号），可在下方存档列表下载。"
	}
	s.reportsPage(w, r, http.StatusOK, a, data, msg, "")
}

// handleReportGenerateForm previews a report on the page (action=preview, not
// archived) or generates and archives the file, then lists it.
func (s *Server) handleReportGenerateForm(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requirePage(w, r)
	if !ok {
		return
	}
	svc, err := s.reportService()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	form := s.reportsForm(r, a)
	p := report.Params{Region: form["region"], From: form["from"], To: form["to"]}
	data := reportsPage{Form: form}
	if r.FormValue("action") == "preview" {
		out, err := svc.Generate(r.Context(), form["template"], p, "html", false)
		if err == nil {
			data.Preview, err = report.HTMLBody(out.Document)
		}
		if err != nil {
			s.reportsPage(w, r, ErrorStatus(zhili.ErrorCode(err)), a, data, "", zhili.ErrorMessage(err))
			return
		}
		s.reportsPage(w, r, http.StatusOK, a, data, "", "")
		return
	}
	out, err := svc.Generate(r.Context(), form["template"], p, form["format"], true)
	if err != nil {
		s.reportsPage(w, r, ErrorStatus(zhili.ErrorCode(err)), a, data, "", zhili.ErrorMessage(err))
		return
	}
	http.Redirect(w, r, "/reports?archived="+strconv.FormatInt(out.Archive.ID, 10), http.StatusSeeOther)
}

func (s *Server) handleReportArchiveDownload(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	s.handleReportArchiveGet(w, r)
}
