package http

import (
	"net/http"

	"github.com/zhili-project/zhili"
)

func (s *Server) handlePersonGet(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p, err := s.People.FindPerson(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// revealed is a person with the plaintext sensitive fields, for the rare allowed view.
type revealed struct {
	*zhili.Person
	IDNumber string `json:"id_number"`
	Phone    string `json:"phone"`
}

func (s *Server) handlePersonReveal(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p, err := s.People.RevealPerson(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, revealed{Person: p, IDNumber: p.IDNumber, Phone: p.Phone})
}

// personCreate is the body of POST /api/v1/people.
type personCreate struct {
	Name       string `json:"name"`
	RegionCode string `json:"region_code"`
	IDNumber   string `json:"id_number"`
	Phone      string `json:"phone"`
}

func (s *Server) handlePersonCreate(w http.ResponseWriter, r *http.Request) {
	var req personCreate
	if err := decode(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	reg, err := s.regionRef(r.Context(), req.RegionCode, "region_code")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p := &zhili.Person{Name: req.Name, RegionID: reg.ID, IDNumber: req.IDNumber, Phone: req.Phone}
	if err := s.People.CreatePerson(r.Context(), p); err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, p)
}

func (s *Server) handlePositionList(w http.ResponseWriter, r *http.Request) {
	var f zhili.PositionFilter
	var err error
	if f.Offset, f.Limit, err = paging(r); err != nil {
		s.Error(w, r, err)
		return
	}
	q := r.URL.Query()
	if v := q.Get("role"); v != "" {
		role := zhili.PositionRole(v)
		f.Role = &role
	}
	f.On = q.Get("on")
	if code := q.Get("under"); code != "" {
		reg, err := s.Regions.FindRegionByCode(r.Context(), code)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		f.Under = &reg.ID
	}
	items, total, err := s.People.FindPositions(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listResponse[*zhili.Position]{Items: nonNil(items), Total: total, Offset: f.Offset, Limit: f.Limit})
}

// positionCreate is the body of POST /api/v1/positions.
type positionCreate struct {
	PersonID   int64              `json:"person_id"`
	Role       zhili.PositionRole `json:"role"`
	RegionCode string             `json:"region_code"`
	UnitID     int64              `json:"unit_id"`
	Start      string             `json:"start"`
	End        string             `json:"end"`
}

func (s *Server) handlePositionCreate(w http.ResponseWriter, r *http.Request) {
	var req positionCreate
	if err := decode(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	p := &zhili.Position{PersonID: req.PersonID, Role: req.Role, UnitID: req.UnitID, Start: req.Start, End: req.End}
	if req.UnitID == 0 {
		reg, err := s.regionRef(r.Context(), req.RegionCode, "region_code")
		if err != nil {
			s.Error(w, r, err)
			return
		}
		p.RegionID = reg.ID
	}
	if err := s.People.CreatePosition(r.Context(), p); err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, p)
}
