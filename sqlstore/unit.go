package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/zhili-project/zhili"
)

// UnitService keeps units: offices, centres, groups, departments.
type UnitService struct{ db *DB }

// NewUnitService returns the unit service of db.
func NewUnitService(db *DB) *UnitService { return &UnitService{db: db} }

var _ zhili.UnitService = (*UnitService)(nil)

const unitColumns = `u.id, u.kind, u.name, u.region_id, COALESCE(u.parent_id, 0), u.code, u.retired_at, u.created_at`

func scanUnit(row interface{ Scan(...any) error }) (*zhili.Unit, error) {
	var u zhili.Unit
	var retired sql.NullString
	var created string
	if err := row.Scan(&u.ID, &u.Kind, &u.Name, &u.RegionID, &u.ParentID, &u.Code, &retired, &created); err != nil {
		return nil, err
	}
	u.Retired, u.CreatedAt = parseNullTS(retired), parseTS(created)
	return &u, nil
}

// FindUnit returns a unit in scope.
func (s *UnitService) FindUnit(ctx context.Context, id int64) (*zhili.Unit, error) {
	us, _, err := s.FindUnits(ctx, zhili.UnitFilter{ID: &id, Limit: 1})
	if err != nil {
		return nil, err
	} else if len(us) == 0 {
		return nil, zhili.Errorf(zhili.ENOTFOUND, "Unit not found.")
	}
	return us[0], nil
}

// FindUnits lists units whose region is in scope.
func (s *UnitService) FindUnits(ctx context.Context, f zhili.UnitFilter) ([]*zhili.Unit, int, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, 0, err
	}
	if err := a.Require(zhili.ActRegionRead); err != nil {
		return nil, 0, err
	}
	cond, args := scopeRegionID(a, "u.region_id")
	conds := []string{cond}
	add := func(c string, v ...any) { conds = append(conds, c); args = append(args, v...) }
	if f.ID != nil {
		add("u.id = ?", *f.ID)
	}
	if f.Kind != nil {
		add("u.kind = ?", string(*f.Kind))
	}
	if f.RegionID != nil {
		add("u.region_id = ?", *f.RegionID)
	}
	if f.Code != nil {
		add("u.code = ?", *f.Code)
	}
	if f.Under != nil {
		var path string
		if err := s.db.queryRow(ctx, `SELECT path FROM regions WHERE id = ?`, *f.Under).Scan(&path); err != nil {
			return nil, 0, nil
		}
		c, v := underRegion("u.region_id", path)
		add(c, v...)
	}
	w := strings.Join(conds, " AND ")
	var total int
	if err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM units u WHERE `+w, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count units: %w", err)
	}
	rows, err := s.db.query(ctx, `SELECT `+unitColumns+` FROM units u WHERE `+w+` ORDER BY u.region_id, u.kind, u.id`+limit(f.Offset, f.Limit), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find units: %w", err)
	}
	defer rows.Close()
	var out []*zhili.Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, u)
	}
	return out, total, rows.Err()
}

// CreateUnit adds a unit in a region in scope; a special group needs a leading group
// as parent.
func (s *UnitService) CreateUnit(ctx context.Context, u *zhili.Unit) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := a.Require(zhili.ActUnitWrite); err != nil {
		return err
	}
	u.Name = strings.TrimSpace(u.Name)
	var bad []zhili.FieldError
	known := false
	for _, k := range zhili.UnitKinds {
		known = known || k == u.Kind
	}
	if !known {
		bad = append(bad, zhili.FieldError{Field: "kind", Code: "unknown_kind", Reason: fmt.Sprintf("unknown unit kind %q", u.Kind)})
	}
	if u.Name == "" {
		bad = append(bad, zhili.FieldError{Field: "name", Code: "required", Reason: "name is required"})
	}
	if u.Kind == zhili.UnitSpecialGroup && u.ParentID == 0 {
		bad = append(bad, zhili.FieldError{Field: "parent_id", Code: "required", Reason: "a special group belongs to a leading group"})
	}
	if len(bad) > 0 {
		return zhili.Invalid("The unit is not valid.", bad...)
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	cond, args := scopeRegions(a, "r")
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM regions r WHERE r.id = ? AND `+cond, append([]any{u.RegionID}, args...)...).Scan(&n); err != nil || n == 0 {
		return zhili.Invalid("The region does not exist.", zhili.FieldError{Field: "region_id", Code: "unknown_region", Reason: "region not found"})
	}
	if u.ParentID != 0 {
		var pkind string
		if err := tx.queryRow(ctx, `SELECT kind FROM units WHERE id = ?`, u.ParentID).Scan(&pkind); err != nil || zhili.UnitKind(pkind) != zhili.UnitLeadingGroup {
			return zhili.Invalid("The parent must be a leading group.", zhili.FieldError{Field: "parent_id", Code: "bad_parent", Reason: "parent is not a leading group"})
		}
	}
	if err := tx.queryRow(ctx, `INSERT INTO units (kind, name, region_id, parent_id, code, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		string(u.Kind), u.Name, u.RegionID, nullID(u.ParentID), u.Code, ts(tx.now)).Scan(&u.ID); err != nil {
		return fmt.Errorf("insert unit: %w", err)
	}
	u.CreatedAt = tx.now
	if err := tx.audit(ctx, a, "unit.create", "unit", u.ID, map[string]any{"kind": u.Kind, "name": u.Name, "region_id": u.RegionID}); err != nil {
		return err
	}
	return tx.Commit()
}

// RetireUnit marks a unit retired.
func (s *UnitService) RetireUnit(ctx context.Context, id int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := a.Require(zhili.ActUnitWrite); err != nil {
		return err
	}
	if _, err := s.FindUnit(ctx, id); err != nil {
		return err
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.exec(ctx, `UPDATE units SET retired_at = ? WHERE id = ? AND retired_at IS NULL`, ts(tx.now), id)
	if err != nil {
		return fmt.Errorf("retire unit: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return zhili.Errorf(zhili.ECONFLICT, "The unit is already retired.")
	}
	if err := tx.audit(ctx, a, "unit.retire", "unit", id, nil); err != nil {
		return err
	}
	return tx.Commit()
}
