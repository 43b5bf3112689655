package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/zhili-project/zhili"
)

// ImportRegions stores the whole region tree of an empty database in the batch
// as RegionService.ImportRegions (as a at importAt) followed by
// RegionService.SetBoundaries (at boundaryAt) would: the same checks, by the
// same code (importRegionRows and checkBoundaries; any failure stores
// nothing), the same rows with their paths, the "create" and
// "boundary" events, the boundary version and the "region.import" and
// "region.boundaries" audit entries. It refuses a database that has regions,
// and returns the region ids by code.
func (b *DemoBatch) ImportRegions(ctx context.Context, a *zhili.Actor, importAt time.Time, rows []zhili.RegionRow,
	boundaryAt time.Time, boundaries map[string]json.RawMessage) (map[string]int64, error) {
	if err := a.Require(zhili.ActRegionWrite); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, errNoRegionRows()
	}
	var n int
	if err := b.queryRow(ctx, `SELECT COUNT(*) FROM regions`).Scan(&n); err != nil {
		return nil, fmt.Errorf("count regions: %w", err)
	}
	if n > 0 {
		return nil, zhili.Errorf(zhili.ECONFLICT, "The database already has %d regions; the batch imports into an empty tree only.", n)
	}
	importAt, boundaryAt = importAt.UTC().Truncate(time.Microsecond), boundaryAt.UTC().Truncate(time.Microsecond)
	// The service's checks on an empty tree; ids are handed out as it goes, the
	// rows are written below, many a statement.
	known := map[string]*knownRegion{}
	var order []*zhili.Region
	res, err := importRegionRows(a, known, rows, regionWrites{
		create: func(r *zhili.Region, parentPath string) error {
			id, err := b.NextID(ctx, "regions")
			if err != nil {
				return err
			}
			r.ID, r.Path = id, childPath(parentPath, id)
			order = append(order, r)
			return nil
		},
		rename: func(_ *knownRegion, row zhili.RegionRow) error {
			return fmt.Errorf("demo batch: region %s is not new", row.Code) // the tree is empty
		},
	})
	if err != nil {
		return nil, err
	}
	codes, err := checkBoundaries(a, known, boundaries)
	if err != nil {
		return nil, err
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
		events = append(events, []any{eid, r.ID, "create", "", regionCreated(r), created, user})
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
	if err := b.Audit(a, importAt, "region.import", "region", "", res); err != nil {
		return nil, err
	}
	if err := bumpSetting(ctx, b, "boundary_version"); err != nil {
		return nil, err
	}
	if err := b.Audit(a, boundaryAt, "region.boundaries", "region", "", map[string]int{"count": len(codes)}); err != nil {
		return nil, err
	}
	return ids, nil
}
