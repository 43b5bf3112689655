package http

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// TestSecurityPolicyAPIAndPage: the secadmin changes the policy through the API
// and the page; a refused change names the field and its range and stores
// nothing; the other roles cannot change it.
func TestSecurityPolicyAPIAndPage(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			sec := e.login(t, "secadmin")
			read := func(t *testing.T) securityPolicyAnswer {
				t.Helper()
				status, body := e.do(t, e.login(t, "auditor"), "GET", "/api/v1/security-policy", nil)
				var out securityPolicyAnswer
				if status != http.StatusOK || json.Unmarshal(body, &out) != nil || len(out.Bounds) != len(zhili.SecurityBounds) {
					t.Fatalf("GET: %d %s", status, body)
				}
				return out
			}
			if got := read(t).Policy; got != zhili.DefaultSecuritySettings() {
				t.Fatalf("unset policy reads %+v", got)
			}

			status, body := e.do(t, sec, "PUT", "/api/v1/security-policy", map[string]int{"max_failures": 3, "session_hours": 25})
			if status != http.StatusBadRequest || !strings.Contains(string(body), `"field":"session_hours"`) || !strings.Contains(string(body), "1–24") {
				t.Fatalf("out of range: %d %s", status, body)
			}
			if got := read(t).Policy; got != zhili.DefaultSecuritySettings() {
				t.Fatalf("refused PUT stored %+v", got)
			}
			for _, u := range []string{"sysadmin", "auditor", "leader"} {
				if status, body := e.do(t, e.login(t, u), "PUT", "/api/v1/security-policy", map[string]int{"max_failures": 3}); status != http.StatusForbidden {
					t.Fatalf("%s PUT: %d %s", u, status, body)
				}
			}
			status, body = e.do(t, sec, "PUT", "/api/v1/security-policy", map[string]int{"max_failures": 3})
			if status != http.StatusOK || read(t).Policy.MaxFailures != 3 || read(t).Policy.IdleMinutes != 30 {
				t.Fatalf("PUT: %d %s", status, body)
			}

			// The page: the form with its ranges for the secadmin, read-only for the auditor.
			status, body = e.do(t, sec, "GET", "/admin/security-policy", nil)
			if status != http.StatusOK || !strings.Contains(string(body), `name="max_failures"`) || !strings.Contains(string(body), "10–1440 分钟") ||
				!strings.Contains(string(body), `href="/admin/security-policy"`) {
				t.Fatalf("page: %d %.3000s", status, body)
			}
			if status, body = e.do(t, e.login(t, "auditor"), "GET", "/admin/security-policy", nil); status != http.StatusOK || strings.Contains(string(body), `name="max_failures"`) {
				t.Fatalf("auditor's page: %d %.3000s", status, body)
			}
			if status, _ = e.do(t, e.login(t, "leader"), "GET", "/admin/security-policy", nil); status != http.StatusForbidden {
				t.Fatalf("leader's page: %d", status)
			}
			form := url.Values{}
			for _, b := range zhili.SecurityBounds {
				form.Set(b.Field, "0")
			}
			for k, v := range map[string]string{"max_failures": "4", "lockout_minutes": "60", "idle_minutes": "15", "session_hours": "8",
				"password_min_length": "12", "password_classes": "5"} {
				form.Set(k, v)
			}
			status, _, page := e.form(t, sec, "/admin/security-policy", form)
			if status != http.StatusBadRequest || !strings.Contains(page, "password_classes must be 3–4") || read(t).Policy.MaxFailures != 3 {
				t.Fatalf("bad form: %d %.3000s", status, page)
			}
			if status, _, _ = e.form(t, e.login(t, "sysadmin"), "/admin/security-policy", form); status != http.StatusForbidden {
				t.Fatalf("sysadmin's form: %d", status)
			}
			form.Set("password_classes", "4")
			if status, _, _ = e.form(t, e.login(t, "sysadmin"), "/admin/security-policy", form); status != http.StatusForbidden {
				t.Fatalf("sysadmin's form: %d", status)
			}
			status, loc, _ := e.form(t, sec, "/admin/security-policy", form)
			want := zhili.SecuritySettings{MaxFailures: 4, LockoutMinutes: 60, IdleMinutes: 15, SessionHours: 8, PasswordMinLength: 12, PasswordClasses: 4}
			if status != http.StatusSeeOther || loc != "/admin/security-policy?saved=1" || read(t).Policy != want {
				t.Fatalf("form: %d %s %+v", status, loc, read(t).Policy)
			}
		})
	}
}
