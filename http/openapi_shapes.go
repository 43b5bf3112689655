package http

import (
	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/report"
)

// Shapes of answers that handlers write as map[string]any, for the OpenAPI
// document only: a map has no type to reflect on. Each mirrors one writeJSON
// call (named beside it); TestOpenAPIAnswersMatch checks real answers against
// them, so a changed map shows up there.

// itemsOf is {"items": [...]}.
type itemsOf[T any] struct {
	Items []T `json:"items"`
}

// okAnswer is {"ok": true} (auth.go).
type okAnswer struct {
	OK bool `json:"ok"`
}

// totpEnrolled is the answer of POST /api/v1/totp/enroll.
type totpEnrolled struct {
	Secret string `json:"secret"`
	URI    string `json:"uri"`
}

// locateAnswer is the answer of GET /api/v1/locate.
type locateAnswer struct {
	Grid *zhili.Region `json:"grid"`
}

// auditVerified is the answer of GET /api/v1/audit/verify.
type auditVerified struct {
	OK      bool               `json:"ok"`
	Entries int                `json:"entries"`
	Broken  []zhili.AuditBreak `json:"broken"`
}

// dayItems and onItems are the rhythm's lists by day (rhythm.go dayList).
type dayItems[T any] struct {
	Day        string `json:"day"`
	RegionCode string `json:"region_code"`
	Items      []T    `json:"items"`
}

type onItems[T any] struct {
	On         string `json:"on"`
	RegionCode string `json:"region_code"`
	Items      []T    `json:"items"`
}

// calendarDays is the answer of GET /api/v1/calendar.
type calendarDays struct {
	From  string               `json:"from"`
	To    string               `json:"to"`
	Items []*zhili.CalendarDay `json:"items"`
}

// deptImported is the answer of POST /api/v1/department-reports/import.
type deptImported struct {
	Imported int                       `json:"imported"`
	Items    []*zhili.DepartmentReport `json:"items"`
}

// deptTokenIssued is the answer of POST /api/v1/department-tokens: the secret
// is shown only then.
type deptTokenIssued struct {
	Token  *zhili.DepartmentToken `json:"token"`
	Secret string                 `json:"secret"`
	Note   string                 `json:"note"`
}

// archiveList is the answer of GET /api/v1/report-archive.
type archiveList struct {
	Items []*report.Archive `json:"items"`
	Total int               `json:"total"`
}

// indicatorRecords is the answer of GET /api/v1/indicators/{id}/records.
type indicatorRecords struct {
	Items   []zhili.IndicatorRecord `json:"items"`
	Total   int                     `json:"total"`
	Page    int                     `json:"page"`
	PerPage int                     `json:"per_page"`
}

// noticeList is the answer of GET /api/v1/notices.
type noticeList struct {
	Items  []*report.Notice `json:"items"`
	Unread int              `json:"unread"`
	Offset int              `json:"offset"`
	Limit  int              `json:"limit"`
}

// noticesMarked is the answer of POST /api/v1/notices/{id}/read.
type noticesMarked struct {
	Marked int `json:"marked"`
}

// openAPIObject stands for the document itself.
type openAPIObject map[string]any
