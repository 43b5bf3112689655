package main

import (
	"strings"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

func TestSecurityPolicyCommand(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			dsn := storetest.DSN(t, d)
			if out := mustRun(t, dsn, "security-policy"); !strings.Contains(out, "max_failures             5   3–10 次, default 5") {
				t.Fatalf("show:\n%s", out)
			}
			out, err := run(t, dsn, "security-policy", "--set", "max_failures=3", "--set", "idle_minutes=200")
			if zhili.ErrorCode(err) != zhili.EINVALID || !strings.Contains(describe(err), "idle_minutes must be 5–120") {
				t.Fatalf("out of range: %v\n%s", err, out)
			}
			if _, err := run(t, dsn, "security-policy", "--set", "colour=3"); !strings.Contains(describe(err), "colour: unknown field") {
				t.Fatalf("unknown field: %v", err)
			}
			if out := mustRun(t, dsn, "security-policy"); !strings.Contains(out, "max_failures             5") {
				t.Fatalf("a refused change was stored:\n%s", out)
			}
			out = mustRun(t, dsn, "security-policy", "--set", "max_failures=3", "--set", "session_hours=8")
			if !strings.Contains(out, "changed") || !strings.Contains(out, "max_failures             3") || !strings.Contains(out, "session_hours            8") {
				t.Fatalf("set:\n%s", out)
			}
		})
	}
}
