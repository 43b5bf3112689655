package main

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// run executes one command line against dsn and returns its output and error.
func run(t *testing.T, dsn string, args ...string) (string, error) {
	t.Helper()
	m := NewMain()
	var out bytes.Buffer
	m.Stdout, m.Stderr = &out, io.Discard
	m.Config.DB = dsn
	m.Config.Key = "00112233445566778899aabbccddeeff"
	m.Config.KeyFile = ""
	err := m.Run(context.Background(), args)
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	return out.String(), err
}

func mustRun(t *testing.T, dsn string, args ...string) string {
	t.Helper()
	out, err := run(t, dsn, args...)
	if err != nil {
		t.Fatalf("zhili %s: %v\n%s", strings.Join(args, " "), describe(err), out)
	}
	return out
}

func TestServeStartsAndStops(t *testing.T) {
	t.Parallel()
	m := NewMain()
	m.Stdout, m.Stderr = io.Discard, io.Discard
	m.Config.DB = "sqlite:" + filepath.Join(t.TempDir(), "zhili.db")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}) }()
	select {
	case <-m.ready:
	case err := <-done:
		t.Fatalf("serve ended early: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	for _, path := range []string{"/healthz", "/login"} {
		resp, err := http.Get(m.HTTP.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, b)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestImportRegionsFromOfficialTables(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			dsn := storetest.DSN(t, d)
			dir := t.TempDir()
			county := filepath.Join(dir, "county.csv")
			writeFile(t, county, "code,name,parent_code\n341821000000,郎溪县,\n")
			mustRun(t, dsn, "import", "regions", county)
			out := mustRun(t, dsn, "import", "regions", "../../regionfile/testdata/county_341821_streets.csv")
			if !strings.Contains(out, "15 created") {
				t.Fatalf("streets: %s", out)
			}
			out = mustRun(t, dsn, "import", "regions", "../../regionfile/testdata/county_341821_villages.csv")
			if !strings.Contains(out, "104 created") {
				t.Fatalf("villages: %s", out)
			}
			out = mustRun(t, dsn, "import", "regions", "../../regionfile/testdata/county_341821_streets_gb18030.csv")
			if !strings.Contains(out, "0 created, 0 renamed, 15 unchanged") {
				t.Fatalf("GB18030 re-import: %s", out)
			}
			exported := mustRun(t, dsn, "export", "regions")
			if n := strings.Count(exported, "\n"); n != 1+1+15+104 {
				t.Fatalf("export has %d lines:\n%s", n, exported)
			}

			// A bad file changes nothing and names the row and column.
			bad := filepath.Join(dir, "bad.csv")
			writeFile(t, bad, "code,name,parent_code\n341821001999,新村,341821001000\n341821999999,孤村,341821999000\n")
			_, err := run(t, dsn, "import", "regions", bad)
			if err == nil || !strings.Contains(describe(err), "row 3") || !strings.Contains(describe(err), "parent_code") {
				t.Fatalf("bad file: %v", describe(err))
			}
			if after := mustRun(t, dsn, "export", "regions"); after != exported {
				t.Fatal("a refused import changed the database")
			}
			for _, f := range []string{"bad_duplicate.csv", "bad_malformed_code.csv", "bad_utf16le.csv"} {
				if _, err := run(t, dsn, "import", "regions", "../../regionfile/testdata/"+f); err == nil {
					t.Errorf("%s was accepted", f)
				}
			}
			if after := mustRun(t, dsn, "export", "regions"); after != exported {
				t.Fatal("a refused import changed the database")
			}
		})
	}
}

func TestAuditVerifyDetectsTampering(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "zhili.db")
	dsn := "sqlite:" + path
	mustRun(t, dsn, "import", "regions", "../../docs/examples/regions-generic.csv")
	mustRun(t, dsn, "import", "regions", "../../docs/examples/regions-official.csv")
	if out := mustRun(t, dsn, "audit", "verify"); !strings.Contains(out, "intact") {
		t.Fatalf("fresh chain: %s", out)
	}
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE audit_log SET username = 'someone' WHERE id = 1`); err == nil {
		t.Fatal("the database let an audit row change")
	}
	for _, q := range []string{`DROP TRIGGER audit_log_no_update`, `UPDATE audit_log SET detail = '{}' WHERE id = 1`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	out, err := run(t, dsn, "audit", "verify")
	if err == nil || !strings.Contains(out, "entry 1: hash does not match") {
		t.Fatalf("edited row not detected: %v\n%s", err, out)
	}
}

func TestBadInvocation(t *testing.T) {
	t.Parallel()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "zhili.db")
	for _, args := range [][]string{{}, {"frobnicate"}, {"import"}, {"import", "planets", "x.csv"}, {"user", "create", "--username", "x", "--role", "king", "--unit", "1", "--password", "Zhili@2026!pass"}} {
		if _, err := run(t, dsn, args...); err == nil {
			t.Errorf("zhili %v: no error", args)
		}
	}
	if out := mustRun(t, dsn, "config"); !strings.Contains(out, "key=(set, hidden)") || strings.Contains(out, "00112233") {
		t.Fatalf("config shows the key: %s", out)
	}
	if _, err := run(t, dsn, "serve", "--addr", "127.0.0.1:0", "--trusted-proxies", "10.0.0.0/8, proxy.local"); err == nil ||
		!strings.Contains(err.Error(), "--trusted-proxies") || !strings.Contains(err.Error(), "proxy.local") {
		t.Errorf("serve with a host name as trusted proxy: %v", err)
	}
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}
