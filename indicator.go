package zhili

import "context"

// IndicatorInfo describes one indicator (指标) of the declarative catalogue
// (indicator/figures.json, docs/indicators.md): what it counts and how it is shown.
type IndicatorInfo struct {
	ID    string `json:"id"`
	Label string `json:"label"` // Chinese, for the user interface
	// Figures are the FIGURES.md numbers it computes, each with the parameters the
	// seed's sentence uses ("F20" → county_seat=true).
	Figures []IndicatorFigure `json:"figures,omitempty"`
	Source  string            `json:"source"` // case, ledger, dept, org
	Agg     string            `json:"agg"`    // count, sum, distinct, ratio, share_at_least
	Unit    string            `json:"unit"`   // 件, 名, 个, 万元, 亿元, ％ …
	Format  string            `json:"format"` // int, duo, yu, wan1, yi1, wan_duo, percent1, percent0
	// Params are the parameters it accepts, with their defaults.
	Params []IndicatorParam `json:"params,omitempty"`
	Note   string           `json:"note,omitempty"`
	// Origin is "builtin" (indicator/figures.json) or "county" (the county's
	// own, stored in the settings table; docs/indicators.md).
	Origin string `json:"origin"`
}

// IndicatorFigure binds a FIGURES.md number to an indicator and its parameters.
type IndicatorFigure struct {
	No     string            `json:"no"`
	Params map[string]string `json:"params,omitempty"`
}

// IndicatorParam is one parameter of an indicator, such as a threshold.
type IndicatorParam struct {
	Name    string `json:"name"`
	Label   string `json:"label"`
	Type    string `json:"type"` // bool, int, money_wan, text
	Default string `json:"default,omitempty"`
}

// IndicatorQuery asks for one indicator over a region subtree and inclusive days.
type IndicatorQuery struct {
	ID     string
	Region string // region code; the subtree counts
	From   string // YYYY-MM-DD, China time, inclusive
	To     string
	Params map[string]string
}

// IndicatorValue is an indicator computed for a region subtree and a period.
type IndicatorValue struct {
	ID         string            `json:"id"`
	Label      string            `json:"label"`
	RegionCode string            `json:"region_code"`
	RegionName string            `json:"region_name"`
	From       string            `json:"from"`
	To         string            `json:"to"`
	Params     map[string]string `json:"params,omitempty"`
	// Raw is exact in the records' unit: a count, people, fen for money, or a
	// rate in tenths of a percent (935 is 93.5％).
	Raw int64 `json:"raw"`
	// Num and Den are a ratio's or share's parts; zero otherwise.
	Num int64 `json:"num,omitempty"`
	Den int64 `json:"den,omitempty"`
	// Number is Raw in the display unit (万元, ％…), before the seed's rounding.
	Number float64 `json:"number"`
	// Text is the figure as the seed writes it: "1234件", "350多万元", "93.5％".
	Text string `json:"text"`
	Unit string `json:"unit"`
}

// IndicatorRecord is one record behind an indicator: the drill-down.
type IndicatorRecord struct {
	Kind    string `json:"kind"` // case, ledger, department_report, position, unit, region
	ID      int64  `json:"id"`
	Ledger  string `json:"ledger,omitempty"` // the ledger of a ledger record
	Summary string `json:"summary"`
}

// IndicatorService computes indicators within the caller's scope. Every method
// returns EINVALID for an unknown id, parameter or bad period, and ENOTFOUND when
// the region is absent or outside the caller's scope.
type IndicatorService interface {
	// Indicators lists the catalogue.
	Indicators() []IndicatorInfo
	// Indicator computes one indicator.
	Indicator(ctx context.Context, q IndicatorQuery) (*IndicatorValue, error)
	// IndicatorRecords lists the records counted, page from 1, and their total.
	// A ratio lists its denominator's records; a share lists the records of its
	// denominator too.
	IndicatorRecords(ctx context.Context, q IndicatorQuery, page, perPage int) ([]IndicatorRecord, int, error)
}
