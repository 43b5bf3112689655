package http

import (
	"net/http"
	"net/url"

	"github.com/zhili-project/zhili"
)

// cockpitPageRoutes registers the cockpit page. The figures, rankings and lists
// are drawn on the server; the trend charts and the map are drawn by
// /static/cockpit.js from the JSON endpoints named in data attributes.
func (s *Server) cockpitPageRoutes() {
	s.mux.HandleFunc("GET /cockpit", s.handleCockpitPage)
}

// cockpitRankRow is a rankings line with the case lists behind its numbers.
type cockpitRankRow struct {
	zhili.CockpitRank
	RateText                                         string
	Drill, NewHref, ResolvedHref, OpenHref, OverHref string
}

// cockpitView is what cockpit.html receives.
type cockpitView struct {
	Query   zhili.CockpitQuery
	Region  zhili.CockpitRegion
	Regions []*zhili.Region // the caller's area and the regions one level down
	Summary *cockpitSummary
	// FiguresError says why the figures are missing while the rest shows.
	FiguresError string
	Board        *zhili.CockpitBoard
	Ranks        []cockpitRankRow
	// The lists' full records and the JSON endpoints of the charts and map.
	OverdueHref, DispatchHref, MissingHref string
	TrendAPI, MapAPI                       string
}

// OtherRegion reports whether the shown region is not among the choices (a
// village or grid reached from the rankings), so the picker adds it.
func (v cockpitView) OtherRegion() bool {
	for _, r := range v.Regions {
		if r.Code == v.Region.Code {
			return false
		}
	}
	return v.Region.Code != ""
}

// StepLabel is a deadline step's Chinese name.
func (v cockpitView) StepLabel(step string) string { return zhili.StepLabel(step) }

// ListSize is how many items each list shows.
func (v cockpitView) ListSize() int { return zhili.CockpitListSize }

// RankLevel names what the rankings rank: the level below the region.
func (v cockpitView) RankLevel() string {
	if v.Region.Level >= zhili.LevelGrid {
		return "下级区域"
	}
	return (v.Region.Level + 1).Label()
}

func (s *Server) handleCockpitPage(w http.ResponseWriter, r *http.Request) {
	const title = "驾驶舱"
	a, ok := s.requirePage(w, r)
	if !ok {
		return
	}
	svc, err := s.cockpit()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	ctx := r.Context()
	v := cockpitView{Query: s.cockpitQuery(r)}
	if scope, err := s.Regions.FindRegion(ctx, a.ScopeRegionID); err == nil {
		v.Regions = append(v.Regions, scope)
		kids, _, _ := s.Regions.FindRegions(ctx, zhili.RegionFilter{ParentID: &scope.ID, Limit: 300})
		v.Regions = append(v.Regions, kids...)
	}
	board, err := svc.CockpitBoard(ctx, v.Query)
	if err != nil {
		if zhili.ErrorCode(err) != zhili.EINVALID {
			s.Error(w, r, err)
			return
		}
		s.render(w, r, http.StatusBadRequest, "cockpit.html", page{Title: title, Error: rhythmError(err), Data: v})
		return
	}
	v.Board, v.Region = board, board.Region
	v.Query.Region = board.Region.Code
	q := v.Query
	if v.Summary, err = s.cockpitFigures(ctx, q); err != nil {
		if code := zhili.ErrorCode(err); code != zhili.EINTERNAL {
			s.Error(w, r, err)
			return
		}
		v.FiguresError = zhili.ErrorMessage(err)
	}
	from, to := q.From, q.To
	open := openStatesParam()
	resolved := ""
	for i, st := range zhili.ResolvedStates {
		if i > 0 {
			resolved += ","
		}
		resolved += string(st)
	}
	for _, rk := range board.Rankings {
		v.Ranks = append(v.Ranks, cockpitRankRow{CockpitRank: rk, RateText: zhili.FormatRate(rk.Rate),
			Drill:        "/cockpit?" + url.Values{"region": {rk.Code}, "from": {from}, "to": {to}}.Encode(),
			NewHref:      casesLink(rk.Code, "reported_from", from, "reported_to", to),
			ResolvedHref: casesLink(rk.Code, "reported_from", from, "reported_to", to, "state", resolved),
			OpenHref:     casesLink(rk.Code, "state", open),
			OverHref:     casesLink(rk.Code, "overdue", "1")})
	}
	v.OverdueHref = casesLink(q.Region, "overdue", "1")
	v.DispatchHref = "/rhythm/dispatch?" + url.Values{"under": {q.Region}, "on": {board.Today}}.Encode()
	v.MissingHref = "/rhythm/missing?" + url.Values{"under": {q.Region}, "day": {board.Today}}.Encode()
	api := url.Values{"region": {q.Region}, "from": {from}, "to": {to}}.Encode()
	v.TrendAPI, v.MapAPI = "/api/v1/cockpit/trend?"+api, "/api/v1/cockpit/map?"+api
	s.render(w, r, http.StatusOK, "cockpit.html", page{Title: title, Data: v})
}
