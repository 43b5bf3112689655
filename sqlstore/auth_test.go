package sqlstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
	"github.com/zhili-project/zhili/totp"
)

const confIP = "192.0.2.10"

func confLogin(t testing.TB, auth *sqlstore.AuthService, username, pw string) *zhili.Session {
	t.Helper()
	sess, _, err := auth.Login(context.Background(), username, pw, confIP)
	if err != nil {
		t.Fatalf("login %s: %v", username, err)
	}
	return sess
}

func TestLoginAndSessions(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		auth := sqlstore.NewAuthService(db)
		clock := confClock(t, db)
		bg := context.Background()

		sess, u, err := auth.Login(bg, "townA", storetest.Password, confIP)
		if err != nil {
			t.Fatal(err)
		}
		if sess.Token == "" || sess.NeedTOTP || u.ID != f.Users["townA"].ID || u.LastLoginAt == nil {
			t.Fatalf("login: %+v %+v", sess, u)
		}
		a, _, err := auth.Authenticate(bg, sess.Token, confIP)
		if err != nil {
			t.Fatal(err)
		}
		if a.UserID != u.ID || a.Role != zhili.RoleTownship || a.ScopeRegionID != f.TownA.ID || a.ScopePath != f.TownA.Path || a.IP != confIP {
			t.Fatalf("actor %+v", a)
		}

		t.Run("bad credentials get one answer", func(t *testing.T) {
			_, _, err1 := auth.Login(bg, "townA", "Wrong@2026!pass", confIP)
			_, _, err2 := auth.Login(bg, "nobody", storetest.Password, confIP)
			confCode(t, err1, zhili.EUNAUTHORIZED)
			confCode(t, err2, zhili.EUNAUTHORIZED)
			if zhili.ErrorMessage(err1) != zhili.ErrorMessage(err2) {
				t.Fatalf("messages differ: %q vs %q", zhili.ErrorMessage(err1), zhili.ErrorMessage(err2))
			}
			if _, _, err := auth.Login(bg, "townA", storetest.Password, confIP); err != nil {
				t.Fatalf("one failure must not lock: %v", err)
			}
		})
		t.Run("unknown token is unauthorized", func(t *testing.T) {
			for _, tok := range []string{"", "not-a-token", sess.Token + "x"} {
				_, _, err := auth.Authenticate(bg, tok, confIP)
				confCode(t, err, zhili.EUNAUTHORIZED)
			}
		})
		t.Run("use keeps a session alive, idleness ends it", func(t *testing.T) {
			s := confLogin(t, auth, "townB", storetest.Password)
			for range 3 { // 90 minutes of use, never 30 idle
				clock.Advance(29*time.Minute + 59*time.Second)
				if _, _, err := auth.Authenticate(bg, s.Token, confIP); err != nil {
					t.Fatalf("session used every 30 minutes ended: %v", err)
				}
			}
			clock.Advance(30*time.Minute + time.Second)
			_, _, err := auth.Authenticate(bg, s.Token, confIP)
			confCode(t, err, zhili.EUNAUTHORIZED)
			clock.Advance(-31 * time.Minute) // even back in time the session is gone
			_, _, err = auth.Authenticate(bg, s.Token, confIP)
			confCode(t, err, zhili.EUNAUTHORIZED)
			clock.Advance(31 * time.Minute)
		})
		t.Run("sessions end after the maximum age however used", func(t *testing.T) {
			s := confLogin(t, auth, "villageA", storetest.Password)
			for elapsed := time.Duration(0); elapsed < db.Policy.MaxAge-20*time.Minute; elapsed += 20 * time.Minute {
				clock.Advance(20 * time.Minute)
				if _, _, err := auth.Authenticate(bg, s.Token, confIP); err != nil {
					t.Fatalf("after %v: %v", elapsed, err)
				}
			}
			clock.Advance(20*time.Minute + time.Second)
			_, _, err := auth.Authenticate(bg, s.Token, confIP)
			confCode(t, err, zhili.EUNAUTHORIZED)
		})
		t.Run("logout ends the session", func(t *testing.T) {
			s := confLogin(t, auth, "leader", storetest.Password)
			other := confLogin(t, auth, "leader", storetest.Password)
			if err := auth.Logout(bg, s.Token); err != nil {
				t.Fatal(err)
			}
			_, _, err := auth.Authenticate(bg, s.Token, confIP)
			confCode(t, err, zhili.EUNAUTHORIZED)
			if err := auth.Logout(bg, s.Token); err != nil {
				t.Fatalf("second logout: %v", err)
			}
			if _, _, err := auth.Authenticate(bg, other.Token, confIP); err != nil {
				t.Fatalf("the user's other session ended too: %v", err)
			}
		})
		t.Run("disabling ends sessions and logins", func(t *testing.T) {
			s := confLogin(t, auth, "supervisor", storetest.Password)
			users := sqlstore.NewUserService(db)
			id := f.Users["supervisor"].ID
			if err := users.SetUserDisabled(f.Ctx(t, db, "sysadmin"), id, true); err != nil {
				t.Fatal(err)
			}
			_, _, err := auth.Authenticate(bg, s.Token, confIP)
			confCode(t, err, zhili.EUNAUTHORIZED)
			_, _, err = auth.Login(bg, "supervisor", storetest.Password, confIP)
			confCode(t, err, zhili.EUNAUTHORIZED)
			if err := users.SetUserDisabled(f.Ctx(t, db, "sysadmin"), id, false); err != nil {
				t.Fatal(err)
			}
			confLogin(t, auth, "supervisor", storetest.Password)
		})
	})
}

// Five wrong passwords lock an account for 30 minutes, even against the right one;
// the security administrator may unlock it early.
func TestLoginLockout(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		auth := sqlstore.NewAuthService(db)
		clock := confClock(t, db)
		bg := context.Background()
		lock := func(t *testing.T, username string) {
			for range db.Policy.MaxFailures {
				_, _, err := auth.Login(bg, username, "Wrong@2026!pass", confIP)
				confCode(t, err, zhili.EUNAUTHORIZED)
			}
			_, _, err := auth.Login(bg, username, storetest.Password, confIP)
			confCode(t, err, zhili.EUNAUTHORIZED)
		}
		t.Run("locked until 30 minutes pass", func(t *testing.T) {
			lock(t, "townA")
			u, err := sqlstore.NewUserService(db).FindUser(storetest.System(), f.Users["townA"].ID)
			if err != nil || u.LockedUntil == nil || !u.LockedUntil.Equal(clock.Now().Add(30*time.Minute)) {
				t.Fatalf("locked until %v, %v", u.LockedUntil, err)
			}
			clock.Advance(29 * time.Minute)
			_, _, err = auth.Login(bg, "townA", storetest.Password, confIP)
			confCode(t, err, zhili.EUNAUTHORIZED)
			clock.Advance(time.Minute + time.Second)
			confLogin(t, auth, "townA", storetest.Password)
		})
		t.Run("four failures and a success reset the count", func(t *testing.T) {
			for range db.Policy.MaxFailures - 1 {
				auth.Login(bg, "townB", "Wrong@2026!pass", confIP)
			}
			confLogin(t, auth, "townB", storetest.Password)
			for range db.Policy.MaxFailures - 1 {
				auth.Login(bg, "townB", "Wrong@2026!pass", confIP)
			}
			confLogin(t, auth, "townB", storetest.Password)
		})
		t.Run("only the security administrator unlocks", func(t *testing.T) {
			lock(t, "villageA")
			users := sqlstore.NewUserService(db)
			id := f.Users["villageA"].ID
			confCode(t, users.UnlockUser(f.Ctx(t, db, "sysadmin"), id), zhili.EFORBIDDEN)
			_, _, err := auth.Login(bg, "villageA", storetest.Password, confIP)
			confCode(t, err, zhili.EUNAUTHORIZED)
			if err := users.UnlockUser(f.Ctx(t, db, "secadmin"), id); err != nil {
				t.Fatal(err)
			}
			confLogin(t, auth, "villageA", storetest.Password)
		})
		t.Run("failures are audited", func(t *testing.T) {
			es, n, err := sqlstore.NewAuditService(db).FindAudit(f.Ctx(t, db, "auditor"), zhili.AuditFilter{Action: "login.fail", UserID: &f.Users["villageA"].ID})
			if err != nil {
				t.Fatal(err)
			}
			// Five wrong passwords, the right one while locked, and the attempt after the
			// sysadmin's refused unlock.
			if n != db.Policy.MaxFailures+2 {
				t.Fatalf("%d login.fail entries, want %d: %+v", n, db.Policy.MaxFailures+2, es)
			}
		})
	})
}

// Administrators' sessions need the second factor before their actor has a role.
func TestAdministratorSecondFactor(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		auth := sqlstore.NewAuthService(db)
		clock := confClock(t, db)
		bg := context.Background()

		for _, who := range []string{"sysadmin", "secadmin", "auditor"} {
			t.Run(who+" session has no role before the second factor", func(t *testing.T) {
				s := confLogin(t, auth, who, storetest.Password)
				if !s.NeedTOTP {
					t.Fatal("administrator session without NeedTOTP")
				}
				a, sess, err := auth.Authenticate(bg, s.Token, confIP)
				if err != nil {
					t.Fatal(err)
				}
				if !sess.NeedTOTP || a.Role != "" {
					t.Fatalf("actor %+v session %+v", a, sess)
				}
				ctx := zhili.NewContextWithActor(bg, a)
				_, _, err = sqlstore.NewRegionService(db).FindRegions(ctx, zhili.RegionFilter{})
				confCode(t, err, zhili.EFORBIDDEN)
				_, err = sqlstore.NewUserService(db).CreateUser(ctx, zhili.UserCreate{Username: "x" + who, Role: zhili.RoleLeader, UnitID: f.Offices[f.County.Code].ID, Password: storetest.Password})
				confCode(t, err, zhili.EFORBIDDEN)
				_, _, err = sqlstore.NewAuditService(db).FindAudit(ctx, zhili.AuditFilter{})
				confCode(t, err, zhili.EFORBIDDEN)
				confCode(t, auth.VerifyTOTP(bg, s.Token, "123456"), zhili.ECONFLICT) // nothing enrolled yet
			})
		}

		s := confLogin(t, auth, "sysadmin", storetest.Password)
		secret, err := auth.EnrollTOTP(bg, s.Token)
		if err != nil {
			t.Fatal(err)
		}
		code := func() string {
			c, err := totp.Code(secret, clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		t.Run("wrong confirmation code is invalid", func(t *testing.T) {
			err := auth.ConfirmTOTP(bg, s.Token, confWrongCode(code()))
			confCode(t, err, zhili.EINVALID)
			confField(t, err, "code")
		})
		used := code()
		t.Run("confirming enrols and passes the session", func(t *testing.T) {
			if err := auth.ConfirmTOTP(bg, s.Token, used); err != nil {
				t.Fatal(err)
			}
			a, sess, err := auth.Authenticate(bg, s.Token, confIP)
			if err != nil || sess.NeedTOTP || a.Role != zhili.RoleSysadmin {
				t.Fatalf("after confirm: %+v %+v %v", a, sess, err)
			}
			u, err := sqlstore.NewUserService(db).FindUser(zhili.NewContextWithActor(bg, a), a.UserID)
			if err != nil || !u.TOTPEnabled {
				t.Fatalf("user after confirm: %+v, %v", u, err)
			}
			_, err = auth.EnrollTOTP(bg, s.Token)
			confCode(t, err, zhili.ECONFLICT)
		})
		t.Run("a code is good once", func(t *testing.T) {
			s2 := confLogin(t, auth, "sysadmin", storetest.Password)
			if !s2.NeedTOTP {
				t.Fatal("second login skipped the second factor")
			}
			confCode(t, auth.VerifyTOTP(bg, s2.Token, used), zhili.EINVALID) // same step as the confirmation
			clock.Advance(totp.Period)
			fresh := code()
			if err := auth.VerifyTOTP(bg, s2.Token, fresh); err != nil {
				t.Fatal(err)
			}
			a, _, err := auth.Authenticate(bg, s2.Token, confIP)
			if err != nil || a.Role != zhili.RoleSysadmin {
				t.Fatalf("after verify: %+v, %v", a, err)
			}
			s3 := confLogin(t, auth, "sysadmin", storetest.Password)
			err = auth.VerifyTOTP(bg, s3.Token, fresh)
			confCode(t, err, zhili.EINVALID)
			confField(t, err, "code")
			a, _, err = auth.Authenticate(bg, s3.Token, confIP)
			if err != nil || a.Role != "" {
				t.Fatalf("replayed code passed: %+v, %v", a, err)
			}
		})
		t.Run("wrong code is invalid", func(t *testing.T) {
			clock.Advance(totp.Period)
			s4 := confLogin(t, auth, "sysadmin", storetest.Password)
			err := auth.VerifyTOTP(bg, s4.Token, confWrongCode(code()))
			confCode(t, err, zhili.EINVALID)
			confField(t, err, "code")
			if err := auth.VerifyTOTP(bg, s4.Token, code()); err != nil {
				t.Fatalf("right code after a wrong one: %v", err)
			}
		})
		t.Run("reset lets the owner enrol again", func(t *testing.T) {
			if err := sqlstore.NewUserService(db).ResetTOTP(f.Ctx(t, db, "secadmin"), f.Users["sysadmin"].ID); err != nil {
				t.Fatal(err)
			}
			s5 := confLogin(t, auth, "sysadmin", storetest.Password)
			if _, err := auth.EnrollTOTP(bg, s5.Token); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("other roles need no second factor", func(t *testing.T) {
			s := confLogin(t, auth, "leader", storetest.Password)
			if s.NeedTOTP {
				t.Fatal("leader session needs TOTP")
			}
			if err := auth.VerifyTOTP(bg, s.Token, "000000"); err != nil {
				t.Fatalf("VerifyTOTP on a session that needs none: %v", err)
			}
		})
	})
}

// A session opened before an account became an administrator gets no
// administrator powers without the second factor.
func TestPromotionNeedsSecondFactor(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		auth := sqlstore.NewAuthService(db)
		s := confLogin(t, auth, "townA", storetest.Password)
		if err := sqlstore.NewUserService(db).SetUserRole(f.Ctx(t, db, "secadmin"), f.Users["townA"].ID, zhili.RoleSysadmin); err != nil {
			t.Fatal(err)
		}
		a, _, err := auth.Authenticate(context.Background(), s.Token, confIP)
		if err == nil && a.Role != "" {
			t.Fatalf("old session acts as %s without a second factor", a.Role)
		}
		s2 := confLogin(t, auth, "townA", storetest.Password)
		if !s2.NeedTOTP {
			t.Fatal("new session of the promoted account skips the second factor")
		}
	})
}

// Wrong one-time codes count as failed logins: enough of them lock the account,
// so a stolen password does not allow guessing codes without limit.
func TestWrongCodesLock(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		storetest.NewFixture(t, db)
		auth := sqlstore.NewAuthService(db)
		clock := confClock(t, db)
		bg := context.Background()
		s := confLogin(t, auth, "secadmin", storetest.Password)
		secret, err := auth.EnrollTOTP(bg, s.Token)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := totp.Code(secret, clock.Now())
		if err := auth.ConfirmTOTP(bg, s.Token, c); err != nil {
			t.Fatal(err)
		}
		clock.Advance(totp.Period)
		s2 := confLogin(t, auth, "secadmin", storetest.Password)
		right, _ := totp.Code(secret, clock.Now())
		for range db.Policy.MaxFailures {
			confCode(t, auth.VerifyTOTP(bg, s2.Token, confWrongCode(right)), zhili.EINVALID)
		}
		if err := auth.VerifyTOTP(bg, s2.Token, right); err == nil {
			t.Fatal("the right code passed after five wrong ones")
		}
		if a, _, err := auth.Authenticate(bg, s2.Token, confIP); err == nil && a.Role != "" {
			t.Fatalf("session has role %s after five wrong codes", a.Role)
		}
		_, _, err = auth.Login(bg, "secadmin", storetest.Password, confIP)
		confCode(t, err, zhili.EUNAUTHORIZED)
	})
}

// confWrongCode returns a six-digit code that is not c.
func confWrongCode(c string) string {
	b := []byte(c)
	b[0] = '0' + (b[0]-'0'+1)%10
	return string(b)
}

// TestLoginLockoutConcurrent: wrong passwords tried at the same moment (as on
// several instances) each count, so the account locks at the policy's limit.
func TestLoginLockoutConcurrent(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		storetest.NewFixture(t, db)
		auth := sqlstore.NewAuthService(db)
		var wg sync.WaitGroup
		for i := 0; i < 12; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				auth.Login(context.Background(), "townA", "Wrong@2026!pass", confIP)
			}()
		}
		wg.Wait()
		if _, _, err := auth.Login(context.Background(), "townA", storetest.Password, confIP); err == nil {
			t.Errorf("%s: 12 wrong passwords at once did not lock the account (the default locks at 5)", d)
		}
	})
}
