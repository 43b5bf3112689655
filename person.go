package zhili

import (
	"context"
	"time"
)

// Role is what a person does in a place: the seed counts people by these (grid
// members, centre staff, mediators, legal advisers).
type PositionRole string

// Position roles.
const (
	PositionGridMember    PositionRole = "grid_member"    // 网格员, of a grid
	PositionGridLeader    PositionRole = "grid_leader"    // 网格长, of a grid or village
	PositionCenterStaff   PositionRole = "center_staff"   // 中心工作人员, of a centre
	PositionMediator      PositionRole = "mediator"       // 人民调解员, of a centre or village
	PositionLegalAdviser  PositionRole = "legal_adviser"  // 法律顾问, of a village or community
	PositionGroupMember   PositionRole = "group_member"   // 领导小组/专项组成员
	PositionGroupLeader   PositionRole = "group_leader"   // 组长
	PositionGridCadre     PositionRole = "grid_cadre"     // 包抓干部 in the five-level chain
	PositionLegalLiterate PositionRole = "legal_literate" // 法律明白人
)

// PositionRoles lists the roles with their Chinese labels, in display order.
var PositionRoles = []struct {
	Role  PositionRole
	Label string
}{
	{PositionGridMember, "网格员"}, {PositionGridLeader, "网格长"}, {PositionCenterStaff, "中心工作人员"},
	{PositionMediator, "人民调解员"}, {PositionLegalAdviser, "法律顾问"}, {PositionGroupMember, "小组成员"},
	{PositionGroupLeader, "组长"}, {PositionGridCadre, "包抓干部"}, {PositionLegalLiterate, "法律明白人"},
}

// Valid reports whether r is a known position role.
func (r PositionRole) Valid() bool {
	for _, p := range PositionRoles {
		if p.Role == r {
			return true
		}
	}
	return false
}

// Label is the role's Chinese name.
func (r PositionRole) Label() string {
	for _, p := range PositionRoles {
		if p.Role == r {
			return p.Label
		}
	}
	return string(r)
}

// Person is someone who holds positions: a grid member, mediator, adviser. Their ID
// number and phone are sensitive: stored encrypted, shown masked.
type Person struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	RegionID int64  `json:"region_id"` // where the person is registered, for scope
	// IDNumber and Phone are plaintext in memory only; the store encrypts them.
	// Masked copies are what most callers may show.
	IDNumber       string    `json:"-"`
	Phone          string    `json:"-"`
	IDNumberMasked string    `json:"id_number_masked,omitempty"`
	PhoneMasked    string    `json:"phone_masked,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
}

// Position is a person's role in a place for a span of days. Counts "as of" a date
// take the positions whose span holds that date.
type Position struct {
	ID       int64        `json:"id"`
	PersonID int64        `json:"person_id"`
	Role     PositionRole `json:"role"`
	// The place: a region (grid, village…) or a unit (centre, group); RegionID is
	// always set (a unit's region) so scope needs no join through units.
	RegionID int64 `json:"region_id"`
	UnitID   int64 `json:"unit_id,omitempty"`
	// Start and End are calendar days ("2026-01-31"); End empty means still in post.
	Start string `json:"start"`
	End   string `json:"end,omitempty"`
	// PersonName is filled on reads for display.
	PersonName string `json:"person_name,omitempty"`
}

// PositionFilter selects positions; zero fields do not filter.
type PositionFilter struct {
	PersonID *int64
	Role     *PositionRole
	UnitID   *int64
	Under    *int64 // region subtree
	// On keeps positions held on this day ("2026-06-30").
	On            string
	Offset, Limit int
}

// PersonService manages people and their positions, within the caller's scope.
type PersonService interface {
	// FindPerson returns a person with masked sensitive fields. ENOTFOUND if out of scope.
	FindPerson(ctx context.Context, id int64) (*Person, error)
	// RevealPerson returns a person with plaintext sensitive fields; the view is audited.
	RevealPerson(ctx context.Context, id int64) (*Person, error)
	// CreatePerson adds a person. EINVALID for a bad ID number or phone.
	CreatePerson(ctx context.Context, p *Person) error
	// FindPositions lists positions in scope and the total count.
	FindPositions(ctx context.Context, f PositionFilter) ([]*Position, int, error)
	// CreatePosition gives a person a role in a place from a start day.
	CreatePosition(ctx context.Context, p *Position) error
	// EndPosition ends a position on a day (inclusive).
	EndPosition(ctx context.Context, id int64, end string) error
	// CountPeople counts distinct people holding role under a region on a day.
	CountPeople(ctx context.Context, role PositionRole, under int64, on string) (int, error)
}
