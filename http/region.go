package http

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/zhili-project/zhili"
)

// listResponse is the shape of every list: the page and the total count.
type listResponse[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
}

// paging reads offset and limit; limit defaults to 100 and is capped at 1000.
func paging(r *http.Request) (offset, limit int, err error) {
	q := r.URL.Query()
	if offset, err = intParam(q.Get("offset"), "offset", 0); err != nil {
		return
	}
	if limit, err = intParam(q.Get("limit"), "limit", 100); err != nil {
		return
	}
	return offset, min(max(limit, 1), 1000), nil
}

func intParam(v, name string, def int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, zhili.Invalid("Bad query parameter.", zhili.FieldError{Field: name, Code: "malformed", Reason: name + " must be a non-negative integer"})
	}
	return n, nil
}

func idParam(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		// A malformed id cannot name a record the caller may see.
		return 0, zhili.Errorf(zhili.ENOTFOUND, "Not found.")
	}
	return id, nil
}

func (s *Server) handleRegionList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var f zhili.RegionFilter
	var err error
	if f.Offset, f.Limit, err = paging(r); err != nil {
		s.Error(w, r, err)
		return
	}
	f.Name = q.Get("q")
	f.IncludeRetired = q.Get("retired") == "1"
	if v := q.Get("level"); v != "" {
		n, err := intParam(v, "level", 0)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		l := zhili.RegionLevel(n)
		f.Level = &l
	}
	for param, dst := range map[string]**int64{"parent": &f.ParentID, "under": &f.Under} {
		if code := q.Get(param); code != "" {
			p, err := s.Regions.FindRegionByCode(r.Context(), code)
			if err != nil {
				s.Error(w, r, err)
				return
			}
			*dst = &p.ID
		}
	}
	items, total, err := s.Regions.FindRegions(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listResponse[*zhili.Region]{Items: nonNil(items), Total: total, Offset: f.Offset, Limit: f.Limit})
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (s *Server) handleRegionGet(w http.ResponseWriter, r *http.Request) {
	reg, err := s.Regions.FindRegionByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, reg)
}

func (s *Server) handleRegionHistory(w http.ResponseWriter, r *http.Request) {
	reg, err := s.Regions.FindRegionByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	events, err := s.Regions.RegionHistory(r.Context(), reg.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": nonNil(events)})
}

// regionCreate is the body of POST /api/v1/regions.
type regionCreate struct {
	Code       string            `json:"code"`
	Name       string            `json:"name"`
	ParentCode string            `json:"parent_code"`
	Level      zhili.RegionLevel `json:"level"`
	Kind       zhili.RegionKind  `json:"kind"`
	CountySeat bool              `json:"county_seat"`
	Boundary   json.RawMessage   `json:"boundary"`
}

func (s *Server) handleRegionCreate(w http.ResponseWriter, r *http.Request) {
	var req regionCreate
	if err := decode(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	reg := &zhili.Region{Code: req.Code, Name: req.Name, Level: req.Level, Kind: req.Kind, CountySeat: req.CountySeat}
	if req.ParentCode != "" {
		p, err := s.regionRef(r.Context(), req.ParentCode, "parent_code")
		if err != nil {
			s.Error(w, r, err)
			return
		}
		reg.ParentID = p.ID
	}
	if err := s.Regions.CreateRegion(r.Context(), reg); err != nil {
		s.Error(w, r, err)
		return
	}
	if len(req.Boundary) > 0 && string(req.Boundary) != "null" {
		if _, err := s.Regions.SetBoundaries(r.Context(), map[string]json.RawMessage{reg.Code: req.Boundary}); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusCreated, reg)
}

// regionPatch is the body of PATCH /api/v1/regions/{code}.
type regionPatch struct {
	Name       *string           `json:"name"`
	ParentCode *string           `json:"parent_code"`
	Kind       *zhili.RegionKind `json:"kind"`
	CountySeat *bool             `json:"county_seat"`
	Retire     bool              `json:"retire"`
}

func (s *Server) handleRegionPatch(w http.ResponseWriter, r *http.Request) {
	reg, err := s.Regions.FindRegionByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var req regionPatch
	if err := decode(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	u := zhili.RegionUpdate{Name: req.Name, Kind: req.Kind, CountySeat: req.CountySeat, Retire: req.Retire}
	if req.ParentCode != nil {
		p, err := s.regionRef(r.Context(), *req.ParentCode, "parent_code")
		if err != nil {
			s.Error(w, r, err)
			return
		}
		u.ParentID = &p.ID
	}
	out, err := s.Regions.UpdateRegion(r.Context(), reg.ID, u)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleLocate(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	lat, err1 := strconv.ParseFloat(q.Get("lat"), 64)
	lng, err2 := strconv.ParseFloat(q.Get("lng"), 64)
	var bad []zhili.FieldError
	if err1 != nil {
		bad = append(bad, zhili.FieldError{Field: "lat", Code: "malformed", Reason: "lat must be a number"})
	}
	if err2 != nil {
		bad = append(bad, zhili.FieldError{Field: "lng", Code: "malformed", Reason: "lng must be a number"})
	}
	if len(bad) > 0 {
		s.Error(w, r, zhili.Invalid("Bad coordinates.", bad...))
		return
	}
	reg, err := s.Locate.Locate(r.Context(), lng, lat, q.Get("crs"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"grid": reg})
}

// regionRef resolves a region code named in a request body. A region the caller
// may not see reads as unknown, exactly like one that does not exist.
func (s *Server) regionRef(ctx context.Context, code, field string) (*zhili.Region, error) {
	reg, err := s.Regions.FindRegionByCode(ctx, code)
	if zhili.ErrorCode(err) == zhili.ENOTFOUND {
		return nil, zhili.Invalid("The region does not exist.", zhili.FieldError{Field: field, Code: "unknown_region", Reason: fmt.Sprintf("no region %q in your area", code)})
	}
	return reg, err
}
