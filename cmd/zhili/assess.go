package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/zhili-project/zhili/assess"
	"github.com/zhili-project/zhili/sqlstore"
)

// runAssess scores an assessment scheme (考核, docs/assessment.md):
//
//	zhili assess                                   list the schemes
//	zhili assess SCHEME --period 2026-Q3 [--region CODE] [--json]
//	zhili assess SCHEME --show | --import FILE | --reset
func (m *Main) runAssess(ctx context.Context, args []string) error {
	name := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet("assess", flag.ContinueOnError)
	m.Config.dbFlags(fs)
	period := fs.String("period", "", "period: 2026-Q3 for a quarterly scheme, 2026-07 for a monthly one (default: the current)")
	region := fs.String("region", "", "region code whose townships or departments are assessed (default: the county)")
	asJSON := fs.Bool("json", false, "print the full result, every line and record, as JSON")
	show := fs.Bool("show", false, "print the effective scheme as JSON")
	importFile := fs.String("import", "", "store FILE (a scheme in JSON) as the county's version of the scheme it names")
	reset := fs.Bool("reset", false, "drop the county's version of SCHEME; the built-in one applies again")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected %q; zhili assess SCHEME --period 2026-Q3 [--region CODE] [--json]", errUsage, fs.Arg(0))
	}
	if err := m.open(ctx, true); err != nil {
		return err
	}
	svc := sqlstore.NewAssessService(m.DB)
	ctx = system(ctx, "assess")
	switch {
	case *importFile != "":
		b, err := os.ReadFile(*importFile)
		if err != nil {
			return err
		}
		sc, err := svc.SetScheme(ctx, b)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stderr, "zhili assess: stored scheme %s（%s）, %d items\n", sc.Name, sc.Label, len(sc.Items))
		return nil
	case name == "":
		list, err := svc.Schemes(ctx)
		if err != nil {
			return err
		}
		for _, sc := range list {
			fmt.Fprintf(m.Stdout, "%-22s %-8s %-12s %s (%s)\n", sc.Name, sc.Period, sc.Units, sc.Label, sc.Source)
		}
		return nil
	case *reset:
		if err := svc.ResetScheme(ctx, name); err != nil {
			return err
		}
		fmt.Fprintf(m.Stderr, "zhili assess: the county's version of scheme %s is removed\n", name)
		return nil
	case *show:
		sc, err := svc.Scheme(ctx, name)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(sc)
	}
	res, err := svc.Assess(ctx, name, *period, *region)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	printAssessment(m, res)
	return nil
}

// printAssessment writes the ranking, then each unit's lines with their records.
func printAssessment(m *Main, res *assess.Result) {
	fmt.Fprintf(m.Stdout, "%s %s %s（%s至%s）满分%g\n\n", res.Region.Name, res.Label, res.Period, res.From, res.To, res.BaseScore)
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "名次\t单位\t得分\t失分")
	for _, u := range res.Units {
		rank := strconv.Itoa(u.Rank)
		if u.Idle {
			rank = "未参评"
		}
		fmt.Fprintf(tw, "%s\t%s\t%g\t%g\n", rank, u.Unit.Name, u.Score, u.Lost)
	}
	tw.Flush()
	names := func(list []assess.UnitScore) string {
		var out []string
		for _, u := range list {
			out = append(out, u.Unit.Name)
		}
		return strings.Join(out, "、")
	}
	fmt.Fprintf(m.Stdout, "\n红榜：%s\n黑榜：%s\n", names(res.RedList), names(res.BlackList))
	for _, u := range res.Units {
		if u.Idle {
			continue
		}
		fmt.Fprintf(m.Stdout, "\n%d. %s %g分\n", u.Rank, u.Unit.Name, u.Score)
		for _, l := range u.Lines {
			fmt.Fprintf(m.Stdout, "  %s：%g/%g分。%s。%s\n", l.Label, l.Score, l.Weight, l.Measure.Text, l.Reason)
			for _, r := range l.Measure.Records {
				fmt.Fprintf(m.Stdout, "    - %s  %s\n", r.Text, r.URL)
			}
		}
	}
}
