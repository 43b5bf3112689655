package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/assess"
)

// AssessService scores townships and departments by the assessment schemes
// (考核, docs/assessment.md), computed on the fly from cases, supervision
// records, sweeps, ledgers and indicators. A scheme shipped in package assess can
// be overridden by a copy stored in the settings table under
// "assess.scheme.NAME".
type AssessService struct{ db *DB }

var _ assess.Service = (*AssessService)(nil)

// NewAssessService returns the assessment service of db.
func NewAssessService(db *DB) *AssessService { return &AssessService{db: db} }

// schemeSetting is the settings key of a scheme's override.
const schemeSetting = "assess.scheme."

// Schemes lists the effective schemes: the built-in ones with their overrides,
// then schemes that exist only as settings, by name.
func (s *AssessService) Schemes(ctx context.Context) ([]*assess.Scheme, error) {
	rows, err := s.db.query(ctx, `SELECT key, value FROM settings WHERE key >= ? AND key < ? ORDER BY key`, schemeSetting, schemeSetting+"\x7f")
	if err != nil {
		return nil, fmt.Errorf("assessment schemes: %w", err)
	}
	defer rows.Close()
	stored := map[string]*assess.Scheme{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		sc, err := assess.Parse([]byte(v))
		if err != nil {
			return nil, fmt.Errorf("setting %s: %w", k, err)
		}
		sc.Source = "settings"
		stored[strings.TrimPrefix(k, schemeSetting)] = sc
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []*assess.Scheme
	for _, b := range assess.Builtin() {
		if o, ok := stored[b.Name]; ok {
			b = o
			delete(stored, o.Name)
		}
		out = append(out, b)
	}
	var extra []*assess.Scheme
	for _, sc := range stored {
		extra = append(extra, sc)
	}
	slices.SortFunc(extra, func(a, b *assess.Scheme) int { return strings.Compare(a.Name, b.Name) })
	return append(out, extra...), nil
}

// Scheme returns one effective scheme; ENOTFOUND if there is none.
func (s *AssessService) Scheme(ctx context.Context, name string) (*assess.Scheme, error) {
	list, err := s.Schemes(ctx)
	if err != nil {
		return nil, err
	}
	for _, sc := range list {
		if sc.Name == name {
			return sc, nil
		}
	}
	return nil, zhili.Errorf(zhili.ENOTFOUND, "No assessment scheme %q.", name)
}

// SetScheme stores a scheme as an override of the built-in one of its name (or
// as a new scheme). Needs ActTaskAssign (the leading group sets the work plan
// and its assessment); EINVALID names every bad field and changes nothing.
// Audited as assess.scheme.set.
func (s *AssessService) SetScheme(ctx context.Context, raw []byte) (*assess.Scheme, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActTaskAssign); err != nil {
		return nil, err
	}
	if err := requireDeploymentWide(a, "the assessment schemes"); err != nil {
		return nil, err
	}
	sc, err := assess.Parse(raw)
	if err != nil {
		return nil, err
	}
	sc.Source = "settings"
	err = s.db.assessTx(ctx, func(tx *Tx) error {
		if err := tx.putSetting(ctx, schemeSetting+sc.Name, string(raw)); err != nil {
			return err
		}
		return tx.audit(ctx, a, "assess.scheme.set", "assess_scheme", sc.Name, map[string]any{"label": sc.Label, "items": len(sc.Items)})
	})
	return sc, err
}

// ResetScheme removes a scheme's override; the built-in scheme applies again.
// ENOTFOUND when there is no override. Needs ActTaskAssign; audited.
func (s *AssessService) ResetScheme(ctx context.Context, name string) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := a.Require(zhili.ActTaskAssign); err != nil {
		return err
	}
	if err := requireDeploymentWide(a, "the assessment schemes"); err != nil {
		return err
	}
	return s.db.assessTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `DELETE FROM settings WHERE key = ?`, schemeSetting+name)
		if err != nil {
			return fmt.Errorf("reset scheme: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return zhili.Errorf(zhili.ENOTFOUND, "Scheme %q has no override.", name)
		}
		return tx.audit(ctx, a, "assess.scheme.reset", "assess_scheme", name, nil)
	})
}

// putSetting inserts or replaces a setting.
func (tx *Tx) putSetting(ctx context.Context, key, value string) error {
	var v string
	err := tx.queryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = tx.exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)`, key, value)
	case err == nil:
		_, err = tx.exec(ctx, `UPDATE settings SET value = ? WHERE key = ?`, value, key)
	}
	if err != nil {
		return fmt.Errorf("setting %s: %w", key, err)
	}
	return nil
}

// Assess scores a scheme's units under region for a period. The region must be
// in the caller's scope, or be the county (or city) holding it: a township sees
// where it stands among its county's townships. Units outside the caller's
// scope keep their name, score and rank but lose their lines (Result.Redact);
// a department user reads only its own department's lines.
func (s *AssessService) Assess(ctx context.Context, scheme, period, region string) (*assess.Result, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActBusinessRead); err != nil {
		return nil, err
	}
	sc, err := s.Scheme(ctx, scheme)
	if err != nil {
		return nil, err
	}
	now := s.db.Clock.Now()
	p, err := sc.ParsePeriod(period, now)
	if err != nil {
		return nil, err
	}
	reg, err := s.db.assessRegion(ctx, a, strings.TrimSpace(region))
	if err != nil {
		return nil, err
	}
	m := &measurer{db: s.db, scheme: sc, period: p, region: reg, now: now, asOf: minTime(p.To, now)}
	units, err := m.measure(ctx, a)
	if err != nil {
		return nil, err
	}
	res := assess.Score(sc, p, assess.RegionRef{Code: reg.Code, Name: reg.Name}, units, now)
	res.Redact()
	return res, nil
}

// assessRegionRow is a region an assessment covers.
type assessRegionRow struct {
	scopedRegion
	Code string
}

// assessRegion resolves the assessment's region: the code given, or the county
// holding the caller's scope. ENOTFOUND for a region neither in scope nor
// holding it, or below township level.
func (db *DB) assessRegion(ctx context.Context, a *zhili.Actor, code string) (*assessRegionRow, error) {
	var r assessRegionRow
	q := `SELECT id, code, name, path, level FROM regions WHERE retired_at IS NULL AND `
	var err error
	switch {
	case code != "":
		err = db.queryRow(ctx, q+`code = ?`, code).Scan(&r.ID, &r.Code, &r.Name, &r.Path, &r.Level)
	case a.System || a.ScopePath == "":
		err = db.queryRow(ctx, q+`level = ? ORDER BY code LIMIT 1`, int(zhili.LevelCounty)).Scan(&r.ID, &r.Code, &r.Name, &r.Path, &r.Level)
	default:
		// the caller's scope region, or its county ancestor when it lies below
		ids := pathIDs(a.ScopePath)
		err = db.queryRow(ctx, q+`id = ?`, ids[len(ids)-1]).Scan(&r.ID, &r.Code, &r.Name, &r.Path, &r.Level)
		if err == nil && r.Level > zhili.LevelCounty {
			args := []any{int(zhili.LevelCounty)}
			for _, id := range ids {
				args = append(args, id)
			}
			err = db.queryRow(ctx, q+`level = ? AND id IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")+`)`, args...).
				Scan(&r.ID, &r.Code, &r.Name, &r.Path, &r.Level)
		}
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhili.Errorf(zhili.ENOTFOUND, "Region not found.")
	} else if err != nil {
		return nil, fmt.Errorf("assessment region: %w", err)
	}
	inScope := a.System || a.ScopePath == "" || strings.HasPrefix(r.Path, a.ScopePath)
	holdsScope := strings.HasPrefix(a.ScopePath, r.Path) && r.Level >= zhili.LevelCounty
	if !inScope && !holdsScope || r.Level > zhili.LevelTownship {
		return nil, zhili.Errorf(zhili.ENOTFOUND, "Region not found.")
	}
	return &r, nil
}

// assessTx runs f in a transaction, committed when f returns nil.
func (db *DB) assessTx(ctx context.Context, f func(tx *Tx) error) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// visible says whether the caller may read the lines of a unit at path (a
// township) or of department unit id.
func visible(a *zhili.Actor, path string, unitID int64) bool {
	if a.System || a.ScopePath == "" {
		return true
	}
	if unitID != 0 {
		return a.Role != zhili.RoleDepartment || a.UnitID == unitID
	}
	return strings.HasPrefix(path, a.ScopePath)
}
