package sqlstore_test

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sensitive"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
	"github.com/zhili-project/zhili/totp"
)

// rkCipher returns a cipher under a fresh key, and the key.
func rkCipher(t testing.TB) (*sensitive.Cipher, []byte) {
	t.Helper()
	key, err := sensitive.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	c, err := sensitive.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	return c, key
}

// rkSnapshot reads every encrypted and blind-index value, keyed by table.column#id.
func rkSnapshot(t testing.TB, raw *sql.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, c := range sqlstore.EncryptedColumns() {
		cols := []string{c.Column}
		if c.Blind != "" {
			cols = append(cols, c.Blind)
		}
		for _, col := range cols {
			rows, err := raw.Query(`SELECT id, ` + col + ` FROM ` + c.Table)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id int64
				var v string
				if err := rows.Scan(&id, &v); err != nil {
					t.Fatal(err)
				}
				out[fmt.Sprintf("%s.%s#%d", c.Table, col, id)] = v
			}
			rows.Close()
		}
	}
	return out
}

// rkQ writes a query's ? placeholders as $1, $2, … for PostgreSQL.
func rkQ(dialect, q string) string {
	if dialect != "postgres" {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// rkValue reads one stored value with the raw connection.
func rkValue(t testing.TB, raw *sql.DB, q string, args ...any) string {
	t.Helper()
	var v string
	if err := raw.QueryRow(q, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

// The registry of encrypted columns is the schema's: every *_enc column is in
// it, and every *_blind column is some entry's blind index.
func TestRekeyRegistryMatchesSchema(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		raw := confRaw(t, db)
		q := `SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p
			WHERE m.type = 'table' AND (p.name LIKE '%\_enc' ESCAPE '\' OR p.name LIKE '%\_blind' ESCAPE '\')`
		if d == "postgres" {
			q = `SELECT table_name || '.' || column_name FROM information_schema.columns
				WHERE table_schema = current_schema() AND (column_name LIKE '%\_enc' OR column_name LIKE '%\_blind')`
		}
		rows, err := raw.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var schema []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			schema = append(schema, s)
		}
		var reg []string
		for _, c := range sqlstore.EncryptedColumns() {
			reg = append(reg, c.Name())
			if c.Blind != "" {
				reg = append(reg, c.Table+"."+c.Blind)
			}
		}
		sort.Strings(schema)
		sort.Strings(reg)
		if strings.Join(schema, ",") != strings.Join(reg, ",") {
			t.Fatalf("schema has %v,\nregistry has %v", schema, reg)
		}
	})
}

func TestRekey(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		s := storetest.NewSensitive(t, db, f)
		clock, raw, sys := confClock(t, db), confRaw(t, db), storetest.System()
		old := db.Cipher
		next, nextKey := rkCipher(t)

		if err := db.CheckFieldKey(sys); err != nil {
			t.Fatalf("first check records the key: %v", err)
		}
		if got, _ := db.Setting(sys, "field_key_check"); got != old.KeyCheck() {
			t.Fatalf("key check %q, want the current key's", got)
		}

		t.Run("a value that does not open refuses the rotation and changes nothing", func(t *testing.T) {
			stranger, _ := rkCipher(t)
			bad, _ := stranger.Encrypt(storetest.SensitiveContact)
			var id int64
			orig := ""
			if err := raw.QueryRow(`SELECT id, contact_enc FROM public_reports`).Scan(&id, &orig); err != nil {
				t.Fatal(err)
			}
			if _, err := raw.Exec(rkQ(d, `UPDATE public_reports SET contact_enc = ? WHERE id = ?`), bad, id); err != nil {
				t.Fatal(err)
			}
			before, audits := rkSnapshot(t, raw), confAuditCount(t, db)
			_, err := db.Rekey(sys, next)
			confCode(t, err, zhili.EINVALID)
			if want := fmt.Sprintf("public_reports.contact_enc row %d", id); !strings.Contains(err.Error(), want) {
				t.Fatalf("error %q does not name %q", err, want)
			}
			if _, err := db.CheckFieldValues(sys); err == nil || !strings.Contains(err.Error(), "public_reports.contact_enc") {
				t.Fatalf("check values: %v", err)
			}
			after := rkSnapshot(t, raw)
			if fmt.Sprint(before) != fmt.Sprint(after) || confAuditCount(t, db) != audits {
				t.Fatal("a refused rotation changed values or wrote audit entries")
			}
			if got, _ := db.Setting(sys, "field_key_check"); got != old.KeyCheck() {
				t.Fatal("a refused rotation changed the key check")
			}
			if _, err := raw.Exec(rkQ(d, `UPDATE public_reports SET contact_enc = ? WHERE id = ?`), orig, id); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("only the system, only a different key", func(t *testing.T) {
			_, err := db.Rekey(f.Ctx(t, db, "secadmin"), next)
			confCode(t, err, zhili.EFORBIDDEN)
			_, err = db.Rekey(sys, old)
			confCode(t, err, zhili.EINVALID)
		})

		before := rkSnapshot(t, raw)
		counts, err := db.Rekey(sys, next)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, c := range counts {
			got[c.Name()] = c.Values
		}
		for _, c := range sqlstore.EncryptedColumns() {
			if got[c.Name()] != 1 {
				t.Errorf("%s: %d values re-encrypted, want 1 (%v)", c.Name(), got[c.Name()], got)
			}
		}
		after := rkSnapshot(t, raw)
		for k, v := range before {
			if v != "" && after[k] == v {
				t.Errorf("%s unchanged by the rotation", k)
			}
		}

		t.Run("the old key is refused", func(t *testing.T) {
			db.Cipher = old
			defer func() { db.Cipher = next }()
			if err := db.CheckFieldKey(sys); !errors.Is(err, sqlstore.ErrFieldKeyMismatch) {
				t.Fatalf("open with the old key: %v", err)
			}
			err := sqlstore.NewPersonService(db).CreatePerson(f.Ctx(t, db, "villageA"),
				&zhili.Person{Name: "王五", RegionID: f.GridA.ID, Phone: storetest.SensitivePhone})
			if !errors.Is(err, sqlstore.ErrFieldKeyMismatch) {
				t.Fatalf("a write with the old key: %v", err)
			}
		})
		db.Cipher = next

		t.Run("every value reads back under the new key", func(t *testing.T) {
			if err := db.CheckFieldKey(sys); err != nil {
				t.Fatal(err)
			}
			p, err := sqlstore.NewPersonService(db).RevealPerson(f.Ctx(t, db, "townA"), s.PersonID)
			if err != nil || p.IDNumber != storetest.SensitiveIDNumber || p.Phone != storetest.SensitivePhone {
				t.Fatalf("person: %+v %v", p, err)
			}
			ps, err := sqlstore.NewCaseService(db).RevealParties(f.Ctx(t, db, "townA"), s.CaseID)
			if err != nil || len(ps) != 1 || ps[0].IDNumber != storetest.SensitiveIDNumber || ps[0].Phone != storetest.SensitivePartyPhone {
				t.Fatalf("parties: %+v %v", ps, err)
			}
			for _, c := range []struct{ q, want string }{
				{`SELECT contact_enc FROM public_reports`, storetest.SensitiveContact},
				{`SELECT totp_pending_enc FROM users WHERE username = 'secadmin'`, s.PendingSecret},
				{`SELECT totp_secret_enc FROM users WHERE username = 'sysadmin'`, s.TOTPSecret},
			} {
				if v, err := next.Decrypt(rkValue(t, raw, c.q)); err != nil || v != c.want {
					t.Errorf("%s: %q %v", c.q, v, err)
				}
			}
			if n, err := db.CheckFieldValues(sys); err != nil || len(n) != len(sqlstore.EncryptedColumns()) {
				t.Fatalf("check values: %v %v", n, err)
			}
		})
		t.Run("blind-index lookups find the rekeyed rows", func(t *testing.T) {
			b := next.Blind(storetest.SensitiveIDNumber)
			if id := rkValue(t, raw, rkQ(d, `SELECT CAST(id AS TEXT) FROM people WHERE id_number_blind = ?`), b); id != confItoa(s.PersonID) {
				t.Fatalf("person by ID number: %s", id)
			}
			// A party reported after the rotation matches the rotated one.
			rhReport(t, db, f, "gridA", f.GridA, "再次纠纷", &zhili.Party{Name: "张三", IDNumber: storetest.SensitiveIDNumber})
			w, err := sqlstore.NewRhythmService(db).WeeklyReview(f.Ctx(t, db, "townA"), f.TownA.ID, "2026-W10")
			if err != nil || len(w.RepeatParties) != 1 || w.RepeatParties[0].Cases != 2 {
				t.Fatalf("repeat parties: %+v %v", w, err)
			}
		})
		t.Run("second-factor login works under the new key", func(t *testing.T) {
			auth := sqlstore.NewAuthService(db)
			clock.Advance(totp.Period)
			code, _ := totp.Code(s.TOTPSecret, clock.Now())
			sess := confLogin(t, auth, s.TOTPUser, storetest.Password)
			if err := auth.VerifyTOTP(context.Background(), sess.Token, code); err != nil {
				t.Fatalf("verify: %v", err)
			}
			code, _ = totp.Code(s.PendingSecret, clock.Now())
			sess = confLogin(t, auth, s.PendingUser, storetest.Password)
			if err := auth.ConfirmTOTP(context.Background(), sess.Token, code); err != nil {
				t.Fatalf("confirm pending: %v", err)
			}
		})
		t.Run("audited with counts, no key material, chain intact", func(t *testing.T) {
			es, n, err := sqlstore.NewAuditService(db).FindAudit(f.Ctx(t, db, "auditor"), zhili.AuditFilter{Action: "key.rotate"})
			if err != nil || n != 1 {
				t.Fatalf("key.rotate entries: %d %v", n, err)
			}
			det := es[0].Detail
			if !strings.Contains(det, `"people.id_number_blind":1`) || !strings.Contains(det, `"users.totp_secret_enc":1`) {
				t.Fatalf("detail %s", det)
			}
			for _, secret := range []string{hex.EncodeToString(nextKey), next.KeyCheck(), old.KeyCheck()} {
				if strings.Contains(det, secret) {
					t.Fatalf("audit detail holds key material: %s", det)
				}
			}
			if v := confVerify(t, db); !v.OK() {
				t.Fatalf("chain broken: %+v", v.Broken)
			}
		})
	})
}

// A new database gets no key check (a restore brings its own); one in use gets
// it on first open, unless a value does not open under the configured key.
func TestKeyCheckFirstUse(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		sys := storetest.System()
		if err := db.CheckFieldKey(sys); err != nil {
			t.Fatal(err)
		}
		if v, _ := db.Setting(sys, "field_key_check"); v != "" {
			t.Fatalf("a new database got key check %q", v)
		}
		f := storetest.NewFixture(t, db)
		storetest.NewSensitive(t, db, f)
		right := db.Cipher
		db.Cipher, _ = rkCipher(t)
		err := db.CheckFieldKey(sys)
		if err == nil || !strings.Contains(err.Error(), "people.id_number_enc of row") {
			t.Fatalf("a wrong key at first use: %v", err)
		}
		if v, _ := db.Setting(sys, "field_key_check"); v != "" {
			t.Fatal("a wrong key was recorded")
		}
		db.Cipher = right
		if err := db.CheckFieldKey(sys); err != nil {
			t.Fatal(err)
		}
		if v, _ := db.Setting(sys, "field_key_check"); v != right.KeyCheck() {
			t.Fatal("the right key was not recorded")
		}
		if err := db.CheckFieldKey(sys); err != nil {
			t.Fatalf("second open: %v", err)
		}
	})
}

// TestRestoreRefusesWrongKey: a backup restored into a database whose field key
// is not the one its values are under is refused before commit — with its key
// check, and without one (a backup made before key checks) by a sample value —
// and the target stays empty; under the right key it restores.
func TestRestoreRefusesWrongKey(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		src := storetest.Open(t, d)
		sys := storetest.System()
		f := storetest.NewFixture(t, src)
		storetest.NewSensitive(t, src, f)
		backup := func() []byte {
			var buf strings.Builder
			if _, err := src.Backup(sys, &buf); err != nil {
				t.Fatal(err)
			}
			return []byte(buf.String())
		}
		withoutCheck := backup()
		if err := src.CheckFieldKey(sys); err != nil {
			t.Fatal(err)
		}
		withCheck := backup()
		for name, file := range map[string][]byte{"with key check": withCheck, "without key check": withoutCheck} {
			dst := storetest.Open(t, d)
			dst.Cipher, _ = rkCipher(t)
			_, err := dst.Restore(sys, strings.NewReader(string(file)))
			if zhili.ErrorCode(err) != zhili.EINVALID || !strings.Contains(err.Error(), "nothing changed") {
				t.Fatalf("%s: restore under a wrong key: %v", name, err)
			}
			if _, n, err := sqlstore.NewRegionService(dst).FindRegions(sys, zhili.RegionFilter{Limit: 1}); err != nil || n != 0 {
				t.Fatalf("%s: %d regions after a refused restore (%v)", name, n, err)
			}
			dst.Cipher = src.Cipher
			if _, err := dst.Restore(sys, strings.NewReader(string(file))); err != nil {
				t.Fatalf("%s: restore under the right key: %v", name, err)
			}
		}
	})
}

// TestRekeyWaitsForWriters: a writer that passed the key check before a
// rotation started holds the check row, so the rotation waits for its commit
// and re-encrypts its value too; nothing is left under the old key. PostgreSQL
// only: SQLite's single writer already orders the two.
func TestRekeyWaitsForWriters(t *testing.T) {
	t.Parallel()
	if !slicesContains(storetest.Dialects(), "postgres") {
		t.Skip("needs ZHILI_TEST_POSTGRES")
	}
	db := storetest.Open(t, "postgres")
	sys := storetest.System()
	f := storetest.NewFixture(t, db)
	storetest.NewSensitive(t, db, f)
	if err := db.CheckFieldKey(sys); err != nil {
		t.Fatal(err)
	}
	insert, err := db.PersonAfterKeyCheckForTest(sys, f.VillageA.ID, "13800000000")
	if err != nil {
		t.Fatal(err)
	}
	next, _ := rkCipher(t)
	done := make(chan error, 1)
	go func() {
		_, err := db.Rekey(sys, next)
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("the rotation finished while a writer held the key check (%v): its value would stay under the old key", err)
	case <-time.After(500 * time.Millisecond):
	}
	if err := insert(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	db.Cipher = next
	if _, err := db.CheckFieldValues(sys); err != nil {
		t.Fatalf("after the rotation: %v", err)
	}
}

func slicesContains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
