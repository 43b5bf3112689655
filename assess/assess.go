// Package assess scores townships and departments for a period (考核): a scheme
// (schemes/*.json, format in docs/assessment.md) names the units assessed, the
// period, and items each bound to a measure or an indicator with a weight and a
// scoring rule. Score turns the measures of every unit into a ranked Result in
// which each score is explained line by line down to the records that made it.
// The store measures (sqlstore/assess*.go); this package only scores.
package assess

import (
	"context"
	"time"
)

// Units assessed by a scheme.
const (
	UnitsTownships   = "townships"   // 乡镇（街道） under the region
	UnitsDepartments = "departments" // 部门 of the region, charged as the holder unit of cases
)

// Measures an item may be bound to.
const (
	MeasureResolutionRate = "resolution_rate" // 化解率: share of the period's new cases resolved, ％
	MeasureOverdueSteps   = "overdue_steps"   // 超期环节: step deadlines that passed in the period
	MeasureVisitsOnTime   = "visits_on_time"  // 十日回访: share of visits due in the period made on time, ％
	MeasureSatisfaction   = "satisfaction"    // 满意度: mean visit score 1–5
	MeasureSweepsFiled    = "sweeps_filed"    // 日排查: share of grid-days with a sweep filed, ％
	MeasureLedgersCurrent = "ledgers_current" // 台账: share of (ledger, month) pairs with a record, ％
	MeasureIndicator      = "indicator"       // an indicator of the engine, by id
)

// Measures lists every measure with its Chinese name, and the units it applies to.
var Measures = map[string]struct {
	Label       string
	Departments bool
}{
	MeasureResolutionRate: {"化解率", true},
	MeasureOverdueSteps:   {"超期环节", true},
	MeasureVisitsOnTime:   {"十日回访按期率", true},
	MeasureSatisfaction:   {"回访满意度", true},
	MeasureSweepsFiled:    {"日排查报送率", false},
	MeasureLedgersCurrent: {"台账更新率", false},
	MeasureIndicator:      {"指标", false},
}

// Record is one record behind a measure: a case, a missing sweep, a ledger month.
type Record struct {
	Text string `json:"text"`
	URL  string `json:"url,omitempty"`
}

// Measurement is one unit's measure for an item. Rates carry Num and Den; Count
// is the number of Records that cost points (the unit of a deduct rule).
type Measurement struct {
	Value float64 `json:"value"`
	Unit  string  `json:"unit"` // ％, 件, 个, 分
	Num   int     `json:"num,omitempty"`
	Den   int     `json:"den,omitempty"`
	Count int     `json:"count"`
	// Empty means there was nothing to measure (no cases, no visits due): the item
	// scores full marks.
	Empty bool `json:"empty,omitempty"`
	// Text says how the value came about: "新增12件，化解10件".
	Text string `json:"text"`
	// URL opens all the records measured (an indicator's drill-down, a case list).
	URL     string   `json:"url,omitempty"`
	Records []Record `json:"records"`
}

// Unit is one unit assessed.
type Unit struct {
	ID   int64  `json:"id"`
	Code string `json:"code,omitempty"`
	Name string `json:"name"`
	// Visible says the caller may read this unit's lines; otherwise only its name,
	// score and rank are shown (docs/assessment.md, 可见范围).
	Visible bool `json:"-"`
}

// UnitMeasures is what the store measured for one unit: item key → measurement.
type UnitMeasures struct {
	Unit     Unit
	Measures map[string]Measurement
}

// Period is an assessment period: a month or a quarter, China time.
type Period struct {
	Label string    `json:"label"` // 2026-Q3, 2026-07
	Kind  string    `json:"kind"`  // month, quarter
	From  time.Time `json:"-"`     // first day 00:00 China time
	To    time.Time `json:"-"`     // the day after the last, exclusive
}

// Service computes assessments; sqlstore.AssessService implements it, bounded
// by the caller's scope.
type Service interface {
	// Schemes lists the effective schemes (overrides applied).
	Schemes(ctx context.Context) ([]*Scheme, error)
	// Scheme returns one effective scheme; ENOTFOUND if none.
	Scheme(ctx context.Context, name string) (*Scheme, error)
	// Assess scores the scheme's units under region (a code; "" for the caller's
	// county) for a period ("2026-Q3"; "" for the current one).
	Assess(ctx context.Context, scheme, period, region string) (*Result, error)
}
