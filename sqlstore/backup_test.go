package sqlstore_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
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

// TestBackupSnapshot backs up while another goroutine keeps writing: the tables
// are read in one snapshot, so audit_head (read before audit_log) always matches
// the last audit entry and the restored chain verifies.
func TestBackupSnapshot(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			source := storetest.Open(t, d)
			f := storetest.NewFixture(t, source)
			stop := make(chan struct{})
			var wg sync.WaitGroup
			defer func() { close(stop); wg.Wait() }()
			wg.Go(func() {
				units := sqlstore.NewUnitService(source)
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					u := &zhili.Unit{Kind: zhili.UnitDepartment, Name: "部门" + string(rune('A'+i%26)), RegionID: f.County.ID}
					if err := units.CreateUnit(storetest.System(), u); err != nil {
						t.Errorf("writer: %v", err)
						return
					}
				}
			})
			for range 3 {
				data, info := bkBackup(t, source)
				target := storetest.Open(t, d)
				if _, err := target.Restore(context.Background(), bytes.NewReader(data)); err != nil {
					t.Fatalf("restore: %v", err)
				}
				bkVerifyAudit(t, target)
				c := bkCounts(t, target, []string{"units", "audit_log"})
				if c["units"] != info.Tables[slices.Index(bkTableNames(info), "units")].Rows {
					t.Fatalf("units %d, manifest %+v", c["units"], info.Tables)
				}
			}
		})
	}
}

func TestBackupSQLiteFile(t *testing.T) {
	t.Parallel()
	source := storetest.Open(t, "sqlite")
	bkFixture(t, source)
	_, info := bkBackup(t, source)
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := source.BackupSQLiteFile(context.Background(), path); err != nil {
		t.Fatalf("vacuum into: %v", err)
	}
	if err := source.BackupSQLiteFile(context.Background(), path); zhili.ErrorCode(err) != zhili.ECONFLICT {
		t.Fatalf("second copy to the same file: %v, want %s", err, zhili.ECONFLICT)
	}
	copyDB, err := sqlstore.Open("sqlite:" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	want, have := bkCounts(t, source, bkTableNames(info)), bkCounts(t, copyDB, bkTableNames(info))
	if !bkEqualCounts(want, have) {
		t.Fatalf("copy counts %v, want %v", have, want)
	}
	bkVerifyAudit(t, copyDB)
	if _, _, err := sqlstore.NewAuthService(copyDB).Login(context.Background(), "townA", storetest.Password, "127.0.0.1"); err != nil {
		t.Fatalf("login on the copy: %v", err)
	}
	if slices.Contains(storetest.Dialects(), "postgres") {
		pg := storetest.Open(t, "postgres")
		if err := pg.BackupSQLiteFile(context.Background(), filepath.Join(t.TempDir(), "x.db")); zhili.ErrorCode(err) != zhili.EINVALID {
			t.Fatalf("BackupSQLiteFile on postgres: %v, want %s", err, zhili.EINVALID)
		}
	}
}

// bkProbeDDL adds, to source and target alike, a table with every kind of column
// the migrations use, as a future migration would: it checks the conversions
// between dialects value by value, across several insert batches.
var bkProbeDDL = map[string]string{
	"sqlite": `CREATE TABLE backup_probe (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES backup_probe(id),
		flag INTEGER NOT NULL DEFAULT 0, x REAL, data BLOB, note TEXT, big BIGINT NOT NULL)`,
	"postgres": `CREATE TABLE backup_probe (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, parent_id BIGINT REFERENCES backup_probe(id),
		flag BOOLEAN NOT NULL DEFAULT false, x DOUBLE PRECISION, data BYTEA, note TEXT, big BIGINT NOT NULL)`,
}

type bkProbeRow struct {
	ID     int64
	Parent sql.NullInt64
	Flag   bool
	X      sql.NullFloat64
	Data   []byte
	Note   sql.NullString
	Big    int64
}

// probeRows has children before their parents in id order, two levels deep,
// NULLs in every nullable column, floats that need all their digits, bytes that
// are not text, and integers beyond a float64's 53 bits.
func bkProbeRows(n int) []bkProbeRow {
	rows := make([]bkProbeRow, n)
	for i := range rows {
		id := int64(i + 1)
		r := bkProbeRow{ID: id, Flag: id%3 == 0, Big: 1<<62 + id}
		switch {
		case id <= int64(n/2):
			r.Parent = sql.NullInt64{Int64: id + int64(n/2), Valid: true}
		case id <= int64(3*n/4):
			r.Parent = sql.NullInt64{Int64: id + int64(n/4), Valid: true}
		}
		if id%5 != 0 {
			r.X = sql.NullFloat64{Float64: float64(id)*0.1 + 1.0/3, Valid: true}
		}
		if id%7 != 0 {
			r.Data = []byte{0, byte(id), 0xff, '"', '\n'}
		}
		if id%11 != 0 {
			r.Note = sql.NullString{String: fmt.Sprintf("第%d行 \"q\" <&> \n\t\\ 😀", id), Valid: true}
		}
		rows[i] = r
	}
	return rows
}

func bkReadProbe(t *testing.T, r *sql.DB) []bkProbeRow {
	t.Helper()
	rows, err := r.Query(`SELECT id, parent_id, flag, x, data, note, big FROM backup_probe ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []bkProbeRow
	for rows.Next() {
		var p bkProbeRow
		if err := rows.Scan(&p.ID, &p.Parent, &p.Flag, &p.X, &p.Data, &p.Note, &p.Big); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

func TestBackupRestoreTypes(t *testing.T) {
	t.Parallel()
	for _, src := range storetest.Dialects() {
		for _, dst := range storetest.Dialects() {
			t.Run(src+"_to_"+dst, func(t *testing.T) {
				t.Parallel()
				source, target := storetest.Open(t, src), storetest.Open(t, dst)
				rs, rt := bkRaw(t, source), bkRaw(t, target)
				if _, err := rs.Exec(bkProbeDDL[src]); err != nil {
					t.Fatal(err)
				}
				if _, err := rt.Exec(bkProbeDDL[dst]); err != nil {
					t.Fatal(err)
				}
				want := bkProbeRows(600)
				q := `INSERT INTO backup_probe (id, parent_id, flag, x, data, note, big) VALUES (?, ?, ?, ?, ?, ?, ?)`
				if src == "postgres" {
					q = `INSERT INTO backup_probe (id, parent_id, flag, x, data, note, big) VALUES ($1, $2, $3, $4, $5, $6, $7)`
				}
				for i := len(want) - 1; i >= 0; i-- { // parents first
					p := want[i]
					if _, err := rs.Exec(q, p.ID, p.Parent, p.Flag, p.X, p.Data, p.Note, p.Big); err != nil {
						t.Fatal(err)
					}
				}
				data, _ := bkBackup(t, source)
				bkParentsFirst(t, data, "backup_probe", "id", "parent_id")
				if _, err := target.Restore(context.Background(), bytes.NewReader(data)); err != nil {
					t.Fatalf("restore: %v", err)
				}
				got := bkReadProbe(t, rt)
				if len(got) != len(want) {
					t.Fatalf("%d rows, want %d", len(got), len(want))
				}
				for i := range want {
					if !reflect.DeepEqual(got[i], want[i]) {
						t.Fatalf("row %d:\n got %+v\nwant %+v", i+1, got[i], want[i])
					}
				}
				var id int64
				if err := rt.QueryRow(`INSERT INTO backup_probe (big) VALUES (1) RETURNING id`).Scan(&id); err != nil || id != 601 {
					t.Fatalf("insert after restore: id %d, %v; want 601", id, err)
				}
			})
		}
	}
}

// TestBackupLarge measures backup and restore of a synthetic table when
// ZHILI_BACKUP_ROWS is set, e.g. ZHILI_BACKUP_ROWS=200000 go test -run BackupLarge -v,
// and checks memory stays bounded (the heap never holds the table).
func TestBackupLarge(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("ZHILI_BACKUP_ROWS"))
	if n <= 0 {
		t.Skip("ZHILI_BACKUP_ROWS not set")
	}
	fill := map[string]string{
		"sqlite": `INSERT INTO backup_probe (id, flag, x, note, big) WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < %d)
			SELECT i, i %% 2, i * 0.1, '青山县某村 第' || i || ' 行 a note about the size of an audit entry detail, with some more words to pad it', i FROM g`,
		"postgres": `INSERT INTO backup_probe (id, flag, x, note, big) SELECT i, i %% 2 = 0, i * 0.1,
			'青山县某村 第' || i || ' 行 a note about the size of an audit entry detail, with some more words to pad it', i FROM generate_series(1, %d) i`,
	}
	for _, src := range storetest.Dialects() {
		for _, dst := range storetest.Dialects() {
			t.Run(src+"_to_"+dst, func(t *testing.T) {
				source, target := storetest.Open(t, src), storetest.Open(t, dst)
				rs, rt := bkRaw(t, source), bkRaw(t, target)
				for _, q := range []string{bkProbeDDL[src], fmt.Sprintf(fill[src], n)} {
					if _, err := rs.Exec(q); err != nil {
						t.Fatal(err)
					}
				}
				if _, err := rt.Exec(bkProbeDDL[dst]); err != nil {
					t.Fatal(err)
				}
				file, err := os.Create(filepath.Join(t.TempDir(), "large.zhili.gz"))
				if err != nil {
					t.Fatal(err)
				}
				defer file.Close()
				peak, stop := bkSampleHeap()
				start := time.Now()
				info, err := source.Backup(context.Background(), file)
				if err != nil {
					t.Fatal(err)
				}
				took := time.Since(start)
				file.Seek(0, io.SeekStart)
				start = time.Now()
				if _, err := target.Restore(context.Background(), file); err != nil {
					t.Fatal(err)
				}
				back := time.Since(start)
				stop()
				t.Logf("%d rows, %.1f MB gzip: backup %v (%.0f rows/s), restore %v (%.0f rows/s), peak heap %.1f MB",
					info.Rows(), float64(info.Bytes)/1e6, took.Round(time.Millisecond), float64(info.Rows())/took.Seconds(),
					back.Round(time.Millisecond), float64(info.Rows())/back.Seconds(), float64(*peak)/1e6)
			})
		}
	}
}

// sampleHeap records the largest live heap until stop is called.
func bkSampleHeap() (*uint64, func()) {
	runtime.GC()
	var peak uint64
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapAlloc)
			select {
			case <-done:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	return &peak, func() { close(done); <-finished }
}
