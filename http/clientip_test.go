package http

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

func TestClientIP(t *testing.T) {
	t.Parallel()
	trusted, err := ParseTrustedProxies("127.0.0.1, 10.0.0.0/8, ::1")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, peer, xff string
		trusted         bool
		want            string
	}{
		{"no proxies: the header is ignored", "203.0.113.9:5000", "198.51.100.1", false, "203.0.113.9"},
		{"untrusted peer: the header is ignored", "203.0.113.9:5000", "198.51.100.1", true, "203.0.113.9"},
		{"trusted proxy: the client it names", "127.0.0.1:5000", "198.51.100.1", true, "198.51.100.1"},
		{"a chain: the nearest untrusted hop", "10.1.2.3:5000", "192.0.2.7, 198.51.100.1, 10.9.9.9", true, "198.51.100.1"},
		{"a forged first hop does not win", "127.0.0.1:5000", "1.1.1.1, 198.51.100.1", true, "198.51.100.1"},
		{"only proxies: the peer", "127.0.0.1:5000", "10.0.0.5", true, "127.0.0.1"},
		{"a malformed hop: the peer", "127.0.0.1:5000", "198.51.100.1, junk", true, "127.0.0.1"},
		{"no header: the peer", "127.0.0.1:5000", "", true, "127.0.0.1"},
		{"IPv6 proxy", "[::1]:5000", "2001:db8::7", true, "2001:db8::7"},
	} {
		s := &Server{}
		if c.trusted {
			s.TrustedProxies = trusted
		}
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := s.clientIP(r); got != c.want {
			t.Errorf("%s: client %s, want %s", c.name, got, c.want)
		}
	}
	if _, err := ParseTrustedProxies("10.0.0.0/8, proxy.local"); err == nil || !strings.Contains(err.Error(), "proxy.local") {
		t.Errorf("a host name accepted as a trusted proxy: %v", err)
	}
}

// TestAuthBrake: past the limit of failed sign-ins an address gets 429 for
// logins and department tokens alike, with nothing written to the audit log,
// while another address (named by the trusted proxy) signs in as usual.
func TestAuthBrake(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			e.server.TrustedProxies, _ = ParseTrustedProxies("127.0.0.1, ::1")
			e.server.authFailures = newRateLimiter(3, time.Hour)
			send := func(client, path, auth, body string) int {
				req, _ := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Forwarded-For", client)
				if auth != "" {
					req.Header.Set("Authorization", "Bearer "+auth)
				}
				resp, err := e.srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			login := func(client, password string) int {
				return send(client, "/api/v1/login", "", `{"username": "leader", "password": "`+password+`"}`)
			}
			audits := func() int {
				_, n, err := e.server.Audit.FindAudit(storetest.System(), zhili.AuditFilter{Limit: 1})
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			bad := "198.51.100.1"
			if s := login(bad, "wrong"); s != http.StatusUnauthorized {
				t.Fatalf("wrong password: %d", s)
			}
			if s := send(bad, "/api/v1/department-reports", zhili.DepartmentTokenPrefix+"nosuchtoken", `{}`); s != http.StatusUnauthorized {
				t.Fatalf("unknown department token: %d", s)
			}
			if s := login(bad, "wrong"); s != http.StatusUnauthorized {
				t.Fatalf("third failure: %d", s)
			}
			before := audits()
			if s := login(bad, storetest.Password); s != http.StatusTooManyRequests {
				t.Errorf("braked address, right password: %d, want 429", s)
			}
			if s := send(bad, "/api/v1/department-reports", zhili.DepartmentTokenPrefix+"nosuchtoken", `{}`); s != http.StatusTooManyRequests {
				t.Errorf("braked address, department token: %d, want 429", s)
			}
			if after := audits(); after != before {
				t.Errorf("braked requests wrote %d audit entries", after-before)
			}
			if s := login("198.51.100.2", storetest.Password); s != http.StatusOK {
				t.Errorf("another address: %d, want 200", s)
			}
			entries, _, err := e.server.Audit.FindAudit(storetest.System(), zhili.AuditFilter{Action: "login.ok", Limit: 1})
			if err != nil || len(entries) != 1 || entries[0].IP != "198.51.100.2" {
				t.Errorf("the audit entry of the login names %+v (%v), want the client address 198.51.100.2", entries, err)
			}
		})
	}
}
