// Package indicator holds the declarative catalogue of indicators (指标, the
// seed report's figures; docs/indicators.md) and the Engine that computes them
// for a region subtree and a period through a Store (sqlstore implements it).
// Adding an indicator is adding an entry to figures.json: no Go code; a county
// adds its own as data, without a rebuild (county.go).
package indicator

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/zhili-project/zhili"
)

//go:embed figures.json
var figuresJSON []byte

// Sources of records.
const (
	SourceCase   = "case"   // the cases table
	SourceLedger = "ledger" // ledger_records of one ledger
	SourceDept   = "dept"   // current department_reports of one metric
	SourceOrg    = "org"    // regions, units or positions as of the period's end
)

// Aggregations.
const (
	AggCount    = "count"          // records
	AggSum      = "sum"            // sum of an integer field
	AggDistinct = "distinct"       // distinct values of a field ("@region": places)
	AggRatio    = "ratio"          // Num ÷ Den, two other indicators
	AggShare    = "share_at_least" // share of keys whose summed field reaches a threshold
)

// Dates that place a record in a period.
const (
	DateReported = "reported_at" // cases: the report instant, China day
	DateResolved = "resolved_at" // cases: the resolution instant, China day
	DateRecord   = "record_date" // ledgers: the schema's date field
	DatePeriod   = "period"      // department reports: the whole period inside [from, to]
	DateAsOfEnd  = "as_of_end"   // org: what exists on the period's last day
)

// Cond is one condition of a filter. Exactly one of Eq, In, NotIn is set, or
// Param: then the condition applies only when the parameter is given, and
// compares the field with the parameter's value.
type Cond struct {
	Field string   `json:"field"`
	Eq    any      `json:"eq,omitempty"`
	In    []string `json:"in,omitempty"`
	NotIn []string `json:"not_in,omitempty"`
	Param string   `json:"param,omitempty"`
}

// Def is one indicator as declared in figures.json.
type Def struct {
	ID      string                  `json:"id"`
	Label   string                  `json:"label"`
	Figures []zhili.IndicatorFigure `json:"figures,omitempty"`
	Source  string                  `json:"source"`
	// Ledger names the ledger (source ledger), Metric the department metric
	// (source dept), Org the table counted (source org: positions, units, regions).
	Ledger string `json:"ledger,omitempty"`
	Metric string `json:"metric,omitempty"`
	Org    string `json:"org,omitempty"`
	Filter []Cond `json:"filter,omitempty"`
	Date   string `json:"date"`
	Agg    string `json:"agg"`
	// Field is summed (sum, share_at_least) or counted once per value (distinct).
	Field string `json:"field,omitempty"`
	// Key groups a share's records ("@region": per place).
	Key string `json:"key,omitempty"`
	// Num and Den are the ids of a ratio's parts.
	Num string `json:"num,omitempty"`
	Den string `json:"den,omitempty"`
	// Threshold names the parameter a share compares with.
	Threshold string                 `json:"threshold,omitempty"`
	Unit      string                 `json:"unit"`
	Format    string                 `json:"format"`
	Params    []zhili.IndicatorParam `json:"params,omitempty"`
	Note      string                 `json:"note,omitempty"`
	// Origin is OriginCounty for a county's own indicator (county.go); empty,
	// read as OriginBuiltin, for figures.json's.
	Origin string `json:"-"`
}

// Info is the public description of the definition.
func (d *Def) Info() zhili.IndicatorInfo {
	return zhili.IndicatorInfo{ID: d.ID, Label: d.Label, Figures: d.Figures, Source: d.Source,
		Agg: d.Agg, Unit: d.Unit, Format: d.Format, Params: d.Params, Note: d.Note, Origin: d.origin()}
}

// origin is OriginBuiltin or OriginCounty.
func (d *Def) origin() string {
	if d.Origin == "" {
		return OriginBuiltin
	}
	return d.Origin
}

// Param returns the declared parameter called name, or nil.
func (d *Def) Param(name string) *zhili.IndicatorParam {
	for i := range d.Params {
		if d.Params[i].Name == name {
			return &d.Params[i]
		}
	}
	return nil
}

// ParamFiltered reports whether a condition depends on a parameter: such
// definitions cannot be precomputed and are always answered by SQL.
func (d *Def) ParamFiltered() bool {
	return slices.ContainsFunc(d.Filter, func(c Cond) bool { return c.Param != "" })
}

// Catalog is the checked set of definitions, in file order.
type Catalog struct {
	Defs []*Def
	byID map[string]*Def
}

// Default parses the embedded figures.json; it is checked by the package's
// tests, so a failure is a programming error.
func Default() *Catalog {
	c, err := Parse(figuresJSON)
	if err != nil {
		panic(err)
	}
	return c
}

// Find returns the definition with this id.
func (c *Catalog) Find(id string) (*Def, bool) {
	d, ok := c.byID[id]
	return d, ok
}

// ByFigure returns the indicator and parameters of a FIGURES.md number ("F34").
func (c *Catalog) ByFigure(no string) (*Def, map[string]string, bool) {
	for _, d := range c.Defs {
		for _, f := range d.Figures {
			if f.No == no {
				return d, f.Params, true
			}
		}
	}
	return nil, nil, false
}

var (
	caseFields = []string{"kind", "category", "state", "source", "risk"}
	caseSums   = []string{"workers_paid", "wages_recovered_fen", "amount_fen", "people", "workers"}
	orgTables  = []string{"positions", "units", "regions"}
	formats    = []string{"int", "duo", "yu", "wan1", "yi1", "wan_duo", "percent1", "percent0"}
	dates      = map[string][]string{SourceCase: {DateReported, DateResolved}, SourceLedger: {DateRecord},
		SourceDept: {DatePeriod}, SourceOrg: {DateAsOfEnd}}
)

// Parse reads and checks a catalogue: every id unique, every source, date,
// aggregation and format known, ratios naming defined indicators.
func Parse(b []byte) (*Catalog, error) {
	var defs []*Def
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(&defs); err != nil {
		return nil, fmt.Errorf("indicator catalogue: %w", err)
	}
	c := &Catalog{Defs: defs, byID: map[string]*Def{}}
	var errs []string
	for i, d := range defs {
		bad := func(_, format string, args ...any) {
			errs = append(errs, fmt.Sprintf("#%d %s: ", i+1, d.ID)+fmt.Sprintf(format, args...))
		}
		if c.byID[d.ID] != nil {
			bad("id", "duplicate id")
		}
		c.byID[d.ID] = d
		d.check(bad)
	}
	for _, d := range defs {
		if d.Agg != AggRatio {
			continue
		}
		for _, p := range []string{d.Num, d.Den} {
			if q := c.byID[p]; q == nil || q.Agg == AggRatio {
				errs = append(errs, fmt.Sprintf("%s: ratio part %q is not a base indicator", d.ID, p))
			}
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("indicator catalogue: %s", strings.Join(errs, "; "))
	}
	return c, nil
}

// check applies the rules of one entry, reporting each fault with the key it
// concerns ("agg", "filter[0].field"): Parse and WithCounty share them.
func (d *Def) check(bad func(key, format string, args ...any)) {
	if d.ID == "" || d.Label == "" || d.Unit == "" {
		key := "id"
		if d.ID != "" {
			key = map[bool]string{true: "label", false: "unit"}[d.Label == ""]
		}
		bad(key, "id, label and unit are required")
	}
	if !slices.Contains(formats, d.Format) {
		bad("format", "unknown format %q", d.Format)
	}
	if d.Agg == AggRatio {
		if d.Num == "" || d.Den == "" {
			bad(map[bool]string{true: "num", false: "den"}[d.Num == ""], "a ratio needs num and den")
		}
		return
	}
	if !slices.Contains(dates[d.Source], d.Date) {
		key := "date"
		if dates[d.Source] == nil {
			key = "source"
		}
		bad(key, "source %q cannot be dated by %q", d.Source, d.Date)
	}
	switch d.Source {
	case SourceLedger:
		if d.Ledger == "" {
			bad("ledger", "a ledger indicator names its ledger")
		}
	case SourceDept:
		if d.Metric == "" || d.Agg != AggSum {
			bad(map[bool]string{true: "metric", false: "agg"}[d.Metric == ""], "a department indicator names its metric and sums it")
		}
	case SourceOrg:
		if !slices.Contains(orgTables, d.Org) || (d.Agg != AggCount && d.Agg != AggDistinct) {
			bad(map[bool]string{true: "agg", false: "org"}[slices.Contains(orgTables, d.Org)], "an org indicator counts positions, units or regions")
		}
	case SourceCase:
		for j, f := range d.Filter {
			if !slices.Contains(caseFields, f.Field) {
				bad(fmt.Sprintf("filter[%d].field", j), "cases cannot be filtered by %q", f.Field)
			}
		}
		if d.Agg == AggSum && !slices.Contains(caseSums, d.Field) {
			bad("field", "cases cannot sum %q", d.Field)
		}
	}
	switch d.Agg {
	case AggCount:
	case AggSum, AggDistinct:
		if d.Field == "" {
			bad("field", "%s needs a field", d.Agg)
		}
	case AggShare:
		if d.Field == "" || d.Key == "" || d.Param(d.Threshold) == nil {
			key := "threshold"
			if d.Field == "" {
				key = "field"
			} else if d.Key == "" {
				key = "key"
			}
			bad(key, "a share needs field, key and a declared threshold parameter")
		}
	default:
		bad("agg", "unknown aggregation %q", d.Agg)
	}
	for j, f := range d.Filter {
		n := 0
		for _, set := range []bool{f.Eq != nil, f.In != nil, f.NotIn != nil, f.Param != ""} {
			if set {
				n++
			}
		}
		if n != 1 || f.Field == "" {
			bad(fmt.Sprintf("filter[%d]", j), "condition on %q must set exactly one of eq, in, not_in, param", f.Field)
		}
		if f.Param != "" && d.Param(f.Param) == nil {
			bad(fmt.Sprintf("filter[%d].param", j), "condition uses undeclared parameter %q", f.Param)
		}
	}
}

// CondValue is a condition's value as text: "true", "9", "dispute".
func CondValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		if x {
			return "true"
		}
		return "false"
	case json.Number:
		return x.String()
	case float64:
		return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%f", x), "0"), ".")
	case int, int64:
		return fmt.Sprint(x)
	}
	return fmt.Sprint(v)
}
