package main

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// TestIndicatorCommand lists the catalogue, computes a figure as text and JSON,
// and refuses bad invocations with the field named.
func TestIndicatorCommand(t *testing.T) {
	t.Parallel()
	dsn := storetest.DSN(t, "sqlite")
	county := filepath.Join(t.TempDir(), "county.csv")
	writeFile(t, county, "code,name,parent_code\n341821000000,郎溪县,\n")
	mustRun(t, dsn, "import", "regions", county)

	out := mustRun(t, dsn, "indicator", "list")
	if !strings.Contains(out, "dispute.resolved") || !strings.Contains(out, "F34") {
		t.Fatalf("list: %s", out)
	}
	out = mustRun(t, dsn, "indicator", "dispute.resolution_rate", "--region", "341821000000", "--from", "2026-01-01", "--to", "2026-03-31")
	if !strings.Contains(out, "郎溪县") || !strings.Contains(out, "—") {
		t.Fatalf("rate: %s", out)
	}
	out = mustRun(t, dsn, "indicator", "village.income_share_at_least", "--region", "341821000000", "--from", "2026-01-01",
		"--to", "2026-03-31", "--param", "threshold=20", "--json", "--records")
	var got struct {
		Value   zhili.IndicatorValue
		Records []zhili.IndicatorRecord
		Total   int
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || got.Value.Params["threshold"] != "20" || got.Total != 0 {
		t.Fatalf("json: %v %s", err, out)
	}
	if _, err := run(t, dsn, "indicator", "dispute.total", "--region", "341821000000", "--from", "2026-03-31", "--to", "2026-03-01"); zhili.ErrorCode(err) != zhili.EINVALID || !strings.Contains(describe(err), "to") {
		t.Errorf("to before from: %v", describe(err))
	}
	if _, err := run(t, dsn, "indicator", "dispute.total", "--region", "341821999000", "--from", "2026-03-01", "--to", "2026-03-31"); zhili.ErrorCode(err) != zhili.ENOTFOUND {
		t.Errorf("unknown region: %v", err)
	}
	if _, err := run(t, dsn, "indicator", "dispute.total", "--from", "2026-03-01"); !errors.Is(err, errUsage) {
		t.Errorf("missing flags: %v", err)
	}
}

// TestIndicatorDefineCommand defines a county indicator from a file, lists it
// as county, computes it, refuses a bad file naming the key, and removes it.
func TestIndicatorDefineCommand(t *testing.T) {
	t.Parallel()
	dsn := storetest.DSN(t, "sqlite")
	county := filepath.Join(t.TempDir(), "county.csv")
	writeFile(t, county, "code,name,parent_code\n341821000000,郎溪县,\n")
	mustRun(t, dsn, "import", "regions", county)
	defs := filepath.Join(t.TempDir(), "defs.json")
	writeFile(t, defs, `[{"id": "county.fire_hazards", "label": "火灾隐患", "source": "case",
	  "filter": [{"field": "kind", "eq": "hazard"}, {"field": "category", "eq": "fire"}],
	  "date": "reported_at", "agg": "count", "unit": "件", "format": "int"}]`)
	if out := mustRun(t, dsn, "indicator", "define", defs); !strings.Contains(out, "county.fire_hazards") {
		t.Fatalf("define: %s", out)
	}
	out := mustRun(t, dsn, "indicator", "list")
	if !strings.Contains(out, "ORIGIN") || !strings.Contains(out, "county.fire_hazards") || !strings.Contains(out, " county ") {
		t.Fatalf("list: %s", out)
	}
	out = mustRun(t, dsn, "indicator", "county.fire_hazards", "--region", "341821000000", "--from", "2026-01-01", "--to", "2026-03-31")
	if !strings.Contains(out, "0件") {
		t.Fatalf("value: %s", out)
	}
	writeFile(t, defs, `[{"id": "county.bad", "label": "坏", "source": "case", "date": "reported_at", "agg": "count", "unit": "件", "format": "pretty"}]`)
	if _, err := run(t, dsn, "indicator", "define", defs); zhili.ErrorCode(err) != zhili.EINVALID || !strings.Contains(describe(err), "[0].format") {
		t.Fatalf("bad file: %v", describe(err))
	}
	mustRun(t, dsn, "indicator", "undefine", "county.fire_hazards")
	if out := mustRun(t, dsn, "indicator", "list"); strings.Contains(out, "county.fire_hazards") {
		t.Fatalf("after undefine: %s", out)
	}
	if _, err := run(t, dsn, "indicator", "undefine", "county.fire_hazards"); zhili.ErrorCode(err) != zhili.ENOTFOUND {
		t.Fatalf("undefine twice: %v", err)
	}
}
