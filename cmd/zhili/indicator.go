package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/indicator"
	"github.com/zhili-project/zhili/sqlstore"
)

// paramFlags collects repeated --param NAME=VALUE flags.
type paramFlags map[string]string

func (p paramFlags) String() string { return fmt.Sprint(map[string]string(p)) }

func (p paramFlags) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("want NAME=VALUE, not %q", s)
	}
	p[k] = v
	return nil
}

// runIndicator is `zhili indicator list` and `zhili indicator ID --region CODE
// --from DATE --to DATE [--param NAME=VALUE] [--json] [--records]`.
func (m *Main) runIndicator(ctx context.Context, args []string) error {
	cat := indicator.Default()
	if ok, err := m.runIndicatorCounty(ctx, args); ok { // list, define, undefine: indicator_county.go
		return err
	}
	const use = "zhili indicator list | zhili indicator define FILE.json | zhili indicator undefine ID | zhili indicator ID --region CODE --from YYYY-MM-DD --to YYYY-MM-DD [--param NAME=VALUE] [--json] [--records]"
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return fmt.Errorf("%w: %s", errUsage, use)
	}
	id, rest := args[0], args[1:]
	fs := flag.NewFlagSet("indicator", flag.ContinueOnError)
	m.Config.dbFlags(fs)
	region := fs.String("region", "", "region code; the whole subtree counts")
	from := fs.String("from", "", "first day, YYYY-MM-DD (China time)")
	to := fs.String("to", "", "last day, YYYY-MM-DD, inclusive")
	asJSON := fs.Bool("json", false, "print the value as JSON")
	records := fs.Bool("records", false, "also list the records counted (first 500)")
	params := paramFlags{}
	fs.Var(params, "param", "an indicator parameter NAME=VALUE (repeatable), e.g. threshold=10")
	if err := m.parse(fs, rest); err != nil {
		return err
	}
	if *region == "" || *from == "" || *to == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: %s", errUsage, use)
	}
	if err := m.open(ctx, true); err != nil {
		return err
	}
	st := sqlstore.NewIndicatorStore(m.DB, cat)
	eng := indicator.NewEngine(cat, st)
	ctx = system(ctx, "indicator")
	q := zhili.IndicatorQuery{ID: id, Region: *region, From: *from, To: *to, Params: params}
	v, err := eng.Indicator(ctx, q)
	if err != nil {
		return err
	}
	var recs []zhili.IndicatorRecord
	total := 0
	if *records {
		if recs, total, err = eng.IndicatorRecords(ctx, q, 1, 500); err != nil {
			return err
		}
	}
	if *asJSON {
		out := map[string]any{"value": v}
		if *records {
			out["records"], out["total"] = recs, total
		}
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(m.Stdout, "%s %s（%s %s 至 %s）：%s\n", v.ID, v.Label, v.RegionName, v.From, v.To, v.Text)
	if v.Den != 0 || v.Num != 0 {
		fmt.Fprintf(m.Stdout, "  %d / %d\n", v.Num, v.Den)
	}
	if *records {
		fmt.Fprintf(m.Stdout, "records: %d\n", total)
		for _, r := range recs {
			fmt.Fprintf(m.Stdout, "  %s #%d %s\n", r.Kind, r.ID, r.Summary)
		}
	}
	return nil
}
