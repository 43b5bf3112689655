package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

const newPassword = "Renewed@2026!pass"

// auditCount counts audit entries of an action (a prefix) as the auditor.
func auditCount(t *testing.T, db *sqlstore.DB, f *storetest.Fixture, action string) int {
	t.Helper()
	_, n, err := sqlstore.NewAuditService(db).FindAudit(f.Ctx(t, db, "auditor"), zhili.AuditFilter{Action: action, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPasswordMaxAgePolicyBounds(t *testing.T) {
	for _, v := range []int{-1, 1, 29, 366} {
		s := zhili.DefaultSecuritySettings()
		s.PasswordMaxAgeDays = v
		if err := s.Validate(); zhili.ErrorCode(err) != zhili.EINVALID || len(zhili.ErrorFields(err)) != 1 ||
			zhili.ErrorFields(err)[0].Field != "password_max_age_days" {
			t.Errorf("%d days: %v", v, err)
		}
	}
	for _, v := range []int{0, 30, 90, 365} {
		s := zhili.DefaultSecuritySettings()
		s.PasswordMaxAgeDays = v
		if err := s.Validate(); err != nil {
			t.Errorf("%d days: %v", v, err)
		}
	}
	if zhili.DefaultSecuritySettings().PasswordMaxAgeDays != 0 {
		t.Fatal("the maximum age must be off by default")
	}
}

func TestPasswordMaxAge(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		auth := sqlstore.NewAuthService(db)
		clock := confClock(t, db)
		bg := context.Background()
		sec := f.Ctx(t, db, "secadmin")

		// Off (the default): an old password changes nothing.
		clock.Advance(400 * 24 * time.Hour)
		sess := confLogin(t, auth, "townA", storetest.Password)
		if sess.MustChangePassword {
			t.Fatal("policy off: the session must not be restricted")
		}
		if a, _, err := auth.Authenticate(bg, sess.Token, confIP); err != nil || a.Role != zhili.RoleTownship {
			t.Fatalf("policy off: %+v %v", a, err)
		}

		// 30 days; the passwords were set 400 days ago.
		set := zhili.DefaultSecuritySettings()
		set.PasswordMaxAgeDays = 29
		_, err := auth.SetSecurityPolicy(sec, set)
		confCode(t, err, zhili.EINVALID)
		set.PasswordMaxAgeDays = 30
		if _, err := auth.SetSecurityPolicy(sec, set); err != nil {
			t.Fatal(err)
		}
		// The session already open is restricted from now on.
		if a, s, err := auth.Authenticate(bg, sess.Token, confIP); err != nil || a.Role != "" || !s.MustChangePassword {
			t.Fatalf("open session after the policy: %+v %+v %v", a, s, err)
		}
		before := auditCount(t, db, f, "login.password_expired")
		restricted := confLogin(t, auth, "townA", storetest.Password)
		if !restricted.MustChangePassword {
			t.Fatal("expired password: the session must be restricted")
		}
		if n := auditCount(t, db, f, "login.password_expired"); n != before+1 {
			t.Fatalf("login.password_expired entries: %d, want %d", n, before+1)
		}
		a, _, err := auth.Authenticate(bg, restricted.Token, confIP)
		if err != nil || a.Role != "" {
			t.Fatalf("restricted actor %+v %v", a, err)
		}
		ctx := zhili.NewContextWithActor(bg, a)
		if _, _, err := sqlstore.NewCaseService(db).FindCases(ctx, zhili.CaseFilter{Limit: 1}); err == nil {
			t.Fatal("a restricted session read cases")
		}

		// The change: the current password, the policy, and not the same one.
		confCode(t, auth.ChangeOwnPassword(ctx, restricted.Token, "Wrong@2026!pass", newPassword), zhili.EINVALID)
		err = auth.ChangeOwnPassword(ctx, restricted.Token, storetest.Password, "short")
		if confCode(t, err, zhili.EINVALID); zhili.ErrorFields(err)[0].Field != "password" {
			t.Fatalf("weak: %v", err)
		}
		err = auth.ChangeOwnPassword(ctx, restricted.Token, storetest.Password, storetest.Password)
		if confCode(t, err, zhili.EINVALID); zhili.ErrorFields(err)[0].Code != "unchanged" {
			t.Fatalf("same: %v", err)
		}
		if err := auth.ChangeOwnPassword(ctx, restricted.Token, storetest.Password, newPassword); err != nil {
			t.Fatal(err)
		}
		if a, s, err := auth.Authenticate(bg, restricted.Token, confIP); err != nil || a.Role != zhili.RoleTownship || s.MustChangePassword {
			t.Fatalf("after the change: %+v %+v %v", a, s, err)
		}
		if _, _, err := auth.Authenticate(bg, sess.Token, confIP); zhili.ErrorCode(err) != zhili.EUNAUTHORIZED {
			t.Fatalf("the other session must end: %v", err)
		}
		if n := auditCount(t, db, f, "password.change"); n != 1 {
			t.Fatalf("password.change entries: %d", n)
		}
		if s := confLogin(t, auth, "townA", newPassword); s.MustChangePassword {
			t.Fatal("a fresh password must not be restricted")
		}
		// 31 days later it has expired in its turn.
		clock.Advance(31 * 24 * time.Hour)
		if s := confLogin(t, auth, "townA", newPassword); !s.MustChangePassword {
			t.Fatal("31 days later the password must have expired")
		}
	})
}

func TestPasswordResetMustChange(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		auth := sqlstore.NewAuthService(db)
		users := sqlstore.NewUserService(db)
		bg := context.Background()
		// Policy off: a reset still forces a change.
		if err := users.SetPassword(f.Ctx(t, db, "secadmin"), f.Users["townB"].ID, "", "Temporary@2026!pw"); err != nil {
			t.Fatal(err)
		}
		sess := confLogin(t, auth, "townB", "Temporary@2026!pw")
		if !sess.MustChangePassword {
			t.Fatal("after a reset the session must be restricted")
		}
		a, _, err := auth.Authenticate(bg, sess.Token, confIP)
		if err != nil || a.Role != "" {
			t.Fatalf("restricted actor %+v %v", a, err)
		}
		if err := auth.ChangeOwnPassword(zhili.NewContextWithActor(bg, a), sess.Token, "Temporary@2026!pw", newPassword); err != nil {
			t.Fatal(err)
		}
		if a, _, err := auth.Authenticate(bg, sess.Token, confIP); err != nil || a.Role != zhili.RoleTownship {
			t.Fatalf("after the change: %+v %v", a, err)
		}
		// Changing one's own password (knowing the old one) sets no must-change.
		own := f.Ctx(t, db, "townA")
		err = users.SetPassword(own, f.Users["townA"].ID, storetest.Password, storetest.Password)
		confCode(t, err, zhili.EINVALID)
		if err := users.SetPassword(own, f.Users["townA"].ID, storetest.Password, newPassword); err != nil {
			t.Fatal(err)
		}
		if s := confLogin(t, auth, "townA", newPassword); s.MustChangePassword {
			t.Fatal("one's own change must not restrict")
		}
	})
}
