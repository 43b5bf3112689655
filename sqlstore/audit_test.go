package sqlstore_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// Every change writes exactly one audit entry naming the actor, in the same
// transaction; a refused change writes none.
func TestEveryChangeIsAudited(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		regions, units, users := sqlstore.NewRegionService(db), sqlstore.NewUnitService(db), sqlstore.NewUserService(db)
		people, auth, audit := sqlstore.NewPersonService(db), sqlstore.NewAuthService(db), sqlstore.NewAuditService(db)
		bg := context.Background()
		var (
			village = &zhili.Region{Code: "419901100299", Name: "审计村", ParentID: f.TownA.ID, Level: zhili.LevelVillage, Kind: zhili.KindVillage}
			unit    = &zhili.Unit{Kind: zhili.UnitDepartment, Name: "青山县法院", RegionID: f.County.ID, Code: "court"}
			person  = &zhili.Person{Name: "周九", RegionID: f.VillageA.ID, IDNumber: confGoodID, Phone: confGoodPhone}
			pos     = &zhili.Position{Role: zhili.PositionGridMember, RegionID: f.GridA.ID, Start: "2026-01-01"}
			user    *zhili.User
			session *zhili.Session
		)
		newName := "审计社区"
		steps := []struct {
			who    string // fixture account, or "" for a login without an actor
			action string // "" for a refused change
			do     func(ctx context.Context) error
		}{
			{"sysadmin", "region.create", func(ctx context.Context) error { return regions.CreateRegion(ctx, village) }},
			{"sysadmin", "", func(ctx context.Context) error {
				return regions.CreateRegion(ctx, &zhili.Region{Code: "bad", Name: "坏", ParentID: f.TownA.ID, Level: zhili.LevelVillage, Kind: zhili.KindVillage})
			}},
			{"sysadmin", "region.update", func(ctx context.Context) error {
				_, err := regions.UpdateRegion(ctx, village.ID, zhili.RegionUpdate{Name: &newName})
				return err
			}},
			{"sysadmin", "region.import", func(ctx context.Context) error {
				_, err := regions.ImportRegions(ctx, []zhili.RegionRow{{Line: 2, Code: "419901100299001", Name: "审计网格", ParentCode: village.Code, Level: zhili.LevelGrid, Kind: zhili.KindComprehensive}})
				return err
			}},
			{"sysadmin", "", func(ctx context.Context) error {
				_, err := regions.ImportRegions(ctx, []zhili.RegionRow{{Line: 2, Code: "419901100298001", Name: "孤儿网格", ParentCode: "419901100298", Level: zhili.LevelGrid, Kind: zhili.KindComprehensive}})
				return err
			}},
			{"sysadmin", "region.boundaries", func(ctx context.Context) error {
				_, err := regions.SetBoundaries(ctx, map[string]json.RawMessage{"419901100299001": json.RawMessage(`{"type":"Polygon","coordinates":[[[113.7,34.7],[113.71,34.7],[113.71,34.71],[113.7,34.7]]]}`)})
				return err
			}},
			{"sysadmin", "unit.create", func(ctx context.Context) error { return units.CreateUnit(ctx, unit) }},
			{"sysadmin", "unit.retire", func(ctx context.Context) error { return units.RetireUnit(ctx, unit.ID) }},
			{"sysadmin", "user.create", func(ctx context.Context) (err error) {
				user, err = users.CreateUser(ctx, zhili.UserCreate{Username: "audited", Role: zhili.RoleVillage, UnitID: f.Offices[f.VillageA.Code].ID, Password: storetest.Password})
				return err
			}},
			{"sysadmin", "", func(ctx context.Context) error {
				_, err := users.CreateUser(ctx, zhili.UserCreate{Username: "weak", Role: zhili.RoleVillage, UnitID: f.Offices[f.VillageA.Code].ID, Password: "weak"})
				return err
			}},
			{"sysadmin", "user.disable", func(ctx context.Context) error { return users.SetUserDisabled(ctx, user.ID, true) }},
			{"sysadmin", "user.disable", func(ctx context.Context) error { return users.SetUserDisabled(ctx, user.ID, false) }},
			{"secadmin", "user.role", func(ctx context.Context) error { return users.SetUserRole(ctx, user.ID, zhili.RoleGridMember) }},
			{"secadmin", "user.unlock", func(ctx context.Context) error { return users.UnlockUser(ctx, user.ID) }},
			{"secadmin", "user.password", func(ctx context.Context) error { return users.SetPassword(ctx, user.ID, "", "Changed#2026!pw") }},
			{"secadmin", "user.totp_reset", func(ctx context.Context) error { return users.ResetTOTP(ctx, user.ID) }},
			{"townA", "person.create", func(ctx context.Context) error { return people.CreatePerson(ctx, person) }},
			{"townA", "", func(ctx context.Context) error {
				return people.CreatePerson(ctx, &zhili.Person{Name: "坏", RegionID: f.VillageA.ID, Phone: "123"})
			}},
			{"townA", "person.reveal", func(ctx context.Context) error { _, err := people.RevealPerson(ctx, person.ID); return err }},
			{"townA", "position.create", func(ctx context.Context) error { pos.PersonID = person.ID; return people.CreatePosition(ctx, pos) }},
			{"townA", "position.end", func(ctx context.Context) error { return people.EndPosition(ctx, pos.ID, "2026-02-28") }},
			{"townA", "", func(ctx context.Context) error { return people.EndPosition(ctx, pos.ID, "2026-02-28") }},
			{"", "login.fail", func(context.Context) error {
				_, _, err := auth.Login(bg, "audited", "Wrong@2026!pass", confIP)
				return err
			}},
			// The password was reset above: the login is one entry,
			// login.password_expired rather than login.ok (password_age.go).
			{"", "login.password_expired", func(context.Context) (err error) {
				session, _, err = auth.Login(bg, "audited", "Changed#2026!pw", confIP)
				return err
			}},
			{"", "logout", func(context.Context) error {
				// As over HTTP: the request's session puts an actor with the client address on the context.
				a, _, err := auth.Authenticate(bg, session.Token, confIP)
				if err != nil {
					return err
				}
				return auth.Logout(zhili.NewContextWithActor(bg, a), session.Token)
			}},
		}
		for _, st := range steps {
			name := st.action
			if name == "" {
				name = "refused"
			}
			t.Run(name, func(t *testing.T) {
				ctx := bg
				if st.who != "" {
					ctx = f.Ctx(t, db, st.who)
				}
				before := confAuditCount(t, db)
				err := st.do(ctx)
				after := confAuditCount(t, db)
				if st.action == "" || st.action == "login.fail" {
					if err == nil {
						t.Fatal("the change was not refused")
					}
				} else if err != nil {
					t.Fatal(err)
				}
				if st.action == "" {
					if after != before {
						t.Fatalf("refused change: audit %d → %d", before, after)
					}
					return
				}
				if after != before+1 {
					t.Fatalf("audit %d → %d, want one entry", before, after)
				}
				es, _, err := audit.FindAudit(f.Ctx(t, db, "auditor"), zhili.AuditFilter{Limit: 1})
				if err != nil {
					t.Fatal(err)
				}
				e := es[0]
				if e.Action != st.action || !e.At.Equal(confClock(t, db).Now()) {
					t.Fatalf("newest entry %+v, want action %s", e, st.action)
				}
				if st.who != "" && (e.UserID != f.Users[st.who].ID || e.Username != st.who || e.IP != "127.0.0.1") {
					t.Fatalf("entry names %d %q %q, want %s", e.UserID, e.Username, e.IP, st.who)
				}
				if st.who == "" && e.UserID != user.ID {
					t.Fatalf("login entry names user %d, want %d", e.UserID, user.ID)
				}
				if (strings.HasPrefix(st.action, "login") || st.action == "logout") && e.IP != confIP {
					t.Fatalf("%s entry from %q, want %s", st.action, e.IP, confIP)
				}
			})
		}
		if v := confVerify(t, db); !v.OK() {
			t.Fatalf("chain broken: %+v", v.Broken)
		}
	})
}

func TestFindAuditFilters(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		auth, audit := sqlstore.NewAuthService(db), sqlstore.NewAuditService(db)
		clock := confClock(t, db)
		start := clock.Now()
		clock.Advance(time.Hour)
		auth.Login(context.Background(), "leader", "Wrong@2026!pass", confIP)
		confLogin(t, auth, "leader", storetest.Password)
		ctx := f.Ctx(t, db, "auditor")

		es, n, err := audit.FindAudit(ctx, zhili.AuditFilter{Action: "login"})
		if err != nil {
			t.Fatal(err)
		}
		if n != 2 || es[0].Action != "login.ok" || es[1].Action != "login.fail" || es[0].ID <= es[1].ID {
			t.Fatalf("login entries, newest first: %d %+v", n, es)
		}
		_, n, _ = audit.FindAudit(ctx, zhili.AuditFilter{Action: "log"})
		if n != 0 {
			t.Fatalf("action prefix %q matched %d entries; it matches whole dotted parts", "log", n)
		}
		_, n, _ = audit.FindAudit(ctx, zhili.AuditFilter{UserID: &f.Users["leader"].ID})
		if n != 2 {
			t.Fatalf("by user: %d", n)
		}
		_, fixtureN, _ := audit.FindAudit(ctx, zhili.AuditFilter{To: &start})
		_, laterN, _ := audit.FindAudit(ctx, zhili.AuditFilter{From: &start})
		// Everything is at or after the clock's start; each read is recorded after
		// it answers, so the last one is not in its own count.
		if total := confAuditCount(t, db); laterN != total-1 || fixtureN != 0 {
			t.Fatalf("before start %d, from start %d, total %d", fixtureN, laterN, total)
		}
		later := start.Add(time.Minute)
		_, n, _ = audit.FindAudit(ctx, zhili.AuditFilter{From: &later})
		if n != 2+5 {
			t.Fatalf("from an hour later: %d entries, want the 2 logins and the auditor's 5 reads", n)
		}
		total := confAuditCount(t, db)
		page, n, _ := audit.FindAudit(ctx, zhili.AuditFilter{Offset: 1, Limit: 3})
		if len(page) != 3 || n != total || page[0].ID != int64(total-1) {
			t.Fatalf("page: %d entries from id %d, total %d", len(page), page[0].ID, n)
		}
	})
}

// Reading the log is audited: the auditor's read appends an audit.read entry with
// the filter and the count, after the answer; the system actor's reads (CLI,
// jobs) append nothing.
func TestAuditReadsAreAudited(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		audit := sqlstore.NewAuditService(db)
		confLogin(t, sqlstore.NewAuthService(db), "leader", storetest.Password)
		before := confAuditCount(t, db)
		es, n, err := audit.FindAudit(f.Ctx(t, db, "auditor"), zhili.AuditFilter{Action: "login", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 || len(es) != 1 || es[0].Action != "login.ok" {
			t.Fatalf("login entries: %d %+v", n, es)
		}
		if after := confAuditCount(t, db); after != before+1 {
			t.Fatalf("audit %d → %d after the auditor's read, want one entry", before, after)
		}
		last, _, err := audit.FindAudit(storetest.System(), zhili.AuditFilter{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		e := last[0]
		if e.Action != "audit.read" || e.UserID != f.Users["auditor"].ID || e.ObjectType != "audit_log" {
			t.Fatalf("newest entry %+v, want the auditor's audit.read", e)
		}
		var detail struct {
			Filter          map[string]any `json:"filter"`
			Total, Returned int
		}
		if err := json.Unmarshal([]byte(e.Detail), &detail); err != nil {
			t.Fatal(err)
		}
		if detail.Filter["action"] != "login" || detail.Filter["limit"] != float64(10) || detail.Total != 1 || detail.Returned != 1 {
			t.Fatalf("audit.read detail %s", e.Detail)
		}
		if after := confAuditCount(t, db); after != before+1 {
			t.Fatalf("the system's read was audited: %d → %d", before+1, after)
		}
		if v := confVerify(t, db); !v.OK() {
			t.Fatalf("chain broken: %+v", v.Broken)
		}
	})
}

// The chain verifies when intact and names the place where a row was edited or
// deleted, or where the tail was cut.
func TestVerifyAuditDetectsTampering(t *testing.T) {
	t.Parallel()
	dropTriggers := map[string][]string{
		"sqlite":   {`DROP TRIGGER audit_log_no_update`, `DROP TRIGGER audit_log_no_delete`},
		"postgres": {`DROP TRIGGER audit_log_no_change ON audit_log`},
	}
	for _, tc := range []struct {
		name   string
		tamper func(n int64) []string // SQL run after dropping the triggers
		broken func(n int64) []int64  // the ids VerifyAudit must name
	}{
		{"edited detail breaks that entry", func(n int64) []string {
			return []string{`UPDATE audit_log SET detail = '{"code":"forged"}' WHERE id = ` + confItoa(n/2)}
		}, func(n int64) []int64 { return []int64{n / 2} }},
		{"edited user breaks that entry", func(n int64) []string {
			return []string{`UPDATE audit_log SET user_id = 999, username = 'nobody' WHERE id = ` + confItoa(n/2)}
		}, func(n int64) []int64 { return []int64{n / 2} }},
		{"edited hash breaks that entry and the next", func(n int64) []string {
			return []string{`UPDATE audit_log SET hash = 'f00d' WHERE id = ` + confItoa(n/2)}
		}, func(n int64) []int64 { return []int64{n / 2, n/2 + 1} }},
		{"deleted middle entry breaks the next", func(n int64) []string {
			return []string{`DELETE FROM audit_log WHERE id = ` + confItoa(n/2)}
		}, func(n int64) []int64 { return []int64{n/2 + 1} }},
		{"deleted tail breaks the head", func(n int64) []string {
			return []string{`DELETE FROM audit_log WHERE id >= ` + confItoa(n-1)}
		}, func(n int64) []int64 { return []int64{n} }},
		{"deleted everything breaks the head", func(n int64) []string {
			return []string{`DELETE FROM audit_log`}
		}, func(n int64) []int64 { return []int64{n} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			confDialects(t, func(t *testing.T, d string) {
				db := storetest.Open(t, d)
				storetest.NewFixture(t, db)
				v := confVerify(t, db)
				if !v.OK() || v.Entries < 10 {
					t.Fatalf("intact chain: %+v", v)
				}
				n := int64(v.Entries)
				raw := confRaw(t, db)
				for _, q := range append(dropTriggers[d], tc.tamper(n)...) {
					if _, err := raw.Exec(q); err != nil {
						t.Fatalf("%s: %v", q, err)
					}
				}
				v = confVerify(t, db)
				var got []int64
				for _, b := range v.Broken {
					if len(got) == 0 || got[len(got)-1] != b.ID {
						got = append(got, b.ID)
					}
				}
				want := tc.broken(n)
				if len(got) != len(want) {
					t.Fatalf("broken at %v, want %v: %+v", got, want, v.Broken)
				}
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("broken at %v, want %v: %+v", got, want, v.Broken)
					}
				}
			})
		})
	}
}

// The database itself refuses to change or delete audit rows.
func TestAuditLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		storetest.NewFixture(t, db)
		raw := confRaw(t, db)
		for _, q := range []string{
			`UPDATE audit_log SET detail = 'forged' WHERE id = 3`,
			`UPDATE audit_log SET hash = hash`,
			`DELETE FROM audit_log WHERE id = 3`,
			`DELETE FROM audit_log`,
		} {
			t.Run(q, func(t *testing.T) {
				_, err := raw.Exec(q)
				if err == nil || !strings.Contains(err.Error(), "append-only") {
					t.Fatalf("%s: err = %v, want the append-only refusal", q, err)
				}
			})
		}
		if v := confVerify(t, db); !v.OK() {
			t.Fatalf("chain after refused tampering: %+v", v.Broken)
		}
		if d == "postgres" {
			// Row triggers do not fire on TRUNCATE; the chain head still tells.
			t.Run("truncate is detected", func(t *testing.T) {
				if _, err := raw.Exec(`TRUNCATE audit_log`); err != nil {
					t.Skipf("truncate refused: %v", err)
				}
				if v := confVerify(t, db); v.OK() {
					t.Fatal("a truncated log verifies")
				}
			})
		}
	})
}

// Concurrent writers keep the chain linear: dense ids, each entry linked to the one
// before, the head at the last.
func TestAuditChainUnderConcurrentWriters(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		before := confAuditCount(t, db)
		regions, auth, people := sqlstore.NewRegionService(db), sqlstore.NewAuthService(db), sqlstore.NewPersonService(db)
		sysadmin, townA := f.Ctx(t, db, "sysadmin"), f.Ctx(t, db, "townA")
		const n = 20
		errs := make(chan error, 3*n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				errs <- regions.CreateRegion(sysadmin, &zhili.Region{Code: "419901100" + confItoa(int64(300+i)), Name: confName("并发村", i),
					ParentID: f.TownA.ID, Level: zhili.LevelVillage, Kind: zhili.KindVillage})
			})
			wg.Go(func() {
				errs <- people.CreatePerson(townA, &zhili.Person{Name: confName("并发人", i), RegionID: f.VillageA.ID})
			})
			wg.Go(func() {
				_, _, err := auth.Login(context.Background(), "townB", storetest.Password, confIP)
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("concurrent write: %v", err)
			}
		}
		v := confVerify(t, db)
		if !v.OK() {
			t.Fatalf("chain broken under concurrent writers: %+v", v.Broken)
		}
		if v.Entries != before+3*n {
			t.Fatalf("%d entries, want %d", v.Entries, before+3*n)
		}
		_, created, err := regions.FindRegions(sysadmin, zhili.RegionFilter{ParentID: &f.TownA.ID, Name: "并发村"})
		if err != nil || created != n {
			t.Fatalf("%d villages created, %v", created, err)
		}
	})
}
