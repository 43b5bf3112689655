package http

import (
	"net/http"

	"github.com/zhili-project/zhili"
)

func (s *Server) handleLoginPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "login.html", page{Title: "登录", Data: map[string]string{"Next": safeNext(r.URL.Query().Get("next"))}})
}

func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.FormValue("next"))
	key := authKey(r, s, "login", r.FormValue("username"))
	if s.authBraked(w, r, key) {
		return
	}
	sess, _, err := s.Auth.Login(r.Context(), r.FormValue("username"), r.FormValue("password"), s.clientIP(r))
	if err != nil {
		s.authFailed(r, key, err)
		s.render(w, r, ErrorStatus(zhili.ErrorCode(err)), "login.html", page{Title: "登录", Error: zhili.ErrorMessage(err),
			Data: map[string]string{"Next": next, "Username": r.FormValue("username")}})
		return
	}
	s.setCookie(w, sess.Token)
	if sess.NeedTOTP {
		next = "/login/totp"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// totpPage is the second-factor page: a code box, or first-time enrolment.
type totpPage struct {
	Enroll bool
	Secret string
	URI    string
}

func (s *Server) handleTOTPPage(w http.ResponseWriter, r *http.Request) {
	s.totpPage(w, r, http.StatusOK, "")
}

func (s *Server) totpPage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	a, sess := zhili.ActorFromContext(r.Context()), sessionOf(r)
	if a == nil || sess == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	if !sess.NeedTOTP {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	u, err := s.Users.FindUser(r.Context(), a.UserID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data := totpPage{Enroll: !u.TOTPEnabled}
	if data.Enroll {
		// A fresh secret each time the page shows, until one is confirmed.
		if data.Secret, err = s.Auth.EnrollTOTP(r.Context(), sessionToken(r)); err != nil {
			s.Error(w, r, err)
			return
		}
		data.URI = "otpauth://totp/zhili:" + a.Username + "?secret=" + data.Secret + "&issuer=zhili"
	}
	s.render(w, r, status, "totp.html", page{Title: "动态口令", User: u, Error: msg, Data: data})
}

func (s *Server) handleTOTPForm(w http.ResponseWriter, r *http.Request) {
	token, code := sessionToken(r), r.FormValue("code")
	var err error
	if r.FormValue("enroll") == "1" {
		err = s.Auth.ConfirmTOTP(r.Context(), token, code)
	} else {
		err = s.Auth.VerifyTOTP(r.Context(), token, code)
	}
	if err != nil {
		s.totpPage(w, r, ErrorStatus(zhili.ErrorCode(err)), zhili.ErrorMessage(err))
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Server) handleLogoutForm(w http.ResponseWriter, r *http.Request) {
	s.Auth.Logout(r.Context(), sessionToken(r))
	clearCookie(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// regionPage is a region with its children and units, for the tree browser.
type regionPage struct {
	Region   *zhili.Region
	Children []*zhili.Region
	Units    []*zhili.Unit
	History  []*zhili.RegionEvent
}

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requirePage(w, r)
	if !ok {
		return
	}
	if a.Role == zhili.RoleAuditor {
		http.Redirect(w, r, "/admin/audit", http.StatusSeeOther)
		return
	}
	s.regionPage(w, r, a.ScopeRegionID)
}

func (s *Server) handleRegionPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	reg, err := s.Regions.FindRegionByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.regionPage(w, r, reg.ID)
}

func (s *Server) regionPage(w http.ResponseWriter, r *http.Request, id int64) {
	ctx := r.Context()
	reg, err := s.Regions.FindRegion(ctx, id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p := regionPage{Region: reg}
	if p.Children, _, err = s.Regions.FindRegions(ctx, zhili.RegionFilter{ParentID: &id, Limit: 1000}); err != nil {
		s.Error(w, r, err)
		return
	}
	if p.Units, _, err = s.Units.FindUnits(ctx, zhili.UnitFilter{RegionID: &id, Limit: 200}); err != nil {
		s.Error(w, r, err)
		return
	}
	if p.History, err = s.Regions.RegionHistory(ctx, id); err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "region.html", page{Title: reg.Name, Data: p})
}

func (s *Server) handleUsersPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	users, total, err := s.Users.FindUsers(r.Context(), zhili.UserFilter{Limit: 500})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "users.html", page{Title: "用户管理", Data: map[string]any{"Users": users, "Total": total}})
}

func (s *Server) handleAuditPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	offset, _ := intParam(r.URL.Query().Get("offset"), "offset", 0)
	entries, total, err := s.Audit.FindAudit(r.Context(), zhili.AuditFilter{Offset: offset, Limit: 100, Action: r.URL.Query().Get("action")})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "audit.html", page{Title: "审计日志", Data: map[string]any{"Entries": entries, "Total": total, "Next": offset + 100}})
}
