package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/zhili-project/zhili"
)

// FileDailyCheck records the caller's 日排查 of a grid. An account linked to a
// person may file only for grids where that person holds a grid-member post on the
// day; an account without a person link (a village operator filing on paper's
// behalf) may file for any grid in its scope.
func (s *RhythmService) FileDailyCheck(ctx context.Context, gridID int64, day string, found int, note string) (*zhili.DailyCheck, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActBusinessWrite); err != nil {
		return nil, err
	}
	if a.UserID == 0 {
		return nil, zhili.Errorf(zhili.EFORBIDDEN, "A sweep is filed by a person's own account.")
	}
	now := s.db.Clock.Now()
	note = strings.TrimSpace(note)
	bad := validDay("day", day)
	if today, yesterday := zhili.Day(now), zhili.Day(now.AddDate(0, 0, -1)); bad == nil && day != today && day != yesterday {
		bad = append(bad, zhili.FieldError{Field: "day", Code: "out_of_range", Reason: fmt.Sprintf("a sweep is filed for today (%s) or yesterday (%s)", today, yesterday)})
	}
	if found < 0 || found > 10000 {
		bad = append(bad, zhili.FieldError{Field: "found", Code: "out_of_range", Reason: "found must be 0–10000"})
	}
	if utf8.RuneCountInString(note) > 1000 {
		bad = append(bad, zhili.FieldError{Field: "note", Code: "too_long", Reason: "note is longer than 1000 characters"})
	}
	if len(bad) > 0 {
		return nil, zhili.Invalid("The sweep is not valid.", bad...)
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := tx.maySweep(ctx, a, gridID, day); err != nil {
		return nil, err
	}
	c := &zhili.DailyCheck{GridID: gridID, UserID: a.UserID, Day: day, Found: found, ZeroReport: found == 0, Note: note, CreatedAt: tx.now}
	err = tx.queryRow(ctx, `INSERT INTO daily_checks (grid_id, user_id, day, found, zero_report, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (grid_id, user_id, day) DO NOTHING RETURNING id`,
		gridID, a.UserID, day, found, c.ZeroReport, note, ts(tx.now)).Scan(&c.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhili.Errorf(zhili.ECONFLICT, "You have already filed the sweep of this grid for %s.", day)
	} else if err != nil {
		return nil, fmt.Errorf("file daily check: %w", err)
	}
	if err := tx.audit(ctx, a, "daily_check.file", "daily_check", c.ID, map[string]any{"grid_id": gridID, "day": day, "found": found}); err != nil {
		return nil, err
	}
	return c, tx.Commit()
}

// maySweep checks the grid exists and the actor may file its sweep for day.
func (tx *Tx) maySweep(ctx context.Context, a *zhili.Actor, gridID int64, day string) error {
	var path string
	var level zhili.RegionLevel
	err := tx.queryRow(ctx, `SELECT path, level FROM regions WHERE id = ? AND retired_at IS NULL`, gridID).Scan(&path, &level)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && level != zhili.LevelGrid) {
		return zhili.Errorf(zhili.ENOTFOUND, "Grid not found.")
	} else if err != nil {
		return fmt.Errorf("find grid %d: %w", gridID, err)
	}
	var person int64
	if err := tx.queryRow(ctx, `SELECT COALESCE(person_id, 0) FROM users WHERE id = ?`, a.UserID).Scan(&person); err != nil {
		return fmt.Errorf("account %d: %w", a.UserID, err)
	}
	if person == 0 {
		if !a.InScope(path) {
			return zhili.Errorf(zhili.ENOTFOUND, "Grid not found.")
		}
		return nil
	}
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM positions WHERE person_id = ? AND role = ? AND region_id = ?
		AND start_day <= ? AND (end_day IS NULL OR end_day >= ?)`,
		person, string(zhili.PositionGridMember), gridID, day, day).Scan(&n); err != nil {
		return fmt.Errorf("grid member post: %w", err)
	}
	switch {
	case n > 0:
		return nil
	case a.InScope(path):
		return zhili.Errorf(zhili.EFORBIDDEN, "You hold no grid-member post in this grid on %s.", day)
	}
	return zhili.Errorf(zhili.ENOTFOUND, "Grid not found.")
}

// MissingChecks lists the grids under a region with a grid member in post on day
// and no sweep filed for it by anyone, with the members' names.
func (s *RhythmService) MissingChecks(ctx context.Context, regionID int64, day string) ([]*zhili.MissingCheck, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if bad := validDay("day", day); bad != nil {
		return nil, zhili.Invalid("Bad date.", bad...)
	}
	reg, err := s.db.scopedRegion(ctx, a, regionID)
	if err != nil {
		return nil, err
	}
	return s.db.missingChecks(ctx, reg.Path, day)
}

func (db *DB) missingChecks(ctx context.Context, path, day string) ([]*zhili.MissingCheck, error) {
	cond, args := subtree("g.path", path)
	rows, err := db.query(ctx, `SELECT g.id, g.code, g.name, COALESCE(t.id, 0), COALESCE(t.name, ''), n.name
		FROM regions g JOIN positions p ON p.region_id = g.id JOIN people n ON n.id = p.person_id
		LEFT JOIN regions v ON v.id = g.parent_id LEFT JOIN regions t ON t.id = v.parent_id AND t.level = ?
		WHERE g.level = ? AND g.retired_at IS NULL AND `+cond+`
		AND p.role = ? AND p.start_day <= ? AND (p.end_day IS NULL OR p.end_day >= ?)
		AND NOT EXISTS (SELECT 1 FROM daily_checks d WHERE d.grid_id = g.id AND d.day = ?)
		ORDER BY g.code, n.name, p.id`,
		append(append([]any{int(zhili.LevelTownship), int(zhili.LevelGrid)}, args...), string(zhili.PositionGridMember), day, day, day)...)
	if err != nil {
		return nil, fmt.Errorf("missing checks: %w", err)
	}
	defer rows.Close()
	out := []*zhili.MissingCheck{}
	for rows.Next() {
		var m zhili.MissingCheck
		var member string
		if err := rows.Scan(&m.GridID, &m.GridCode, &m.GridName, &m.TownshipID, &m.Township, &member); err != nil {
			return nil, fmt.Errorf("scan missing check: %w", err)
		}
		if n := len(out); n > 0 && out[n-1].GridID == m.GridID {
			if !slices.Contains(out[n-1].Members, member) {
				out[n-1].Members = append(out[n-1].Members, member)
			}
			continue
		}
		m.Members = []string{member}
		out = append(out, &m)
	}
	return out, rows.Err()
}
