package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
)

// runSecurityPolicy shows the login and password policy (安全策略) and, with
// --set field=value (repeatable), changes it: all the changes in one audited
// step (security.policy.set) or, when any field is unknown or out of range,
// none. Like every CLI command it acts as the system, for whoever holds the
// database; online, only the security administrator may change it. Running
// servers apply the change within seconds.
func (m *Main) runSecurityPolicy(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("security-policy", flag.ContinueOnError)
	m.Config.dbFlags(fs)
	var sets []string
	fs.Func("set", "`FIELD=VALUE` to change, e.g. max_failures=3 (repeatable)", func(v string) error {
		sets = append(sets, v)
		return nil
	})
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: zhili security-policy takes no arguments (change fields with --set FIELD=VALUE)", errUsage)
	}
	// Parse every --set before opening the database, naming each bad one.
	changes := map[string]int{}
	var bad []zhili.FieldError
	for _, s := range sets {
		k, v, _ := strings.Cut(s, "=")
		k = strings.TrimSpace(k)
		n, err := strconv.Atoi(strings.TrimSpace(v))
		switch {
		case new(zhili.SecuritySettings).Field(k) == nil:
			bad = append(bad, zhili.FieldError{Field: k, Code: "unknown", Reason: "unknown field; one of " + policyFields()})
		case err != nil:
			bad = append(bad, zhili.FieldError{Field: k, Code: "malformed", Reason: fmt.Sprintf("%q is not a whole number", v)})
		default:
			changes[k] = n
		}
	}
	if len(bad) > 0 {
		return zhili.Invalid("Bad --set; nothing was changed.", bad...)
	}
	if err := m.open(ctx, true); err != nil {
		return err
	}
	svc := sqlstore.NewAuthService(m.DB)
	sys := system(ctx, "security-policy")
	cur, err := svc.SecurityPolicy(sys)
	if err != nil {
		return err
	}
	if len(changes) > 0 {
		if cur, err = svc.UpdateSecurityPolicy(sys, func(p *zhili.SecuritySettings) {
			for k, n := range changes {
				*p.Field(k) = n
			}
		}); err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, "security policy changed (audited as security.policy.set):")
	}
	for _, b := range zhili.SecurityBounds {
		fmt.Fprintf(m.Stdout, "  %-20s %5d   %d–%d %s, default %d\n", b.Field, *cur.Field(b.Field), b.Min, b.Max, b.Unit, b.Default)
	}
	return nil
}

// policyFields lists the field names for messages.
func policyFields() string {
	var names []string
	for _, b := range zhili.SecurityBounds {
		names = append(names, b.Field)
	}
	return strings.Join(names, ", ")
}
