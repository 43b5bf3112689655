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

// TestAuthBrake: failed sign-ins are braked per address and username (and per
// address and department token), and per address as a whole at a higher limit:
// a braked attempt gets 429 without reaching the store or the audit log, while
// another user behind the same address signs in until the address as a whole
// floods, and another address (named by the trusted proxy) is unaffected.
func TestAuthBrake(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			e.server.TrustedProxies, _ = ParseTrustedProxies("127.0.0.1, ::1")
			e.server.authFailures = newRateLimiter(3, time.Hour)
			e.server.authAddresses = newRateLimiter(5, time.Hour)
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
			login := func(client, user, password string) int {
				return send(client, "/api/v1/login", "", `{"username": "`+user+`", "password": "`+password+`"}`)
			}
			token := func(client string) int {
				return send(client, "/api/v1/department-reports", zhili.DepartmentTokenPrefix+"nosuchtoken", `{}`)
			}
			audits := func() int {
				_, n, err := e.server.Audit.FindAudit(storetest.System(), zhili.AuditFilter{Limit: 1})
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			bad := "198.51.100.1"
			for i := 0; i < 3; i++ {
				if s := login(bad, "leader", "wrong"); s != http.StatusUnauthorized {
					t.Fatalf("wrong password %d: %d", i, s)
				}
			}
			before := audits()
			if s := login(bad, "leader", storetest.Password); s != http.StatusTooManyRequests {
				t.Errorf("braked address and username, right password: %d, want 429", s)
			}
			if after := audits(); after != before {
				t.Errorf("a braked login wrote %d audit entries", after-before)
			}
			if s := login(bad, "center", storetest.Password); s != http.StatusOK {
				t.Errorf("another user behind the same address: %d, want 200", s)
			}
			for i := 0; i < 2; i++ { // the address's fourth and fifth failures
				if s := token(bad); s != http.StatusUnauthorized {
					t.Fatalf("unknown department token %d: %d", i, s)
				}
			}
			before = audits()
			if s := token(bad); s != http.StatusTooManyRequests {
				t.Errorf("flooding address, department token: %d, want 429", s)
			}
			if s := login(bad, "townA", storetest.Password); s != http.StatusTooManyRequests {
				t.Errorf("flooding address, another user: %d, want 429", s)
			}
			if after := audits(); after != before {
				t.Errorf("braked requests wrote %d audit entries", after-before)
			}
			if s := login("198.51.100.2", "leader", storetest.Password); s != http.StatusOK {
				t.Errorf("another address: %d, want 200", s)
			}
			entries, _, err := e.server.Audit.FindAudit(storetest.System(), zhili.AuditFilter{Action: "login.ok", Limit: 1})
			if err != nil || len(entries) != 1 || entries[0].IP != "198.51.100.2" {
				t.Errorf("the audit entry of the login names %+v (%v), want the client address 198.51.100.2", entries, err)
			}
		})
	}
}

func TestLimitKey(t *testing.T) {
	t.Parallel()
	for ip, want := range map[string]string{"198.51.100.7": "198.51.100.7", "2001:db8:1:2:3:4:5:6": "2001:db8:1:2::/64",
		"2001:db8:1:2::9": "2001:db8:1:2::/64", "::ffff:198.51.100.7": "::ffff:198.51.100.7", "junk": "junk"} {
		if got := limitKey(ip); got != want {
			t.Errorf("limitKey(%s) = %s, want %s", ip, got, want)
		}
	}
}

func TestWideProxies(t *testing.T) {
	t.Parallel()
	ps, err := ParseTrustedProxies("127.0.0.1, 10.0.0.0/8, 192.0.2.0/24, 2001:db8::/32, 2001:db8:1:2::/64")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range WideProxies(ps) {
		got = append(got, p.String())
	}
	if strings.Join(got, " ") != "10.0.0.0/8 2001:db8::/32" {
		t.Errorf("wide prefixes %v, want 10.0.0.0/8 and 2001:db8::/32", got)
	}
}
