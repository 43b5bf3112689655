package http

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// browser is an HTTP client that keeps cookies and does not follow redirects, so
// tests see each step of a form login.
func browser(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func get(t *testing.T, c *http.Client, u string) (int, string, http.Header) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func TestPages(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, "sqlite")
	c := browser(t)

	t.Run("anonymous home redirects to login", func(t *testing.T) {
		status, _, h := get(t, c, e.srv.URL+"/")
		if status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
			t.Fatalf("status %d location %q", status, h.Get("Location"))
		}
	})
	t.Run("login page is Chinese and has the form", func(t *testing.T) {
		status, body, h := get(t, c, e.srv.URL+"/login")
		if status != 200 || !strings.Contains(body, "用户登录") || !strings.Contains(body, `name="password"`) {
			t.Fatalf("status %d body %.300s", status, body)
		}
		if h.Get("X-Frame-Options") != "DENY" || h.Get("Content-Security-Policy") == "" {
			t.Fatalf("security headers missing: %v", h)
		}
	})
	t.Run("wrong password shows the error and sets no session", func(t *testing.T) {
		resp, err := c.PostForm(e.srv.URL+"/login", url.Values{"username": {"townA"}, "password": {"wrong"}})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(b), "用户名或密码错误") {
			t.Fatalf("status %d body %.300s", resp.StatusCode, b)
		}
	})
	t.Run("township user logs in and sees only their township", func(t *testing.T) {
		resp, err := c.PostForm(e.srv.URL+"/login", url.Values{"username": {"townA"}, "password": {storetest.Password}, "next": {"/"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
			t.Fatalf("login: status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		status, body, _ := get(t, c, e.srv.URL+"/")
		if status != 200 || !strings.Contains(body, "青山镇") || !strings.Contains(body, "石桥村") || strings.Contains(body, "河东村") {
			t.Fatalf("home: status %d body %.500s", status, body)
		}
		if status, _, _ := get(t, c, e.srv.URL+"/regions/"+e.f.TownB.Code); status != http.StatusNotFound {
			t.Fatalf("other township's page: status %d, want 404", status)
		}
	})
	t.Run("an open redirect after login is refused", func(t *testing.T) {
		c := browser(t)
		resp, err := c.PostForm(e.srv.URL+"/login", url.Values{"username": {"townB"}, "password": {storetest.Password}, "next": {"//evil.example/"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); loc != "/" {
			t.Fatalf("location %q, want /", loc)
		}
	})
	t.Run("administrator must pass the second factor before any page", func(t *testing.T) {
		c := browser(t)
		resp, err := c.PostForm(e.srv.URL+"/login", url.Values{"username": {"sysadmin"}, "password": {storetest.Password}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); loc != "/login/totp" {
			t.Fatalf("location %q, want /login/totp", loc)
		}
		if status, _, h := get(t, c, e.srv.URL+"/admin/users"); status != http.StatusSeeOther || h.Get("Location") != "/login/totp" {
			t.Fatalf("users page before second factor: %d %q", status, h.Get("Location"))
		}
		status, body, _ := get(t, c, e.srv.URL+"/login/totp")
		if status != 200 || !strings.Contains(body, "身份验证器") {
			t.Fatalf("totp page: %d %.300s", status, body)
		}
	})
	t.Run("cross-site form posts are refused", func(t *testing.T) {
		req, _ := http.NewRequest("POST", e.srv.URL+"/logout", nil)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("status %d, want 403", resp.StatusCode)
		}
	})
}

func TestHealthAndMetrics(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, "sqlite")
	c := browser(t)
	if status, body, _ := get(t, c, e.srv.URL+"/healthz"); status != 200 || !strings.Contains(body, `"ok"`) {
		t.Fatalf("healthz: %d %s", status, body)
	}
	get(t, c, e.srv.URL+"/api/v1/regions")
	status, body, _ := get(t, c, e.srv.URL+"/metrics")
	if status != 200 || !strings.Contains(body, `zhili_http_requests_total{route="GET /api/v1/regions",status="4xx"} 1`) {
		t.Fatalf("metrics: %d %s", status, body)
	}
}

func TestAPIErrors(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, "sqlite")
	tok := e.login(t, "sysadmin")
	t.Run("unknown field is named", func(t *testing.T) {
		status, body := e.do(t, tok, "POST", "/api/v1/regions", map[string]any{"code": "419901100202", "colour": "red"})
		if status != 400 || !contains(body, `"code":"invalid"`, "colour") {
			t.Fatalf("%d %s", status, body)
		}
	})
	t.Run("bad fields are listed with machine codes", func(t *testing.T) {
		status, body := e.do(t, tok, "POST", "/api/v1/regions", map[string]any{"code": "41990110020X", "name": "", "parent_code": e.f.TownA.Code, "level": 3, "kind": "village"})
		if status != 400 || !contains(body, `"field":"name"`, `"field":"code"`, `"code":"malformed"`) {
			t.Fatalf("%d %s", status, body)
		}
	})
	t.Run("unknown endpoint is a JSON 404", func(t *testing.T) {
		status, body := e.do(t, tok, "GET", "/api/v1/nothing", nil)
		if status != 404 || !contains(body, `"not_found"`) {
			t.Fatalf("%d %s", status, body)
		}
	})
	t.Run("locate with bad numbers names the field", func(t *testing.T) {
		status, body := e.do(t, tok, "GET", "/api/v1/locate?lat=x&lng=113.6", nil)
		if status != 400 || !contains(body, `"field":"lat"`) {
			t.Fatalf("%d %s", status, body)
		}
	})
	t.Run("locate in GCJ-02 finds the grid", func(t *testing.T) {
		// 113.605,34.705 WGS-84 lies in 石桥村第一网格; send its GCJ-02 form.
		status, body := e.do(t, tok, "GET", "/api/v1/locate?lat=34.70376&lng=113.61103&crs=gcj02", nil)
		if status != 200 || !contains(body, e.f.GridA.Code) {
			t.Fatalf("%d %s", status, body)
		}
	})
}
