package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/zhili-project/zhili"
)

// RegionService keeps the administrative tree.
type RegionService struct{ db *DB }

// NewRegionService returns the region service of db.
func NewRegionService(db *DB) *RegionService { return &RegionService{db: db} }

var _ zhili.RegionService = (*RegionService)(nil)

const regionColumns = `r.id, r.code, r.name, COALESCE(r.parent_id, 0), r.level, r.kind, r.path, r.county_seat, COALESCE(r.boundary, ''), r.retired_at, r.created_at, r.updated_at`

func scanRegion(row interface{ Scan(...any) error }) (*zhili.Region, error) {
	var r zhili.Region
	var boundary, created, updated string
	var retired sql.NullString
	if err := row.Scan(&r.ID, &r.Code, &r.Name, &r.ParentID, &r.Level, &r.Kind, &r.Path, &r.CountySeat,
		&boundary, &retired, &created, &updated); err != nil {
		return nil, err
	}
	if boundary != "" {
		r.Boundary = json.RawMessage(boundary)
	}
	r.Retired, r.CreatedAt, r.UpdatedAt = parseNullTS(retired), parseTS(created), parseTS(updated)
	return &r, nil
}

// FindRegion returns one region in scope.
func (s *RegionService) FindRegion(ctx context.Context, id int64) (*zhili.Region, error) {
	return s.findOne(ctx, zhili.RegionFilter{ID: &id, IncludeRetired: true})
}

// FindRegionByCode returns one region in scope by its code.
func (s *RegionService) FindRegionByCode(ctx context.Context, code string) (*zhili.Region, error) {
	return s.findOne(ctx, zhili.RegionFilter{Code: &code, IncludeRetired: true})
}

func (s *RegionService) findOne(ctx context.Context, f zhili.RegionFilter) (*zhili.Region, error) {
	f.Limit = 1
	rs, _, err := s.FindRegions(ctx, f)
	if err != nil {
		return nil, err
	} else if len(rs) == 0 {
		return nil, zhili.Errorf(zhili.ENOTFOUND, "Region not found.")
	}
	return rs[0], nil
}

// FindRegions lists regions in scope, ordered by code.
func (s *RegionService) FindRegions(ctx context.Context, f zhili.RegionFilter) ([]*zhili.Region, int, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, 0, err
	}
	if err := a.Require(zhili.ActRegionRead); err != nil {
		return nil, 0, err
	}
	where, args := scopeRegions(a, "r")
	conds := []string{where}
	add := func(c string, v ...any) { conds = append(conds, c); args = append(args, v...) }
	if f.ID != nil {
		add("r.id = ?", *f.ID)
	}
	if f.Code != nil {
		add("r.code = ?", *f.Code)
	}
	if f.ParentID != nil {
		add("r.parent_id = ?", *f.ParentID)
	}
	if f.Level != nil {
		add("r.level = ?", int(*f.Level))
	}
	if f.Name != "" {
		add("r.name LIKE ?", "%"+escapeLike(f.Name)+"%")
	}
	if f.Under != nil {
		var path string
		if err := s.db.queryRow(ctx, `SELECT path FROM regions WHERE id = ?`, *f.Under).Scan(&path); err != nil {
			return nil, 0, nil // an unknown root has an empty subtree
		}
		c, v := subtree("r.path", path)
		add(c, v...)
	}
	if !f.IncludeRetired {
		add("r.retired_at IS NULL")
	}
	cond := strings.Join(conds, " AND ")
	var total int
	if err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM regions r WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count regions: %w", err)
	}
	rows, err := s.db.query(ctx, `SELECT `+regionColumns+` FROM regions r WHERE `+cond+` ORDER BY r.code`+limit(f.Offset, f.Limit), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find regions: %w", err)
	}
	defer rows.Close()
	var out []*zhili.Region
	for rows.Next() {
		r, err := scanRegion(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("scan region: %w", err)
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// escapeLike keeps user text from acting as LIKE wildcards.
func escapeLike(s string) string {
	return strings.NewReplacer("%", "", "_", "").Replace(s)
}

// CreateRegion adds a region under its parent, which must be in scope and one level up.
func (s *RegionService) CreateRegion(ctx context.Context, r *zhili.Region) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := a.Require(zhili.ActRegionWrite); err != nil {
		return err
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.lockTree(ctx); err != nil {
		return err
	}
	if err := tx.createRegion(ctx, a, r); err != nil {
		return err
	}
	if err := tx.audit(ctx, a, "region.create", "region", r.ID, map[string]any{"code": r.Code, "name": r.Name}); err != nil {
		return err
	}
	return tx.Commit()
}

// validateRegion checks a region's own fields; fields name the bad ones.
func validateRegion(r *zhili.Region) []zhili.FieldError {
	var bad []zhili.FieldError
	r.Name = strings.TrimSpace(r.Name)
	if r.Name == "" {
		bad = append(bad, zhili.FieldError{Field: "name", Code: "required", Reason: "name is required"})
	} else if utf8.RuneCountInString(r.Name) > 100 {
		bad = append(bad, zhili.FieldError{Field: "name", Code: "too_long", Reason: "name is longer than 100 characters"})
	}
	if r.Level < zhili.LevelCity || r.Level > zhili.LevelGrid {
		bad = append(bad, zhili.FieldError{Field: "level", Code: "unknown_level", Reason: fmt.Sprintf("level %d is not 0–4", r.Level)})
	} else if !zhili.ValidKind(r.Level, r.Kind) {
		bad = append(bad, zhili.FieldError{Field: "kind", Code: "kind_mismatch", Reason: fmt.Sprintf("kind %q does not belong to level %s", r.Kind, r.Level)})
	}
	if msg := checkCode(r.Code, r.Level); msg != "" {
		bad = append(bad, zhili.FieldError{Field: "code", Code: "malformed", Reason: msg})
	}
	return bad
}

// checkCode checks a code's shape for its level: 12 digits for a city, county,
// township or village, 15 for a grid.
func checkCode(code string, level zhili.RegionLevel) string {
	want := 12
	if level == zhili.LevelGrid {
		want = 15
	}
	if len(code) != want {
		return fmt.Sprintf("code %q must have %d digits for a %s", code, want, level)
	}
	for _, c := range code {
		if c < '0' || c > '9' {
			return fmt.Sprintf("code %q must be digits only", code)
		}
	}
	return ""
}

func (tx *Tx) createRegion(ctx context.Context, a *zhili.Actor, r *zhili.Region) error {
	if bad := validateRegion(r); len(bad) > 0 {
		return zhili.Invalid("The region is not valid.", bad...)
	}
	parentPath := "/"
	if r.ParentID != 0 {
		var plevel int
		var ppath string
		cond, args := scopeRegions(a, "r")
		err := tx.queryRow(ctx, `SELECT r.level, r.path FROM regions r WHERE r.id = ? AND r.retired_at IS NULL AND `+cond,
			append([]any{r.ParentID}, args...)...).Scan(&plevel, &ppath)
		if errors.Is(err, sql.ErrNoRows) {
			return zhili.Invalid("The parent region does not exist.", zhili.FieldError{Field: "parent_id", Code: "unknown_parent", Reason: "parent region not found"})
		} else if err != nil {
			return fmt.Errorf("find parent: %w", err)
		}
		if zhili.RegionLevel(plevel) != r.Level-1 {
			return zhili.Invalid("The parent is not one level up.", zhili.FieldError{Field: "parent_id", Code: "bad_parent",
				Reason: fmt.Sprintf("a %s must sit under a %s, not a %s", r.Level, r.Level-1, zhili.RegionLevel(plevel))})
		}
		parentPath = ppath
	} else if !a.System && a.ScopePath != "" {
		return zhili.Errorf(zhili.EFORBIDDEN, "Only a deployment-wide administrator may add a root region.")
	} else if r.Level > zhili.LevelCounty {
		return zhili.Invalid("The region needs a parent.", zhili.FieldError{Field: "parent_id", Code: "required", Reason: "only a city or county may be a root"})
	}
	now := ts(tx.now)
	err := tx.queryRow(ctx, `INSERT INTO regions (code, name, parent_id, level, kind, path, county_seat, boundary, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, '', ?, ?, ?, ?) RETURNING id`,
		r.Code, r.Name, nullID(r.ParentID), int(r.Level), string(r.Kind), r.CountySeat, nullString(string(r.Boundary)), now, now).Scan(&r.ID)
	if err != nil {
		if tx.db.dialect.isUnique(err) {
			return &zhili.Error{Code: zhili.ECONFLICT, Message: "A region with this code exists.",
				Fields: []zhili.FieldError{{Field: "code", Code: "duplicate", Reason: fmt.Sprintf("code %s is taken", r.Code)}}}
		}
		return fmt.Errorf("insert region: %w", err)
	}
	r.Path = childPath(parentPath, r.ID)
	if _, err := tx.exec(ctx, `UPDATE regions SET path = ? WHERE id = ?`, r.Path, r.ID); err != nil {
		return fmt.Errorf("set region path: %w", err)
	}
	r.CreatedAt, r.UpdatedAt = tx.now, tx.now
	return tx.regionEvent(ctx, a, r.ID, "create", "", r.Code+" "+r.Name)
}

func (tx *Tx) regionEvent(ctx context.Context, a *zhili.Actor, id int64, action, before, after string) error {
	_, err := tx.exec(ctx, `INSERT INTO region_events (region_id, action, before, after, at, user_id) VALUES (?, ?, ?, ?, ?, ?)`,
		id, action, before, after, ts(tx.now), nullID(a.UserID))
	if err != nil {
		return fmt.Errorf("record region event: %w", err)
	}
	return nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
