package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/ledger"
	"github.com/zhili-project/zhili/sqlstore"
)

// parseInterleaved parses flags that may come before, between or after the
// positional arguments ("import ledger NAME FILE --db X") and returns the positionals.
func (m *Main) parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := m.parse(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
}

// printFieldErrors lists every bad row and field, one a line, for people fixing a file.
func (m *Main) printFieldErrors(path string, err error) {
	for _, fe := range zhili.ErrorFields(err) {
		col := fe.Column
		if col == "" {
			col = fe.Field
		}
		if fe.Row > 0 {
			fmt.Fprintf(m.Stderr, "%s: 第 %d 行, %s: %s\n", path, fe.Row, col, fe.Reason)
		} else {
			fmt.Fprintf(m.Stderr, "%s: %s: %s\n", path, col, fe.Reason)
		}
	}
}

// importLedger is `zhili import ledger NAME FILE`: a ledger's records from .xlsx
// or .csv (UTF-8 or GB18030), all or nothing; every bad cell is printed.
func (m *Main) importLedger(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("import ledger", flag.ContinueOnError)
	m.Config.dbFlags(fs)
	pos, err := m.parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return fmt.Errorf("%w: zhili import ledger NAME FILE", errUsage)
	}
	name, path := pos[0], pos[1]
	catalog := ledger.Default()
	sc, err := catalog.Schema(name)
	if err != nil {
		return fmt.Errorf("%w: unknown ledger %q; known: %s", errUsage, name, ledgerNames(catalog))
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := ledger.ReadFile(sc, path, f)
	if err != nil {
		m.printFieldErrors(path, err)
		return fmt.Errorf("%s: %s", path, zhili.ErrorMessage(err))
	}
	if err := m.open(ctx, true); err != nil {
		return err
	}
	res, err := sqlstore.NewLedgerService(m.DB, catalog).ImportLedgerRecords(system(ctx, "import"), name, rows)
	if err != nil {
		m.printFieldErrors(path, err)
		return fmt.Errorf("%s: %w", path, err)
	}
	fmt.Fprintf(m.Stdout, "imported %s into %s (%s): %d records\n", path, name, sc.Label, res.Created)
	return nil
}

// exportLedger is `zhili export ledger NAME --out FILE [--format xlsx|csv]
// [--region CODE] [--from DAY] [--to DAY]`, streaming.
func (m *Main) exportLedger(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("export ledger", flag.ContinueOnError)
	m.Config.dbFlags(fs)
	out := fs.String("out", "-", "output file (.xlsx or .csv), - for CSV on standard output")
	format := fs.String("format", "", "xlsx or csv; default from the --out extension")
	region := fs.String("region", "", "only this region's subtree (region code)")
	from := fs.String("from", "", "first record date, YYYY-MM-DD")
	to := fs.String("to", "", "last record date, YYYY-MM-DD (inclusive)")
	pos, err := m.parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: zhili export ledger NAME --out FILE [--region CODE] [--from DAY] [--to DAY]", errUsage)
	}
	catalog := ledger.Default()
	sc, err := catalog.Schema(pos[0])
	if err != nil {
		return fmt.Errorf("%w: unknown ledger %q; known: %s", errUsage, pos[0], ledgerNames(catalog))
	}
	if *format == "" {
		*format = "csv"
		if strings.EqualFold(filepath.Ext(*out), ".xlsx") {
			*format = "xlsx"
		}
	}
	if err := m.open(ctx, true); err != nil {
		return err
	}
	ctx = system(ctx, "export")
	f := zhili.LedgerFilter{Ledger: sc.Name, From: *from, To: *to}
	if *region != "" {
		reg, err := sqlstore.NewRegionService(m.DB).FindRegionByCode(ctx, *region)
		if err != nil {
			return fmt.Errorf("region %s: %w", *region, err)
		}
		f.Under = &reg.ID
	}
	svc := sqlstore.NewLedgerService(m.DB, catalog)
	if _, _, err := svc.FindLedgerRecords(ctx, zhili.LedgerFilter{Ledger: f.Ledger, Under: f.Under, From: f.From, To: f.To, Limit: 1}); err != nil {
		return err
	}
	w, closeFn, err := m.output(*out)
	if err != nil {
		return err
	}
	e, err := ledger.NewExporter(w, sc, *format)
	if err != nil {
		closeFn()
		return err
	}
	n := 0
	err = svc.EachLedgerRecord(ctx, f, func(r *zhili.LedgerRecord) error {
		n++
		return e.Write(r)
	})
	if err == nil {
		err = e.Close()
	}
	if cerr := closeFn(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("export %s: %w", sc.Name, err)
	}
	if *out != "-" {
		fmt.Fprintf(m.Stdout, "exported %d records of %s to %s\n", n, sc.Name, *out)
	}
	return nil
}

func ledgerNames(c *ledger.Catalog) string {
	var names []string
	for _, s := range c.Schemas() {
		names = append(names, s.Name)
	}
	return strings.Join(names, ", ")
}
