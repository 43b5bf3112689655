package sqlstore_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// TestSecurityPolicy: the security administrator sets the login and password
// policy within bounds; every change is audited and applies without a restart.
func TestSecurityPolicy(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		auth := sqlstore.NewAuthService(db)
		users := sqlstore.NewUserService(db)
		clock := confClock(t, db)
		bg := context.Background()
		sec := f.Ctx(t, db, "secadmin")
		set := func(t *testing.T, change func(*zhili.SecuritySettings)) {
			t.Helper()
			cur, err := auth.SecurityPolicy(sec)
			if err != nil {
				t.Fatal(err)
			}
			change(cur)
			if _, err := auth.SetSecurityPolicy(sec, *cur); err != nil {
				t.Fatal(err)
			}
		}

		t.Run("defaults when unset, readable by the three administrators only", func(t *testing.T) {
			for _, u := range []string{"secadmin", "sysadmin", "auditor"} {
				got, err := auth.SecurityPolicy(f.Ctx(t, db, u))
				if err != nil || *got != zhili.DefaultSecuritySettings() {
					t.Fatalf("%s reads %+v, %v; want the defaults", u, got, err)
				}
			}
			_, err := auth.SecurityPolicy(f.Ctx(t, db, "leader"))
			confCode(t, err, zhili.EFORBIDDEN)
			if zhili.DefaultSecuritySettings().Policy() != zhili.DefaultSecurityPolicy {
				t.Fatalf("default settings %+v differ from DefaultSecurityPolicy", zhili.DefaultSecuritySettings().Policy())
			}
		})
		t.Run("only the security administrator changes it", func(t *testing.T) {
			for _, u := range []string{"sysadmin", "auditor", "leader", "center"} {
				_, err := auth.SetSecurityPolicy(f.Ctx(t, db, u), zhili.DefaultSecuritySettings())
				confCode(t, err, zhili.EFORBIDDEN)
			}
			if v, _ := db.Setting(bg, "security.policy"); v != "" {
				t.Fatalf("refused changes stored %q", v)
			}
		})
		t.Run("out of range is refused naming the field, nothing stored", func(t *testing.T) {
			bad := zhili.DefaultSecuritySettings()
			bad.MaxFailures, bad.IdleMinutes = 11, 4
			_, err := auth.SetSecurityPolicy(sec, bad)
			confCode(t, err, zhili.EINVALID)
			fields := map[string]string{}
			for _, fe := range zhili.ErrorFields(err) {
				fields[fe.Field] = fe.Reason
			}
			if !strings.Contains(fields["max_failures"], "3–10") || !strings.Contains(fields["idle_minutes"], "5–120") || len(fields) != 2 {
				t.Fatalf("field errors %v", fields)
			}
			if v, _ := db.Setting(bg, "security.policy"); v != "" {
				t.Fatalf("refused policy stored %q", v)
			}
		})
		t.Run("three failures lock once set to three", func(t *testing.T) {
			set(t, func(s *zhili.SecuritySettings) { s.MaxFailures, s.LockoutMinutes = 3, 15 })
			for i := range 2 {
				auth.Login(bg, "townB", "Wrong@2026!pass", confIP)
				if u, _ := users.FindUser(storetest.System(), f.Users["townB"].ID); u.LockedUntil != nil {
					t.Fatalf("locked after %d failures", i+1)
				}
			}
			auth.Login(bg, "townB", "Wrong@2026!pass", confIP)
			u, err := users.FindUser(storetest.System(), f.Users["townB"].ID)
			if err != nil || u.LockedUntil == nil || !u.LockedUntil.Equal(clock.Now().Add(15*time.Minute)) {
				t.Fatalf("after the 3rd failure locked until %v, %v", u.LockedUntil, err)
			}
			_, _, err = auth.Login(bg, "townB", storetest.Password, confIP)
			confCode(t, err, zhili.EUNAUTHORIZED)
		})
		t.Run("idle timeout applies to open sessions at their next request", func(t *testing.T) {
			s := confLogin(t, auth, "villageA", storetest.Password)
			clock.Advance(6 * time.Minute)
			if _, _, err := auth.Authenticate(bg, s.Token, confIP); err != nil {
				t.Fatalf("6 minutes idle under the 30-minute default: %v", err)
			}
			set(t, func(s *zhili.SecuritySettings) { s.IdleMinutes = 5 })
			clock.Advance(6 * time.Minute)
			_, _, err := auth.Authenticate(bg, s.Token, confIP)
			confCode(t, err, zhili.EUNAUTHORIZED)
		})
		t.Run("password rules apply to the next password set", func(t *testing.T) {
			id := f.Users["gridA"].ID
			if err := users.SetPassword(sec, id, "", "Kx7$mbTq9w"); err != nil {
				t.Fatalf("10 characters under the default: %v", err)
			}
			set(t, func(s *zhili.SecuritySettings) { s.PasswordMinLength, s.PasswordClasses = 12, 4 })
			err := users.SetPassword(sec, id, "", "Kx7$mbTq9w")
			confCode(t, err, zhili.EINVALID)
			if !strings.Contains(zhili.ErrorFields(err)[0].Reason, "12") {
				t.Fatalf("reason %v does not state the new length", zhili.ErrorFields(err))
			}
			confCode(t, users.SetPassword(sec, id, "", "Kx7mbTq9wLpz"), zhili.EINVALID) // 12 but 3 classes
			if err := users.SetPassword(sec, id, "", "Kx7$mbTq9wLp"); err != nil {
				t.Fatal(err)
			}
			_, err = users.CreateUser(storetest.System(), zhili.UserCreate{Username: "newgrid", Role: zhili.RoleGridMember,
				UnitID: f.Users["gridA"].UnitID, Password: "Kx7$mbTq9w"})
			confCode(t, err, zhili.EINVALID)
		})
		t.Run("the auditor sees old and new values", func(t *testing.T) {
			es, n, err := sqlstore.NewAuditService(db).FindAudit(f.Ctx(t, db, "auditor"), zhili.AuditFilter{Action: "security.policy.set"})
			if err != nil || n != 3 {
				t.Fatalf("%d entries, %v", n, err)
			}
			var detail struct{ Old, New zhili.SecuritySettings }
			for _, e := range es {
				if err := json.Unmarshal([]byte(e.Detail), &detail); err != nil {
					t.Fatal(err)
				}
				if detail.Old == zhili.DefaultSecuritySettings() && detail.New.MaxFailures == 3 {
					if e.Username != "secadmin" || e.ObjectID != "security.policy" {
						t.Fatalf("entry %+v", e)
					}
					return
				}
			}
			t.Fatalf("no entry from the defaults to 3 failures: %+v", es)
		})
	})
}

// TestSecurityPolicyConcurrentUpdates: partial changes made at once (two
// administrators' forms, two instances) both take effect; neither is lost.
func TestSecurityPolicyConcurrentUpdates(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		auth := sqlstore.NewAuthService(db)
		sec := f.Ctx(t, db, "secadmin")
		errs := make(chan error, 2)
		for _, c := range []func(*zhili.SecuritySettings){
			func(p *zhili.SecuritySettings) { *p.Field("max_failures") = 3 },
			func(p *zhili.SecuritySettings) { *p.Field("idle_minutes") = 15 },
		} {
			go func() {
				_, err := auth.UpdateSecurityPolicy(sec, c)
				errs <- err
			}()
		}
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		p, err := auth.SecurityPolicy(sec)
		if err != nil {
			t.Fatal(err)
		}
		if *p.Field("max_failures") != 3 || *p.Field("idle_minutes") != 15 {
			t.Errorf("%s: after two partial changes at once: max_failures %d, idle_minutes %d; want 3 and 15", d, *p.Field("max_failures"), *p.Field("idle_minutes"))
		}
	})
}
