package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/deptreport"
	"github.com/zhili-project/zhili/sqlstore"
)

// importDepartmentReports is `zhili import department-reports [--unit CODE|ID]
// [--replace] FILE`: a department's figures from .xlsx or .csv, all or nothing.
func (m *Main) importDepartmentReports(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("import department-reports", flag.ContinueOnError)
	m.Config.dbFlags(fs)
	unit := fs.String("unit", "", "the submitting department: its unit id, or its code (police, court, finance…) when one unit has it; empty: the metric's department for each region")
	replace := fs.Bool("replace", false, "let each figure supersede the current one of its metric, region and month")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: zhili import department-reports [--unit CODE|ID] [--replace] FILE", errUsage)
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	figs, err := deptreport.Parse(path, f, deptreport.MustMetrics())
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := m.open(ctx, true); err != nil {
		return err
	}
	ctx = system(ctx, "import")
	unitID, err := m.departmentUnit(ctx, *unit)
	if err != nil {
		return err
	}
	out, err := sqlstore.NewDepartmentReportService(m.DB).SubmitDepartmentReports(ctx, figs, zhili.DepartmentSubmit{UnitID: unitID, Replace: *replace, Via: "cli"})
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	fmt.Fprintf(m.Stdout, "imported %s: %d figures\n", path, len(out))
	return nil
}

// departmentUnit resolves --unit: a unit id, or a department code held by exactly
// one live unit; empty means none.
func (m *Main) departmentUnit(ctx context.Context, ref string) (int64, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return 0, nil
	}
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		return id, nil
	}
	kind := zhili.UnitDepartment
	units, _, err := sqlstore.NewUnitService(m.DB).FindUnits(ctx, zhili.UnitFilter{Kind: &kind, Code: &ref})
	if err != nil {
		return 0, err
	}
	var live []*zhili.Unit
	for _, u := range units {
		if u.Retired == nil {
			live = append(live, u)
		}
	}
	switch len(live) {
	case 0:
		return 0, fmt.Errorf("%w: no department unit has the code %q", errUsage, ref)
	case 1:
		return live[0].ID, nil
	}
	var names []string
	for _, u := range live {
		names = append(names, fmt.Sprintf("%d %s", u.ID, u.Name))
	}
	return 0, fmt.Errorf("%w: %d units have the code %q; give --unit the id of one: %s", errUsage, len(live), ref, strings.Join(names, "; "))
}
