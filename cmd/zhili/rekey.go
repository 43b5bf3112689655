package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/zhili-project/zhili/sensitive"
	"github.com/zhili-project/zhili/sqlstore"
)

// runRekey rotates the field key (密钥轮换): the current key comes from where it
// always does (ZHILI_KEY, --key-file, or SQLite's key file beside the database),
// the new one from --new-key-file or ZHILI_NEW_KEY, never from the command line,
// where ps and shell history would show it. --check only proves that every
// encrypted value opens under the current key.
func (m *Main) runRekey(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("rekey", flag.ContinueOnError)
	m.Config.dbFlags(fs)
	newKeyFile := fs.String("new-key-file", "", "`FILE` with the new SM4 field key (or env ZHILI_NEW_KEY); make one with zhili keygen")
	check := fs.Bool("check", false, "only check that every encrypted value opens under the current key; change nothing")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: zhili rekey takes no arguments (give the new key with --new-key-file FILE or ZHILI_NEW_KEY)", errUsage)
	}
	var next *sensitive.Cipher
	if !*check {
		if m.Config.NewKey == "" && *newKeyFile == "" {
			return fmt.Errorf("%w: give the new field key with --new-key-file FILE or ZHILI_NEW_KEY (make one with `zhili keygen`)", errUsage)
		}
		key, err := sensitive.LoadKey(m.Config.NewKey, *newKeyFile)
		if err != nil {
			return fmt.Errorf("new field key (--new-key-file, ZHILI_NEW_KEY): %w", err)
		}
		if next, err = sensitive.NewCipher(key); err != nil {
			return fmt.Errorf("new field key: %w", err)
		}
	}
	// Opening checks the current key against the database's key check.
	if err := m.open(ctx, true); err != nil {
		if errors.Is(err, sqlstore.ErrFieldKeyMismatch) {
			return fmt.Errorf("%w; rekey needs the key the database is encrypted under as the current key (ZHILI_KEY or --key-file)", err)
		}
		return err
	}
	if *check {
		counts, err := m.DB.CheckFieldValues(ctx)
		if err != nil {
			return err
		}
		m.printCounts(counts, "open under the current key")
		return nil
	}
	counts, err := m.DB.Rekey(system(ctx, "rekey"), next)
	if err != nil {
		return err
	}
	m.printCounts(counts, "re-encrypted under the new key")
	fmt.Fprintln(m.Stdout, "\nThe database now opens only with the new key. Next:")
	for _, s := range m.Config.rekeySteps(*newKeyFile) {
		fmt.Fprintln(m.Stdout, "  "+s)
	}
	return nil
}

// printCounts lists the values per column, and the blind indexes recomputed.
func (m *Main) printCounts(counts []sqlstore.ColumnCount, what string) {
	total := 0
	for _, c := range counts {
		line := fmt.Sprintf("  %-30s %7d", c.Name(), c.Values)
		if c.Blind != "" {
			line += fmt.Sprintf("   blind index %s.%s", c.Table, c.Blind)
		}
		fmt.Fprintln(m.Stdout, line)
		total += c.Values
	}
	fmt.Fprintf(m.Stdout, "%d values in %d columns %s\n", total, len(counts), what)
}

// rekeySteps tells the operator how to switch this configuration to the new key,
// naming where the current key came from.
func (c *Config) rekeySteps(newKeyFile string) []string {
	newKey := "the new key"
	if newKeyFile != "" {
		newKey = "the new key (" + newKeyFile + ")"
	}
	var steps []string
	switch {
	case c.Key != "":
		steps = append(steps, "set ZHILI_KEY to "+newKey+" for every instance and command")
	case c.KeyFile != "":
		steps = append(steps, "replace the contents of "+c.KeyFile+" with "+newKey+" on every instance")
	case strings.HasPrefix(c.DB, "sqlite:"):
		keyFile := strings.TrimPrefix(c.DB, "sqlite:") + ".key"
		if newKeyFile != "" {
			steps = append(steps, fmt.Sprintf("install the new key: cp %s %s && chmod 600 %s", newKeyFile, keyFile, keyFile))
		} else {
			steps = append(steps, "write the new key into "+keyFile+" (mode 0600)")
		}
	}
	return append(steps,
		"start zhili; an instance still on the old key refuses: the configured field key is not the database's key",
		"keep the old key (offline) as long as you keep backups taken before now: only it opens them")
}
