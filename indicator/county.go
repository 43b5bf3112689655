package indicator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/ledger"
)

// A county's own indicators (docs/indicators.md, "A county's own indicators"):
// entries in figures.json's format stored as data (sqlstore keeps them in the
// settings table), checked by the same rules as the built-in catalogue plus
// what the county may not do, and appended to it.

// Origins of a definition.
const (
	OriginBuiltin = "builtin" // indicator/figures.json, in the binary
	OriginCounty  = "county"  // the county's own, stored as data
)

// CountyPrefix starts every county indicator id, so none can clash with a
// built-in id, now or in a later release.
const CountyPrefix = "county."

// maxMeasures is how many cached indicators one source (cases, ledgers) may
// have: the column cache marks what a record counts in a 64-bit mask.
const maxMeasures = 64

var countyIDRE = regexp.MustCompile(`^county\.[a-z0-9_]+(\.[a-z0-9_]+)*$`)

// Fields of the org tables a condition may test, and the conditions that need
// a parameter (the SQL path answers those).
var (
	orgFields      = map[string][]string{"positions": {"role", "kind", "region_kind"}, "units": {"kind"}, "regions": {"kind", "level"}}
	orgParamFields = []string{"county_seat", "convention"}
	paramTypes     = []string{"bool", "int", "text", "money_wan"}
)

// LiveCatalog is a store whose catalogue changes while it runs (county
// indicators are stored as data): the engine asks it for the current one.
type LiveCatalog interface {
	Catalog(ctx context.Context) (*Catalog, error)
}

// Definer stores a county's own indicators (sqlstore.IndicatorStore). Every
// method checks the caller's permission; changes need task.assign.
type Definer interface {
	// IndicatorDefinitions returns the stored definitions, a JSON array.
	IndicatorDefinitions(ctx context.Context) ([]byte, error)
	// DefineIndicators validates raw (a JSON array) and stores it: replacing
	// every county definition, or, with merge, adding or replacing those of its
	// ids. All or nothing; EINVALID names each bad entry's index and key.
	DefineIndicators(ctx context.Context, raw []byte, merge bool) ([]zhili.IndicatorInfo, error)
	// UndefineIndicator removes one county indicator; ENOTFOUND if none.
	UndefineIndicator(ctx context.Context, id string) error
}

// County returns the county's own definitions of the catalogue, in order.
func (c *Catalog) County() []*Def {
	var out []*Def
	for _, d := range c.Defs {
		if d.Origin == OriginCounty {
			out = append(out, d)
		}
	}
	return out
}

// WithCounty checks raw, the county's indicators (a JSON array of entries in
// figures.json's format; empty or null for none), against the built-in
// catalogue and returns both: the built-in entries first, then the county's.
// EINVALID names every fault by entry index and key ("[1].filter[0].field").
func WithCounty(builtin *Catalog, raw []byte) (*Catalog, error) {
	var entries []json.RawMessage
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &entries); err != nil {
			return nil, zhili.Invalid("The indicator definitions are not valid JSON.",
				zhili.FieldError{Field: "indicators", Code: "malformed", Reason: "a JSON array of indicator definitions: " + err.Error()})
		}
	}
	var errs []zhili.FieldError
	county := map[string]*Def{}
	var defs []*Def
	for i, e := range entries {
		at := func(key string) string {
			if key == "" {
				return fmt.Sprintf("[%d]", i)
			}
			return fmt.Sprintf("[%d].%s", i, key)
		}
		bad := func(key, code, format string, args ...any) {
			errs = append(errs, zhili.FieldError{Field: at(key), Code: code, Reason: fmt.Sprintf(format, args...)})
		}
		d := &Def{}
		dec := json.NewDecoder(bytes.NewReader(e))
		dec.DisallowUnknownFields()
		dec.UseNumber()
		if err := dec.Decode(d); err != nil {
			bad("", "malformed", "entry %d is not an indicator definition: %v", i, err)
			continue
		}
		d.Origin = OriginCounty
		switch _, builtinID := builtin.Find(d.ID); {
		case builtinID:
			bad("id", "taken", "%q is a built-in indicator", d.ID)
		case !countyIDRE.MatchString(d.ID):
			bad("id", "malformed", "a county indicator's id is %s followed by lower-case letters, digits, _ and dots (e.g. county.hazard_fire), not %q", CountyPrefix, d.ID)
		case county[d.ID] != nil:
			bad("id", "duplicate", "%q is defined twice", d.ID)
		}
		county[d.ID] = d
		if len(d.Figures) > 0 {
			bad("figures", "not_allowed", "figures are the seed report's numbers (FIGURES.md); a county indicator has none")
		}
		d.check(func(key, format string, args ...any) { bad(key, "invalid", format, args...) })
		checkCounty(d, func(key, format string, args ...any) { bad(key, "invalid", format, args...) })
		defs = append(defs, d)
	}
	for i, d := range defs {
		if d.Agg != AggRatio {
			continue
		}
		for key, p := range map[string]string{"num": d.Num, "den": d.Den} {
			q := county[p]
			if q == nil {
				q, _ = builtin.Find(p)
			}
			if p != "" && (q == nil || q.Agg == AggRatio) {
				errs = append(errs, zhili.FieldError{Field: fmt.Sprintf("[%d].%s", i, key), Code: "unknown",
					Reason: fmt.Sprintf("ratio part %q is not a base indicator (built-in or county)", p)})
			}
		}
	}
	// The column cache holds at most maxMeasures indicators per source.
	for _, src := range []string{SourceCase, SourceLedger} {
		n := 0
		for _, d := range builtin.Defs {
			if d.Source == src && d.Agg != AggRatio {
				n++
			}
		}
		for i, d := range defs {
			if d.Source == src && d.Agg != AggRatio {
				if n++; n == maxMeasures+1 {
					errs = append(errs, zhili.FieldError{Field: fmt.Sprintf("[%d].source", i), Code: "too_many",
						Reason: fmt.Sprintf("at most %d indicators (built-in and county) may count %s records", maxMeasures, src)})
				}
			}
		}
	}
	if len(errs) > 0 {
		return nil, zhili.Invalid("Bad indicator definitions.", errs...)
	}
	c := &Catalog{Defs: append(slices.Clip(builtin.Defs), defs...), byID: map[string]*Def{}}
	for _, d := range c.Defs {
		c.byID[d.ID] = d
	}
	return c, nil
}

// checkCounty applies what the engine, the SQL definitions and the cache
// support beyond Parse's rules (the built-in catalogue is checked by tests
// instead): ledgers and their fields exist, org conditions are known, and
// parameters are well declared.
func checkCounty(d *Def, bad func(key, format string, args ...any)) {
	if d.Agg == AggRatio {
		return
	}
	if d.Key != "" && d.Agg != AggShare {
		bad("key", "only a share groups by a key")
	}
	names := map[string]bool{}
	for j, p := range d.Params {
		if p.Name == "" || names[p.Name] {
			bad(fmt.Sprintf("params[%d].name", j), "a parameter needs a name of its own")
		}
		names[p.Name] = true
		if !slices.Contains(paramTypes, p.Type) {
			bad(fmt.Sprintf("params[%d].type", j), "type is one of %v", paramTypes)
		}
	}
	switch d.Source {
	case SourceCase:
		if d.Agg == AggDistinct && !slices.Contains(caseFields, d.Field) {
			bad("field", "cases count distinct values of one of %v", caseFields)
		}
		if d.Agg == AggShare {
			bad("agg", "a share is computed over ledger records")
		}
	case SourceDept:
		if len(d.Filter) > 0 {
			bad("filter", "a department indicator is one metric, without conditions")
		}
	case SourceOrg:
		if d.Agg == AggDistinct && (d.Org != "positions" || d.Field != "person_id") {
			bad("field", "an org indicator counts distinct people of positions (field person_id)")
		}
		for j, f := range d.Filter {
			switch {
			case slices.Contains(orgParamFields, f.Field):
				if f.Param == "" {
					bad(fmt.Sprintf("filter[%d].param", j), "%s is a condition on a parameter", f.Field)
				}
			case f.Field == "level" && d.Org == "regions":
				if f.Eq == nil {
					bad(fmt.Sprintf("filter[%d].eq", j), "level is compared with eq")
				}
			case !slices.Contains(orgFields[d.Org], f.Field):
				bad(fmt.Sprintf("filter[%d].field", j), "%s cannot be filtered by %q", d.Org, f.Field)
			}
		}
	case SourceLedger:
		checkLedger(d, bad)
	}
}

// checkLedger checks a ledger indicator against the shipped ledger schemas:
// the ledger and every field exist, enum values are options, sums are whole
// numbers (integers or money in fen).
func checkLedger(d *Def, bad func(key, format string, args ...any)) {
	s, err := ledger.Default().Schema(d.Ledger)
	if err != nil {
		if d.Ledger != "" {
			bad("ledger", "no ledger %q", d.Ledger)
		}
		return
	}
	for j, c := range d.Filter {
		f := s.Field(c.Field)
		if f == nil {
			bad(fmt.Sprintf("filter[%d].field", j), "ledger %s has no field %q", d.Ledger, c.Field)
			continue
		}
		if f.Type != zhili.FieldEnum {
			continue
		}
		vals := append(append([]string{}, c.In...), c.NotIn...)
		if c.Eq != nil {
			vals = append(vals, CondValue(c.Eq))
		}
		for _, v := range vals {
			if f.OptionLabel(v) == v {
				bad(fmt.Sprintf("filter[%d]", j), "%s has no option %q", c.Field, v)
			}
		}
	}
	for key, name := range map[string]string{"field": d.Field, "key": d.Key} {
		if name == "" || name == "@region" {
			continue
		}
		f := s.Field(name)
		switch {
		case f == nil:
			bad(key, "ledger %s has no field %q", d.Ledger, name)
		case key == "field" && (d.Agg == AggSum || d.Agg == AggShare) && f.Type != zhili.FieldInteger && f.Type != zhili.FieldMoney:
			bad(key, "%s is not a whole number (integer or money) and cannot be summed", name)
		}
	}
	if d.Field == "@region" && d.Agg != AggDistinct {
		bad("field", "@region is counted with distinct")
	}
}
