package sqlstore_test

// Helpers shared by the store's conformance suite (region_test.go, scope_test.go,
// person_test.go, user_test.go, auth_test.go, audit_test.go, locate_test.go,
// region_import_test.go). Their names start with "conf" so they do not collide with
// helpers of other test files in this package.

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// confDialects runs fn as a parallel subtest named for each dialect of
// storetest.Dialects(). fn opens its own databases with storetest.Open(t, d).
func confDialects(t *testing.T, fn func(t *testing.T, d string)) {
	t.Helper()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, d)
		})
	}
}

// confCode fails the test unless err carries the zhili error code want ("" for nil).
func confCode(t testing.TB, err error, want string) {
	t.Helper()
	if got := zhili.ErrorCode(err); got != want {
		t.Fatalf("error code = %q, want %q (err: %v)", got, want, err)
	}
}

// confRefused fails the test unless err is EFORBIDDEN or ENOTFOUND: a refusal
// that may also hide whether the object exists.
func confRefused(t testing.TB, err error) {
	t.Helper()
	if c := zhili.ErrorCode(err); c != zhili.EFORBIDDEN && c != zhili.ENOTFOUND {
		t.Fatalf("error code = %q, want forbidden or not_found (err: %v)", c, err)
	}
}

// confField fails the test unless err is EINVALID or ECONFLICT and names field.
func confField(t testing.TB, err error, field string) {
	t.Helper()
	for _, f := range zhili.ErrorFields(err) {
		if f.Field == field {
			return
		}
	}
	t.Fatalf("error does not name field %q: %v", field, err)
}

// confClock returns the database's fixed clock.
func confClock(t testing.TB, db *sqlstore.DB) *zhili.FixedClock {
	t.Helper()
	c, ok := db.Clock.(*zhili.FixedClock)
	if !ok {
		t.Fatalf("db.Clock is %T, want *zhili.FixedClock", db.Clock)
	}
	return c
}

// confRaw opens a plain database/sql connection to the same database as db, so a
// test can act like someone with direct database access (bypassing the services).
func confRaw(t testing.TB, db *sqlstore.DB) *sql.DB {
	t.Helper()
	var raw *sql.DB
	var err error
	switch db.Dialect() {
	case "sqlite":
		raw, err = sql.Open("sqlite", "file:"+strings.TrimPrefix(db.DSN, "sqlite:")+"?_pragma=busy_timeout(10000)")
	case "postgres":
		raw, err = sql.Open("pgx", db.DSN)
	default:
		t.Fatalf("unknown dialect %q", db.Dialect())
	}
	if err != nil {
		t.Fatalf("open raw connection: %v", err)
	}
	raw.SetMaxOpenConns(1)
	t.Cleanup(func() { raw.Close() })
	return raw
}

// confAuditCount is the number of entries in the audit log.
func confAuditCount(t testing.TB, db *sqlstore.DB) int {
	t.Helper()
	_, n, err := sqlstore.NewAuditService(db).FindAudit(storetest.System(), zhili.AuditFilter{Limit: 1})
	if err != nil {
		t.Fatalf("count audit: %v", err)
	}
	return n
}

// confRegionCount is the number of regions, retired or not.
func confRegionCount(t testing.TB, db *sqlstore.DB) int {
	t.Helper()
	_, n, err := sqlstore.NewRegionService(db).FindRegions(storetest.System(), zhili.RegionFilter{IncludeRetired: true, Limit: 1})
	if err != nil {
		t.Fatalf("count regions: %v", err)
	}
	return n
}

// confVerify runs VerifyAudit as the system and returns the outcome.
func confVerify(t testing.TB, db *sqlstore.DB) *zhili.AuditVerify {
	t.Helper()
	v, err := sqlstore.NewAuditService(db).VerifyAudit(storetest.System())
	if err != nil {
		t.Fatalf("verify audit: %v", err)
	}
	return v
}

// confIDNumber completes 17 digits into a valid resident ID number (GB 11643-1999).
func confIDNumber(first17 string) string {
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 17 {
		sum += int(first17[i]-'0') * weights[i]
	}
	return first17 + string("10X98765432"[sum%11])
}

// confBadCheck returns id with its check character replaced by a wrong one.
func confBadCheck(id string) string {
	for _, c := range "0123456789X" {
		if byte(c) != id[17] {
			return id[:17] + string(c)
		}
	}
	panic("unreachable")
}

// confNoActor is a context without an actor.
func confNoActor() context.Context { return context.Background() }

// confName makes a distinct region name for generated rows.
func confName(prefix string, i int) string { return fmt.Sprintf("%s%04d", prefix, i) }

// confChildPaths checks the path invariant of the whole tree: every region's path is
// its parent's path followed by its id, and a root's path is "/id/".
func confChildPaths(t testing.TB, db *sqlstore.DB) {
	t.Helper()
	all, _, err := sqlstore.NewRegionService(db).FindRegions(storetest.System(), zhili.RegionFilter{IncludeRetired: true, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]*zhili.Region{}
	for _, r := range all {
		byID[r.ID] = r
	}
	for _, r := range all {
		want := fmt.Sprintf("/%d/", r.ID)
		if r.ParentID != 0 {
			p, ok := byID[r.ParentID]
			if !ok {
				t.Fatalf("region %s: parent %d missing", r.Code, r.ParentID)
			}
			want = fmt.Sprintf("%s%d/", p.Path, r.ID)
		}
		if r.Path != want {
			t.Errorf("region %s (%s): path %q, want %q from its parent", r.Code, r.Name, r.Path, want)
		}
	}
}

// confItoa formats an id as the audit log's object ids are.
func confItoa(id int64) string { return strconv.FormatInt(id, 10) }
