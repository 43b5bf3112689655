package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/zhili-project/zhili"
)

// FindPositions lists positions whose place is in scope.
func (s *PersonService) FindPositions(ctx context.Context, f zhili.PositionFilter) ([]*zhili.Position, int, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, 0, err
	}
	if err := a.Require(zhili.ActPersonRead); err != nil {
		return nil, 0, err
	}
	cond, args := scopeRegionID(a, "p.region_id")
	conds := []string{cond}
	add := func(c string, v ...any) { conds = append(conds, c); args = append(args, v...) }
	if f.PersonID != nil {
		add("p.person_id = ?", *f.PersonID)
	}
	if f.Role != nil {
		add("p.role = ?", string(*f.Role))
	}
	if f.UnitID != nil {
		add("p.unit_id = ?", *f.UnitID)
	}
	if f.Under != nil {
		var path string
		if err := s.db.queryRow(ctx, `SELECT path FROM regions WHERE id = ?`, *f.Under).Scan(&path); err != nil {
			return nil, 0, nil
		}
		c, v := underRegion("p.region_id", path)
		add(c, v...)
	}
	if f.On != "" {
		if bad := validDay("on", f.On); bad != nil {
			return nil, 0, zhili.Invalid("Bad date.", bad...)
		}
		add("p.start_day <= ? AND (p.end_day IS NULL OR p.end_day >= ?)", f.On, f.On)
	}
	w := strings.Join(conds, " AND ")
	var total int
	if err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM positions p WHERE `+w, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count positions: %w", err)
	}
	rows, err := s.db.query(ctx, `SELECT p.id, p.person_id, p.role, p.region_id, COALESCE(p.unit_id, 0), p.start_day, COALESCE(p.end_day, ''), n.name
		FROM positions p JOIN people n ON n.id = p.person_id WHERE `+w+` ORDER BY p.id`+limit(f.Offset, f.Limit), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find positions: %w", err)
	}
	defer rows.Close()
	var out []*zhili.Position
	for rows.Next() {
		var p zhili.Position
		if err := rows.Scan(&p.ID, &p.PersonID, &p.Role, &p.RegionID, &p.UnitID, &p.Start, &p.End, &p.PersonName); err != nil {
			return nil, 0, err
		}
		out = append(out, &p)
	}
	return out, total, rows.Err()
}

// CreatePosition gives a person in scope a role in a place in scope. A unit's
// position takes the unit's region, so counting by region needs no join.
func (s *PersonService) CreatePosition(ctx context.Context, p *zhili.Position) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := a.Require(zhili.ActPersonWrite); err != nil {
		return err
	}
	var bad []zhili.FieldError
	if !p.Role.Valid() {
		bad = append(bad, zhili.FieldError{Field: "role", Code: "unknown_role", Reason: fmt.Sprintf("unknown position role %q", p.Role)})
	}
	bad = append(bad, validDay("start", p.Start)...)
	if p.End != "" {
		bad = append(bad, validDay("end", p.End)...)
		if p.End < p.Start {
			bad = append(bad, zhili.FieldError{Field: "end", Code: "before_start", Reason: "end is before start"})
		}
	}
	if len(bad) > 0 {
		return zhili.Invalid("The position is not valid.", bad...)
	}
	if _, _, _, err := (&PersonService{db: s.db}).findPerson(ctx, a, p.PersonID); err != nil {
		return zhili.Invalid("The person does not exist.", zhili.FieldError{Field: "person_id", Code: "unknown_person", Reason: "person not found in your area"})
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if p.UnitID != 0 {
		if err := tx.queryRow(ctx, `SELECT region_id FROM units WHERE id = ? AND retired_at IS NULL`, p.UnitID).Scan(&p.RegionID); err != nil {
			return zhili.Invalid("The unit does not exist.", zhili.FieldError{Field: "unit_id", Code: "unknown_unit", Reason: "unit not found"})
		}
	}
	if err := tx.requireRegion(ctx, a, p.RegionID); err != nil {
		return err
	}
	if err := tx.queryRow(ctx, `INSERT INTO positions (person_id, role, region_id, unit_id, start_day, end_day) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		p.PersonID, string(p.Role), p.RegionID, nullID(p.UnitID), p.Start, nullString(p.End)).Scan(&p.ID); err != nil {
		return fmt.Errorf("insert position: %w", err)
	}
	if err := tx.audit(ctx, a, "position.create", "position", p.ID, p); err != nil {
		return err
	}
	return tx.Commit()
}

// EndPosition ends a position in scope on a day, compare-and-set on it being open.
func (s *PersonService) EndPosition(ctx context.Context, id int64, end string) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := a.Require(zhili.ActPersonWrite); err != nil {
		return err
	}
	if bad := validDay("end", end); bad != nil {
		return zhili.Invalid("Bad date.", bad...)
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	cond, args := scopeRegionID(a, "region_id")
	res, err := tx.exec(ctx, `UPDATE positions SET end_day = ? WHERE id = ? AND end_day IS NULL AND start_day <= ? AND `+cond,
		append([]any{end, id, end}, args...)...)
	if err != nil {
		return fmt.Errorf("end position: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return zhili.Errorf(zhili.ENOTFOUND, "No open position with this id starts on or before %s in your area.", end)
	}
	if err := tx.audit(ctx, a, "position.end", "position", id, map[string]string{"end": end}); err != nil {
		return err
	}
	return tx.Commit()
}

// CountPeople counts distinct people in post with role under a region on a day.
func (s *PersonService) CountPeople(ctx context.Context, role zhili.PositionRole, under int64, on string) (int, error) {
	a, err := actor(ctx)
	if err != nil {
		return 0, err
	}
	if err := a.Require(zhili.ActBusinessRead); err != nil && !a.System {
		return 0, err
	}
	if bad := validDay("on", on); bad != nil {
		return 0, zhili.Invalid("Bad date.", bad...)
	}
	var path string
	cond, args := scopeRegions(a, "r")
	if err := s.db.queryRow(ctx, `SELECT r.path FROM regions r WHERE r.id = ? AND `+cond, append([]any{under}, args...)...).Scan(&path); err != nil {
		return 0, zhili.Errorf(zhili.ENOTFOUND, "Region not found.")
	}
	c, v := underRegion("region_id", path)
	var n int
	err = s.db.queryRow(ctx, `SELECT COUNT(DISTINCT person_id) FROM positions WHERE role = ? AND start_day <= ? AND (end_day IS NULL OR end_day >= ?) AND `+c,
		append([]any{string(role), on, on}, v...)...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count people: %w", err)
	}
	return n, nil
}
