package zhili

import (
	"context"
	"encoding/json"
	"time"
)

// The cockpit (驾驶舱, docs/cockpit.md) is the one-page view of a region: the
// headline figures (from the indicator engine), the monthly trend of cases, the
// map of grids, the rankings of the regions below and the rhythm's lists. Every
// number it shows is the total of a records list the user can open.

// CockpitMaxMonths bounds the trend's period: five years of monthly buckets.
const CockpitMaxMonths = 60

// CockpitListSize is how many cases or grids each list panel names; the total
// counts them all.
const CockpitListSize = 20

// CockpitQuery names the region and the period of a cockpit panel.
type CockpitQuery struct {
	// Region is a region code; "" is the caller's own area (scope root).
	Region string
	// From and To are inclusive days, YYYY-MM-DD, China time.
	From, To string
}

// CockpitRegion is the region a panel was computed for.
type CockpitRegion struct {
	ID    int64       `json:"id"`
	Code  string      `json:"code"`
	Name  string      `json:"name"`
	Level RegionLevel `json:"level"`
}

// CockpitSeries is one case kind's monthly counts, aligned with the months.
type CockpitSeries struct {
	Kind  CaseKind `json:"kind"`
	Label string   `json:"label"`
	// New counts the cases reported in the month, whatever their state now.
	New []int `json:"new"`
	// Resolved counts the cases whose (latest) resolution fell in the month.
	Resolved []int `json:"resolved"`
}

// CockpitTrend is new and resolved cases per month and kind. The first and last
// months are cut to the period.
type CockpitTrend struct {
	Region CockpitRegion `json:"region"`
	From   string        `json:"from"`
	To     string        `json:"to"`
	// Months are "2026-03" labels; MonthFrom and MonthTo the first and last day
	// of each bucket within the period, for the records links.
	Months    []string        `json:"months"`
	MonthFrom []string        `json:"month_from"`
	MonthTo   []string        `json:"month_to"`
	Series    []CockpitSeries `json:"series"`
}

// CockpitGrid is one grid of the map with its counts.
type CockpitGrid struct {
	ID      int64  `json:"id"`
	Code    string `json:"code"`
	Name    string `json:"name"`
	Village string `json:"village"`
	// Open counts the grid's open cases now; Overdue its cases whose current step
	// deadline has passed (the case list's overdue=1).
	Open    int `json:"open"`
	Overdue int `json:"overdue"`
	// Boundary is the grid's GeoJSON geometry, or empty when it has none.
	Boundary json.RawMessage `json:"boundary,omitempty"`
}

// CockpitMap is the grids of a region for the map.
type CockpitMap struct {
	Region CockpitRegion `json:"region"`
	At     time.Time     `json:"at"`
	Grids  []CockpitGrid `json:"grids"`
	// TileURL is the optional map tile template of the settings (map_tile_url);
	// empty draws the boundaries on a plain background.
	TileURL string `json:"tile_url,omitempty"`
}

// CockpitRank is one region's line of the rankings: a child of the cockpit's
// region (townships under a county, villages under a township).
type CockpitRank struct {
	RegionID int64  `json:"region_id"`
	Code     string `json:"code"`
	Name     string `json:"name"`
	// New counts cases reported in the period; Resolved those of them resolved
	// now; Rate is Resolved/New in tenths of a percent (935 is 93.5％).
	New      int   `json:"new"`
	Resolved int   `json:"resolved"`
	Rate     int64 `json:"rate"`
	// Open counts open cases now; Overdue cases whose current deadline passed.
	Open    int `json:"open"`
	Overdue int `json:"overdue"`
}

// CockpitCase is a case named on one of the cockpit's lists.
type CockpitCase struct {
	ID         int64      `json:"id"`
	No         string     `json:"no"`
	Title      string     `json:"title"`
	Kind       CaseKind   `json:"kind"`
	State      CaseState  `json:"state"`
	RegionName string     `json:"region_name"`
	ReportedAt time.Time  `json:"reported_at"`
	DueAt      *time.Time `json:"due_at,omitempty"`
	DueStep    string     `json:"due_step,omitempty"`
	// Days is how long the case is open (dispatch list) or overdue (alerts), in
	// whole China-time days.
	Days int `json:"days"`
}

// CockpitBoard is the lists of the cockpit: the rankings, the overdue alerts
// (newest deadline first), the half-monthly dispatch list (oldest first) and the
// grids missing today's sweep. Each list names at most CockpitListSize items; its
// total counts all.
type CockpitBoard struct {
	Region        CockpitRegion   `json:"region"`
	From          string          `json:"from"`
	To            string          `json:"to"`
	Today         string          `json:"today"`
	At            time.Time       `json:"at"`
	Rankings      []CockpitRank   `json:"rankings"`
	Overdue       []CockpitCase   `json:"overdue"`
	OverdueTotal  int             `json:"overdue_total"`
	Dispatch      []CockpitCase   `json:"dispatch"`
	DispatchTotal int             `json:"dispatch_total"`
	Missing       []*MissingCheck `json:"missing"`
	MissingTotal  int             `json:"missing_total"`
}

// CockpitService computes the cockpit's panels within the caller's scope. Each
// needs ActBusinessRead (EFORBIDDEN); a region outside the scope is ENOTFOUND
// like one that does not exist; a bad period is EINVALID naming the field.
type CockpitService interface {
	// CockpitTrend counts new and resolved cases per month and kind.
	CockpitTrend(ctx context.Context, q CockpitQuery) (*CockpitTrend, error)
	// CockpitMap lists the region's grids with their open and overdue cases now.
	CockpitMap(ctx context.Context, q CockpitQuery) (*CockpitMap, error)
	// CockpitBoard computes the rankings and the lists; To is the rankings' last
	// day, the lists are as of now.
	CockpitBoard(ctx context.Context, q CockpitQuery) (*CockpitBoard, error)
}
