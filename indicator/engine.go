package indicator

import (
	"context"
	"fmt"
	"maps"
	"math"
	"strconv"
	"time"

	"github.com/zhili-project/zhili"
)

// Region is the root of the subtree an indicator is computed for.
type Region struct {
	ID   int64
	Code string
	Name string
	Path string // materialised path "/1/5/"
}

// Period is a query's inclusive days and the half-open UTC interval they cover.
type Period struct {
	From, To   string    // YYYY-MM-DD, China time
	Start, End time.Time // [Start, End) in UTC
}

// Store computes base indicators from records. sqlstore implements it; every
// method reads the actor from the context.
type Store interface {
	// ScopeRegion resolves a region code inside the caller's scope: EUNAUTHORIZED
	// without an actor, EFORBIDDEN without business.read, ENOTFOUND outside.
	ScopeRegion(ctx context.Context, code string) (*Region, error)
	// Compute computes a base (non-ratio) indicator, by the fast path when it can.
	Compute(ctx context.Context, d *Def, r *Region, p Period, params map[string]string) (Result, error)
	// Records lists the records a base indicator counts, ordered by id.
	Records(ctx context.Context, d *Def, r *Region, p Period, params map[string]string, offset, limit int) ([]zhili.IndicatorRecord, int, error)
}

// Engine computes indicators of a catalogue from a store. It implements
// zhili.IndicatorService and is what other packages (reports) use to get a
// figure.
type Engine struct {
	Catalog *Catalog
	Store   Store
}

var _ zhili.IndicatorService = (*Engine)(nil)

// NewEngine returns an engine over the catalogue and store.
func NewEngine(c *Catalog, s Store) *Engine { return &Engine{Catalog: c, Store: s} }

// catalog is the current catalogue: the store's when it keeps one that can
// change (county indicators, LiveCatalog), else the engine's.
func (e *Engine) catalog(ctx context.Context) (*Catalog, error) {
	if l, ok := e.Store.(LiveCatalog); ok {
		return l.Catalog(ctx)
	}
	return e.Catalog, nil
}

// Indicators lists the catalogue, the county's own indicators included. If the
// store cannot read them it lists the engine's catalogue.
func (e *Engine) Indicators() []zhili.IndicatorInfo {
	cat, err := e.catalog(context.Background())
	if err != nil {
		cat = e.Catalog
	}
	out := make([]zhili.IndicatorInfo, len(cat.Defs))
	for i, d := range cat.Defs {
		out[i] = d.Info()
	}
	return out
}

// Value computes indicator id with its default parameters for the subtree of
// region code over the inclusive days from and to, as actor a: the one call a
// report template needs to fill a figure.
func (e *Engine) Value(ctx context.Context, a *zhili.Actor, id, regionCode, from, to string) (*zhili.IndicatorValue, error) {
	ctx = zhili.NewContextWithActor(ctx, a)
	return e.Indicator(ctx, zhili.IndicatorQuery{ID: id, Region: regionCode, From: from, To: to})
}

// Figure computes FIGURES.md figure no ("F34") with the parameters the seed's
// sentence uses.
func (e *Engine) Figure(ctx context.Context, a *zhili.Actor, no, regionCode, from, to string) (*zhili.IndicatorValue, error) {
	cat, err := e.catalog(ctx)
	if err != nil {
		return nil, err
	}
	d, params, ok := cat.ByFigure(no)
	if !ok {
		return nil, zhili.Invalid("Unknown figure.", zhili.FieldError{Field: "figure", Code: "unknown", Reason: "no indicator computes figure " + no})
	}
	ctx = zhili.NewContextWithActor(ctx, a)
	return e.Indicator(ctx, zhili.IndicatorQuery{ID: d.ID, Region: regionCode, From: from, To: to, Params: params})
}

// prepare checks a query and resolves its definition, region, period and
// parameters in catalogue cat.
func (e *Engine) prepare(ctx context.Context, cat *Catalog, q zhili.IndicatorQuery) (*Def, *Region, Period, map[string]string, error) {
	var p Period
	d, ok := cat.Find(q.ID)
	if !ok {
		return nil, nil, p, nil, zhili.Invalid("Unknown indicator.", zhili.FieldError{Field: "id", Code: "unknown_indicator", Reason: fmt.Sprintf("no indicator %q", q.ID)})
	}
	params, err := e.params(cat, d, q.Params)
	if err != nil {
		return nil, nil, p, nil, err
	}
	start, end, err := zhili.ParseDayRange(q.From, q.To)
	if err != nil {
		return nil, nil, p, nil, err
	}
	p = Period{From: q.From, To: q.To, Start: start, End: end}
	if q.Region == "" {
		return nil, nil, p, nil, zhili.Invalid("The region is required.", zhili.FieldError{Field: "region", Code: "required", Reason: "region code is required"})
	}
	r, err := e.Store.ScopeRegion(ctx, q.Region)
	if err != nil {
		return nil, nil, p, nil, err
	}
	return d, r, p, params, nil
}

// params checks the given parameters against the declaration (and the parts of
// a ratio), fills defaults and normalises values: bools are kept only when true.
func (e *Engine) params(cat *Catalog, d *Def, given map[string]string) (map[string]string, error) {
	decl := map[string]zhili.IndicatorParam{}
	for _, x := range []*Def{d, part(cat, d.Num), part(cat, d.Den)} {
		if x != nil {
			for _, p := range x.Params {
				decl[p.Name] = p
			}
		}
	}
	out := map[string]string{}
	var bad []zhili.FieldError
	for name, v := range given {
		if _, ok := decl[name]; !ok {
			bad = append(bad, zhili.FieldError{Field: name, Code: "unknown_param", Reason: fmt.Sprintf("indicator %s has no parameter %q", d.ID, name)})
		} else if v != "" {
			out[name] = v
		}
	}
	for name, p := range decl {
		v, ok := out[name]
		if !ok && p.Default == "" {
			continue
		}
		if !ok {
			v = p.Default
		}
		switch p.Type {
		case "bool":
			b, err := strconv.ParseBool(v)
			if err != nil {
				bad = append(bad, zhili.FieldError{Field: name, Code: "malformed", Reason: name + " must be true or false"})
			}
			if b {
				v = "true"
			} else {
				delete(out, name)
				continue
			}
		case "int":
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				bad = append(bad, zhili.FieldError{Field: name, Code: "malformed", Reason: name + " must be a whole number"})
			}
		case "money_wan":
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || math.IsInf(f, 0) || f > 1e9 {
				bad = append(bad, zhili.FieldError{Field: name, Code: "malformed", Reason: name + " must be an amount in 万元, 0 or more"})
			}
		}
		out[name] = v
	}
	if len(bad) > 0 {
		return nil, zhili.Invalid("Bad indicator parameters.", bad...)
	}
	return out, nil
}

func part(cat *Catalog, id string) *Def {
	if id == "" {
		return nil
	}
	d, _ := cat.Find(id)
	return d
}

// Indicator computes one indicator for a region subtree and a period.
func (e *Engine) Indicator(ctx context.Context, q zhili.IndicatorQuery) (*zhili.IndicatorValue, error) {
	cat, err := e.catalog(ctx)
	if err != nil {
		return nil, err
	}
	d, r, p, params, err := e.prepare(ctx, cat, q)
	if err != nil {
		return nil, err
	}
	return e.compute(ctx, cat, d, r, p, params)
}

func (e *Engine) compute(ctx context.Context, cat *Catalog, d *Def, r *Region, p Period, params map[string]string) (*zhili.IndicatorValue, error) {
	v := &zhili.IndicatorValue{ID: d.ID, Label: d.Label, RegionCode: r.Code, RegionName: r.Name, From: p.From, To: p.To}
	if len(params) > 0 {
		v.Params = maps.Clone(params)
	}
	var res Result
	if d.Agg == AggRatio {
		num, err := e.Store.Compute(ctx, part(cat, d.Num), r, p, params)
		if err != nil {
			return nil, fmt.Errorf("indicator %s: %w", d.Num, err)
		}
		den, err := e.Store.Compute(ctx, part(cat, d.Den), r, p, params)
		if err != nil {
			return nil, fmt.Errorf("indicator %s: %w", d.Den, err)
		}
		res = Result{Num: num.Value, Den: den.Value}
	} else {
		var err error
		if res, err = e.Store.Compute(ctx, d, r, p, params); err != nil {
			return nil, fmt.Errorf("indicator %s: %w", d.ID, err)
		}
	}
	Format(d, res, v)
	return v, nil
}

// All computes every indicator of the catalogue with default parameters, in
// catalogue order: the cockpit's set.
func (e *Engine) All(ctx context.Context, regionCode, from, to string) ([]*zhili.IndicatorValue, error) {
	cat, err := e.catalog(ctx)
	if err != nil || len(cat.Defs) == 0 {
		return nil, err
	}
	_, r, p, _, err := e.prepare(ctx, cat, zhili.IndicatorQuery{ID: cat.Defs[0].ID, Region: regionCode, From: from, To: to})
	if err != nil {
		return nil, err
	}
	out := make([]*zhili.IndicatorValue, 0, len(cat.Defs))
	for _, d := range cat.Defs {
		params, err := e.params(cat, d, nil)
		if err != nil {
			return nil, err
		}
		v, err := e.compute(ctx, cat, d, r, p, params)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// IndicatorRecords lists the records an indicator counts; a ratio lists its
// denominator's. page counts from 1; perPage is capped at 500.
func (e *Engine) IndicatorRecords(ctx context.Context, q zhili.IndicatorQuery, page, perPage int) ([]zhili.IndicatorRecord, int, error) {
	cat, err := e.catalog(ctx)
	if err != nil {
		return nil, 0, err
	}
	d, r, p, params, err := e.prepare(ctx, cat, q)
	if err != nil {
		return nil, 0, err
	}
	if page < 1 {
		page = 1
	}
	if perPage < 1 || perPage > 500 {
		perPage = 50
	}
	if d.Agg == AggRatio {
		d = part(cat, d.Den)
	}
	return e.Store.Records(ctx, d, r, p, params, (page-1)*perPage, perPage)
}

// IndicatorDefinitions returns the county's stored definitions (a JSON array)
// when the store keeps them (Definer).
func (e *Engine) IndicatorDefinitions(ctx context.Context) ([]byte, error) {
	d, err := e.definer()
	if err != nil {
		return nil, err
	}
	return d.IndicatorDefinitions(ctx)
}

// DefineIndicators stores the county's definitions through the store (Definer).
func (e *Engine) DefineIndicators(ctx context.Context, raw []byte, merge bool) ([]zhili.IndicatorInfo, error) {
	d, err := e.definer()
	if err != nil {
		return nil, err
	}
	return d.DefineIndicators(ctx, raw, merge)
}

// UndefineIndicator removes a county indicator through the store (Definer).
func (e *Engine) UndefineIndicator(ctx context.Context, id string) error {
	d, err := e.definer()
	if err != nil {
		return err
	}
	return d.UndefineIndicator(ctx, id)
}

func (e *Engine) definer() (Definer, error) {
	d, ok := e.Store.(Definer)
	if !ok {
		return nil, zhili.Errorf(zhili.EINTERNAL, "this indicator store keeps no county indicators")
	}
	return d, nil
}
