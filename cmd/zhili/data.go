package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/geo"
	"github.com/zhili-project/zhili/regionfile"
	"github.com/zhili-project/zhili/sensitive"
	"github.com/zhili-project/zhili/sqlstore"
)

// stdin is where commands read passwords; tests replace it.
var stdin io.Reader = os.Stdin

func (m *Main) runImport(ctx context.Context, args []string) error {
	if len(args) < 1 {
		return fmt.Errorf("%w: zhili import regions|boundaries FILE", errUsage)
	}
	kind := args[0]
	if kind == "department-reports" {
		return m.importDepartmentReports(ctx, args[1:]) // cmd/zhili/deptreport.go
	}
	if kind == "ledger" {
		return m.importLedger(ctx, args[1:]) // cmd/zhili/ledger.go
	}
	fs := flag.NewFlagSet("import "+kind, flag.ContinueOnError)
	m.Config.dbFlags(fs)
	property := fs.String("property", "code", "boundaries: the feature property holding the region code")
	if err := m.parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: zhili import %s FILE", errUsage, kind)
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	switch kind {
	case "regions":
		rows, err := regionfile.Parse(f)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if err := m.open(ctx, true); err != nil {
			return err
		}
		res, err := sqlstore.NewRegionService(m.DB).ImportRegions(system(ctx, "import"), rows)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		fmt.Fprintf(m.Stdout, "imported %s: %d created, %d renamed, %d unchanged\n", path, res.Created, res.Updated, len(rows)-res.Created-res.Updated)
		return nil
	case "boundaries":
		raw, err := io.ReadAll(io.LimitReader(f, 512<<20))
		if err != nil {
			return err
		}
		features, err := geo.ParseFeatureCollection(raw, *property)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		byCode := make(map[string]json.RawMessage, len(features))
		for _, ft := range features {
			byCode[ft.Code] = ft.Raw
		}
		if err := m.open(ctx, true); err != nil {
			return err
		}
		n, err := sqlstore.NewRegionService(m.DB).SetBoundaries(system(ctx, "import"), byCode)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		fmt.Fprintf(m.Stdout, "imported %s: %d boundaries\n", path, n)
		return nil
	case "calendar":
		return m.importCalendar(ctx, path, f)
	}
	return fmt.Errorf("%w: unknown import kind %q (regions, boundaries)", errUsage, kind)
}

func (m *Main) runExport(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "ledger" {
		return m.exportLedger(ctx, args[1:]) // cmd/zhili/ledger.go
	}
	if len(args) < 1 || args[0] != "regions" {
		return fmt.Errorf("%w: zhili export regions [--out FILE]", errUsage)
	}
	fs := flag.NewFlagSet("export regions", flag.ContinueOnError)
	m.Config.dbFlags(fs)
	out := fs.String("out", "-", "output file, - for standard output")
	if err := m.parse(fs, args[1:]); err != nil {
		return err
	}
	if err := m.open(ctx, true); err != nil {
		return err
	}
	w, closeFn, err := m.output(*out)
	if err != nil {
		return err
	}
	defer closeFn()
	regions := sqlstore.NewRegionService(m.DB)
	ctx = system(ctx, "export")
	cw := csv.NewWriter(w)
	cw.Write([]string{"code", "name", "parent_code", "level", "kind", "county_seat"})
	codes := map[int64]string{}
	for offset := 0; ; offset += 1000 {
		page, _, err := regions.FindRegions(ctx, zhili.RegionFilter{Offset: offset, Limit: 1000, IncludeRetired: false})
		if err != nil {
			return err
		}
		for _, r := range page {
			codes[r.ID] = r.Code
		}
		for _, r := range page {
			parent := codes[r.ParentID]
			if parent == "" && r.ParentID != 0 {
				p, err := regions.FindRegion(ctx, r.ParentID)
				if err != nil {
					return err
				}
				parent = p.Code
			}
			cw.Write([]string{r.Code, r.Name, parent, strconv.Itoa(int(r.Level)), string(r.Kind), strconv.FormatBool(r.CountySeat)})
		}
		if len(page) < 1000 {
			break
		}
	}
	cw.Flush()
	return cw.Error()
}

// output opens a file or standard output for writing.
func (m *Main) output(path string) (io.Writer, func() error, error) {
	if path == "-" || path == "" {
		return m.Stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}

func (m *Main) runAudit(ctx context.Context, args []string) error {
	if len(args) < 1 || args[0] != "verify" {
		return fmt.Errorf("%w: zhili audit verify", errUsage)
	}
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	m.Config.dbFlags(fs)
	if err := m.parse(fs, args[1:]); err != nil {
		return err
	}
	if err := m.open(ctx, true); err != nil {
		return err
	}
	v, err := sqlstore.NewAuditService(m.DB).VerifyAudit(system(ctx, "audit"))
	if err != nil {
		return err
	}
	if v.OK() {
		fmt.Fprintf(m.Stdout, "audit log intact: %d entries, chain verified\n", v.Entries)
		return nil
	}
	for _, b := range v.Broken {
		fmt.Fprintf(m.Stdout, "entry %d: %s\n", b.ID, b.Reason)
	}
	return fmt.Errorf("audit log TAMPERED: %d problems in %d entries", len(v.Broken), v.Entries)
}

func (m *Main) runKeygen(args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("%w: zhili keygen takes no arguments", errUsage)
	}
	key, err := sensitive.GenerateKey()
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%x\n", key)
	return nil
}
