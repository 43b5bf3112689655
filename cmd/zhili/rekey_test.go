package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sensitive"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
	"github.com/zhili-project/zhili/totp"
)

const (
	rkOldKey = "00112233445566778899aabbccddeeff"
	rkNewKey = "ffeeddccbbaa99887766554433221100"
)

// runWith executes one command line with the given current key (ZHILI_KEY; ""
// for SQLite's default key file) and new key (ZHILI_NEW_KEY).
func runWith(t *testing.T, dsn, key, newKey string, args ...string) (string, error) {
	t.Helper()
	m := NewMain()
	var out bytes.Buffer
	m.Stdout, m.Stderr = &out, io.Discard
	m.Config.DB, m.Config.Key, m.Config.KeyFile, m.Config.NewKey = dsn, key, "", newKey
	err := m.Run(context.Background(), args)
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	return out.String(), err
}

// rkOpen opens dsn with the hex key as the services would, on the test clock.
func rkOpen(t *testing.T, dsn, key string) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	k, err := sensitive.ParseKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if db.Cipher, err = sensitive.NewCipher(k); err != nil {
		t.Fatal(err)
	}
	db.Clock, db.FastPasswords = storetest.Clock(), true
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestRekeyCommand(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			dsn := storetest.DSN(t, d)
			db := rkOpen(t, dsn, rkOldKey)
			f := storetest.NewFixture(t, db)
			s := storetest.NewSensitive(t, db, f)
			db.Close()
			newFile := filepath.Join(t.TempDir(), "new.key")
			writeFile(t, newFile, rkNewKey+"\n")

			if out, err := runWith(t, dsn, rkOldKey, "", "rekey", "--check"); err != nil || !strings.Contains(out, "7 values in 7 columns open under the current key") {
				t.Fatalf("check: %v\n%s", err, out)
			}
			if _, err := runWith(t, dsn, rkOldKey, "", "rekey"); !errors.Is(err, errUsage) {
				t.Fatalf("rekey without a new key: %v", err)
			}
			if _, err := runWith(t, dsn, rkOldKey, rkNewKey, "rekey", "--new-key-file", newFile); err == nil || !strings.Contains(err.Error(), "set only one") {
				t.Fatalf("rekey with two new keys: %v", err)
			}
			if _, err := runWith(t, dsn, rkNewKey, "", "rekey", "--new-key-file", newFile); !errors.Is(err, sqlstore.ErrFieldKeyMismatch) {
				t.Fatalf("rekey with the wrong current key: %v", err)
			}

			out, err := runWith(t, dsn, rkOldKey, "", "rekey", "--new-key-file", newFile)
			if err != nil {
				t.Fatalf("rekey: %v\n%s", err, out)
			}
			for _, want := range []string{"people.id_number_enc", "blind index people.id_number_blind", "public_reports.contact_enc",
				"7 values in 7 columns re-encrypted", "set ZHILI_KEY to the new key (" + newFile + ")"} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			if strings.Contains(out, rkNewKey) || strings.Contains(out, rkOldKey) {
				t.Fatalf("output shows a key:\n%s", out)
			}

			if _, err := runWith(t, dsn, rkOldKey, "", "audit", "verify"); !errors.Is(err, sqlstore.ErrFieldKeyMismatch) ||
				!strings.Contains(err.Error(), "the configured field key is not the database's key (key check mismatch)") {
				t.Fatalf("a command with the old key: %v", err)
			}
			if out, err := runWith(t, dsn, rkNewKey, "", "audit", "verify"); err != nil || !strings.Contains(out, "intact") {
				t.Fatalf("audit verify with the new key: %v\n%s", err, out)
			}

			db = rkOpen(t, dsn, rkNewKey)
			defer db.Close()
			p, err := sqlstore.NewPersonService(db).RevealPerson(f.Ctx(t, db, "townA"), s.PersonID)
			if err != nil || p.IDNumber != storetest.SensitiveIDNumber || p.Phone != storetest.SensitivePhone {
				t.Fatalf("person under the new key: %+v %v", p, err)
			}
			auth := sqlstore.NewAuthService(db)
			db.Clock.(*zhili.FixedClock).Advance(totp.Period)
			sess, _, err := auth.Login(context.Background(), s.TOTPUser, storetest.Password, "127.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			code, _ := totp.Code(s.TOTPSecret, db.Clock.Now())
			if err := auth.VerifyTOTP(context.Background(), sess.Token, code); err != nil {
				t.Fatalf("second factor under the new key: %v", err)
			}
		})
	}
}

// On SQLite with no key configured, the key file beside the database is the
// current key, and the command says how to install the new one there.
func TestRekeySQLiteDefaultKeyFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "zhili.db")
	dsn := "sqlite:" + path
	if _, err := runWith(t, dsn, "", "", "migrate"); err != nil {
		t.Fatal(err)
	}
	old, err := os.ReadFile(path + ".key")
	if err != nil {
		t.Fatal(err)
	}
	db := rkOpen(t, dsn, string(old))
	f := storetest.NewFixture(t, db)
	s := storetest.NewSensitive(t, db, f)
	db.Close()

	newFile := filepath.Join(t.TempDir(), "new.key")
	writeFile(t, newFile, rkNewKey+"\n")
	out, err := runWith(t, dsn, "", "", "rekey", "--new-key-file", newFile)
	want := fmt.Sprintf("cp %s %s.key", newFile, path)
	if err != nil || !strings.Contains(out, want) {
		t.Fatalf("rekey: %v\n%s", err, out)
	}
	if _, err := runWith(t, dsn, "", "", "audit", "verify"); !errors.Is(err, sqlstore.ErrFieldKeyMismatch) {
		t.Fatalf("the old key file still opens the database: %v", err)
	}
	writeFile(t, path+".key", rkNewKey+"\n") // the step the command printed
	if out, err := runWith(t, dsn, "", "", "audit", "verify"); err != nil || !strings.Contains(out, "intact") {
		t.Fatalf("with the new key file: %v\n%s", err, out)
	}
	db = rkOpen(t, dsn, rkNewKey)
	defer db.Close()
	ps, err := sqlstore.NewCaseService(db).RevealParties(f.Ctx(t, db, "townA"), s.CaseID)
	if err != nil || len(ps) != 1 || ps[0].IDNumber != storetest.SensitiveIDNumber {
		t.Fatalf("party under the new key: %+v %v", ps, err)
	}
}
