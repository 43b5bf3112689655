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
		{"POST /api/v1/me/password", s.handleAPIPasswordChange}, // http/password_change.go

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
		{"GET /api/v1/events", s.handleEvents}, // the case event feed (http/events.go)
		{"GET /api/v1/saved-searches", s.handleSavedSearchList},
		{"POST /api/v1/saved-searches", s.handleSavedSearchCreate},
		{"DELETE /api/v1/saved-searches/{id}", s.handleSavedSearchDelete},

		{"POST /api/v1/daily-checks", s.handleDailyCheckFile},
		{"GET /api/v1/daily-checks", s.handleDailyCheckList},
		{"GET /api/v1/daily-checks/missing", s.handleMissingChecks},
		{"GET /api/v1/weekly-review", s.handleWeeklyReview},
		{"GET /api/v1/overdue-visits", s.handleOverdueVisits},
		{"GET /api/v1/dispatch-list", s.handleDispatchList},
		{"GET /api/v1/monthly-bulletin", s.handleMonthlyBulletin},
		{"GET /api/v1/rhythm-reports/{job}/{period}", s.handleRhythmReport},
		{"GET /api/v1/job-runs", s.handleJobRuns},
		{"GET /api/v1/calendar", s.handleCalendarList},
		{"PUT /api/v1/calendar", s.handleCalendarSet},
		{"DELETE /api/v1/calendar/{day}", s.handleCalendarDelete},
		{"GET /api/v1/deadline-rules", s.handleDeadlineRuleList},
		{"PUT /api/v1/deadline-rules", s.handleDeadlineRuleSet},
		{"DELETE /api/v1/deadline-rules/{id}", s.handleDeadlineRuleDelete},

		{"GET /api/v1/tasks", s.handleTaskList},
		{"POST /api/v1/tasks", s.handleTaskCreate},
		{"GET /api/v1/tasks/{id}", s.handleTaskGet},
		{"POST /api/v1/tasks/{id}/notes", s.handleTaskNote},

		{"POST /api/v1/public/reports", s.handlePublicSubmit},
		{"GET /api/v1/public/reports/{code}", s.handlePublicTrack},
		{"POST /api/v1/public/reports/{code}/rating", s.handlePublicRate},

		{"GET /api/v1/users", s.handleUserList},
		{"POST /api/v1/users", s.handleUserCreate},
		{"GET /api/v1/users/{id}", s.handleUserGet},
		{"PATCH /api/v1/users/{id}", s.handleUserPatch},

		{"GET /api/v1/audit", s.handleAuditList},
		{"GET /api/v1/audit/verify", s.handleAuditVerify},

		{"GET /api/v1/reports", s.handleReportList},
		{"POST /api/v1/reports/{name}/render", s.handleReportRender},
		{"GET /api/v1/report-archive", s.handleReportArchiveList},
		{"GET /api/v1/report-archive/{id}", s.handleReportArchiveGet},

		{"GET /api/v1/department-metrics", s.handleDeptMetrics},
		{"GET /api/v1/department-reports", s.handleDeptReportList},
		{"POST /api/v1/department-reports", s.handleDeptReportSubmit},
		{"POST /api/v1/department-reports/import", s.handleDeptReportImport},
		{"POST /api/v1/department-reports/{id}/correct", s.handleDeptReportCorrect},
		{"GET /api/v1/department-reports/{id}/history", s.handleDeptReportHistory},
		{"POST /api/v1/department-tokens", s.handleDeptTokenCreate},
		{"GET /api/v1/department-tokens", s.handleDeptTokenList},
		{"DELETE /api/v1/department-tokens/{id}", s.handleDeptTokenRevoke},

		{"GET /api/v1/ledgers", s.handleLedgerList},
		{"GET /api/v1/ledgers/{name}", s.handleLedgerSchema},
		{"GET /api/v1/ledgers/{name}/records", s.handleLedgerRecords},
		{"POST /api/v1/ledgers/{name}/records", s.handleLedgerRecordCreate},
		{"GET /api/v1/ledgers/{name}/records/{id}", s.handleLedgerRecordGet},
		{"PATCH /api/v1/ledgers/{name}/records/{id}", s.handleLedgerRecordPatch},
		{"DELETE /api/v1/ledgers/{name}/records/{id}", s.handleLedgerRecordDelete},
		{"GET /api/v1/ledgers/{name}/records/{id}/history", s.handleLedgerRecordHistory},
		{"POST /api/v1/ledgers/{name}/import", s.handleLedgerImport},
		{"GET /api/v1/ledgers/{name}/template.xlsx", s.handleLedgerTemplate},
		{"GET /api/v1/ledgers/{name}/export", s.handleLedgerExport},

		{"GET /api/v1/indicators", s.handleIndicatorList},
		{"GET /api/v1/indicators/{id}", s.handleIndicatorGet},
		{"GET /api/v1/indicators/{id}/records", s.handleIndicatorRecords},
		{"GET /api/v1/indicator-definitions", s.handleIndicatorDefinitionsGet}, // http/indicator_county.go
		{"PUT /api/v1/indicator-definitions", s.handleIndicatorDefinitionsPut}, // http/indicator_county.go

		{"GET /api/v1/cockpit/summary", s.handleCockpitSummary},
		{"GET /api/v1/cockpit/trend", s.handleCockpitTrend},
		{"GET /api/v1/cockpit/map", s.handleCockpitMap},
		{"GET /api/v1/cockpit/board", s.handleCockpitBoard},

		{"GET /api/v1/assessments", s.handleAssessSchemes},       // http/assess.go
		{"GET /api/v1/assessments/{scheme}", s.handleAssessment}, // http/assess.go
		{"GET /api/v1/notices", s.handleNoticeList},              // http/notice.go
		{"POST /api/v1/notices/{id}/read", s.handleNoticeRead},   // http/notice.go

		{"GET /api/v1/assessments/{scheme}/scheme", s.handleAssessSchemeGet}, // http/assess_edit.go
		{"PUT /api/v1/assessments/{scheme}", s.handleAssessSchemePut},        // http/assess_edit.go
		{"DELETE /api/v1/assessments/{scheme}", s.handleAssessSchemeDelete},  // http/assess_edit.go

		{"GET /api/v1/openapi.json", s.handleOpenAPI}, // http/openapi.go

		{"GET /api/v1/security-policy", s.handleSecurityPolicyGet}, // http/security_policy.go
		{"PUT /api/v1/security-policy", s.handleSecurityPolicyPut}, // http/security_policy.go
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
	s.rhythmPageRoutes()
	s.ledgerPageRoutes()
	s.reportPageRoutes()
	s.indicatorPageRoutes()
	s.cockpitPageRoutes()
	s.assessPageRoutes() // http/assess_pages.go
	s.securityPolicyPageRoutes()
	s.passwordPageRoutes() // http/password_change.go
}

func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	if err := s.DB.Ping(r.Context()); err != nil {
		s.Logger.Error("healthz", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
