package http

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// pwLogin logs in through the API without the token cache of e.login and
// returns the token and whether the session must change its password.
func (e *testEnv) pwLogin(t *testing.T, name, pw string) (string, bool) {
	t.Helper()
	status, body := e.do(t, "", "POST", "/api/v1/login", map[string]string{"username": name, "password": pw})
	if status != http.StatusOK {
		t.Fatalf("login %s: %d %s", name, status, body)
	}
	var lr loginResponse
	if err := json.Unmarshal(body, &lr); err != nil {
		t.Fatal(err)
	}
	return lr.Token, lr.MustChangePassword
}

func TestPasswordMaxAgeAPI(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			clock := e.db.Clock.(*zhili.FixedClock)
			sec := e.login(t, "secadmin")
			if status, body := e.do(t, sec, "PUT", "/api/v1/security-policy", map[string]int{"password_max_age_days": 10}); status != http.StatusBadRequest ||
				!strings.Contains(string(body), "password_max_age_days must be 0 (off) or 30–365") {
				t.Fatalf("10 days: %d %s", status, body)
			}

			// Off (the default): 31 days on, nothing changes.
			clock.Advance(31 * 24 * time.Hour)
			tok, must := e.pwLogin(t, "townA", storetest.Password)
			if status, body := e.do(t, tok, "GET", "/api/v1/cases", nil); must || status != http.StatusOK {
				t.Fatalf("policy off: must=%v %d %s", must, status, body)
			}

			// 30 days: the passwords were set 31 days ago.
			// (Through the store: the secadmin's own password is as old.)
			set := zhili.DefaultSecuritySettings()
			set.PasswordMaxAgeDays = 30
			if _, err := sqlstore.NewAuthService(e.db).SetSecurityPolicy(e.f.Ctx(t, e.db, "secadmin"), set); err != nil {
				t.Fatal(err)
			}
			tok, must = e.pwLogin(t, "townA", storetest.Password)
			if !must {
				t.Fatal("login must answer must_change_password: true")
			}
			status, body := e.do(t, tok, "GET", "/api/v1/cases", nil)
			var eb errorBody
			json.Unmarshal(body, &eb)
			if status != http.StatusForbidden || eb.Error.Code != codePasswordExpired {
				t.Fatalf("restricted /api/v1/cases: %d %s", status, body)
			}
			if status, body := e.do(t, tok, "GET", "/api/v1/me", nil); status != http.StatusOK || !strings.Contains(string(body), `"must_change_password":true`) {
				t.Fatalf("restricted /api/v1/me: %d %s", status, body)
			}
			if status, loc, _ := e.form(t, tok, "/cases/new", url.Values{}); status != http.StatusSeeOther || loc != passwordChangePage {
				t.Fatalf("restricted page: %d %s", status, loc)
			}
			for _, c := range []struct {
				pw    string
				field string
			}{{storetest.Password, "password"}, {"short", "password"}} {
				status, body := e.do(t, tok, "POST", "/api/v1/me/password", passwordChangeRequest{OldPassword: storetest.Password, Password: c.pw})
				if status != http.StatusBadRequest || !strings.Contains(string(body), `"field":"`+c.field+`"`) {
					t.Fatalf("change to %q: %d %s", c.pw, status, body)
				}
			}
			if status, body := e.do(t, tok, "POST", "/api/v1/me/password", passwordChangeRequest{OldPassword: storetest.Password, Password: "Renewed@2026!pass"}); status != http.StatusOK {
				t.Fatalf("change: %d %s", status, body)
			}
			if status, body := e.do(t, tok, "GET", "/api/v1/cases", nil); status != http.StatusOK {
				t.Fatalf("after the change: %d %s", status, body)
			}

			// The page: a reset by the security administrator forces a change too.
			id := e.f.Users["townB"].ID
			if err := sqlstore.NewUserService(e.db).SetPassword(e.f.Ctx(t, e.db, "secadmin"), id, "", "Temporary@2026!pw"); err != nil {
				t.Fatal(err)
			}
			tok, must = e.pwLogin(t, "townB", "Temporary@2026!pw")
			if !must {
				t.Fatal("a reset password must be changed")
			}
			if status, body := e.do(t, tok, "GET", passwordChangePage, nil); status != http.StatusOK || !strings.Contains(string(body), "须先修改密码") {
				t.Fatalf("page: %d %.2000s", status, body)
			}
			form := url.Values{"old_password": {"Temporary@2026!pw"}, "password": {"Renewed@2026!pass"}, "confirm": {"Renewed@2026!pas"}}
			if status, _, page := e.form(t, tok, passwordChangePage, form); status != http.StatusBadRequest || !strings.Contains(page, "不一致") {
				t.Fatalf("mismatch: %d %.2000s", status, page)
			}
			form.Set("confirm", "Renewed@2026!pass")
			form.Set("next", "/queue?kind=dispute") // the page the change interrupted
			if status, loc, page := e.form(t, tok, passwordChangePage, form); status != http.StatusSeeOther ||
				loc != passwordChangePage+"?changed=1&next="+url.QueryEscape("/queue?kind=dispute") {
				t.Fatalf("form: %d %s %.2000s", status, loc, page)
			}
			if status, body := e.do(t, tok, "GET", "/api/v1/cases", nil); status != http.StatusOK {
				t.Fatalf("after the page change: %d %s", status, body)
			}
		})
	}
}

// TestPasswordChangeGuards: a session still owing the second factor cannot
// change the password by either route (a stolen password alone must not
// replace it), and wrong current passwords count as failed logins: at the
// policy's limit the account locks and its sessions end.
func TestPasswordChangeGuards(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			e.login(t, "secadmin") // enrols the second factor
			half, _ := e.pwLogin(t, "secadmin", storetest.Password)
			change := map[string]string{"old_password": storetest.Password, "password": "Hijack@2026!pwd"}
			if st, body := e.do(t, half, "POST", "/api/v1/me/password", change); st != http.StatusForbidden {
				t.Errorf("pending second factor, /me/password: %d %s", st, body)
			}
			if st, body := e.do(t, half, "PATCH", "/api/v1/users/"+itoa(e.f.Users["secadmin"].ID), change); st != http.StatusForbidden {
				t.Errorf("pending second factor, PATCH own user: %d %s", st, body)
			}
			if st, _ := e.do(t, "", "POST", "/api/v1/login", map[string]string{"username": "secadmin", "password": storetest.Password}); st != http.StatusOK {
				t.Errorf("the password was changed without the second factor: login %d", st)
			}

			tok := e.login(t, "townA")
			for i := 0; i < 4; i++ { // the default policy locks at the fifth failure
				wrong := map[string]string{"old_password": fmt.Sprintf("Guess@%d!xyzq", i), "password": "Another@2026!pass"}
				if st, body := e.do(t, tok, "PATCH", "/api/v1/users/"+itoa(e.f.Users["townA"].ID), wrong); st != http.StatusBadRequest {
					t.Fatalf("wrong current password %d: %d %s", i, st, body)
				}
			}
			wrong := map[string]string{"old_password": "Guess@9!xyzq", "password": "Another@2026!pass"}
			if st, body := e.do(t, tok, "POST", "/api/v1/me/password", wrong); st != http.StatusUnauthorized {
				t.Errorf("fifth wrong current password: %d %s, want 401 (locked)", st, body)
			}
			if st, _ := e.do(t, tok, "GET", "/api/v1/me", nil); st != http.StatusUnauthorized {
				t.Errorf("the session survived the lockout: %d", st)
			}
			if st, _ := e.do(t, "", "POST", "/api/v1/login", map[string]string{"username": "townA", "password": storetest.Password}); st != http.StatusUnauthorized {
				t.Errorf("the account is not locked: login %d", st)
			}
		})
	}
}
