package http

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/zhili-project/zhili"
)

// A county's own indicators (docs/indicators.md, "A county's own indicators"):
// the definitions, a JSON array in indicator/figures.json's format, read by
// business roles and replaced whole by the leader and the centre (task.assign,
// checked in the store; the handler checks it first too, so a caller without
// it gets 403 whatever the body). GET /api/v1/indicators lists them with
// "origin": "county".

// indicatorDefiner is the part of the indicator service that stores the
// county's definitions (indicator.Engine over sqlstore.IndicatorStore).
type indicatorDefiner interface {
	IndicatorDefinitions(ctx context.Context) ([]byte, error)
	DefineIndicators(ctx context.Context, raw []byte, merge bool) ([]zhili.IndicatorInfo, error)
}

// indicatorDefinitions answers GET and PUT /api/v1/indicator-definitions.
type indicatorDefinitions struct {
	// Items are the county's definitions, as stored (figures.json's format).
	Items []json.RawMessage `json:"items"`
}

func (s *Server) indicatorDefiner() (indicatorDefiner, error) {
	d, ok := s.Indicators.(indicatorDefiner)
	if !ok {
		return nil, zhili.Errorf(zhili.EINTERNAL, "indicators are not configured for county definitions")
	}
	return d, nil
}

func (s *Server) handleIndicatorDefinitionsGet(w http.ResponseWriter, r *http.Request) {
	d, err := s.indicatorDefiner()
	if err == nil {
		err = zhili.ActorFromContext(r.Context()).Require(zhili.ActBusinessRead)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	raw, err := d.IndicatorDefinitions(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := indicatorDefinitions{Items: []json.RawMessage{}}
	if err := json.Unmarshal(raw, &out.Items); err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// handleIndicatorDefinitionsPut replaces the county's definitions by the body
// (an array; [] removes them all) and answers them as stored. 400 names each
// bad entry's index and key ("[1].filter[0].field"); nothing is stored.
func (s *Server) handleIndicatorDefinitionsPut(w http.ResponseWriter, r *http.Request) {
	d, err := s.indicatorDefiner()
	if err == nil {
		err = zhili.ActorFromContext(r.Context()).Require(zhili.ActTaskAssign)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	raw, err := readBody(w, r, "indicators")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if _, err := d.DefineIndicators(r.Context(), raw, false); err != nil {
		s.Error(w, r, err)
		return
	}
	s.handleIndicatorDefinitionsGet(w, r)
}
