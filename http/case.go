package http

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/geo"
)

// caseItem is a case in a list with its deadline card.
type caseItem struct {
	*zhili.Case
	Warning zhili.DueWarning `json:"warning,omitempty"`
}

// caseDetail is one case as GET /api/v1/cases/{id} answers it.
type caseDetail struct {
	*zhili.Case
	Warning        zhili.DueWarning   `json:"warning,omitempty"`
	AllowedActions []zhili.CaseAction `json:"allowed_actions"`
	Parties        []*zhili.Party     `json:"parties"`
}

// partyInput is one party of a report.
type partyInput struct {
	Role     string `json:"role"`
	Name     string `json:"name"`
	Org      bool   `json:"org"`
	IDNumber string `json:"id_number"`
	Phone    string `json:"phone"`
}

// caseReport is the body of POST /api/v1/cases. The place is region_code, or a
// point (lat, lng in crs, "wgs84" by default) whose grid is looked up.
type caseReport struct {
	Kind       zhili.CaseKind   `json:"kind"`
	Category   string           `json:"category"`
	Title      string           `json:"title"`
	Detail     string           `json:"detail"`
	Source     zhili.CaseSource `json:"source"`
	Risk       zhili.Risk       `json:"risk"`
	RegionCode string           `json:"region_code"`
	Lat        *float64         `json:"lat"`
	Lng        *float64         `json:"lng"`
	CRS        string           `json:"crs"`
	Address    string           `json:"address"`
	People     int              `json:"people"`
	Amount     int64            `json:"amount_fen"`
	Workers    int              `json:"workers"`
	Parties    []partyInput     `json:"parties"`
}

// reportCase places and enters a report; shared by the API and the report pages.
func (s *Server) reportCase(ctx context.Context, req caseReport) (*zhili.Case, error) {
	c := &zhili.Case{Kind: req.Kind, Category: req.Category, Title: req.Title, Detail: req.Detail, Source: req.Source, Risk: req.Risk,
		Address: req.Address, People: req.People, Amount: req.Amount, Workers: req.Workers}
	if (req.Lat == nil) != (req.Lng == nil) {
		return nil, zhili.Invalid("Give both lat and lng, or neither.", zhili.FieldError{Field: "lat", Code: "required", Reason: "give both lat and lng, or neither"})
	}
	if req.Lat != nil {
		lng, lat, err := geo.ToWGS84(req.CRS, *req.Lng, *req.Lat)
		if err != nil {
			return nil, zhili.Invalid("Bad coordinates.", zhili.FieldError{Field: "crs", Code: "unknown_crs", Reason: err.Error()})
		}
		c.Lng, c.Lat = &lng, &lat
	}
	switch {
	case req.RegionCode != "":
		reg, err := s.regionRef(ctx, req.RegionCode, "region_code")
		if err != nil {
			return nil, err
		}
		c.RegionID = reg.ID
	case c.Lat != nil:
		grid, err := s.Locate.Locate(ctx, *c.Lng, *c.Lat, "wgs84")
		if zhili.ErrorCode(err) == zhili.ENOTFOUND {
			return nil, zhili.Invalid("No grid in your area holds this point.", zhili.FieldError{Field: "lat", Code: "no_grid", Reason: "no grid in your area holds this point; give region_code"})
		} else if err != nil {
			return nil, err
		}
		c.RegionID = grid.ID
	default:
		return nil, zhili.Invalid("Say where it happened.", zhili.FieldError{Field: "region_code", Code: "required", Reason: "give region_code or lat and lng"})
	}
	parties := make([]*zhili.Party, len(req.Parties))
	for i, p := range req.Parties {
		parties[i] = &zhili.Party{Role: p.Role, Name: p.Name, Org: p.Org, IDNumber: p.IDNumber, Phone: p.Phone}
	}
	// ReportCase fills the case as FindCase would read it (number, state, place,
	// deadline, names): no second read.
	if err := s.Cases.ReportCase(ctx, c, parties); err != nil {
		return nil, err
	}
	return c, nil
}

func (s *Server) handleCaseCreate(w http.ResponseWriter, r *http.Request) {
	var req caseReport
	if err := decode(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	c, err := s.reportCase(r.Context(), req)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

// caseFilter reads the case-list filters of a query string (see docs/api.md); every
// bad one is named.
func (s *Server) caseFilter(ctx context.Context, q url.Values) (zhili.CaseFilter, error) {
	var f zhili.CaseFilter
	var bad []zhili.FieldError
	fail := func(field, code, reason string) {
		bad = append(bad, zhili.FieldError{Field: field, Code: code, Reason: reason})
	}
	if v := q.Get("kind"); v != "" {
		k := zhili.CaseKind(v)
		if !k.Valid() {
			fail("kind", "unknown_kind", fmt.Sprintf("unknown case kind %q", v))
		}
		f.Kind = &k
	}
	for _, v := range q["state"] {
		for _, st := range strings.Split(v, ",") {
			if st = strings.TrimSpace(st); st == "" {
				continue
			}
			if zhili.CaseState(st).Label() == st {
				fail("state", "unknown_state", fmt.Sprintf("unknown state %q", st))
				continue
			}
			f.States = append(f.States, zhili.CaseState(st))
		}
	}
	f.Query = strings.TrimSpace(q.Get("q"))
	for _, d := range []struct {
		param string
		dst   **time.Time
		next  bool
	}{{"reported_from", &f.ReportedFrom, false}, {"reported_to", &f.ReportedTo, true}} {
		v := strings.TrimSpace(q.Get(d.param))
		if v == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, v, displayZone)
		if err != nil {
			fail(d.param, "malformed", d.param+" must be a date YYYY-MM-DD")
			continue
		}
		if d.next { // the "to" day is included: the bound is the next midnight
			t = t.AddDate(0, 0, 1)
		}
		t = t.UTC()
		*d.dst = &t
	}
	switch q.Get("overdue") {
	case "", "0":
	case "1":
		qs := s.Queues
		now := qs.Now()
		f.DueBefore = &now
	default:
		fail("overdue", "malformed", "overdue is 1 or 0")
	}
	switch q.Get("holder") {
	case "":
	case "mine":
		if a := zhili.ActorFromContext(ctx); a != nil {
			f.HolderUnitID = &a.UnitID
		}
	default:
		fail("holder", "malformed", `holder is "mine" or empty`)
	}
	if len(bad) > 0 {
		return f, zhili.Invalid("Bad case filter.", bad...)
	}
	if code := strings.TrimSpace(q.Get("under")); code != "" {
		reg, err := s.regionRef(ctx, code, "under")
		if err != nil {
			return f, err
		}
		f.Under = &reg.ID
	}
	return f, nil
}

// findCaseItems lists cases with their deadline cards.
func (s *Server) findCaseItems(ctx context.Context, f zhili.CaseFilter) ([]caseItem, int, error) {
	qs := s.Queues
	cases, total, err := s.Cases.FindCases(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	cal, err := qs.Calendar(ctx)
	if err != nil {
		return nil, 0, err
	}
	now := qs.Now()
	items := make([]caseItem, len(cases))
	for i, c := range cases {
		items[i] = caseItem{Case: c, Warning: cal.Warning(c.Due, now)}
	}
	return items, total, nil
}

func (s *Server) handleCaseList(w http.ResponseWriter, r *http.Request) {
	f, err := s.caseFilter(r.Context(), r.URL.Query())
	if err == nil {
		f.Offset, f.Limit, err = paging(r)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	items, total, err := s.findCaseItems(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listResponse[caseItem]{Items: items, Total: total, Offset: f.Offset, Limit: f.Limit})
}

// caseDetailOf loads a case with what the caller may do on it and its masked parties.
func (s *Server) caseDetailOf(ctx context.Context, id int64) (*caseDetail, error) {
	qs := s.Queues
	c, err := s.Cases.FindCase(ctx, id)
	if err != nil {
		return nil, err
	}
	cal, err := qs.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	d := &caseDetail{Case: c, Warning: cal.Warning(c.Due, qs.Now())}
	if d.AllowedActions, err = s.Cases.AllowedActions(ctx, id); err != nil {
		return nil, err
	}
	if d.Parties, err = s.Cases.CaseParties(ctx, id); err != nil {
		return nil, err
	}
	d.AllowedActions, d.Parties = nonNil(d.AllowedActions), nonNil(d.Parties)
	return d, nil
}

func (s *Server) handleCaseGet(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	d, err := s.caseDetailOf(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (s *Server) handleCaseTimeline(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	events, err := s.Cases.CaseTimeline(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": nonNil(events)})
}

func (s *Server) handleCaseAct(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var act zhili.CaseAct
	if err := decode(w, r, &act); err != nil {
		s.Error(w, r, err)
		return
	}
	c, err := s.Cases.Act(r.Context(), id, act)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) handleCasePartiesReveal(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	parties, err := s.Cases.RevealParties(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"items": nonNil(parties)})
}

func (s *Server) handleCaseCategories(w http.ResponseWriter, r *http.Request) {
	qs := s.Queues
	var kind *zhili.CaseKind
	if v := r.URL.Query().Get("kind"); v != "" {
		k := zhili.CaseKind(v)
		if !k.Valid() {
			s.Error(w, r, zhili.Invalid("Bad kind.", zhili.FieldError{Field: "kind", Code: "unknown_kind", Reason: fmt.Sprintf("unknown case kind %q", v)}))
			return
		}
		kind = &k
	}
	cats, err := qs.CaseCategories(r.Context(), kind)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": nonNil(cats)})
}
