package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/geo"
)

// ImportRegions stores the whole region tree of an empty database in the batch
// as RegionService.ImportRegions (as a at importAt) followed by
// RegionService.SetBoundaries (at boundaryAt) would: the same checks (the
// actor may write regions, every row valid, parents in the file one level up,
// codes unique, every boundary a region's and a well-formed geometry; any
// failure stores nothing), the same rows with their paths, the "create" and
// "boundary" events, the boundary version and the "region.import" and
// "region.boundaries" audit entries. It refuses a database that has regions,
// and returns the region ids by code.
func (b *DemoBatch) ImportRegions(ctx context.Context, a *zhili.Actor, importAt time.Time, rows []zhili.RegionRow,
	boundaryAt time.Time, boundaries map[string]json.RawMessage) (map[string]int64, error) {
	if err := a.Require(zhili.ActRegionWrite); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, zhili.Invalid("The file has no rows.")
	}
	var n int
	if err := b.queryRow(ctx, `SELECT COUNT(*) FROM regions`).Scan(&n); err != nil {
		return nil, fmt.Errorf("count regions: %w", err)
	}
	if n > 0 {
		return nil, zhili.Errorf(zhili.ECONFLICT, "The database already has %d regions; the batch imports into an empty tree only.", n)
	}
	importAt, boundaryAt = importAt.UTC().Truncate(time.Microsecond), boundaryAt.UTC().Truncate(time.Microsecond)
	sorted := append([]zhili.RegionRow(nil), rows...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Level < sorted[j].Level })
	type made struct {
		r    *zhili.Region
		line int
	}
	known := map[string]*made{}
	var bad []zhili.FieldError
	fail := func(row zhili.RegionRow, field, code, reason string) {
		bad = append(bad, zhili.FieldError{Row: row.Line, Column: field, Field: field, Code: code, Reason: reason})
	}
	var order []*zhili.Region
	for _, row := range sorted {
		if k, ok := known[row.Code]; ok {
			fail(row, "code", "duplicate", fmt.Sprintf("code %s also on row %d", row.Code, k.line))
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
		case ok && parent.r.Level != row.Level-1:
			fail(row, "parent_code", "bad_parent", fmt.Sprintf("a %s must sit under a %s; %s is a %s", row.Level, row.Level-1, row.ParentCode, parent.r.Level))
			continue
		case row.ParentCode == "" && !a.System && a.ScopePath != "":
			fail(row, "parent_code", "required", "only a deployment-wide administrator may add a root region")
			continue
		}
		known[row.Code] = &made{r: r, line: row.Line}
		if len(bad) > 0 {
			continue
		}
		id, err := b.NextID(ctx, "regions")
		if err != nil {
			return nil, err
		}
		ppath := "/"
		if ok {
			r.ParentID, ppath = parent.r.ID, parent.r.Path
		}
		r.ID, r.Path = id, childPath(ppath, id)
		order = append(order, r)
	}
	if len(bad) > 0 {
		sort.SliceStable(bad, func(i, j int) bool { return bad[i].Row < bad[j].Row })
		return nil, zhili.Invalid(fmt.Sprintf("The file has %d bad rows; nothing was imported.", len(bad)), bad...)
	}
	codes := make([]string, 0, len(boundaries))
	for c := range boundaries {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, code := range codes {
		if _, ok := known[code]; !ok {
			bad = append(bad, zhili.FieldError{Column: code, Field: "code", Code: "unknown_region", Reason: fmt.Sprintf("no region with code %s in your area", code)})
			continue
		}
		if _, err := geo.ParseGeometry(boundaries[code]); err != nil {
			bad = append(bad, zhili.FieldError{Column: code, Field: "geometry", Code: "malformed", Reason: err.Error()})
		}
	}
	if len(bad) > 0 {
		return nil, zhili.Invalid(fmt.Sprintf("%d boundaries are bad; nothing was changed.", len(bad)), bad...)
	}
	created, bounded := ts(importAt), ts(boundaryAt)
	user := nullID(a.UserID)
	var regionRows, events [][]any
	ids := make(map[string]int64, len(order))
	for _, r := range order {
		var boundary any
		updated := created
		if g, ok := boundaries[r.Code]; ok {
			boundary, updated = string(g), bounded
		}
		regionRows = append(regionRows, []any{r.ID, r.Code, r.Name, nullID(r.ParentID), int(r.Level), string(r.Kind), r.Path, r.CountySeat,
			boundary, created, updated})
		eid, err := b.NextID(ctx, "region_events")
		if err != nil {
			return nil, err
		}
		events = append(events, []any{eid, r.ID, "create", "", r.Code + " " + r.Name, created, user})
		ids[r.Code] = r.ID
	}
	for _, code := range codes {
		eid, err := b.NextID(ctx, "region_events")
		if err != nil {
			return nil, err
		}
		events = append(events, []any{eid, ids[code], "boundary", "", "", bounded, user})
	}
	if err := b.Insert(ctx, "regions", []string{"id", "code", "name", "parent_id", "level", "kind", "path", "county_seat",
		"boundary", "created_at", "updated_at"}, regionRows); err != nil {
		return nil, err
	}
	if err := b.Insert(ctx, "region_events", []string{"id", "region_id", "action", "before", "after", "at", "user_id"}, events); err != nil {
		return nil, err
	}
	if err := b.Audit(a, importAt, "region.import", "region", "", &zhili.RegionImport{Created: len(order)}); err != nil {
		return nil, err
	}
	if err := b.bumpSetting(ctx, "boundary_version"); err != nil {
		return nil, err
	}
	if err := b.Audit(a, boundaryAt, "region.boundaries", "region", "", map[string]int{"count": len(codes)}); err != nil {
		return nil, err
	}
	return ids, nil
}

// bumpSetting counts a version setting up by one, as tx.bumpSetting does.
func (b *DemoBatch) bumpSetting(ctx context.Context, key string) error {
	res, err := b.exec(ctx, `UPDATE settings SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = ?`, key)
	if err == nil {
		if n, _ := res.RowsAffected(); n == 0 {
			_, err = b.exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)`, key, "1")
		}
	}
	if err != nil {
		return fmt.Errorf("bump %s: %w", key, err)
	}
	return nil
}
