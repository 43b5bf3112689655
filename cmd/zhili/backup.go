package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/zhili-project/zhili/sqlstore"
)

func (m *Main) runBackup(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	m.Config.dbFlags(fs)
	out := fs.String("out", "", "write the portable backup (.zhili.gz) here (required unless --sqlite-file)")
	sqliteFile := fs.String("sqlite-file", "", "SQLite only: write an exact copy of the database file here (VACUUM INTO)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if (*out == "") == (*sqliteFile == "") {
		return fmt.Errorf("%w: give exactly one of --out FILE or --sqlite-file FILE", errUsage)
	}
	if err := m.open(ctx, true); err != nil {
		return err
	}
	if *sqliteFile != "" {
		if err := m.DB.BackupSQLiteFile(ctx, *sqliteFile); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "backup written to %s\n", *sqliteFile)
		return nil
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	info, err := m.DB.Backup(ctx, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(*out)
		return err
	}
	fmt.Fprintf(m.Stdout, "backup written to %s: %s\n", *out, summary(info))
	return nil
}

func (m *Main) runRestore(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	m.Config.dbFlags(fs)
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: zhili restore [--db …] FILE", errUsage)
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	if err := m.open(ctx, true); err != nil {
		return err
	}
	info, err := m.DB.Restore(ctx, f)
	if err != nil {
		return err
	}
	// A restore under another key was refused before commit (sqlstore.Restore);
	// this records the key check for a backup made before key checks.
	if err := m.DB.CheckFieldKey(ctx); err != nil {
		return fmt.Errorf("restored %s, but: %w", fs.Arg(0), err)
	}
	fmt.Fprintf(m.Stdout, "restored %s: %s\n", fs.Arg(0), summary(info))
	return nil
}

// summary describes a backup in one line: rows, tables, bytes, schema version.
func summary(info *sqlstore.BackupInfo) string {
	rows := int64(0)
	for _, t := range info.Tables {
		rows += t.Rows
	}
	return fmt.Sprintf("%d rows in %d tables, %d bytes, schema version %d, from %s", rows, len(info.Tables), info.Bytes, info.SchemaVersion, info.Dialect)
}
