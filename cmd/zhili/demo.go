package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/demo"
)

// seedDemo fills an empty database with the demo county and prints its accounts.
// The account list is also kept beside a SQLite database (mode 0600) so later
// `--demo` starts can print it again; a database that already has regions is left
// alone.
func (m *Main) seedDemo(ctx context.Context) error {
	accountsFile := ""
	if strings.HasPrefix(m.Config.DB, "sqlite:") {
		accountsFile = strings.TrimPrefix(m.Config.DB, "sqlite:") + ".demo-accounts.txt"
	}
	res, err := demo.Seed(zhili.NewContextWithActor(ctx, zhili.SystemActor("demo")), m.DB, demo.Options{Seed: 1})
	if zhili.ErrorCode(err) == zhili.ECONFLICT {
		m.Log.Info("database already has data; demo county not seeded")
		if b, err := os.ReadFile(accountsFile); err == nil && accountsFile != "" {
			fmt.Fprintf(m.Stdout, "Demo accounts (from %s):\n%s", accountsFile, b)
		}
		return nil
	} else if err != nil {
		return fmt.Errorf("demo county: %w", err)
	}
	var buf bytes.Buffer
	if err := res.WriteAccounts(&buf); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "Seeded the demo county: %s\nDemo accounts (administrators set up a second factor at first login):\n%s", res, buf.String())
	fmt.Fprintf(m.Stdout, "The county's %d other accounts (grid members wg…, village operators cw…, township and department operators) have random passwords nobody knows; reset one as secadmin to use it (docs/demo.md).\n", res.WorkingAccounts)
	if accountsFile != "" {
		if err := os.WriteFile(accountsFile, buf.Bytes(), 0o600); err != nil {
			m.Log.Warn("could not keep the demo account list", "file", accountsFile, "err", err)
		}
	}
	return nil
}
