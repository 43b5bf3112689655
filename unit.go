package zhili

import (
	"context"
	"time"
)

// UnitKind says what a unit is. Users belong to units; a unit sits in a region, and
// that region's subtree is the data scope of its users.
type UnitKind string

// Unit kinds, as in the glossary.
const (
	UnitOffice             UnitKind = "office"               // the government of a region: 县政府, 乡镇政府, 村委会/居委会
	UnitGovernanceCenter   UnitKind = "governance_center"    // 社会治安综合治理中心
	UnitMediationCenter    UnitKind = "mediation_center"     // 矛盾纠纷综合调处服务中心
	UnitLegalServiceCenter UnitKind = "legal_service_center" // 法律服务中心
	UnitLeadingGroup       UnitKind = "leading_group"        // 领导小组
	UnitSpecialGroup       UnitKind = "special_group"        // 专项组, under the leading group
	UnitDepartment         UnitKind = "department"           // 部门: 公安, 法院, 人社…
)

// UnitKinds lists every kind, in display order.
var UnitKinds = []UnitKind{UnitOffice, UnitGovernanceCenter, UnitMediationCenter,
	UnitLegalServiceCenter, UnitLeadingGroup, UnitSpecialGroup, UnitDepartment}

// Label is the kind's Chinese name.
func (k UnitKind) Label() string {
	switch k {
	case UnitOffice:
		return "政府/村（居）委会"
	case UnitGovernanceCenter:
		return "社会治安综合治理中心"
	case UnitMediationCenter:
		return "矛盾纠纷综合调处服务中心"
	case UnitLegalServiceCenter:
		return "法律服务中心"
	case UnitLeadingGroup:
		return "领导小组"
	case UnitSpecialGroup:
		return "专项组"
	case UnitDepartment:
		return "部门"
	}
	return string(k)
}

// IsCenter reports whether the kind is one of the three centres (三大中心).
func (k UnitKind) IsCenter() bool {
	return k == UnitGovernanceCenter || k == UnitMediationCenter || k == UnitLegalServiceCenter
}

// Unit is an organisation that people work in: a region's office, a centre, the
// leading group or one of its special groups, or a department.
type Unit struct {
	ID       int64    `json:"id"`
	Kind     UnitKind `json:"kind"`
	Name     string   `json:"name"`
	RegionID int64    `json:"region_id"`
	// ParentID links a special group to its leading group; zero otherwise.
	ParentID int64 `json:"parent_id,omitempty"`
	// Code is a short identifier for departments (police, court, finance…), used by
	// department reports and tokens.
	Code      string     `json:"code,omitempty"`
	Retired   *time.Time `json:"retired,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
}

// UnitFilter selects units; zero fields do not filter.
type UnitFilter struct {
	ID       *int64
	Kind     *UnitKind
	RegionID *int64
	Code     *string
	// Under limits to units whose region lies in this region's subtree.
	Under         *int64
	Offset, Limit int
}

// UnitService manages units, within the caller's scope.
type UnitService interface {
	// FindUnit returns a unit by id. ENOTFOUND if absent or out of scope.
	FindUnit(ctx context.Context, id int64) (*Unit, error)
	// FindUnits lists units in scope and the total count.
	FindUnits(ctx context.Context, f UnitFilter) ([]*Unit, int, error)
	// CreateUnit adds a unit. EINVALID for a bad kind, region or parent.
	CreateUnit(ctx context.Context, u *Unit) error
	// RetireUnit marks a unit retired; its history stays.
	RetireUnit(ctx context.Context, id int64) error
}
