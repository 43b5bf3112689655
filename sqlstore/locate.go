package sqlstore

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/geo"
)

// LocateService answers which grid holds a point from an in-memory index of every
// grid boundary. The index is rebuilt when the boundary version in the database
// moves, checked at most every RefreshEvery, so an import on one instance reaches
// the others within seconds without any messaging between them.
type LocateService struct {
	db           *DB
	loc          geo.Locator
	RefreshEvery time.Duration

	mu        sync.Mutex // serialises rebuilds; reads never take it
	version   string
	checkedAt time.Time
}

// NewLocateService returns a locate service over db's grids.
func NewLocateService(db *DB) *LocateService {
	return &LocateService{db: db, RefreshEvery: 5 * time.Second}
}

// refresh rebuilds the index if the boundary version changed since the last look.
func (s *LocateService) refresh(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if s.loc.Load() != nil && now.Sub(s.checkedAt) < s.RefreshEvery {
		return nil
	}
	v, err := s.db.Setting(ctx, "boundary_version")
	if err != nil {
		return fmt.Errorf("read boundary version: %w", err)
	}
	s.checkedAt = now
	if s.loc.Load() != nil && v == s.version {
		return nil
	}
	shapes, err := s.db.gridShapes(ctx)
	if err != nil {
		return err
	}
	s.loc.Store(geo.NewIndex(shapes))
	s.version = v
	return nil
}

// gridShapes loads every active grid with a boundary.
func (db *DB) gridShapes(ctx context.Context) ([]geo.Shape, error) {
	rows, err := db.query(ctx, `SELECT id, code, boundary FROM regions WHERE level = ? AND boundary IS NOT NULL AND retired_at IS NULL`, int(zhili.LevelGrid))
	if err != nil {
		return nil, fmt.Errorf("load grid boundaries: %w", err)
	}
	defer rows.Close()
	var shapes []geo.Shape
	for rows.Next() {
		var s geo.Shape
		var raw string
		if err := rows.Scan(&s.ID, &s.Code, &raw); err != nil {
			return nil, err
		}
		g, err := geo.ParseGeometry([]byte(raw))
		if err != nil {
			return nil, fmt.Errorf("grid %s boundary: %w", s.Code, err)
		}
		s.Geometry = g
		shapes = append(shapes, s)
	}
	return shapes, rows.Err()
}

// Locate returns the grid holding the point, given in crs ("wgs84" or "gcj02").
// ENOTFOUND if no grid holds it or the grid is outside the caller's scope.
func (s *LocateService) Locate(ctx context.Context, lng, lat float64, crs string) (*zhili.Region, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActRegionRead); err != nil {
		return nil, err
	}
	x, y, err := geo.ToWGS84(crs, lng, lat)
	if err != nil {
		return nil, zhili.Invalid("Bad coordinates.", zhili.FieldError{Field: "crs", Code: "unknown_crs", Reason: err.Error()})
	}
	if err := s.refresh(ctx); err != nil {
		return nil, err
	}
	id, _, ok := s.loc.Locate(x, y)
	if !ok {
		return nil, zhili.Errorf(zhili.ENOTFOUND, "No grid holds this point.")
	}
	return NewRegionService(s.db).FindRegion(ctx, id)
}

// Invalidate forces the next Locate to check the boundary version.
func (s *LocateService) Invalidate() {
	s.mu.Lock()
	s.checkedAt = time.Time{}
	s.mu.Unlock()
}
