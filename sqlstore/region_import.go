package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/geo"
)

type knownRegion struct {
	id    int64
	path  string
	level zhili.RegionLevel
	name  string
	line  int // the import row that created it, 0 if it was in the database
	// retired regions take no new children
	retired bool
}

// ImportRegions creates regions that are new and renames those whose name changed,
// in one transaction: any bad row and nothing is written. Parents may be earlier in
// the file or already in the database (and in the caller's scope).
func (s *RegionService) ImportRegions(ctx context.Context, rows []zhili.RegionRow) (*zhili.RegionImport, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActRegionWrite); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, errNoRegionRows()
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := tx.lockTree(ctx); err != nil {
		return nil, err
	}
	known, err := tx.loadRegions(ctx)
	if err != nil {
		return nil, err
	}
	res, err := importRegionRows(a, known, rows, regionWrites{
		create: func(r *zhili.Region, parentPath string) error { return tx.insertRegion(ctx, a, r, parentPath) },
		rename: func(k *knownRegion, row zhili.RegionRow) error {
			if _, err := tx.exec(ctx, `UPDATE regions SET name = ?, updated_at = ? WHERE id = ?`, row.Name, ts(tx.now), k.id); err != nil {
				return fmt.Errorf("rename region %s: %w", row.Code, err)
			}
			return tx.regionEvent(ctx, a, k.id, "rename", k.name, row.Name)
		},
	})
	if err != nil {
		return nil, err
	}
	if err := tx.audit(ctx, a, "region.import", "region", "", res); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit import: %w", err)
	}
	return res, nil
}

// errNoRegionRows is the EINVALID of a region import without rows.
func errNoRegionRows() error { return zhili.Invalid("The file has no rows.") }

// regionWrites store what importRegionRows accepts. create stores a valid new
// region under its parent's path and sets its ID and Path; rename gives the
// region k in the database the row's name.
type regionWrites struct {
	create func(r *zhili.Region, parentPath string) error
	rename func(k *knownRegion, row zhili.RegionRow) error
}

// importRegionRows checks the rows of a region import by a against the regions
// known by code (line 0: in the database) and writes them through w, parents
// first, then in file order, while every row so far is good; after a bad row it
// keeps checking and writes nothing more, and it returns EINVALID listing every
// bad row (the caller rolls back). known gains the new regions. The service and
// DemoBatch.ImportRegions both import with it, so a rule added here holds for
// the demo seed too.
func importRegionRows(a *zhili.Actor, known map[string]*knownRegion, rows []zhili.RegionRow, w regionWrites) (*zhili.RegionImport, error) {
	// Parents first, then file order: a file may list villages before townships.
	sorted := append([]zhili.RegionRow(nil), rows...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Level < sorted[j].Level })
	res := &zhili.RegionImport{}
	var bad []zhili.FieldError
	fail := func(row zhili.RegionRow, field, code, reason string) {
		bad = append(bad, zhili.FieldError{Row: row.Line, Column: field, Field: field, Code: code, Reason: reason})
	}
	for _, row := range sorted {
		if k, ok := known[row.Code]; ok {
			if k.line != 0 {
				fail(row, "code", "duplicate", fmt.Sprintf("code %s also on row %d", row.Code, k.line))
				continue
			}
			if !a.InScope(k.path) {
				fail(row, "code", "duplicate", fmt.Sprintf("code %s is taken by a region outside your area", row.Code))
				continue
			}
			if k.level != row.Level {
				fail(row, "code", "level_mismatch", fmt.Sprintf("code %s is a %s in the database, not a %s", row.Code, k.level, row.Level))
				continue
			}
			if k.name != row.Name && len(bad) == 0 {
				if err := w.rename(k, row); err != nil {
					return nil, err
				}
				res.Updated++
			}
			k.line = row.Line
			continue
		}
		r := &zhili.Region{Code: row.Code, Name: row.Name, Level: row.Level, Kind: row.Kind, CountySeat: row.CountySeat}
		if fe := validateRegion(r); len(fe) > 0 {
			for _, f := range fe {
				fail(row, f.Field, f.Code, f.Reason)
			}
			continue
		}
		parent, ok := known[row.ParentCode]
		switch {
		case row.ParentCode == "" && row.Level > zhili.LevelCounty:
			fail(row, "parent_code", "required", "only a city or county may have no parent")
			continue
		case row.ParentCode != "" && !ok:
			fail(row, "parent_code", "unknown_parent", fmt.Sprintf("parent %s is neither in the file nor in the database", row.ParentCode))
			continue
		case ok && parent.level != row.Level-1:
			fail(row, "parent_code", "bad_parent", fmt.Sprintf("a %s must sit under a %s; %s is a %s", row.Level, row.Level-1, row.ParentCode, parent.level))
			continue
		case ok && !a.InScope(parent.path):
			fail(row, "parent_code", "unknown_parent", fmt.Sprintf("parent %s is outside your area", row.ParentCode))
			continue
		case ok && parent.retired:
			fail(row, "parent_code", "retired_parent", fmt.Sprintf("parent %s is retired", row.ParentCode))
			continue
		case row.ParentCode == "" && !a.System && a.ScopePath != "":
			fail(row, "parent_code", "required", "only a deployment-wide administrator may add a root region")
			continue
		}
		known[row.Code] = &knownRegion{level: row.Level, name: row.Name, line: row.Line}
		if len(bad) > 0 {
			continue // keep checking, but write nothing more
		}
		ppath := "/"
		if ok {
			r.ParentID, ppath = parent.id, parent.path
		}
		if err := w.create(r, ppath); err != nil {
			return nil, fmt.Errorf("row %d: %w", row.Line, err)
		}
		known[row.Code].id, known[row.Code].path = r.ID, r.Path
		res.Created++
	}
	if len(bad) > 0 {
		sort.SliceStable(bad, func(i, j int) bool { return bad[i].Row < bad[j].Row })
		return nil, zhili.Invalid(fmt.Sprintf("The file has %d bad rows; nothing was imported.", len(bad)), bad...)
	}
	return res, nil
}

func (tx *Tx) loadRegions(ctx context.Context) (map[string]*knownRegion, error) {
	rows, err := tx.query(ctx, `SELECT id, code, path, level, name, retired_at FROM regions`)
	if err != nil {
		return nil, fmt.Errorf("load regions: %w", err)
	}
	defer rows.Close()
	known := map[string]*knownRegion{}
	for rows.Next() {
		var k knownRegion
		var code string
		var retired sql.NullString
		if err := rows.Scan(&k.id, &code, &k.path, &k.level, &k.name, &retired); err != nil {
			return nil, err
		}
		k.retired = retired.Valid
		known[code] = &k
	}
	return known, rows.Err()
}

// insertRegion writes a validated region under a parent path.
func (tx *Tx) insertRegion(ctx context.Context, a *zhili.Actor, r *zhili.Region, parentPath string) error {
	now := ts(tx.now)
	if err := tx.queryRow(ctx, `INSERT INTO regions (code, name, parent_id, level, kind, path, county_seat, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, '', ?, ?, ?) RETURNING id`,
		r.Code, r.Name, nullID(r.ParentID), int(r.Level), string(r.Kind), r.CountySeat, now, now).Scan(&r.ID); err != nil {
		return fmt.Errorf("insert region %s: %w", r.Code, err)
	}
	r.Path = childPath(parentPath, r.ID)
	if _, err := tx.exec(ctx, `UPDATE regions SET path = ? WHERE id = ?`, r.Path, r.ID); err != nil {
		return fmt.Errorf("set region path: %w", err)
	}
	return tx.regionEvent(ctx, a, r.ID, "create", "", regionCreated(r))
}

// regionCreated is the after text of a region's "create" event.
func regionCreated(r *zhili.Region) string { return r.Code + " " + r.Name }

// SetBoundaries attaches geometries to regions by code, all or nothing, and bumps
// the boundary version so every instance rebuilds its point→grid index.
func (s *RegionService) SetBoundaries(ctx context.Context, byCode map[string]json.RawMessage) (int, error) {
	a, err := actor(ctx)
	if err != nil {
		return 0, err
	}
	if err := a.Require(zhili.ActRegionWrite); err != nil {
		return 0, err
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if err := tx.lockTree(ctx); err != nil {
		return 0, err
	}
	known, err := tx.loadRegions(ctx)
	if err != nil {
		return 0, err
	}
	codes, err := checkBoundaries(a, known, byCode)
	if err != nil {
		return 0, err
	}
	for _, code := range codes {
		id := known[code].id
		if _, err := tx.exec(ctx, `UPDATE regions SET boundary = ?, updated_at = ? WHERE id = ?`, string(byCode[code]), ts(tx.now), id); err != nil {
			return 0, fmt.Errorf("set boundary %s: %w", code, err)
		}
		if err := tx.regionEvent(ctx, a, id, "boundary", "", ""); err != nil {
			return 0, err
		}
	}
	if err := tx.bumpSetting(ctx, "boundary_version"); err != nil {
		return 0, err
	}
	if err := tx.audit(ctx, a, "region.boundaries", "region", "", map[string]int{"count": len(codes)}); err != nil {
		return 0, err
	}
	return len(codes), tx.Commit()
}

// checkBoundaries checks the boundaries a sets by code against the regions
// known: each must be a region's in a's scope and a well-formed geometry. It
// returns the codes sorted, in which order they are written, or EINVALID
// listing every bad one. SetBoundaries and DemoBatch.ImportRegions both check
// with it.
func checkBoundaries(a *zhili.Actor, known map[string]*knownRegion, byCode map[string]json.RawMessage) ([]string, error) {
	codes := make([]string, 0, len(byCode))
	for c := range byCode {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	var bad []zhili.FieldError
	for _, code := range codes {
		k, ok := known[code]
		if !ok || !a.InScope(k.path) {
			bad = append(bad, zhili.FieldError{Column: code, Field: "code", Code: "unknown_region", Reason: fmt.Sprintf("no region with code %s in your area", code)})
			continue
		}
		if _, err := geo.ParseGeometry(byCode[code]); err != nil {
			bad = append(bad, zhili.FieldError{Column: code, Field: "geometry", Code: "malformed", Reason: err.Error()})
		}
	}
	if len(bad) > 0 {
		return nil, zhili.Invalid(fmt.Sprintf("%d boundaries are bad; nothing was changed.", len(bad)), bad...)
	}
	return codes, nil
}
