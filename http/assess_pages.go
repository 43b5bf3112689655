package http

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/assess"
	"github.com/zhili-project/zhili/report"
)

// assessPageRoutes registers the assessment pages (考核排名) and the notice list
// (通知): the ranking with its red and black lists, one unit's explanation down
// to the records, and the caller's notices.
func (s *Server) assessPageRoutes() {
	s.mux.HandleFunc("GET /assessments", s.handleAssessPage)
	s.mux.HandleFunc("GET /assessments/{scheme}/units/{id}", s.handleAssessUnitPage)
	s.mux.HandleFunc("GET /notices", s.handleNoticesPage)
	s.mux.HandleFunc("POST /notices/{id}/read", s.handleNoticeReadForm)
	s.assessEditPageRoutes() // http/assess_edit_pages.go
}

// assessPage is the data of the ranking and unit pages.
type assessPage struct {
	Schemes []*assess.Scheme
	Scheme  *assess.Scheme
	Form    url.Values // scheme, period, region
	Result  *assess.Result
	Unit    *assess.UnitScore
	// Query carries period and region to the unit links.
	Query string
}

// assessment computes the page's result from its query.
func (s *Server) assessment(r *http.Request, scheme string) (*assessPage, error) {
	svc, err := s.assessService()
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	p := &assessPage{Form: url.Values{}}
	if p.Schemes, err = svc.Schemes(ctx); err != nil {
		return nil, err
	}
	q := r.URL.Query()
	if scheme == "" {
		scheme = strings.TrimSpace(q.Get("scheme"))
	}
	for _, sc := range p.Schemes { // default: the first township scheme
		if scheme == "" && sc.Units == assess.UnitsTownships {
			scheme = sc.Name
		}
	}
	if scheme == "" && len(p.Schemes) > 0 {
		scheme = p.Schemes[0].Name
	}
	if p.Scheme, err = svc.Scheme(ctx, scheme); err != nil {
		return nil, err
	}
	period, region := strings.TrimSpace(q.Get("period")), strings.TrimSpace(q.Get("region"))
	p.Form.Set("scheme", scheme)
	p.Form.Set("period", period)
	p.Form.Set("region", region)
	if p.Result, err = svc.Assess(ctx, scheme, period, region); err != nil {
		return p, err
	}
	p.Form.Set("period", p.Result.Period)
	p.Query = url.Values{"period": {p.Result.Period}, "region": {p.Result.Region.Code}}.Encode()
	return p, nil
}

func (s *Server) handleAssessPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	p, err := s.assessment(r, "")
	if err != nil {
		if zhili.ErrorCode(err) == zhili.EINVALID && p != nil {
			msg, _ := zhError(err)
			s.render(w, r, http.StatusBadRequest, "assess_ranking.html", page{Title: "考核排名", Error: msg, Data: p})
			return
		}
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "assess_ranking.html", page{Title: "考核排名", Data: p})
}

func (s *Server) handleAssessUnitPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p, err := s.assessment(r, r.PathValue("scheme"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	for i := range p.Result.Units {
		if u := &p.Result.Units[i]; u.Unit.ID == id && !u.Hidden {
			p.Unit = u
		}
	}
	if p.Unit == nil { // not assessed, or lines the caller may not read
		s.Error(w, r, zhili.Errorf(zhili.ENOTFOUND, "Not found."))
		return
	}
	s.render(w, r, http.StatusOK, "assess_unit.html", page{Title: p.Unit.Unit.Name + " · " + p.Result.Label,
		Crumbs: []crumb{{Label: "考核排名", Href: "/assessments?scheme=" + url.QueryEscape(p.Scheme.Name) + "&" + p.Query}}, Data: p})
}

// noticesPage is the data of the notice list.
type noticesPage struct {
	Items  []noticeRow
	Unread int
}

// noticeRow is a notice with its time in China time.
type noticeRow struct {
	*report.Notice
	At string
}

func (s *Server) handleNoticesPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	svc, err := s.noticeStore()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	items, unread, err := svc.Notices(r.Context(), r.URL.Query().Get("unread") == "1", 0, 100)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	rows := make([]noticeRow, len(items))
	for i, n := range items {
		rows[i] = noticeRow{Notice: n, At: n.CreatedAt.In(zhili.ChinaTime).Format("2006-01-02 15:04")}
	}
	s.render(w, r, http.StatusOK, "assess_notices.html", page{Title: "通知", Data: noticesPage{Items: rows, Unread: unread}})
}

// handleNoticeReadForm marks a notice read (or all, with id "all") and goes on
// to next, a local path, or back to the list.
func (s *Server) handleNoticeReadForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	svc, err := s.noticeStore()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var id int64
	if r.PathValue("id") != "all" {
		if id, err = strconv.ParseInt(r.PathValue("id"), 10, 64); err != nil || id <= 0 {
			s.Error(w, r, zhili.Errorf(zhili.ENOTFOUND, "Not found."))
			return
		}
	}
	if _, err := svc.MarkRead(r.Context(), id); err != nil {
		s.Error(w, r, err)
		return
	}
	next := r.FormValue("next")
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		next = "/notices"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
