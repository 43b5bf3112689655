package http

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/zhili-project/zhili"
)

// Password change and the must-change state (zhili/password_age.go,
// docs/security.md). A session whose password is past the policy's maximum age,
// or was reset by the security administrator, reaches only the self-service
// change (POST /api/v1/me/password, the page /account/password), GET
// /api/v1/me and logout: other API calls answer 403 with code
// password_expired, other pages redirect to the change page. The store gives
// such a session an actor with no role besides, so a route missed here still
// can do nothing.

// codePasswordExpired is the API error code of a call refused because the
// session must change its password first.
const codePasswordExpired = "password_expired"

// passwordChangePage is the self-service change page.
const passwordChangePage = "/account/password"

// passwordChangeRequest is the body of POST /api/v1/me/password.
type passwordChangeRequest struct {
	OldPassword string `json:"old_password"`
	Password    string `json:"password"`
}

// mustChangeAllows lists what a must-change session may reach besides the
// change itself: signing in and out, its own account, the second factor (an
// administrator passes it first) and static files.
func mustChangeAllows(r *http.Request) bool {
	p := r.URL.Path
	switch r.Method + " " + p {
	case "POST /api/v1/me/password", "GET /api/v1/me", "POST /api/v1/logout", "POST /api/v1/login",
		"POST /api/v1/login/totp", "POST /api/v1/totp/enroll", "POST /api/v1/totp/confirm",
		"GET " + passwordChangePage, "POST " + passwordChangePage, "GET /login", "POST /login", "POST /logout",
		"GET /login/totp", "POST /login/totp", "GET /favicon.ico", "GET /healthz":
		return true
	}
	return strings.HasPrefix(p, "/static/")
}

// passwordGate refuses what a must-change session may not reach; it reports
// whether it answered. Sessions still owing the second factor pass first.
func (s *Server) passwordGate(w http.ResponseWriter, r *http.Request, sess *zhili.Session) bool {
	if sess == nil || !sess.MustChangePassword || sess.NeedTOTP || mustChangeAllows(r) {
		return false
	}
	if !isAPI(r) {
		target := passwordChangePage
		if r.Method == http.MethodGet { // back there once the password is changed
			target += "?next=" + url.QueryEscape(safeNext(r.URL.RequestURI()))
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return true
	}
	var body errorBody
	body.Error.Code = codePasswordExpired
	body.Error.Message = "密码已过期或已被重置，请先修改密码 (the password has expired or was reset: change it with POST /api/v1/me/password first)."
	writeJSON(w, http.StatusForbidden, body)
	return true
}

func (s *Server) passwordChanges() (zhili.PasswordChangeService, error) {
	p, ok := s.Auth.(zhili.PasswordChangeService)
	if !ok {
		return nil, zhili.Errorf(zhili.EINTERNAL, "the auth service changes no passwords")
	}
	return p, nil
}

// changeOwnPassword runs the change, counting a wrong current password against
// the sign-in brake like a failed login.
func (s *Server) changeOwnPassword(r *http.Request, oldPassword, newPassword string) error {
	a := zhili.ActorFromContext(r.Context())
	if a == nil {
		return zhili.Errorf(zhili.EUNAUTHORIZED, "Login required.")
	}
	svc, err := s.passwordChanges()
	if err != nil {
		return err
	}
	key := authKey(r, s, "password", a.Username)
	if !s.authFailures.exhausted(key) {
		err = svc.ChangeOwnPassword(r.Context(), sessionToken(r), oldPassword, newPassword)
	} else {
		err = zhili.Errorf(zhili.EFORBIDDEN, "当前密码错误次数过多，请稍后再试 (too many wrong passwords; try again in a few minutes).")
	}
	if fs := zhili.ErrorFields(err); len(fs) > 0 && fs[0].Field == "old_password" {
		s.authFailures.allow(key)
	}
	return err
}

func (s *Server) handleAPIPasswordChange(w http.ResponseWriter, r *http.Request) {
	if zhili.ActorFromContext(r.Context()) == nil {
		s.Error(w, r, zhili.Errorf(zhili.EUNAUTHORIZED, "Login required."))
		return
	}
	var req passwordChangeRequest
	if err := decode(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.changeOwnPassword(r, req.OldPassword, req.Password); err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, okAnswer{OK: true})
}

func (s *Server) passwordPageRoutes() {
	s.mux.HandleFunc("GET "+passwordChangePage, s.handlePasswordPage)
	s.mux.HandleFunc("POST "+passwordChangePage, s.handlePasswordForm)
}

// passwordPage is the data of password.html.
type passwordPage struct {
	Required bool // the session must change the password before anything else
	Fields   map[string]string
	// Next is where to go once the password is changed: the page the user
	// asked for when the must-change state sent them here, else the home page.
	Next string
}

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request, status int, msg string, fields map[string]string) {
	a, sess := zhili.ActorFromContext(r.Context()), sessionOf(r)
	if a == nil || sess == nil {
		http.Redirect(w, r, "/login?next="+passwordChangePage, http.StatusSeeOther)
		return
	}
	if sess.NeedTOTP {
		http.Redirect(w, r, "/login/totp", http.StatusSeeOther)
		return
	}
	u, err := s.Users.FindUser(r.Context(), a.UserID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	next := safeNext(r.FormValue("next"))
	p := page{Title: "修改密码", User: u, Error: msg, Data: passwordPage{Required: sess.MustChangePassword, Fields: fields, Next: next}}
	if r.URL.Query().Get("changed") != "" {
		p.Message = "密码已修改；本账号的其他会话已退出。"
	}
	s.render(w, r, status, "password.html", p)
}

func (s *Server) handlePasswordPage(w http.ResponseWriter, r *http.Request) {
	s.passwordForm(w, r, http.StatusOK, "", nil)
}

// handlePasswordForm changes the password. Cross-origin posts are refused by the
// CrossOriginProtection middleware, as for every form.
func (s *Server) handlePasswordForm(w http.ResponseWriter, r *http.Request) {
	if zhili.ActorFromContext(r.Context()) == nil {
		http.Redirect(w, r, "/login?next="+passwordChangePage, http.StatusSeeOther)
		return
	}
	var err error
	if r.PostFormValue("password") != r.PostFormValue("confirm") {
		err = zhili.Invalid("两次输入的新密码不一致 (the new passwords differ).",
			zhili.FieldError{Field: "confirm", Code: "mismatch", Reason: "两次输入的新密码不一致"})
	} else {
		err = s.changeOwnPassword(r, r.PostFormValue("old_password"), r.PostFormValue("password"))
	}
	if err != nil {
		if zhili.ErrorCode(err) == zhili.EINTERNAL || zhili.ErrorCode(err) == zhili.EUNAUTHORIZED {
			s.Error(w, r, err)
			return
		}
		fields := map[string]string{}
		for _, f := range zhili.ErrorFields(err) {
			fields[f.Field] = f.Reason
		}
		s.passwordForm(w, r, ErrorStatus(zhili.ErrorCode(err)), zhili.ErrorMessage(err), fields)
		return
	}
	http.Redirect(w, r, passwordChangePage+"?changed=1&next="+url.QueryEscape(safeNext(r.PostFormValue("next"))), http.StatusSeeOther)
}
