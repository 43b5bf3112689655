package http

import (
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"

	"github.com/zhili-project/zhili"
)

//go:embed templates
var templateFS embed.FS

// static holds the stylesheet and, under vendor/, the front-end packages that
// `make` copies from node_modules (htmx, ECharts, Leaflet); they are not committed.
//
//go:embed static
var staticFS embed.FS

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"roleLabel":  func(r zhili.Role) string { return r.Label() },
	"levelLabel": func(l zhili.RegionLevel) string { return l.Label() },
	"kindLabel":  func(k zhili.RegionKind) string { return k.Label() },
	"unitLabel":  func(k zhili.UnitKind) string { return k.Label() },
	"posLabel":   func(k zhili.PositionRole) string { return k.Label() },
}).Funcs(caseFuncs).Funcs(publicFuncs).ParseFS(templateFS, "templates/*.html"))

// page is what every template receives.
type page struct {
	Title   string
	Actor   *zhili.Actor
	User    *zhili.User
	Scope   *zhili.Region
	Error   string
	Message string
	Data    any
	// Crumbs are steps a page adds to its breadcrumbs between its menu entry and
	// its title (menu.go); Nav is filled by render.
	Crumbs []crumb
	Nav    *nav
}

func (s *Server) pageRoutes() {
	sub, _ := fs.Sub(staticFS, "static")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(sub)))
	s.mux.Handle("GET /favicon.ico", http.RedirectHandler("/static/favicon.svg", http.StatusMovedPermanently))
	s.mux.HandleFunc("GET /login", s.handleLoginPage)
	s.mux.HandleFunc("POST /login", s.handleLoginForm)
	s.mux.HandleFunc("GET /login/totp", s.handleTOTPPage)
	s.mux.HandleFunc("POST /login/totp", s.handleTOTPForm)
	s.mux.HandleFunc("POST /logout", s.handleLogoutForm)
	s.mux.HandleFunc("GET /{$}", s.handleHome)
	s.mux.HandleFunc("GET /regions/{code}", s.handleRegionPage)
	s.mux.HandleFunc("GET /admin/users", s.handleUsersPage)
	s.mux.HandleFunc("GET /admin/audit", s.handleAuditPage)
	s.casePageRoutes()
	s.taskPageRoutes()
	s.publicPageRoutes()
	s.deptPageRoutes()
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	if p.Actor == nil {
		p.Actor = zhili.ActorFromContext(r.Context())
	}
	if p.Actor != nil && p.User == nil && p.Actor.Role != "" {
		p.User, _ = s.Users.FindUser(r.Context(), p.Actor.UserID)
	}
	p.Nav = s.navFor(r, p)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := templates.ExecuteTemplate(w, name, p); err != nil {
		s.Logger.Error("render", "template", name, "err", err)
	}
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if status == http.StatusUnauthorized {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	title, ok := statusTitles[status]
	if !ok {
		title = http.StatusText(status)
	}
	s.render(w, r, status, "error.html", page{Title: title, Error: msg})
}

// statusTitles are the Chinese titles of the error pages.
var statusTitles = map[int]string{
	http.StatusBadRequest: "请求有误", http.StatusForbidden: "无权访问", http.StatusNotFound: "页面不存在或无权查看",
	http.StatusConflict: "操作冲突", http.StatusTooManyRequests: "操作过于频繁", http.StatusInternalServerError: "系统错误",
}

// requirePage sends anonymous visitors to the login page and administrators who
// still owe their second factor to the code page.
func (s *Server) requirePage(w http.ResponseWriter, r *http.Request) (*zhili.Actor, bool) {
	a := zhili.ActorFromContext(r.Context())
	if a == nil {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return nil, false
	}
	if sess := sessionOf(r); sess != nil && sess.NeedTOTP {
		http.Redirect(w, r, "/login/totp", http.StatusSeeOther)
		return nil, false
	}
	return a, true
}

// requirePageAction is requirePage for a page that needs act: 403 otherwise.
func (s *Server) requirePageAction(w http.ResponseWriter, r *http.Request, act zhili.Action) bool {
	a, ok := s.requirePage(w, r)
	if !ok {
		return false
	}
	if err := a.Require(act); err != nil {
		s.Error(w, r, err)
		return false
	}
	return true
}

// safeNext keeps post-login redirects on this site.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if next == "" || err != nil || u.IsAbs() || u.Host != "" || len(next) < 1 || next[0] != '/' || (len(next) > 1 && next[1] == '/') {
		return "/"
	}
	return next
}
