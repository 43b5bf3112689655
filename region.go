package zhili

import (
	"context"
	"encoding/json"
	"time"
)

// RegionLevel is the depth of a region in the administrative tree.
type RegionLevel int

// The levels of the tree. A county deployment's root is a county; a city-wide (市域)
// deployment puts a city above several counties.
const (
	LevelCity     RegionLevel = 0 // 市: the root of a city-wide deployment
	LevelCounty   RegionLevel = 1 // 县（市、区）
	LevelTownship RegionLevel = 2 // 乡镇 / 街道
	LevelVillage  RegionLevel = 3 // 村 / 社区
	LevelGrid     RegionLevel = 4 // 网格
)

// String names the level in English, as in the glossary.
func (l RegionLevel) String() string {
	switch l {
	case LevelCity:
		return "city"
	case LevelCounty:
		return "county"
	case LevelTownship:
		return "township"
	case LevelVillage:
		return "village"
	case LevelGrid:
		return "grid"
	}
	return "unknown"
}

// Label is the level's Chinese name for the user interface.
func (l RegionLevel) Label() string {
	return [...]string{"市", "县（市、区）", "乡镇（街道）", "村（社区）", "网格", "未知"}[min(max(int(l), 0), 5)]
}

// RegionKind says what sort of place a region is within its level.
type RegionKind string

// Region kinds. Each level has its own set; ValidKind checks the pairing.
const (
	KindCity          RegionKind = "city"          // 市
	KindCounty        RegionKind = "county"        // 县、县级市、区
	KindTown          RegionKind = "town"          // 镇 or 乡: rural township
	KindStreet        RegionKind = "street"        // 街道: urban township
	KindVillage       RegionKind = "village"       // 村（村委会）
	KindCommunity     RegionKind = "community"     // 社区（居委会）
	KindComprehensive RegionKind = "comprehensive" // 综合网格
	KindDedicated     RegionKind = "dedicated"     // 专属网格: a school, hospital, market, park
)

// ValidKind reports whether kind belongs to level.
func ValidKind(level RegionLevel, kind RegionKind) bool {
	switch level {
	case LevelCity:
		return kind == KindCity
	case LevelCounty:
		return kind == KindCounty
	case LevelTownship:
		return kind == KindTown || kind == KindStreet
	case LevelVillage:
		return kind == KindVillage || kind == KindCommunity
	case LevelGrid:
		return kind == KindComprehensive || kind == KindDedicated
	}
	return false
}

// KindLabel is the Chinese name of a kind.
func (k RegionKind) Label() string {
	switch k {
	case KindCity:
		return "市"
	case KindCounty:
		return "县（市、区）"
	case KindTown:
		return "乡镇"
	case KindStreet:
		return "街道"
	case KindVillage:
		return "村"
	case KindCommunity:
		return "社区"
	case KindComprehensive:
		return "综合网格"
	case KindDedicated:
		return "专属网格"
	}
	return string(k)
}

// Region is a node of the administrative tree: city, county, township, village or
// community, or grid. Grids are regions of level 4, so every record points at one
// table and scope is one subtree test.
type Region struct {
	ID       int64       `json:"id"`
	Code     string      `json:"code"` // 统计用区划代码; grids add 3 digits
	Name     string      `json:"name"`
	ParentID int64       `json:"parent_id,omitempty"`
	Level    RegionLevel `json:"level"`
	Kind     RegionKind  `json:"kind"`
	// Path lists the ids from the root down to this region, as "/1/5/23/"; a
	// region's subtree is every region whose path starts with it.
	Path string `json:"-"`
	// CountySeat marks the township (or communities) of the county seat (县城).
	CountySeat bool `json:"county_seat,omitempty"`
	// Boundary is a GeoJSON Polygon or MultiPolygon geometry in WGS-84, or empty.
	Boundary json.RawMessage `json:"boundary,omitempty"`
	// Retired is set when the unit was merged or abolished; its records keep pointing at it.
	Retired   *time.Time `json:"retired,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// RegionFilter selects regions; zero fields do not filter.
type RegionFilter struct {
	ID       *int64
	Code     *string
	ParentID *int64
	Level    *RegionLevel
	// Under limits to the subtree of this region id (inclusive).
	Under          *int64
	Name           string // substring match
	IncludeRetired bool
	Offset, Limit  int
}

// RegionUpdate changes a region; nil fields are kept. Every change is kept as history.
type RegionUpdate struct {
	Name       *string
	ParentID   *int64 // move under another region of the level above
	Kind       *RegionKind
	CountySeat *bool
	Retire     bool // retire now: no new records may point at it
}

// RegionEvent is one entry of a region's history: created, renamed, moved, retired,
// boundary changed.
type RegionEvent struct {
	ID       int64     `json:"id"`
	RegionID int64     `json:"region_id"`
	Action   string    `json:"action"`
	Before   string    `json:"before,omitempty"`
	After    string    `json:"after,omitempty"`
	At       time.Time `json:"at"`
	UserID   int64     `json:"user_id,omitempty"`
}

// RegionImport is the outcome of an all-or-nothing region import.
type RegionImport struct {
	Created int `json:"created"`
	Updated int `json:"updated"`
}

// RegionService manages the administrative tree. Every method bounds its reads and
// writes by the caller's scope (see Actor): regions outside it are ENOTFOUND.
type RegionService interface {
	// FindRegion returns one region by id. ENOTFOUND if absent or out of scope.
	FindRegion(ctx context.Context, id int64) (*Region, error)
	// FindRegionByCode returns one region by code. ENOTFOUND if absent or out of scope.
	FindRegionByCode(ctx context.Context, code string) (*Region, error)
	// FindRegions lists regions in scope matching the filter, and the total count.
	FindRegions(ctx context.Context, f RegionFilter) ([]*Region, int, error)
	// CreateRegion adds a region under its parent. EINVALID for a bad code, level or
	// kind; ECONFLICT for a duplicate code.
	CreateRegion(ctx context.Context, r *Region) error
	// UpdateRegion renames, moves, re-kinds or retires a region, keeping history.
	UpdateRegion(ctx context.Context, id int64, u RegionUpdate) (*Region, error)
	// RegionHistory lists a region's events, oldest first.
	RegionHistory(ctx context.Context, id int64) ([]*RegionEvent, error)
	// ImportRegions creates or renames regions from parsed rows, all or nothing.
	// EINVALID lists every bad row (unknown parent, duplicate, malformed code).
	ImportRegions(ctx context.Context, rows []RegionRow) (*RegionImport, error)
	// SetBoundaries attaches GeoJSON geometries to regions by code, all or nothing.
	SetBoundaries(ctx context.Context, byCode map[string]json.RawMessage) (int, error)
}

// RegionRow is one row of a region import file, before it is stored.
type RegionRow struct {
	Line       int // the file's row number (header is row 1), for error messages
	Code       string
	Name       string
	ParentCode string
	Level      RegionLevel
	Kind       RegionKind
	CountySeat bool
}
