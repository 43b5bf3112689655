package http

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/zhili-project/zhili"
)

func (s *Server) publicPageRoutes() {
	s.mux.HandleFunc("GET /public", s.handlePublicPage)
	s.mux.HandleFunc("POST /public", s.handlePublicForm)
	s.mux.HandleFunc("GET /public/track", s.handlePublicTrackPage)
	s.mux.HandleFunc("POST /public/track", s.handlePublicRateForm)
	s.open311Routes()
}

// publicPage is the data of the public reporting form.
type publicPage struct {
	Places     []*zhili.Region
	Categories []zhili.Category
	Values     url.Values
	Errs       map[string]string
	// Code and No are set once a report is in: the tracking code is shown once.
	Code, No string
}

// publicKinds are the kinds a resident reports; emergencies go to 110/119/120.
var publicKinds = []zhili.CaseKind{zhili.KindDispute, zhili.KindHazard, zhili.KindLivelihood, zhili.KindLaborComplaint}

// publicFuncs are the template functions of the public pages.
var publicFuncs = template.FuncMap{
	"publicKinds": func() []zhili.CaseKind { return publicKinds },
	"stars":       func() []int { return []int{5, 4, 3, 2, 1} },
}

func (s *Server) publicForm(r *http.Request, p *publicPage) error {
	var err error
	if p.Places, err = s.Public.PublicPlaces(r.Context()); err != nil {
		return err
	}
	cats, err := s.Public.PublicCategories(r.Context())
	for _, c := range cats {
		for _, k := range publicKinds {
			if c.Kind == k {
				p.Categories = append(p.Categories, c)
			}
		}
	}
	return err
}

func (s *Server) handlePublicPage(w http.ResponseWriter, r *http.Request) {
	p := publicPage{Values: url.Values{}, Errs: map[string]string{}}
	if err := s.publicForm(r, &p); err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "public_report.html", page{Title: "群众反映", Data: p})
}

func (s *Server) handlePublicForm(w http.ResponseWriter, r *http.Request) {
	if !s.publicAllowed(w, r, s.publicSubmits) {
		return
	}
	p := publicPage{Errs: map[string]string{}}
	rep, err := publicReportOf(w, r)
	if err == nil {
		p.Code, p.No, err = s.Public.SubmitPublic(s.publicCtx(r), rep)
	}
	if err == nil {
		s.render(w, r, http.StatusCreated, "public_done.html", page{Title: "反映已提交", Data: p})
		return
	}
	if zhili.ErrorCode(err) != zhili.EINVALID {
		s.Error(w, r, err)
		return
	}
	p.Values = r.Form
	for _, f := range zhili.ErrorFields(err) {
		p.Errs[f.Field] = publicReason(f)
	}
	if ferr := s.publicForm(r, &p); ferr != nil {
		s.Error(w, r, ferr)
		return
	}
	s.render(w, r, http.StatusBadRequest, "public_report.html", page{Title: "群众反映", Error: "填写有误，请检查标出的项目。", Data: p})
}

// publicReason is a field error in words a resident understands.
func publicReason(f zhili.FieldError) string {
	switch f.Field {
	case "kind", "category":
		return "请选择反映类别"
	case "title":
		return "请用一句话说明反映的问题（不超过200字）"
	case "detail":
		return "详细情况不超过10000字"
	case "file", "content_type", "photo":
		return "照片须为JPG、PNG或WebP格式，不超过10MB"
	}
	if f.Reason != "" && f.Reason[0] > 0x7f { // already Chinese
		return f.Reason
	}
	return "填写有误"
}

// publicTrackPage is the data of the tracking page.
type publicTrackPage struct {
	Code   string
	Status *zhili.PublicStatus
	Errs   map[string]string
}

func (s *Server) handlePublicTrackPage(w http.ResponseWriter, r *http.Request) {
	code := cleanCode(r.URL.Query().Get("code"))
	p := publicTrackPage{Code: code, Errs: map[string]string{}}
	if code == "" {
		s.render(w, r, http.StatusOK, "public_track.html", page{Title: "查询办理进度", Data: p})
		return
	}
	if !s.publicAllowed(w, r, s.publicReads) {
		return
	}
	st, err := s.Public.TrackPublic(r.Context(), code)
	switch zhili.ErrorCode(err) {
	case "":
		p.Status = st
		s.render(w, r, http.StatusOK, "public_track.html", page{Title: "查询办理进度", Data: p})
	case zhili.ENOTFOUND:
		s.render(w, r, http.StatusNotFound, "public_track.html", page{Title: "查询办理进度", Error: "没有找到这个查询码，请核对后重新输入。", Data: p})
	default:
		s.Error(w, r, err)
	}
}

func (s *Server) handlePublicRateForm(w http.ResponseWriter, r *http.Request) {
	if !s.publicAllowed(w, r, s.publicReads) {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "表单无法解析。")
		return
	}
	code := cleanCode(r.PostForm.Get("code"))
	sat, _ := strconv.Atoi(r.PostForm.Get("satisfaction"))
	st, err := s.Public.RatePublic(s.publicCtx(r), code, sat, r.PostForm.Get("note"))
	p := publicTrackPage{Code: code, Status: st, Errs: map[string]string{}}
	switch zhili.ErrorCode(err) {
	case "":
		s.render(w, r, http.StatusOK, "public_track.html", page{Title: "查询办理进度", Message: "感谢您的评价。", Data: p})
		return
	case zhili.EINVALID:
		for _, f := range zhili.ErrorFields(err) {
			p.Errs[f.Field] = f.Reason
		}
	case zhili.ECONFLICT, zhili.ENOTFOUND:
	default:
		s.Error(w, r, err)
		return
	}
	p.Status, _ = s.Public.TrackPublic(r.Context(), code)
	msg := "评价未能提交：该事项尚未办结或已经评价过。"
	if len(p.Errs) > 0 {
		msg = "请选择满意度。"
	}
	s.render(w, r, http.StatusBadRequest, "public_track.html", page{Title: "查询办理进度", Error: msg, Data: p})
}
