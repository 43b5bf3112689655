package http

import (
	"net/http"
)

// route is one API endpoint.
type route struct {
	pattern string
	handler http.HandlerFunc
}

// apiRoutes lists every API endpoint. Each must also have a row in the endpoints ×
// roles table of access_test.go; a route without one fails the tests.
func (s *Server) apiRoutes() []route {
	return []route{
		{"POST /api/v1/login", s.handleAPILogin},
		{"POST /api/v1/login/totp", s.handleAPITOTP},
		{"POST /api/v1/totp/enroll", s.handleAPITOTPEnroll},
		{"POST /api/v1/totp/confirm", s.handleAPITOTPConfirm},
		{"POST /api/v1/logout", s.handleAPILogout},
		{"GET /api/v1/me", s.handleAPIMe},

		{"GET /api/v1/regions", s.handleRegionList},
		{"POST /api/v1/regions", s.handleRegionCreate},
		{"GET /api/v1/regions/{code}", s.handleRegionGet},
		{"PATCH /api/v1/regions/{code}", s.handleRegionPatch},
		{"GET /api/v1/regions/{code}/history", s.handleRegionHistory},
		{"GET /api/v1/locate", s.handleLocate},

		{"GET /api/v1/units", s.handleUnitList},
		{"POST /api/v1/units", s.handleUnitCreate},
		{"GET /api/v1/units/{id}", s.handleUnitGet},

		{"POST /api/v1/people", s.handlePersonCreate},
		{"GET /api/v1/people/{id}", s.handlePersonGet},
		{"POST /api/v1/people/{id}/reveal", s.handlePersonReveal},
		{"GET /api/v1/positions", s.handlePositionList},
		{"POST /api/v1/positions", s.handlePositionCreate},

		{"POST /api/v1/cases", s.handleCaseCreate},
		{"GET /api/v1/cases", s.handleCaseList},
		{"GET /api/v1/cases/{id}", s.handleCaseGet},
		{"GET /api/v1/cases/{id}/timeline", s.handleCaseTimeline},
		{"POST /api/v1/cases/{id}/actions", s.handleCaseAct},
		{"POST /api/v1/cases/{id}/parties/reveal", s.handleCasePartiesReveal},
		{"POST /api/v1/cases/{id}/attachments", s.handleAttachmentCreate},
		{"GET /api/v1/cases/{id}/attachments", s.handleAttachmentList},
		{"GET /api/v1/cases/{id}/attachments/{aid}", s.handleAttachmentGet},
		{"POST /api/v1/cases/bulk-assign", s.handleCaseBulkAssign},
		{"GET /api/v1/case-categories", s.handleCaseCategories},
		{"GET /api/v1/queue", s.handleQueue},
		{"GET /api/v1/saved-searches", s.handleSavedSearchList},
		{"POST /api/v1/saved-searches", s.handleSavedSearchCreate},
		{"DELETE /api/v1/saved-searches/{id}", s.handleSavedSearchDelete},

		{"GET /api/v1/users", s.handleUserList},
		{"POST /api/v1/users", s.handleUserCreate},
		{"GET /api/v1/users/{id}", s.handleUserGet},
		{"PATCH /api/v1/users/{id}", s.handleUserPatch},

		{"GET /api/v1/audit", s.handleAuditList},
		{"GET /api/v1/audit/verify", s.handleAuditVerify},
	}
}

// routes registers the API, the health and metrics endpoints and the pages.
func (s *Server) routes() {
	s.mux.HandleFunc("GET /healthz", s.handleHealthz)
	s.mux.HandleFunc("GET /metrics", s.handleMetrics)
	for _, r := range s.apiRoutes() {
		s.mux.HandleFunc(r.pattern, r.handler)
	}
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": map[string]string{"code": "not_found", "message": "No such endpoint."}})
	})
	s.pageRoutes()
}

func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	if err := s.DB.Ping(r.Context()); err != nil {
		s.Logger.Error("healthz", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
