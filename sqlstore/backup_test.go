package sqlstore_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// raw opens a second, plain connection to db, so the tests count rows without
// going through the code under test.
func bkRaw(tb testing.TB, db *sqlstore.DB) *sql.DB {
	tb.Helper()
	driver, dsn := "pgx", db.DSN
	if db.Dialect() == "sqlite" {
		driver, dsn = "sqlite", "file:"+strings.TrimPrefix(dsn, "sqlite:")+"?_pragma=busy_timeout(10000)"
	}
	r, err := sql.Open(driver, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { r.Close() })
	return r
}

func bkCounts(tb testing.TB, db *sqlstore.DB, tables []string) map[string]int64 {
	tb.Helper()
	r, out := bkRaw(tb, db), map[string]int64{}
	for _, t := range tables {
		var n int64
		if err := r.QueryRow(`SELECT COUNT(*) FROM ` + t).Scan(&n); err != nil {
			tb.Fatalf("count %s: %v", t, err)
		}
		out[t] = n
	}
	return out
}

var bkCoreTables = []string{"regions", "region_events", "units", "people", "positions", "users", "sessions", "audit_log", "audit_head", "settings"}

// richFixture is the fixture county plus what exercises the conversions: an
// encrypted person, a disabled user (a true boolean), a session, and a village
// moved under a newer township, so a child row has a smaller id than its parent.
func bkFixture(t *testing.T, db *sqlstore.DB) (*storetest.Fixture, *zhili.Region, string) {
	t.Helper()
	f := storetest.NewFixture(t, db)
	ctx := storetest.System()
	p := &zhili.Person{Name: "张三", RegionID: f.VillageA.ID, IDNumber: "11010519491231002X", Phone: "13800138000"}
	if err := sqlstore.NewPersonService(db).CreatePerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := sqlstore.NewUserService(db).SetUserDisabled(ctx, f.Users["townB"].ID, true); err != nil {
		t.Fatal(err)
	}
	town := &zhili.Region{Code: "419901002000", Name: "西城街道", ParentID: f.County.ID, Level: zhili.LevelTownship, Kind: zhili.KindStreet}
	if err := sqlstore.NewRegionService(db).CreateRegion(ctx, town); err != nil {
		t.Fatal(err)
	}
	if _, err := sqlstore.NewRegionService(db).UpdateRegion(ctx, f.VillageB.ID, zhili.RegionUpdate{ParentID: &town.ID}); err != nil {
		t.Fatal(err)
	}
	sess, _, err := sqlstore.NewAuthService(db).Login(context.Background(), "villageA", storetest.Password, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return f, town, sess.Token
}

func bkBackup(t *testing.T, db *sqlstore.DB) ([]byte, *sqlstore.BackupInfo) {
	t.Helper()
	var buf bytes.Buffer
	info, err := db.Backup(context.Background(), &buf)
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	if info.Bytes != int64(buf.Len()) {
		t.Fatalf("info.Bytes = %d, wrote %d", info.Bytes, buf.Len())
	}
	return buf.Bytes(), info
}

func bkTableNames(info *sqlstore.BackupInfo) []string {
	var names []string
	for _, t := range info.Tables {
		names = append(names, t.Name)
	}
	return names
}

func bkVerifyAudit(t *testing.T, db *sqlstore.DB) int {
	t.Helper()
	v, err := sqlstore.NewAuditService(db).VerifyAudit(storetest.System())
	if err != nil {
		t.Fatalf("verify audit: %v", err)
	}
	if len(v.Broken) > 0 {
		t.Fatalf("audit chain broken: %+v", v.Broken)
	}
	return v.Entries
}

func TestBackupRestore(t *testing.T) {
	t.Parallel()
	for _, src := range storetest.Dialects() {
		for _, dst := range storetest.Dialects() {
			t.Run(src+"_to_"+dst, func(t *testing.T) {
				t.Parallel()
				source := storetest.Open(t, src)
				f, town, token := bkFixture(t, source)
				start := time.Now()
				data, info := bkBackup(t, source)
				took := time.Since(start)
				names := bkTableNames(info)
				if len(info.Migrations) == 0 || info.Format != 1 || info.Dialect != src ||
					info.SchemaVersion != info.Migrations[len(info.Migrations)-1].Version {
					t.Fatalf("manifest = %+v", info)
				}
				for _, c := range bkCoreTables {
					if !slices.Contains(names, c) {
						t.Fatalf("backup has no table %s: %v", c, names)
					}
				}
				if slices.Contains(names, "schema_migrations") {
					t.Fatal("schema_migrations is backed up as data")
				}
				for _, pc := range [][2]string{{"regions", "units"}, {"units", "users"}, {"users", "sessions"}, {"people", "positions"}} {
					if slices.Index(names, pc[0]) > slices.Index(names, pc[1]) {
						t.Fatalf("%s comes after %s: %v", pc[0], pc[1], names)
					}
				}

				bkParentsFirst(t, data, "regions", "id", "parent_id")

				target := storetest.Open(t, dst)
				target.Cipher = source.Cipher // the field key travels separately
				start = time.Now()
				got, err := target.Restore(context.Background(), bytes.NewReader(data))
				if err != nil {
					t.Fatalf("restore: %v", err)
				}
				t.Logf("%d rows in %d tables, %d bytes: backup %v, restore %v", info.Rows(), len(info.Tables), len(data),
					took.Round(time.Microsecond), time.Since(start).Round(time.Microsecond))
				if got.Rows() != info.Rows() || got.Bytes != int64(len(data)) {
					t.Fatalf("restored %d rows from %d bytes, want %d from %d", got.Rows(), got.Bytes, info.Rows(), len(data))
				}
				want, have := bkCounts(t, source, names), bkCounts(t, target, names)
				for _, bt := range info.Tables {
					if want[bt.Name] != bt.Rows || have[bt.Name] != bt.Rows {
						t.Errorf("%s: source %d, manifest %d, target %d", bt.Name, want[bt.Name], bt.Rows, have[bt.Name])
					}
				}
				if n := bkVerifyAudit(t, target); int64(n) != want["audit_log"] || n == 0 {
					t.Fatalf("audit entries = %d, want %d", n, want["audit_log"])
				}

				ctx := storetest.System()
				auth := sqlstore.NewAuthService(target)
				if _, _, err := auth.Login(context.Background(), "townA", storetest.Password, "127.0.0.1"); err != nil {
					t.Fatalf("login after restore: %v", err)
				}
				if _, _, err := auth.Login(context.Background(), "townB", storetest.Password, "127.0.0.1"); zhili.ErrorCode(err) != zhili.EUNAUTHORIZED {
					t.Fatalf("disabled user logged in after restore: %v", err)
				}
				if a, _, err := auth.Authenticate(context.Background(), token, "127.0.0.1"); err != nil || a.Username != "villageA" {
					t.Fatalf("session after restore: %v, %+v", err, a)
				}
				var pid int64
				if err := bkRaw(t, target).QueryRow(`SELECT MAX(id) FROM people`).Scan(&pid); err != nil {
					t.Fatal(err)
				}
				p, err := sqlstore.NewPersonService(target).RevealPerson(ctx, pid)
				if err != nil || p.IDNumber != "11010519491231002X" || p.Phone != "13800138000" {
					t.Fatalf("reveal after restore: %v, %+v", err, p)
				}
				moved, err := sqlstore.NewRegionService(target).FindRegion(ctx, f.VillageB.ID)
				if err != nil || moved.ParentID != town.ID {
					t.Fatalf("moved village after restore: %v, %+v", err, moved)
				}

				// New rows get fresh ids: the sequences were moved past the restored ones.
				r := &zhili.Region{Code: "419901003000", Name: "南城街道", ParentID: f.County.ID, Level: zhili.LevelTownship, Kind: zhili.KindStreet}
				if err := sqlstore.NewRegionService(target).CreateRegion(ctx, r); err != nil {
					t.Fatalf("create region after restore: %v", err)
				}
				if r.ID <= town.ID {
					t.Fatalf("new region id %d, want > %d", r.ID, town.ID)
				}
				u, err := sqlstore.NewUserService(target).CreateUser(ctx, zhili.UserCreate{Username: "newcomer", Name: "newcomer",
					Role: zhili.RoleTownship, UnitID: f.Offices[f.TownA.Code].ID, Password: storetest.Password})
				if err != nil || u.ID <= f.Users["supervisor"].ID {
					t.Fatalf("create user after restore: %v, %+v", err, u)
				}
				bkVerifyAudit(t, target)
			})
		}
	}
}

func TestBackupRestoreRefusesNonEmpty(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			source := storetest.Open(t, d)
			storetest.NewFixture(t, source)
			data, info := bkBackup(t, source)
			target := storetest.Open(t, d)
			storetest.NewFixture(t, target)
			sqlstore.NewAuthService(target).Login(context.Background(), "townA", storetest.Password, "127.0.0.1")
			before := bkCounts(t, target, bkTableNames(info))
			_, err := target.Restore(context.Background(), bytes.NewReader(data))
			if zhili.ErrorCode(err) != zhili.ECONFLICT {
				t.Fatalf("restore into a full database: %v, want %s", err, zhili.ECONFLICT)
			}
			if after := bkCounts(t, target, bkTableNames(info)); !bkEqualCounts(before, after) {
				t.Fatalf("counts changed: %v → %v", before, after)
			}
			bkVerifyAudit(t, target)
		})
	}
}

func bkEqualCounts(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// lines decompresses a backup into its lines.
func bkLines(t *testing.T, data []byte) []string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	all, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(all), "\n"), "\n")
}

// parentsFirst checks that a self-referencing table's rows come parents first, so
// a restore inserting in batches never meets a child before its parent.
func bkParentsFirst(t *testing.T, data []byte, table, idCol, parentCol string) {
	t.Helper()
	l := bkLines(t, data)
	i := slices.IndexFunc(l, func(s string) bool { return strings.HasPrefix(s, `{"table":"`+table+`"`) })
	var h struct{ Columns []string }
	json.Unmarshal([]byte(l[i]), &h)
	id, parent := slices.Index(h.Columns, idCol), slices.Index(h.Columns, parentCol)
	seen := map[any]bool{}
	for _, row := range l[i+1:] {
		if !strings.HasPrefix(row, "[") {
			break
		}
		var vals []any
		if err := json.Unmarshal([]byte(row), &vals); err != nil {
			t.Fatal(err)
		}
		if p := vals[parent]; p != nil && !seen[p] {
			t.Fatalf("%s row %v comes before its parent %v", table, vals[id], p)
		}
		seen[vals[id]] = true
	}
	if len(seen) == 0 {
		t.Fatalf("no %s rows in the backup", table)
	}
}

// rewrite decompresses a backup, edits its lines and compresses it again: a file
// whose gzip is sound but whose content is not.
func bkRewrite(t *testing.T, data []byte, edit func(lines []string) []string) []byte {
	t.Helper()
	out := edit(bkLines(t, data))
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(strings.Join(out, "\n") + "\n"))
	zw.Close()
	return buf.Bytes()
}

func bkEditManifest(t *testing.T, edit func(*sqlstore.BackupInfo)) func([]string) []string {
	return func(lines []string) []string {
		var info sqlstore.BackupInfo
		if err := json.Unmarshal([]byte(lines[0]), &info); err != nil {
			t.Fatal(err)
		}
		edit(&info)
		b, _ := json.Marshal(&info)
		lines[0] = string(b)
		return lines
	}
}

func TestBackupRestoreDamaged(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			source := storetest.Open(t, d)
			storetest.NewFixture(t, source)
			data, info := bkBackup(t, source)
			names := bkTableNames(info)
			flip := func(i int) []byte {
				b := slices.Clone(data)
				b[i] ^= 0xff
				return b
			}
			cases := map[string][]byte{
				"empty":         nil,
				"not gzip":      []byte("id,name\n1,青山县\n"),
				"half":          data[:len(data)/2],
				"no gzip tail":  data[:len(data)-4],
				"bad crc":       flip(len(data) - 6), // every row is inserted before the CRC fails
				"newer schema":  bkRewrite(t, data, bkEditManifest(t, func(i *sqlstore.BackupInfo) { i.SchemaVersion = 99 })),
				"newer format":  bkRewrite(t, data, bkEditManifest(t, func(i *sqlstore.BackupInfo) { i.Format = 2 })),
				"count off":     bkRewrite(t, data, bkEditManifest(t, func(i *sqlstore.BackupInfo) { i.Tables[len(i.Tables)-1].Rows++ })),
				"unknown table": bkRewrite(t, data, bkEditManifest(t, func(i *sqlstore.BackupInfo) { i.Tables[0].Name = "nope" })),
				"no end":        bkRewrite(t, data, func(l []string) []string { return l[:len(l)-1] }),
				"short row": bkRewrite(t, data, func(l []string) []string {
					l[len(l)-2] = "[1]"
					return l
				}),
				"bad value": bkRewrite(t, data, func(l []string) []string {
					i := slices.IndexFunc(l, func(s string) bool { return strings.HasPrefix(s, `{"table":"users"`) })
					l[i+1] = strings.Replace(l[i+1], "[", `["x`, 1)
					return l
				}),
			}
			for name, bad := range cases {
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					target := storetest.Open(t, d)
					before := bkCounts(t, target, names)
					if _, err := target.Restore(context.Background(), bytes.NewReader(bad)); err == nil {
						t.Fatal("a damaged backup was restored")
					} else if name != "bad value" && zhili.ErrorCode(err) != zhili.EINVALID {
						t.Fatalf("error %v, want %s", err, zhili.EINVALID)
					}
					if after := bkCounts(t, target, names); !bkEqualCounts(before, after) {
						t.Fatalf("counts changed by a refused restore: %v → %v", before, after)
					}
					if _, err := target.Restore(context.Background(), bytes.NewReader(data)); err != nil {
						t.Fatalf("restore of the good file after a refused one: %v", err)
					}
				})
			}
		})
	}
}
