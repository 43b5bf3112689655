package sqlstore_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

func TestCreateUserRejectsBadAccounts(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		ctx := f.Ctx(t, db, "sysadmin")
		users := sqlstore.NewUserService(db)
		office := f.Offices[f.TownA.Code].ID
		for _, tc := range []struct {
			name  string
			c     zhili.UserCreate
			code  string
			field string
		}{
			{"short password is weak", zhili.UserCreate{Username: "new1", Role: zhili.RoleTownship, UnitID: office, Password: "Ab1!x"}, zhili.EINVALID, "password"},
			{"two classes is weak", zhili.UserCreate{Username: "new1", Role: zhili.RoleTownship, UnitID: office, Password: "onlylowercase9"}, zhili.EINVALID, "password"},
			{"sequence is weak", zhili.UserCreate{Username: "new1", Role: zhili.RoleTownship, UnitID: office, Password: "Xy!12345678"}, zhili.EINVALID, "password"},
			{"keyboard run is weak", zhili.UserCreate{Username: "new1", Role: zhili.RoleTownship, UnitID: office, Password: "Qwerty!9Zk"}, zhili.EINVALID, "password"},
			{"repeats are weak", zhili.UserCreate{Username: "new1", Role: zhili.RoleTownship, UnitID: office, Password: "Zhili@aaaa2026"}, zhili.EINVALID, "password"},
			{"empty password is weak", zhili.UserCreate{Username: "new1", Role: zhili.RoleTownship, UnitID: office}, zhili.EINVALID, "password"},
			{"unknown role is invalid", zhili.UserCreate{Username: "new1", Role: "root", UnitID: office, Password: storetest.Password}, zhili.EINVALID, "role"},
			{"username with space is invalid", zhili.UserCreate{Username: "new user", Role: zhili.RoleTownship, UnitID: office, Password: storetest.Password}, zhili.EINVALID, "username"},
			{"unknown unit is invalid", zhili.UserCreate{Username: "new1", Role: zhili.RoleTownship, UnitID: 999999, Password: storetest.Password}, zhili.EINVALID, "unit_id"},
			{"taken username conflicts", zhili.UserCreate{Username: "townA", Role: zhili.RoleTownship, UnitID: office, Password: storetest.Password}, zhili.ECONFLICT, "username"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := users.CreateUser(ctx, tc.c)
				confCode(t, err, tc.code)
				confField(t, err, tc.field)
			})
		}
		t.Run("a good account is created", func(t *testing.T) {
			u, err := users.CreateUser(ctx, zhili.UserCreate{Username: "new1", Name: "新人", Role: zhili.RoleTownship, UnitID: office, Password: "Long-enough#2026"})
			if err != nil {
				t.Fatal(err)
			}
			if u.Role != zhili.RoleTownship || u.UnitID != office || u.RegionName != f.TownA.Name || u.Disabled || u.TOTPEnabled {
				t.Fatalf("created %+v", u)
			}
		})
	})
}

// The three administrators (三员分立) each do only their own task, none of them sees
// business data, and nobody changes their own role.
func TestRoleSeparation(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		users, people, audit := sqlstore.NewUserService(db), sqlstore.NewPersonService(db), sqlstore.NewAuditService(db)
		p := &zhili.Person{Name: "孙八", RegionID: f.VillageA.ID, IDNumber: confGoodID}
		if err := people.CreatePerson(storetest.System(), p); err != nil {
			t.Fatal(err)
		}
		newUser := func(name string) zhili.UserCreate {
			return zhili.UserCreate{Username: name, Role: zhili.RoleVillage, UnitID: f.Offices[f.VillageA.Code].ID, Password: storetest.Password}
		}
		// The accounts the operations act on belong to none of the actors.
		targetUser, err := users.CreateUser(storetest.System(), newUser("target"))
		if err != nil {
			t.Fatal(err)
		}
		target := targetUser.ID
		var created atomic.Int64
		type op func(ctx context.Context) error
		ops := map[string]op{
			"FindPerson": func(ctx context.Context) error { _, err := people.FindPerson(ctx, p.ID); return err },
			"RevealPerson": func(ctx context.Context) error {
				_, err := people.RevealPerson(ctx, p.ID)
				return err
			},
			"CreatePerson": func(ctx context.Context) error {
				return people.CreatePerson(ctx, &zhili.Person{Name: "新人", RegionID: f.VillageA.ID})
			},
			"FindPositions": func(ctx context.Context) error {
				_, _, err := people.FindPositions(ctx, zhili.PositionFilter{})
				return err
			},
			"CountPeople": func(ctx context.Context) error {
				_, err := people.CountPeople(ctx, zhili.PositionGridMember, f.GridA.ID, "2026-03-01")
				return err
			},
			"CreateUser": func(ctx context.Context) error {
				_, err := users.CreateUser(ctx, newUser(fmt.Sprintf("created%d", created.Add(1))))
				return err
			},
			"SetUserDisabled": func(ctx context.Context) error { return users.SetUserDisabled(ctx, target, false) },
			"SetUserRole":     func(ctx context.Context) error { return users.SetUserRole(ctx, target, zhili.RoleVillage) },
			"UnlockUser":      func(ctx context.Context) error { return users.UnlockUser(ctx, target) },
			"ResetTOTP":       func(ctx context.Context) error { return users.ResetTOTP(ctx, target) },
			"SetPassword":     func(ctx context.Context) error { return users.SetPassword(ctx, target, "", "Another@2026!pw") },
			"FindUsers":       func(ctx context.Context) error { _, _, err := users.FindUsers(ctx, zhili.UserFilter{}); return err },
			"FindAudit":       func(ctx context.Context) error { _, _, err := audit.FindAudit(ctx, zhili.AuditFilter{}); return err },
			"VerifyAudit":     func(ctx context.Context) error { _, err := audit.VerifyAudit(ctx); return err },
		}
		// allowed lists, for each fixture account, the operations above it may do;
		// every other operation must be EFORBIDDEN, except that an account that may
		// not read accounts may also be told another account is ENOTFOUND.
		onAccount := map[string]bool{"SetUserDisabled": true, "SetUserRole": true, "UnlockUser": true, "ResetTOTP": true, "SetPassword": true}
		allowed := map[string][]string{
			"sysadmin":   {"CreateUser", "SetUserDisabled", "FindUsers"},
			"secadmin":   {"SetUserRole", "UnlockUser", "ResetTOTP", "SetPassword", "FindUsers"},
			"auditor":    {"FindAudit", "VerifyAudit"},
			"leader":     {"FindPerson", "FindPositions", "CountPeople"},
			"center":     {"FindPerson", "RevealPerson", "CreatePerson", "FindPositions", "CountPeople"},
			"townA":      {"FindPerson", "RevealPerson", "CreatePerson", "FindPositions", "CountPeople"},
			"villageA":   {"FindPerson", "CreatePerson", "FindPositions", "CountPeople"},
			"gridA":      {"CountPeople"},
			"mediator":   {"FindPerson", "FindPositions", "CountPeople"},
			"department": {"CountPeople"},
			"supervisor": {"FindPerson", "FindPositions", "CountPeople"},
		}
		for who, may := range allowed {
			for name, do := range ops {
				want := zhili.EFORBIDDEN
				for _, m := range may {
					if m == name {
						want = ""
					}
				}
				outcome := "forbidden"
				if want == "" {
					outcome = "allowed"
				}
				t.Run(who+" "+name+" is "+outcome, func(t *testing.T) {
					ctx := f.Ctx(t, db, who)
					err := do(ctx)
					if want != "" && onAccount[name] && !zhili.Can(f.Users[who].Role, zhili.ActUserRead) && zhili.ErrorCode(err) == zhili.ENOTFOUND {
						return
					}
					confCode(t, err, want)
				})
			}
		}
		t.Run("refusals changed nothing", func(t *testing.T) {
			u, err := users.FindUser(storetest.System(), target)
			if err != nil || u.Role != zhili.RoleVillage || u.Disabled {
				t.Fatalf("target account %+v, %v", u, err)
			}
		})
		t.Run("no actor is unauthorized everywhere", func(t *testing.T) {
			for name, do := range ops {
				if err := do(confNoActor()); zhili.ErrorCode(err) != zhili.EUNAUTHORIZED {
					t.Errorf("%s without an actor: %v", name, err)
				}
			}
		})
	})
}

func TestNobodyChangesTheirOwnRole(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		users := sqlstore.NewUserService(db)
		for _, who := range []string{"secadmin", "sysadmin", "auditor", "townA"} {
			t.Run(who+" is forbidden", func(t *testing.T) {
				err := users.SetUserRole(f.Ctx(t, db, who), f.Users[who].ID, zhili.RoleLeader)
				confCode(t, err, zhili.EFORBIDDEN)
				u, err := users.FindUser(storetest.System(), f.Users[who].ID)
				if err != nil || u.Role != f.Users[who].Role {
					t.Fatalf("role after refusal: %+v, %v", u, err)
				}
			})
		}
		t.Run("secadmin changes another account's role", func(t *testing.T) {
			if err := users.SetUserRole(f.Ctx(t, db, "secadmin"), f.Users["townA"].ID, zhili.RoleLeader); err != nil {
				t.Fatal(err)
			}
			u, err := users.FindUser(f.Ctx(t, db, "secadmin"), f.Users["townA"].ID)
			if err != nil || u.Role != zhili.RoleLeader {
				t.Fatalf("role after change: %+v, %v", u, err)
			}
		})
		t.Run("secadmin cannot set an unknown role", func(t *testing.T) {
			err := users.SetUserRole(f.Ctx(t, db, "secadmin"), f.Users["townB"].ID, "root")
			confCode(t, err, zhili.EINVALID)
			confField(t, err, "role")
		})
	})
}

func TestUsersReadTheirOwnAccountOnly(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		users := sqlstore.NewUserService(db)
		ctx := f.Ctx(t, db, "townA")
		me, err := users.FindUser(ctx, f.Users["townA"].ID)
		if err != nil || me.Username != "townA" {
			t.Fatalf("own account: %+v, %v", me, err)
		}
		_, err = users.FindUser(ctx, f.Users["villageA"].ID)
		confRefused(t, err)
	})
}

func TestSetPassword(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		users, auth := sqlstore.NewUserService(db), sqlstore.NewAuthService(db)
		id := f.Users["townA"].ID
		ctx := f.Ctx(t, db, "townA")
		sess, _, err := auth.Login(context.Background(), "townA", storetest.Password, "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		t.Run("wrong old password is invalid", func(t *testing.T) {
			err := users.SetPassword(ctx, id, "Wrong@2026!pass", "Another@2026!pw")
			confCode(t, err, zhili.EINVALID)
			confField(t, err, "old_password")
		})
		t.Run("weak new password is invalid", func(t *testing.T) {
			err := users.SetPassword(ctx, id, storetest.Password, "weak")
			confCode(t, err, zhili.EINVALID)
			confField(t, err, "password")
		})
		t.Run("changing another's password is forbidden", func(t *testing.T) {
			confRefused(t, users.SetPassword(ctx, f.Users["townB"].ID, storetest.Password, "Another@2026!pw"))
		})
		t.Run("own change ends sessions and the new password logs in", func(t *testing.T) {
			if err := users.SetPassword(ctx, id, storetest.Password, "Another@2026!pw"); err != nil {
				t.Fatal(err)
			}
			_, _, err := auth.Authenticate(context.Background(), sess.Token, "10.0.0.1")
			confCode(t, err, zhili.EUNAUTHORIZED)
			_, _, err = auth.Login(context.Background(), "townA", storetest.Password, "10.0.0.1")
			confCode(t, err, zhili.EUNAUTHORIZED)
			if _, _, err := auth.Login(context.Background(), "townA", "Another@2026!pw", "10.0.0.1"); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("secadmin resets anyone's", func(t *testing.T) {
			if err := users.SetPassword(f.Ctx(t, db, "secadmin"), f.Users["townB"].ID, "", "Reset#2026!pass"); err != nil {
				t.Fatal(err)
			}
			if _, _, err := auth.Login(context.Background(), "townB", "Reset#2026!pass", "10.0.0.1"); err != nil {
				t.Fatal(err)
			}
		})
	})
}
