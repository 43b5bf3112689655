package e2e

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/zhili-project/zhili/sqlstore"
)

// TestPasswordChangeAfterReset: the security administrator resets the township
// operator's password; signing in with the temporary one, the operator is sent
// to 修改密码 whatever page they ask for. A wrong current password and then a
// weak new one come back with the reason next to the field; a good one lets
// them into the system, menu and all, and the next sign-in with it goes
// straight to the page asked for.
func TestPasswordChangeAfterReset(t *testing.T) {
	const (
		temporary = "Linshi#2026mima"
		chosen    = "Qingshan@2026ok"
	)
	s := startSite(t, "sqlite")
	users := sqlstore.NewUserService(s.db)
	if err := users.SetPassword(s.f.Ctx(t, s.db, "secadmin"), s.f.Users["townA"].ID, "", temporary); err != nil {
		t.Fatalf("reset townA's password: %v", err)
	}

	op := s.openTab(t, "townA", desktop)
	signIn(op, "townA", temporary, "/queue")
	// Whatever page is asked for, the change comes first, and remembers the page.
	if loc := op.location(); !strings.HasSuffix(loc, "/account/password?next=%2Fqueue") {
		t.Fatalf("after signing in with a reset password: at %s", loc)
	}
	for _, p := range []string{"/", "/cases", "/queue"} {
		if st := op.visit(p); st != 200 || !strings.HasSuffix(op.location(), "/account/password?next="+url.QueryEscape(p)) {
			t.Fatalf("%s while the change is owed: %d at %s", p, st, op.location())
		}
	}
	if b := op.body(); !strings.Contains(b, "须先修改密码") {
		t.Fatalf("no notice that the change is required: %s", b)
	}
	if n := get(op, chromedp.Evaluate[int](`document.querySelectorAll('.menu a').length`)); n != 0 {
		t.Fatalf("the menu shows %d entries while the change is owed", n)
	}
	op.shot("password-change")

	// fill types into the (empty) change form and sends it, answering the status.
	fill := func(old, pw, confirm string) int64 {
		t.Helper()
		for name, v := range map[string]string{"old_password": old, "password": pw, "confirm": confirm} {
			sel := `form[action="/account/password"] input[name="` + name + `"]`
			op.do(chromedp.SendKeys(chromedp.CSS(sel), v)) // password fields come back empty
		}
		return op.submit(`form[action="/account/password"] button[type=submit]`)
	}
	// fieldError is the reason shown at the field, "" if none.
	fieldError := func(name string) string {
		t.Helper()
		return get(op, chromedp.Evaluate[string](`(() => {
			const e = document.querySelector('input[name="`+name+`"]').closest('label').querySelector('.ferr');
			return e ? e.innerText : '';
		})()`))
	}

	if st := fill("Wrong#2026pass", chosen, chosen); st != 400 {
		t.Fatalf("wrong current password: %d", st)
	}
	op.forgive(400)
	if e := fieldError("old_password"); !strings.Contains(e, "当前密码错误") {
		t.Fatalf("wrong current password: at the field %q; page: %s", e, op.body())
	}
	if e := fieldError("password"); e != "" {
		t.Fatalf("wrong current password: the new password gets %q", e)
	}
	op.shot("password-change-error")

	if st := fill(temporary, "qingshan", "qingshan"); st != 400 {
		t.Fatalf("weak new password: %d", st)
	}
	op.forgive(400)
	if e := fieldError("password"); !strings.Contains(e, "密码至少10位") {
		t.Fatalf("weak new password: at the field %q; page: %s", e, op.body())
	}
	if e := fieldError("old_password"); e != "" {
		t.Fatalf("weak new password: the current password gets %q", e)
	}
	op.shot("password-change-weak")

	if st := fill(temporary, chosen, chosen); st != 200 {
		t.Fatalf("good new password: %d: %s", st, op.body())
	}
	if b := op.body(); !strings.Contains(b, "密码已修改") {
		t.Fatalf("no confirmation after the change: %s", b)
	}
	if n := get(op, chromedp.Evaluate[int](`document.querySelectorAll('input[type=password]').length`)); n != 0 {
		t.Fatalf("the form is still shown after the change")
	}
	// 继续 goes to the page first asked for (/queue), which the change interrupted.
	if st := op.submit(`main a.btn`); st != 200 || !strings.HasSuffix(op.location(), "/queue") {
		t.Fatalf("继续 after the change: %d at %s", st, op.location())
	}
	if st := op.submit(`.menu a[href="/queue"]`); st != 200 || !strings.HasSuffix(op.location(), "/queue") {
		t.Fatalf("待办事项 from the menu after the change: %d at %s", st, op.location())
	}
	if on := op.text(`.menu a.on`); on != "待办事项" {
		t.Fatalf("menu highlights %q on the queue", on)
	}

	// The next sign-in, in a fresh browser context, goes where it was asked to.
	again := s.openTab(t, "townA again", desktop)
	signIn(again, "townA", chosen, "/cases")
	if loc := again.location(); !strings.HasSuffix(loc, "/cases") {
		t.Fatalf("second sign-in with the new password: at %s", loc)
	}
}

// signIn signs user in with pw through the login form, asking for next (the
// fixture's tab.login knows only the fixture password).
func signIn(tb *tab, user, pw, next string) {
	tb.t.Helper()
	if st := tb.visit("/login?next=" + next); st != 200 {
		tb.t.Fatalf("login page: %d", st)
	}
	tb.do(
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), user),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), pw),
	)
	if st := tb.submit(`form[action="/login"] button[type=submit]`); st != 200 {
		tb.t.Fatalf("%s signing in: %d at %s: %s", user, st, tb.location(), tb.body())
	}
}
