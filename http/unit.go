package http

import (
	"net/http"

	"github.com/zhili-project/zhili"
)

func (s *Server) handleUnitList(w http.ResponseWriter, r *http.Request) {
	var f zhili.UnitFilter
	var err error
	if f.Offset, f.Limit, err = paging(r); err != nil {
		s.Error(w, r, err)
		return
	}
	q := r.URL.Query()
	if v := q.Get("kind"); v != "" {
		k := zhili.UnitKind(v)
		f.Kind = &k
	}
	if code := q.Get("under"); code != "" {
		reg, err := s.Regions.FindRegionByCode(r.Context(), code)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		f.Under = &reg.ID
	}
	items, total, err := s.Units.FindUnits(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listResponse[*zhili.Unit]{Items: nonNil(items), Total: total, Offset: f.Offset, Limit: f.Limit})
}

func (s *Server) handleUnitGet(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	u, err := s.Units.FindUnit(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}

// unitCreate is the body of POST /api/v1/units.
type unitCreate struct {
	Kind       zhili.UnitKind `json:"kind"`
	Name       string         `json:"name"`
	RegionCode string         `json:"region_code"`
	ParentID   int64          `json:"parent_id"`
	Code       string         `json:"code"`
}

func (s *Server) handleUnitCreate(w http.ResponseWriter, r *http.Request) {
	var req unitCreate
	if err := decode(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	reg, err := s.regionRef(r.Context(), req.RegionCode, "region_code")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	u := &zhili.Unit{Kind: req.Kind, Name: req.Name, RegionID: reg.ID, ParentID: req.ParentID, Code: req.Code}
	if err := s.Units.CreateUnit(r.Context(), u); err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, u)
}
