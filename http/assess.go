package http

import (
	"fmt"
	"net/http"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/assess"
)

// The assessment API (考核, docs/assessment.md): the schemes, and one scheme's
// scores, ranking, red and black lists and explanation lines for a period. The
// store bounds the result by the caller's scope: a township sees every
// township's rank and score but only its own lines.

func (s *Server) assessService() (assess.Service, error) {
	if s.Assess == nil {
		return nil, fmt.Errorf("server has no assessment service")
	}
	return s.Assess, nil
}

func (s *Server) handleAssessSchemes(w http.ResponseWriter, r *http.Request) {
	svc, err := s.assessService()
	if err == nil {
		err = zhili.ActorFromContext(r.Context()).Require(zhili.ActBusinessRead)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	list, err := svc.Schemes(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": list})
}

func (s *Server) handleAssessment(w http.ResponseWriter, r *http.Request) {
	svc, err := s.assessService()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	q := r.URL.Query()
	res, err := svc.Assess(r.Context(), r.PathValue("scheme"), q.Get("period"), q.Get("region"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}
