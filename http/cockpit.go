package http

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/zhili-project/zhili"
)

// The cockpit (驾驶舱, docs/cockpit.md): one JSON endpoint per panel, the page
// in cockpit_pages.go. The store bounds every panel by the caller's scope; a
// region outside it answers 404 like one that does not exist.

// cockpit returns the cockpit service or an internal error when the server was
// started without one.
func (s *Server) cockpit() (zhili.CockpitService, error) {
	if s.Cockpit == nil {
		return nil, zhili.Errorf(zhili.EINTERNAL, "the cockpit is not configured")
	}
	return s.Cockpit, nil
}

// cockpitQuery reads region, from and to; empty days default to 1 January of
// this year and today (China time), an empty region to the caller's own area.
func (s *Server) cockpitQuery(r *http.Request) zhili.CockpitQuery {
	q := r.URL.Query()
	cq := zhili.CockpitQuery{Region: strings.TrimSpace(q.Get("region")), From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	today := s.today()
	if cq.From == "" {
		cq.From = today[:4] + "-01-01"
	}
	if cq.To == "" {
		cq.To = today
	}
	return cq
}

// cockpitFigure is one headline figure of FIGURES.md with the link to its records.
type cockpitFigure struct {
	No     string  `json:"no"`
	ID     string  `json:"id"`
	Label  string  `json:"label"`
	Unit   string  `json:"unit"`
	Text   string  `json:"text"`
	Number float64 `json:"number"`
	Raw    int64   `json:"raw"`
	Href   string  `json:"href"`
	Error  string  `json:"error,omitempty"`
}

// cockpitSummary is the figures panel.
type cockpitSummary struct {
	Region struct {
		Code string `json:"code"`
		Name string `json:"name"`
	} `json:"region"`
	From    string          `json:"from"`
	To      string          `json:"to"`
	Figures []cockpitFigure `json:"figures"`
}

// figureOrder sorts "F4" before "F33" and "F35–36" by its first number.
func figureOrder(no string) int {
	digits := strings.TrimLeft(no, "F")
	end := 0
	for end < len(digits) && digits[end] >= '0' && digits[end] <= '9' {
		end++
	}
	n, _ := strconv.Atoi(digits[:end])
	return n
}

// cockpitFigures computes every FIGURES.md figure of the indicator catalogue for
// the region and period. A region the caller may not see fails the whole panel;
// a single indicator's failure is shown on its own card.
func (s *Server) cockpitFigures(ctx context.Context, cq zhili.CockpitQuery) (*cockpitSummary, error) {
	svc, err := s.indicators()
	if err != nil {
		return nil, err
	}
	if cq.Region == "" {
		a := zhili.ActorFromContext(ctx)
		if a == nil {
			return nil, zhili.Errorf(zhili.EUNAUTHORIZED, "Login required.")
		}
		if err := a.Require(zhili.ActBusinessRead); err != nil {
			return nil, err
		}
		reg, err := s.Regions.FindRegion(ctx, a.ScopeRegionID)
		if err != nil {
			return nil, err
		}
		cq.Region = reg.Code
	}
	sum := &cockpitSummary{From: cq.From, To: cq.To, Figures: []cockpitFigure{}}
	for _, info := range svc.Indicators() {
		for _, f := range info.Figures {
			v, err := svc.Indicator(ctx, zhili.IndicatorQuery{ID: info.ID, Region: cq.Region, From: cq.From, To: cq.To, Params: f.Params})
			fig := cockpitFigure{No: f.No, ID: info.ID, Label: info.Label, Unit: info.Unit,
				Href: recordsLink(info.ID, cq.Region, cq.From, cq.To, f.Params)}
			switch code := zhili.ErrorCode(err); {
			case err == nil:
				fig.Text, fig.Number, fig.Raw = v.Text, v.Number, v.Raw
				sum.Region.Code, sum.Region.Name = v.RegionCode, v.RegionName
			case code == zhili.ENOTFOUND || code == zhili.EFORBIDDEN || code == zhili.EUNAUTHORIZED || code == zhili.EINVALID && isPeriodError(err):
				return nil, err
			default:
				s.Logger.Error("cockpit figure", "id", info.ID, "figure", f.No, "err", err)
				fig.Text, fig.Error = "—", zhili.ErrorMessage(err)
			}
			sum.Figures = append(sum.Figures, fig)
		}
	}
	sort.SliceStable(sum.Figures, func(i, j int) bool { return figureOrder(sum.Figures[i].No) < figureOrder(sum.Figures[j].No) })
	return sum, nil
}

// isPeriodError reports whether an EINVALID names the period or the region: the
// query's fault, not one indicator's.
func isPeriodError(err error) bool {
	for _, f := range zhili.ErrorFields(err) {
		if f.Field == "from" || f.Field == "to" || f.Field == "region" {
			return true
		}
	}
	return false
}

func (s *Server) handleCockpitSummary(w http.ResponseWriter, r *http.Request) {
	sum, err := s.cockpitFigures(r.Context(), s.cockpitQuery(r))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sum)
}

func (s *Server) handleCockpitTrend(w http.ResponseWriter, r *http.Request) {
	svc, err := s.cockpit()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	t, err := svc.CockpitTrend(r.Context(), s.cockpitQuery(r))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

func (s *Server) handleCockpitBoard(w http.ResponseWriter, r *http.Request) {
	svc, err := s.cockpit()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	b, err := svc.CockpitBoard(r.Context(), s.cockpitQuery(r))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, b)
}

// openStatesParam is the case list's state filter for open cases.
func openStatesParam() string {
	states := make([]string, len(zhili.OpenStates))
	for i, st := range zhili.OpenStates {
		states[i] = string(st)
	}
	return strings.Join(states, ",")
}

// casesLink is the case list under a region with further filters.
func casesLink(under string, kv ...string) string {
	q := url.Values{"under": {under}}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return "/cases?" + q.Encode()
}

// geoFeature and geoCollection are the GeoJSON of the map endpoint (RFC 7946);
// the collection carries the region, metric and tile template as foreign members.
type geoFeature struct {
	Type       string          `json:"type"`
	ID         string          `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties map[string]any  `json:"properties"`
}

type geoCollection struct {
	Type     string              `json:"type"`
	Region   zhili.CockpitRegion `json:"region"`
	Metric   string              `json:"metric"`
	TileURL  string              `json:"tile_url,omitempty"`
	Max      int                 `json:"max"`
	Features []geoFeature        `json:"features"`
}

func (s *Server) handleCockpitMap(w http.ResponseWriter, r *http.Request) {
	svc, err := s.cockpit()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	metric := r.URL.Query().Get("metric")
	switch metric {
	case "":
		metric = "open"
	case "open", "overdue":
	default:
		s.Error(w, r, zhili.Invalid("Bad map metric.", zhili.FieldError{Field: "metric", Code: "malformed", Reason: `metric is "open" or "overdue"`}))
		return
	}
	m, err := svc.CockpitMap(r.Context(), s.cockpitQuery(r))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, mapCollection(m, metric))
}

// mapCollection turns the grids into GeoJSON features whose value is the
// metric's count; grids without a boundary have a null geometry.
func mapCollection(m *zhili.CockpitMap, metric string) geoCollection {
	fc := geoCollection{Type: "FeatureCollection", Region: m.Region, Metric: metric, TileURL: m.TileURL, Features: []geoFeature{}}
	open := openStatesParam()
	for _, g := range m.Grids {
		value := g.Open
		if metric == "overdue" {
			value = g.Overdue
		}
		fc.Max = max(fc.Max, value)
		geom := g.Boundary
		if len(geom) == 0 {
			geom = json.RawMessage("null")
		}
		fc.Features = append(fc.Features, geoFeature{Type: "Feature", ID: g.Code, Geometry: geom, Properties: map[string]any{
			"code": g.Code, "name": g.Name, "village": g.Village, "open": g.Open, "overdue": g.Overdue, "value": value,
			"open_href":    casesLink(g.Code, "state", open),
			"overdue_href": casesLink(g.Code, "overdue", "1"),
		}})
	}
	return fc
}
