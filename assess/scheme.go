package assess

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"math"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zhili-project/zhili"
)

// Scheme is an assessment scheme (考核方案).
type Scheme struct {
	Name        string `json:"name"`
	Label       string `json:"label"`
	Description string `json:"description,omitempty"`
	Units       string `json:"units"`  // townships | departments
	Period      string `json:"period"` // month | quarter
	// BaseScore is full marks; the items' weights add up to it.
	BaseScore float64 `json:"base_score"`
	// RedList and BlackList are how many units the 红榜 (best) and 黑榜 (worst) name.
	RedList   int    `json:"red_list"`
	BlackList int    `json:"black_list"`
	Items     []Item `json:"items"`
	// Source says where the scheme came from: "builtin" or "settings" (an override).
	Source string `json:"source,omitempty"`
}

// Item is one line of a scheme.
type Item struct {
	Key     string  `json:"key"`
	Label   string  `json:"label"`
	Measure string  `json:"measure"`
	Weight  float64 `json:"weight"`
	Rule    Rule    `json:"rule"`
	// Indicator is the indicator id for measure "indicator".
	Indicator string `json:"indicator,omitempty"`
	// Ledgers are the ledger names a "ledgers_current" item expects a record of
	// every month.
	Ledgers []string `json:"ledgers,omitempty"`
	// Low is the visit score at or below which a "satisfaction" item lists a
	// visit as a record (default 3).
	Low int `json:"low,omitempty"`
}

// Rule kinds.
const (
	RuleDeduct    = "deduct"    // weight − per × count, the deduction capped
	RuleThreshold = "threshold" // the first band whose at_least the value reaches
	RuleRatio     = "ratio"     // weight × min(1, value / target)
)

// Rule scores an item.
type Rule struct {
	Kind string `json:"kind"`
	// Per is the points a deduct rule takes for each record.
	Per float64 `json:"per,omitempty"`
	// Cap bounds a deduct rule's deduction; 0 means the weight.
	Cap float64 `json:"cap,omitempty"`
	// Bands are a threshold rule's steps, highest first.
	Bands []Band `json:"bands,omitempty"`
	// Target is the value a ratio rule gives full marks at.
	Target float64 `json:"target,omitempty"`
}

// Band is one step of a threshold rule.
type Band struct {
	AtLeast float64 `json:"at_least"`
	Score   float64 `json:"score"`
}

//go:embed schemes/*.json
var builtin embed.FS

// Builtin returns the schemes shipped in the binary, by name order.
func Builtin() []*Scheme {
	entries, err := builtin.ReadDir("schemes")
	if err != nil {
		panic(err)
	}
	var out []*Scheme
	for _, e := range entries {
		b, err := builtin.ReadFile("schemes/" + e.Name())
		if err != nil {
			panic(err)
		}
		s, err := Parse(b)
		if err != nil {
			panic(fmt.Sprintf("assess: built-in scheme %s: %v", e.Name(), err))
		}
		if s.Name+".json" != path.Base(e.Name()) {
			panic(fmt.Sprintf("assess: built-in scheme %s is named %q", e.Name(), s.Name))
		}
		s.Source = "builtin"
		out = append(out, s)
	}
	return out
}

// Parse reads and validates a scheme; EINVALID names every bad field.
func Parse(b []byte) (*Scheme, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var s Scheme
	if err := dec.Decode(&s); err != nil {
		return nil, zhili.Invalid("The scheme is not valid JSON.", zhili.FieldError{Field: "scheme", Code: "malformed", Reason: err.Error()})
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// Validate checks a scheme: known units, period, measures and rules, weights
// adding up to the base score, bands within their weight.
func (s *Scheme) Validate() error {
	var errs []zhili.FieldError
	bad := func(field, code, reason string) {
		errs = append(errs, zhili.FieldError{Field: field, Code: code, Reason: reason})
	}
	if !nameRE.MatchString(s.Name) {
		bad("name", "malformed", "name must be lower-case letters, digits and _")
	}
	if strings.TrimSpace(s.Label) == "" {
		bad("label", "required", "label is the scheme's Chinese name")
	}
	if s.Units != UnitsTownships && s.Units != UnitsDepartments {
		bad("units", "unknown", "units must be townships or departments")
	}
	if s.Period != "month" && s.Period != "quarter" {
		bad("period", "unknown", "period must be month or quarter")
	}
	if s.BaseScore <= 0 {
		bad("base_score", "range", "base_score must be positive")
	}
	if s.RedList < 0 || s.BlackList < 0 {
		bad("red_list", "range", "red_list and black_list must not be negative")
	}
	if len(s.Items) == 0 {
		bad("items", "required", "a scheme needs at least one item")
	}
	sum := 0.0
	keys := map[string]bool{}
	for i, it := range s.Items {
		f := "items[" + strconv.Itoa(i) + "]."
		if !nameRE.MatchString(it.Key) || keys[it.Key] {
			bad(f+"key", "malformed", "key must be unique, lower-case letters, digits and _")
		}
		keys[it.Key] = true
		if strings.TrimSpace(it.Label) == "" {
			bad(f+"label", "required", "label is the item's Chinese name")
		}
		m, ok := Measures[it.Measure]
		switch {
		case !ok:
			bad(f+"measure", "unknown", "measure must be one of "+strings.Join(measureNames(), ", "))
		case s.Units == UnitsDepartments && !m.Departments:
			bad(f+"measure", "unsupported", it.Measure+" is not measured for departments")
		}
		if it.Measure == MeasureIndicator && !strings.Contains(it.Indicator, ".") {
			bad(f+"indicator", "required", "an indicator item names an indicator id like dispute.resolution_rate")
		}
		if it.Measure == MeasureLedgersCurrent && len(it.Ledgers) == 0 {
			bad(f+"ledgers", "required", "a ledgers_current item names the ledgers to keep")
		}
		if it.Weight <= 0 {
			bad(f+"weight", "range", "weight must be positive")
		}
		sum += it.Weight
		switch it.Rule.Kind {
		case RuleDeduct:
			if it.Rule.Per <= 0 || it.Rule.Cap < 0 || it.Rule.Cap > it.Weight {
				bad(f+"rule", "range", "a deduct rule needs per > 0 and 0 ≤ cap ≤ weight")
			}
		case RuleThreshold:
			if len(it.Rule.Bands) == 0 {
				bad(f+"rule.bands", "required", "a threshold rule needs bands")
			}
			for j, b := range it.Rule.Bands {
				if b.Score < 0 || b.Score > it.Weight || (j > 0 && b.AtLeast >= it.Rule.Bands[j-1].AtLeast) {
					bad(f+"rule.bands", "range", "bands go from the highest at_least down, each score within the weight")
					break
				}
			}
		case RuleRatio:
			if it.Rule.Target <= 0 {
				bad(f+"rule.target", "range", "a ratio rule needs a positive target")
			}
		default:
			bad(f+"rule.kind", "unknown", "rule kind must be deduct, threshold or ratio")
		}
	}
	if len(s.Items) > 0 && s.BaseScore > 0 && math.Abs(sum-s.BaseScore) > 1e-9 {
		bad("items", "weights", fmt.Sprintf("the weights add up to %g, not the base score %g", sum, s.BaseScore))
	}
	if len(errs) > 0 {
		return zhili.Invalid("The assessment scheme is not valid.", errs...)
	}
	return nil
}

func measureNames() []string {
	var out []string
	for k := range Measures {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

var (
	quarterRE = regexp.MustCompile(`^(\d{4})-Q([1-4])$`)
	monthRE   = regexp.MustCompile(`^(\d{4})-(0[1-9]|1[0-2])$`)
)

// ParsePeriod reads a period of the scheme's kind: 2026-Q3 for a quarter,
// 2026-07 for a month. An empty label is the period holding now.
func (s *Scheme) ParsePeriod(label string, now time.Time) (Period, error) {
	label = strings.TrimSpace(label)
	if label == "" {
		n := now.In(zhili.ChinaTime)
		if s.Period == "quarter" {
			label = fmt.Sprintf("%04d-Q%d", n.Year(), (int(n.Month())-1)/3+1)
		} else {
			label = n.Format("2006-01")
		}
	}
	switch s.Period {
	case "quarter":
		if m := quarterRE.FindStringSubmatch(label); m != nil {
			y, _ := strconv.Atoi(m[1])
			q, _ := strconv.Atoi(m[2])
			from := time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, zhili.ChinaTime)
			return Period{Label: label, Kind: "quarter", From: from, To: from.AddDate(0, 3, 0)}, nil
		}
		return Period{}, zhili.Invalid("Bad period.", zhili.FieldError{Field: "period", Code: "malformed",
			Reason: fmt.Sprintf("%q is not a quarter like 2026-Q3; scheme %s assesses quarters", label, s.Name)})
	default:
		if m := monthRE.FindStringSubmatch(label); m != nil {
			y, _ := strconv.Atoi(m[1])
			mo, _ := strconv.Atoi(m[2])
			from := time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, zhili.ChinaTime)
			return Period{Label: label, Kind: "month", From: from, To: from.AddDate(0, 1, 0)}, nil
		}
		return Period{}, zhili.Invalid("Bad period.", zhili.FieldError{Field: "period", Code: "malformed",
			Reason: fmt.Sprintf("%q is not a month like 2026-07; scheme %s assesses months", label, s.Name)})
	}
}

// Months lists the first days of the months of a period.
func (p Period) Months() []time.Time {
	var out []time.Time
	for m := p.From; m.Before(p.To); m = m.AddDate(0, 1, 0) {
		out = append(out, m)
	}
	return out
}
