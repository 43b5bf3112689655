package http

import (
	"net/http"
	"time"

	"github.com/zhili-project/zhili"
)

// The authentication brake (登录防暴力破解): failed logins and unknown or
// revoked department tokens, counted per client address (http/clientip.go).
// Accounts lock after five wrong passwords (docs/security.md), but guessing
// across many usernames, or tokens, locks nothing, and each failure writes an
// audit entry: a flood would fill the audit log. Past the limit a client gets
// 429 without its request reaching the store, so nothing is written. Like the
// public limits it lives in each instance.
var authLimits = struct {
	Failures int
	Window   time.Duration
}{Failures: 30, Window: 10 * time.Minute}

// authBraked answers 429 and reports true when the client address has used up
// its failed authentications.
func (s *Server) authBraked(w http.ResponseWriter, r *http.Request) bool {
	if !s.authFailures.exhausted(s.clientIP(r)) {
		return false
	}
	w.Header().Set("Retry-After", "300")
	if isAPI(r) {
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"error": map[string]string{"code": "rate_limited",
			"message": "Too many failed sign-ins from your address; try again in a few minutes."}})
	} else {
		s.render(w, r, http.StatusTooManyRequests, "login.html", page{Title: "登录", Error: "登录失败次数过多，请稍后再试。",
			Data: map[string]string{"Next": safeNext(r.FormValue("next"))}})
	}
	return true
}

// authFailed counts err against the client address when it is a refused
// credential (not bad input or a server fault).
func (s *Server) authFailed(r *http.Request, err error) {
	if zhili.ErrorCode(err) == zhili.EUNAUTHORIZED {
		s.authFailures.allow(s.clientIP(r))
	}
}
