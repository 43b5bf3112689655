package http

import (
	"net/http"
	"time"

	"github.com/zhili-project/zhili"
)

// Indicators (指标, docs/indicators.md): the catalogue, one indicator's value for
// a region subtree and a period, and the records behind it. The service bounds
// every answer by the caller's scope; a region outside it is 404.

// indicators returns the indicator service or an internal error when the
// server was started without one.
func (s *Server) indicators() (zhili.IndicatorService, error) {
	if s.Indicators == nil {
		return nil, zhili.Errorf(zhili.EINTERNAL, "indicators are not configured")
	}
	return s.Indicators, nil
}

// indicatorReserved are the query parameters that are not indicator parameters.
var indicatorReserved = map[string]bool{"region": true, "from": true, "to": true, "page": true, "per_page": true}

// indicatorQuery reads the query: region (code; default the caller's own
// region), from and to (default: 1 January of this year to today, China time),
// and every other parameter as an indicator parameter (threshold=10).
func (s *Server) indicatorQuery(r *http.Request, id string) (zhili.IndicatorQuery, error) {
	q := r.URL.Query()
	iq := zhili.IndicatorQuery{ID: id, Region: q.Get("region"), From: q.Get("from"), To: q.Get("to"), Params: map[string]string{}}
	if iq.Region == "" {
		a := zhili.ActorFromContext(r.Context())
		if a == nil {
			return iq, zhili.Errorf(zhili.EUNAUTHORIZED, "Login required.")
		}
		reg, err := s.Regions.FindRegion(r.Context(), a.ScopeRegionID)
		if err != nil {
			return iq, zhili.Invalid("The region is required.", zhili.FieldError{Field: "region", Code: "required", Reason: "region code is required"})
		}
		iq.Region = reg.Code
	}
	today := time.Now().In(zhili.ChinaTime)
	if iq.From == "" {
		iq.From = today.Format("2006") + "-01-01"
	}
	if iq.To == "" {
		iq.To = today.Format(time.DateOnly)
	}
	for k, v := range q {
		if !indicatorReserved[k] && len(v) > 0 {
			iq.Params[k] = v[0]
		}
	}
	return iq, nil
}

func (s *Server) handleIndicatorList(w http.ResponseWriter, r *http.Request) {
	if zhili.ActorFromContext(r.Context()) == nil {
		s.Error(w, r, zhili.Errorf(zhili.EUNAUTHORIZED, "Login required."))
		return
	}
	svc, err := s.indicators()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": svc.Indicators()})
}

func (s *Server) handleIndicatorGet(w http.ResponseWriter, r *http.Request) {
	svc, err := s.indicators()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	q, err := s.indicatorQuery(r, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	v, err := svc.Indicator(r.Context(), q)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) handleIndicatorRecords(w http.ResponseWriter, r *http.Request) {
	svc, err := s.indicators()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	q, err := s.indicatorQuery(r, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	page, err := intParam(r.URL.Query().Get("page"), "page", 1)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	per, err := intParam(r.URL.Query().Get("per_page"), "per_page", 50)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	per = min(max(per, 1), 500)
	items, total, err := svc.IndicatorRecords(r.Context(), q, max(page, 1), per)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": total, "page": max(page, 1), "per_page": per})
}
