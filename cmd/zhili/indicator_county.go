package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/zhili-project/zhili/indicator"
	"github.com/zhili-project/zhili/sqlstore"
)

// A county's own indicators from the command line (docs/indicators.md):
//
//	zhili indicator list                 the catalogue, ORIGIN builtin or county
//	zhili indicator define FILE.json     add or replace definitions (an array, or one)
//	zhili indicator undefine ID          remove one
//
// define and undefine act as the system and are audited (indicator.define,
// indicator.remove).

// runIndicatorCounty runs list, define and undefine; ok is false for any other
// subcommand.
func (m *Main) runIndicatorCounty(ctx context.Context, args []string) (ok bool, err error) {
	if len(args) == 0 {
		return false, nil
	}
	const use = "zhili indicator list | zhili indicator define FILE.json | zhili indicator undefine ID"
	sub := args[0]
	if sub != "list" && sub != "define" && sub != "undefine" {
		return false, nil
	}
	fs := flag.NewFlagSet("indicator "+sub, flag.ContinueOnError)
	m.Config.dbFlags(fs)
	if err := m.parse(fs, args[1:]); err != nil {
		return true, err
	}
	want := map[string]int{"list": 0, "define": 1, "undefine": 1}[sub]
	if fs.NArg() != want {
		return true, fmt.Errorf("%w: %s", errUsage, use)
	}
	cat := indicator.Default()
	if sub == "list" && m.Config.DB == "" {
		return true, m.listIndicators(cat) // no database: the built-in catalogue
	}
	if err := m.open(ctx, true); err != nil {
		return true, err
	}
	st := sqlstore.NewIndicatorStore(m.DB, cat)
	ctx = system(ctx, "indicator")
	switch sub {
	case "list":
		live, err := st.Catalog(ctx)
		if err != nil {
			return true, err
		}
		if err := st.CountyIndicatorsError(ctx); err != nil {
			fmt.Fprintf(m.Stderr, "the county's stored indicators are not applied: %s\n", describe(err))
		}
		return true, m.listIndicators(live)
	case "define":
		raw, err := os.ReadFile(fs.Arg(0))
		if err != nil {
			return true, fmt.Errorf("%w: %v", errUsage, err)
		}
		infos, err := st.DefineIndicators(ctx, raw, true)
		if err != nil {
			return true, err
		}
		fmt.Fprintf(m.Stdout, "county indicators now defined: %d\n", len(infos))
		for _, in := range infos {
			fmt.Fprintf(m.Stdout, "  %s %s\n", in.ID, in.Label)
		}
		return true, nil
	}
	if err := st.UndefineIndicator(ctx, fs.Arg(0)); err != nil {
		return true, err
	}
	fmt.Fprintf(m.Stdout, "removed %s\n", fs.Arg(0))
	return true, nil
}

// listIndicators prints the catalogue with each indicator's origin.
func (m *Main) listIndicators(cat *indicator.Catalog) error {
	w := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tFIGURES\tSOURCE\tORIGIN\tUNIT\tLABEL")
	for _, d := range cat.Defs {
		var nos []string
		for _, f := range d.Figures {
			nos = append(nos, f.No)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", d.ID, strings.Join(nos, ","), d.Source+" "+d.Ledger+d.Metric+d.Org,
			d.Info().Origin, d.Unit, d.Label)
	}
	return w.Flush()
}
