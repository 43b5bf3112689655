package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/zhili-project/zhili/app"
	"github.com/zhili-project/zhili/report"
)

// settingFlags collects --set key=value overrides of the deployment's settings.
type settingFlags map[string]string

func (s settingFlags) String() string { return fmt.Sprint(map[string]string(s)) }

func (s settingFlags) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return fmt.Errorf("--set wants key=value, got %q", v)
	}
	s[strings.TrimSpace(k)] = val
	return nil
}

// overlay reads a setting from the flags first, then from the database.
type overlay struct {
	flags settingFlags
	base  report.Settings
}

func (o overlay) Setting(ctx context.Context, key string) (string, error) {
	if v, ok := o.flags[key]; ok {
		return v, nil
	}
	return o.base.Setting(ctx, key)
}

// runReport renders a report: zhili report NAME --region CODE --from DATE --to
// DATE --format html|docx|xlsx|json --out FILE. With no NAME it lists the
// templates.
func (m *Main) runReport(ctx context.Context, args []string) error {
	name := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	m.Config.dbFlags(fs)
	region := fs.String("region", "", "region code (统计用区划代码) the report covers, its subtree included")
	from := fs.String("from", "", "first day, YYYY-MM-DD")
	to := fs.String("to", "", "last day, YYYY-MM-DD, inclusive")
	format := fs.String("format", "json", "html, docx, xlsx or json")
	out := fs.String("out", "", "output file (default: standard output)")
	archive := fs.Bool("archive", false, "also keep the output in the report archive")
	strict := fs.Bool("strict", false, "fail when a figure has no source, instead of printing ××")
	sets := settingFlags{}
	fs.Var(sets, "set", "override a setting, key=value (county_name, county_short_name, city_name, pairing_mechanism); repeatable")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if name == "" {
		for _, t := range report.Templates() {
			fmt.Fprintf(m.Stdout, "%-18s %s（%s）\n", t.Name, t.Label, t.Description)
		}
		return nil
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected %q; zhili report NAME --region CODE --from DATE --to DATE --format FORMAT --out FILE", errUsage, fs.Arg(0))
	}
	if err := m.open(ctx, true); err != nil {
		return err
	}
	svc := app.ReportService(m.DB, nil)
	svc.Renderer.Strict = *strict
	svc.Renderer.Settings = overlay{flags: sets, base: m.DB}
	o, err := svc.Generate(system(ctx, "report"), name, report.Params{Region: *region, From: *from, To: *to}, *format, *archive)
	if err != nil {
		return err
	}
	for _, id := range o.Document.Missing {
		fmt.Fprintf(m.Stderr, "zhili report: no value for %s (printed ××)\n", id)
	}
	if *out == "" || *out == "-" {
		_, err = m.Stdout.Write(o.Content)
		return err
	}
	if err := os.WriteFile(*out, o.Content, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "zhili report: wrote %s (%d bytes)", *out, len(o.Content))
	if o.Archive != nil {
		fmt.Fprintf(m.Stderr, ", archive entry %d, SM3 %s", o.Archive.ID, o.Archive.SM3)
	}
	fmt.Fprintln(m.Stderr)
	return nil
}
