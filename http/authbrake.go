package http

import (
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/zhili-project/zhili"
)

// The authentication brake (登录防暴力破解): failed logins and unknown or
// revoked department tokens, counted per client address (http/clientip.go).
// Accounts lock after five wrong passwords (docs/security.md), but guessing
// across many usernames, or tokens, locks nothing, and each failure writes an
// audit entry: a flood would fill the audit log. Past a limit a client gets 429
// without its request reaching the store, so nothing is written.
//
// Failures are counted per address and username (logins) or per address
// (tokens), and, much higher, per address alone: many people share one address
// (an office's NAT, an unlisted proxy), and one of them mistyping or guessing
// must not lock the others out; only a flood from the address does. Like the
// public limits it lives in each instance.
var authLimits = struct {
	Failures, AddressFailures int
	Window                    time.Duration
}{Failures: 30, AddressFailures: 300, Window: 10 * time.Minute}

// authKey is what a sign-in attempt is counted under: the address and the
// username for a login (user is "" for a department token, counted apart).
func authKey(r *http.Request, s *Server, kind, user string) string {
	return kind + "\x00" + limitKey(s.clientIP(r)) + "\x00" + strings.ToLower(strings.TrimSpace(user))
}

// limitKey is the address a limit counts: IPv6 addresses by their /64 (one
// subscriber's network), so an attacker cannot make unlimited keys.
func limitKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil || a.Unmap().Is4() {
		return ip
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// authBraked answers 429 and reports true when the attempt's key, or its
// address as a whole, has used up its failed authentications.
func (s *Server) authBraked(w http.ResponseWriter, r *http.Request, key string) bool {
	if !s.authFailures.exhausted(key) && !s.authAddresses.exhausted(limitKey(s.clientIP(r))) {
		return false
	}
	w.Header().Set("Retry-After", "300")
	if isAPI(r) {
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"error": map[string]string{"code": "rate_limited",
			"message": "Too many failed sign-ins; try again in a few minutes."}})
	} else {
		s.render(w, r, http.StatusTooManyRequests, "login.html", page{Title: "登录", Error: "登录失败次数过多，请稍后再试。",
			Data: map[string]string{"Next": safeNext(r.FormValue("next"))}})
	}
	return true
}

// authFailed counts err against the attempt's key and its address when it is a
// refused credential (not bad input or a server fault).
func (s *Server) authFailed(r *http.Request, key string, err error) {
	if zhili.ErrorCode(err) == zhili.EUNAUTHORIZED {
		s.authFailures.allow(key)
		s.authAddresses.allow(limitKey(s.clientIP(r)))
	}
}
