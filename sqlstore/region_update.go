package sqlstore

import (
	"context"
	"fmt"
	"strconv"

	"github.com/zhili-project/zhili"
)

// UpdateRegion renames, moves, re-kinds or retires a region. Each change is a region
// event; a move rewrites the paths of the whole subtree in the same transaction, and
// records keep pointing at the same region ids, so a case keeps its grid.
func (s *RegionService) UpdateRegion(ctx context.Context, id int64, u zhili.RegionUpdate) (*zhili.Region, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActRegionWrite); err != nil {
		return nil, err
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// Serialise tree changes and read the region only once no other writer can
	// change it, so concurrent updates never act on a stale name or path.
	if err := tx.lockTree(ctx); err != nil {
		return nil, err
	}
	r, err := s.FindRegion(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.Retired != nil {
		return nil, zhili.Errorf(zhili.ECONFLICT, "The region is retired and cannot change.")
	}
	changes := map[string]any{}
	if u.Name != nil && *u.Name != r.Name {
		next := *r
		next.Name = *u.Name
		if bad := validateRegion(&next); len(bad) > 0 {
			return nil, zhili.Invalid("The region is not valid.", bad...)
		}
		if _, err := tx.exec(ctx, `UPDATE regions SET name = ?, updated_at = ? WHERE id = ?`, next.Name, ts(tx.now), id); err != nil {
			return nil, fmt.Errorf("rename region: %w", err)
		}
		if err := tx.regionEvent(ctx, a, id, "rename", r.Name, next.Name); err != nil {
			return nil, err
		}
		changes["name"] = next.Name
	}
	if u.Kind != nil && *u.Kind != r.Kind {
		if !zhili.ValidKind(r.Level, *u.Kind) {
			return nil, zhili.Invalid("The kind does not fit the level.", zhili.FieldError{Field: "kind", Code: "kind_mismatch",
				Reason: fmt.Sprintf("kind %q does not belong to level %s", *u.Kind, r.Level)})
		}
		if _, err := tx.exec(ctx, `UPDATE regions SET kind = ?, updated_at = ? WHERE id = ?`, string(*u.Kind), ts(tx.now), id); err != nil {
			return nil, fmt.Errorf("change region kind: %w", err)
		}
		if err := tx.regionEvent(ctx, a, id, "kind", string(r.Kind), string(*u.Kind)); err != nil {
			return nil, err
		}
		changes["kind"] = *u.Kind
	}
	if u.CountySeat != nil && *u.CountySeat != r.CountySeat {
		if _, err := tx.exec(ctx, `UPDATE regions SET county_seat = ?, updated_at = ? WHERE id = ?`, *u.CountySeat, ts(tx.now), id); err != nil {
			return nil, fmt.Errorf("set county seat: %w", err)
		}
		if err := tx.regionEvent(ctx, a, id, "county_seat", strconv.FormatBool(r.CountySeat), strconv.FormatBool(*u.CountySeat)); err != nil {
			return nil, err
		}
		changes["county_seat"] = *u.CountySeat
	}
	if u.ParentID != nil && *u.ParentID != r.ParentID {
		if err := tx.moveRegion(ctx, a, r, *u.ParentID); err != nil {
			return nil, err
		}
		changes["parent_id"] = *u.ParentID
	}
	if u.Retire {
		var live int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM regions WHERE parent_id = ? AND retired_at IS NULL`, id).Scan(&live); err != nil {
			return nil, fmt.Errorf("count children: %w", err)
		}
		if live > 0 {
			return nil, zhili.Errorf(zhili.ECONFLICT, "The region still has %d active sub-regions; move or retire them first.", live)
		}
		if _, err := tx.exec(ctx, `UPDATE regions SET retired_at = ?, updated_at = ? WHERE id = ?`, ts(tx.now), ts(tx.now), id); err != nil {
			return nil, fmt.Errorf("retire region: %w", err)
		}
		if err := tx.regionEvent(ctx, a, id, "retire", "", ""); err != nil {
			return nil, err
		}
		// The point→grid index leaves retired grids out: tell every instance to rebuild.
		if r.Level == zhili.LevelGrid {
			if err := tx.bumpSetting(ctx, "boundary_version"); err != nil {
				return nil, err
			}
		}
		changes["retired"] = true
	}
	if len(changes) == 0 {
		return r, nil
	}
	if err := tx.audit(ctx, a, "region.update", "region", id, changes); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit region update: %w", err)
	}
	return s.FindRegion(ctx, id)
}

// lockTree serialises transactions that change the region tree (SQLite write
// transactions already are), so reads made after it see every committed change
// and no other change to the tree is under way.
func (tx *Tx) lockTree(ctx context.Context) error {
	if err := tx.db.dialect.lockTree(ctx, tx); err != nil {
		return fmt.Errorf("lock region tree: %w", err)
	}
	return nil
}

// moveRegion re-parents r and its whole subtree.
func (tx *Tx) moveRegion(ctx context.Context, a *zhili.Actor, r *zhili.Region, parentID int64) error {
	var plevel int
	var ppath, pcode string
	cond, args := scopeRegions(a, "p")
	err := tx.queryRow(ctx, `SELECT p.level, p.path, p.code FROM regions p WHERE p.id = ? AND p.retired_at IS NULL AND `+cond,
		append([]any{parentID}, args...)...).Scan(&plevel, &ppath, &pcode)
	if err != nil {
		return zhili.Invalid("The new parent does not exist.", zhili.FieldError{Field: "parent_id", Code: "unknown_parent", Reason: "parent region not found"})
	}
	if zhili.RegionLevel(plevel) != r.Level-1 {
		return zhili.Invalid("The new parent is not one level up.", zhili.FieldError{Field: "parent_id", Code: "bad_parent",
			Reason: fmt.Sprintf("a %s must sit under a %s", r.Level, r.Level-1)})
	}
	newPath := childPath(ppath, r.ID)
	where, wargs := subtree("path", r.Path)
	// substr is 1-based in both dialects: keep everything after the old prefix.
	q := `UPDATE regions SET path = ? || substr(path, ?), updated_at = ? WHERE ` + where
	if _, err := tx.exec(ctx, q, append([]any{newPath, len(r.Path) + 1, ts(tx.now)}, wargs...)...); err != nil {
		return fmt.Errorf("move subtree: %w", err)
	}
	if _, err := tx.exec(ctx, `UPDATE regions SET parent_id = ? WHERE id = ?`, parentID, r.ID); err != nil {
		return fmt.Errorf("move region: %w", err)
	}
	var before string
	if err := tx.queryRow(ctx, `SELECT code FROM regions WHERE id = ?`, r.ParentID).Scan(&before); err != nil {
		before = strconv.FormatInt(r.ParentID, 10)
	}
	return tx.regionEvent(ctx, a, r.ID, "move", before, pcode)
}

// RegionHistory lists the events of a region in scope, oldest first.
func (s *RegionService) RegionHistory(ctx context.Context, id int64) ([]*zhili.RegionEvent, error) {
	if _, err := s.FindRegion(ctx, id); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT id, region_id, action, before, after, at, COALESCE(user_id, 0) FROM region_events WHERE region_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("region history: %w", err)
	}
	defer rows.Close()
	var out []*zhili.RegionEvent
	for rows.Next() {
		var e zhili.RegionEvent
		var at string
		if err := rows.Scan(&e.ID, &e.RegionID, &e.Action, &e.Before, &e.After, &at, &e.UserID); err != nil {
			return nil, err
		}
		e.At = parseTS(at)
		out = append(out, &e)
	}
	return out, rows.Err()
}
