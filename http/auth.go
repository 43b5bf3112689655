package http

import (
	"context"
	"net/http"
	"strings"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/totp"
)

// SessionCookie is the name of the session cookie.
const SessionCookie = "zhili_session"

type sessionKey struct{}

// authenticate puts the session's actor on the request context. Requests without a
// live session go on as anonymous; each handler's service call decides whether
// that is enough.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := sessionToken(r)
		if token == "" {
			next.ServeHTTP(w, r)
			return
		}
		a, sess, err := s.Auth.Authenticate(r.Context(), token, s.clientIP(r))
		if err != nil {
			if zhili.ErrorCode(err) == zhili.EINTERNAL {
				s.Error(w, r, err)
				return
			}
			clearCookie(w)
			next.ServeHTTP(w, r)
			return
		}
		ctx := zhili.NewContextWithActor(r.Context(), a)
		ctx = context.WithValue(ctx, sessionKey{}, sess)
		if s.passwordGate(w, r, sess) { // http/password_change.go
			return
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func sessionToken(r *http.Request) string {
	if c, err := r.Cookie(SessionCookie); err == nil {
		return c.Value
	}
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		return strings.TrimPrefix(h, "Bearer ")
	}
	return ""
}

func sessionOf(r *http.Request) *zhili.Session {
	s, _ := r.Context().Value(sessionKey{}).(*zhili.Session)
	return s
}

func (s *Server) setCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
}

func clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
}

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type loginResponse struct {
	User     *zhili.User `json:"user"`
	NeedTOTP bool        `json:"need_totp"`
	// TOTPEnrolled tells an administrator's client whether to ask for a code or to
	// start enrolment.
	TOTPEnrolled bool `json:"totp_enrolled"`
	// Token is the session token for API clients that do not keep cookies.
	Token string `json:"token"`
	// MustChangePassword: the password is past its maximum age or was reset;
	// the session may only change it (POST /api/v1/me/password) or log out.
	MustChangePassword bool `json:"must_change_password"`
}

func (s *Server) handleAPILogin(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := decode(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	key := authKey(r, s, "login", req.Username)
	if s.authBraked(w, r, key) {
		return
	}
	sess, u, err := s.Auth.Login(r.Context(), req.Username, req.Password, s.clientIP(r))
	if err != nil {
		s.authFailed(r, key, err)
		s.Error(w, r, err)
		return
	}
	s.setCookie(w, sess.Token)
	writeJSON(w, http.StatusOK, loginResponse{User: u, NeedTOTP: sess.NeedTOTP, TOTPEnrolled: u.TOTPEnabled, Token: sess.Token,
		MustChangePassword: sess.MustChangePassword})
}

type codeRequest struct {
	Code string `json:"code"`
}

func (s *Server) handleAPITOTP(w http.ResponseWriter, r *http.Request) {
	var req codeRequest
	if err := decode(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.Auth.VerifyTOTP(r.Context(), sessionToken(r), req.Code); err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

func (s *Server) handleAPITOTPEnroll(w http.ResponseWriter, r *http.Request) {
	a := zhili.ActorFromContext(r.Context())
	if a == nil {
		s.Error(w, r, zhili.Errorf(zhili.EUNAUTHORIZED, "Login required."))
		return
	}
	secret, err := s.Auth.EnrollTOTP(r.Context(), sessionToken(r))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"secret": secret, "uri": totp.URI(secret, "zhili", a.Username)})
}

func (s *Server) handleAPITOTPConfirm(w http.ResponseWriter, r *http.Request) {
	var req codeRequest
	if err := decode(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.Auth.ConfirmTOTP(r.Context(), sessionToken(r), req.Code); err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

func (s *Server) handleAPILogout(w http.ResponseWriter, r *http.Request) {
	if err := s.Auth.Logout(r.Context(), sessionToken(r)); err != nil {
		s.Error(w, r, err)
		return
	}
	clearCookie(w)
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

// meResponse is the caller's own account and session state.
type meResponse struct {
	User     *zhili.User   `json:"user"`
	Scope    *zhili.Region `json:"scope,omitempty"`
	NeedTOTP bool          `json:"need_totp"`
	// MustChangePassword: as in the login response.
	MustChangePassword bool `json:"must_change_password"`
}

func (s *Server) handleAPIMe(w http.ResponseWriter, r *http.Request) {
	a := zhili.ActorFromContext(r.Context())
	if a == nil {
		s.Error(w, r, zhili.Errorf(zhili.EUNAUTHORIZED, "Login required."))
		return
	}
	u, err := s.Users.FindUser(r.Context(), a.UserID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	resp := meResponse{User: u, NeedTOTP: sessionOf(r) != nil && sessionOf(r).NeedTOTP,
		MustChangePassword: sessionOf(r) != nil && sessionOf(r).MustChangePassword}
	if !resp.NeedTOTP && !resp.MustChangePassword {
		resp.Scope, _ = s.Regions.FindRegion(r.Context(), a.ScopeRegionID)
	}
	writeJSON(w, http.StatusOK, resp)
}
