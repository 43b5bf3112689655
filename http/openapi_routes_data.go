package http

import (
	"encoding/json"
	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/assess"
)

// Media types of file answers.
const (
	mediaXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	mediaAny  = "application/octet-stream"
)

// dataDocs: reports, department reports and tokens, ledgers, indicators, the
// cockpit, assessment and notices.
var dataDocs = map[string]apiDoc{
	"GET /api/v1/reports": {summary: "Report templates", zh: "报告模板", tag: "reports", perm: pBusinessRead, resp: itemsOf[reportTemplate]{}},
	"POST /api/v1/reports/{name}/render": {summary: "Render a report", zh: "生成报告", tag: "reports", perm: pBusinessRead,
		req: renderRequest{}, file: mediaAny, pathStr: []string{"name"},
		note: "format json (default), html, docx or xlsx; the file in that format, archived unless archive is false (its id in X-Report-Archive-Id)."},
	"GET /api/v1/report-archive": {summary: "Reports as issued", zh: "报告存档", tag: "reports", perm: pBusinessRead, resp: archiveList{},
		query: withPaging(qs("template", "template name"), qs("under", "region code: its subtree"))},
	"GET /api/v1/report-archive/{id}": {summary: "One archived report's file", zh: "下载存档报告", tag: "reports", perm: pBusinessRead, file: mediaAny,
		note: "Digests in X-Content-SHA256 and X-Content-SM3."},

	"GET /api/v1/department-metrics": {summary: "Metrics departments report", zh: "报送指标", tag: "department-reports", perm: permLogin,
		resp: itemsOf[zhili.DepartmentMetric]{}},
	"GET /api/v1/department-reports": {summary: "List department figures", zh: "部门报送列表", tag: "department-reports", perm: pBusinessRead,
		resp: listResponse[*zhili.DepartmentReport]{},
		query: withPaging(qs("metric", "metric id"), qs("region", "region code: its subtree"), qs("from", "month or day"), qs("to", "month or day"),
			qi("unit_id", "reporting unit"), qs("history", "1: include superseded figures"))},
	"POST /api/v1/department-reports": {summary: "Submit figures", zh: "部门报送", tag: "department-reports", perm: "department accounts and tokens",
		req: deptSubmit{}, resp: itemsOf[*zhili.DepartmentReport]{}, status: 201, note: "All or none."},
	"POST /api/v1/department-reports/import": {summary: "Submit figures from a file", zh: "文件导入报送", tag: "department-reports",
		perm: "department accounts and tokens", form: []string{"file*", "replace"}, resp: deptImported{}, status: 201,
		note: "An .xlsx or .csv file in the field file; all or none, every bad row named."},
	"POST /api/v1/department-reports/{id}/correct": {summary: "Correct a figure", zh: "更正报送", tag: "department-reports",
		perm: "department accounts and tokens (the reporting unit)", req: deptCorrect{}, resp: &zhili.DepartmentReport{}},
	"GET /api/v1/department-reports/{id}/history": {summary: "A figure's versions", zh: "报送历史", tag: "department-reports", perm: pBusinessRead,
		resp: itemsOf[*zhili.DepartmentReport]{}},
	"POST /api/v1/department-tokens": {summary: "Issue a department token", zh: "签发部门令牌", tag: "department-reports", perm: pUserWrite,
		req: deptTokenCreate{}, resp: deptTokenIssued{}, status: 201, note: "The secret is shown only in this answer."},
	"GET /api/v1/department-tokens": {summary: "List department tokens", zh: "部门令牌列表", tag: "department-reports", perm: pUserRead,
		resp: itemsOf[*zhili.DepartmentToken]{}},
	"DELETE /api/v1/department-tokens/{id}": {summary: "Revoke a department token", zh: "吊销部门令牌", tag: "department-reports", perm: pUserWrite, status: 204},

	"GET /api/v1/ledgers": {summary: "Ledger schemas", zh: "台账目录", tag: "ledgers", perm: permLogin, resp: itemsOf[*zhili.LedgerSchema]{}},
	"GET /api/v1/ledgers/{name}": {summary: "One ledger's schema", zh: "台账结构", tag: "ledgers", perm: permLogin, resp: &zhili.LedgerSchema{},
		pathStr: []string{"name"}},
	"GET /api/v1/ledgers/{name}/records": {summary: "List records", zh: "台账记录", tag: "ledgers", perm: pBusinessRead,
		resp: listResponse[*zhili.LedgerRecord]{}, pathStr: []string{"name"},
		query: []qparam{qs("region", "region code: its subtree"), qs("from", "day, inclusive"), qs("to", "day, inclusive"),
			qi("offset", "default 0"), qi("limit", "default 50, at most 1000")},
		note: "Any other parameter FIELD=value filters on a field of the schema."},
	"POST /api/v1/ledgers/{name}/records": {summary: "Add a record", zh: "新增台账记录", tag: "ledgers", perm: pBusinessWrite, pathStr: []string{"name"},
		req: ledgerRecordBody{}, resp: &zhili.LedgerRecord{}, status: 201,
		note: "data: field id → value; numbers in stored form (money in fen), strings read as typed (money in yuan)."},
	"GET /api/v1/ledgers/{name}/records/{id}": {summary: "One record", zh: "台账记录详情", tag: "ledgers", perm: pBusinessRead,
		resp: &zhili.LedgerRecord{}, pathStr: []string{"name"}},
	"PATCH /api/v1/ledgers/{name}/records/{id}": {summary: "Change a record", zh: "修改台账记录", tag: "ledgers", perm: pBusinessWrite,
		req: ledgerRecordBody{}, resp: &zhili.LedgerRecord{}, pathStr: []string{"name"}, note: "version: the one the caller saw (409 if stale)."},
	"DELETE /api/v1/ledgers/{name}/records/{id}": {summary: "Delete a record", zh: "删除台账记录", tag: "ledgers", perm: pBusinessWrite,
		status: 204, pathStr: []string{"name"}},
	"GET /api/v1/ledgers/{name}/records/{id}/history": {summary: "A record's changes", zh: "台账修改记录", tag: "ledgers", perm: pBusinessRead,
		resp: itemsOf[*zhili.LedgerRecordEvent]{}, pathStr: []string{"name"}},
	"POST /api/v1/ledgers/{name}/import": {summary: "Import records from a file", zh: "台账导入", tag: "ledgers", perm: pBusinessWrite,
		form: []string{"file*"}, resp: &zhili.LedgerImport{}, status: 201, pathStr: []string{"name"},
		note: "An .xlsx or .csv file in the field file; all or none, every bad row and column named."},
	"GET /api/v1/ledgers/{name}/template.xlsx": {summary: "The import template", zh: "导入模板", tag: "ledgers", perm: pBusinessRead,
		file: mediaXLSX, pathStr: []string{"name"}},
	"GET /api/v1/ledgers/{name}/export": {summary: "Export records", zh: "台账导出", tag: "ledgers", perm: pBusinessRead, file: mediaAny,
		pathStr: []string{"name"}, query: []qparam{qs("format", "xlsx (default) or csv"), qs("region", "region code"), qs("from", "day"), qs("to", "day")},
		note: "The same filters as the record list."},

	"GET /api/v1/indicators": {summary: "The indicator catalogue", zh: "指标目录", tag: "indicators", perm: permLogin, resp: itemsOf[zhili.IndicatorInfo]{}},
	"GET /api/v1/indicators/{id}": {summary: "An indicator's value", zh: "指标值", tag: "indicators", perm: pBusinessRead, resp: &zhili.IndicatorValue{},
		pathStr: []string{"id"}, query: []qparam{qs("region", "region code, default the caller's"), qs("from", "day, default 1 January"), qs("to", "day, default today")},
		note: "Any other parameter is an indicator parameter (e.g. threshold=10)."},
	"GET /api/v1/indicators/{id}/records": {summary: "The records behind a value", zh: "指标明细", tag: "indicators", perm: pBusinessRead,
		resp: indicatorRecords{}, pathStr: []string{"id"},
		query: []qparam{qs("region", "region code"), qs("from", "day"), qs("to", "day"), qi("page", "default 1"), qi("per_page", "default 50, at most 500")}},
	"GET /api/v1/indicator-definitions": {summary: "The county's own indicator definitions", zh: "本县自定义指标", tag: "indicators", perm: pBusinessRead,
		resp: indicatorDefinitions{}, note: "Entries in indicator/figures.json's format (docs/indicators.md)."},
	"PUT /api/v1/indicator-definitions": {summary: "Replace the county's own indicators", zh: "设置本县自定义指标", tag: "indicators", perm: pTaskAssign,
		req: []json.RawMessage{}, resp: indicatorDefinitions{}, note: "The body is the whole array ([] removes all); 400 names each bad entry's index and key; nothing stored."},

	"GET /api/v1/cockpit/summary": {summary: "Headline figures", zh: "驾驶舱指标", tag: "cockpit", perm: pBusinessRead, resp: cockpitSummary{}, query: cockpitQ},
	"GET /api/v1/cockpit/trend":   {summary: "Monthly trend", zh: "驾驶舱趋势", tag: "cockpit", perm: pBusinessRead, resp: &zhili.CockpitTrend{}, query: cockpitQ},
	"GET /api/v1/cockpit/map": {summary: "Grid map (GeoJSON)", zh: "网格地图", tag: "cockpit", perm: pBusinessRead, resp: geoCollection{},
		query: append([]qparam{qs("metric", "open (default) or overdue")}, cockpitQ...)},
	"GET /api/v1/cockpit/board": {summary: "Rankings and lists", zh: "驾驶舱排行", tag: "cockpit", perm: pBusinessRead, resp: &zhili.CockpitBoard{}, query: cockpitQ},

	"GET /api/v1/assessments": {summary: "Assessment schemes", zh: "考核方案", tag: "assessment", perm: pBusinessRead, resp: itemsOf[*assess.Scheme]{}},
	"GET /api/v1/assessments/{scheme}": {summary: "Scores for a period", zh: "考核结果", tag: "assessment", perm: pBusinessRead, resp: &assess.Result{},
		pathStr: []string{"scheme"}, query: []qparam{qs("period", "e.g. 2026-Q1"), qs("region", "region code")}},
	"GET /api/v1/assessments/{scheme}/scheme": {summary: "The effective scheme", zh: "考核方案详情", tag: "assessment", perm: pBusinessRead,
		resp: schemeView{}, pathStr: []string{"scheme"}},
	"PUT /api/v1/assessments/{scheme}": {summary: "Store the county's version of a scheme", zh: "修改考核方案", tag: "assessment", perm: pTaskAssign,
		req: assess.Scheme{}, resp: schemeView{}, pathStr: []string{"scheme"}, note: "400 naming each bad field; nothing stored."},
	"DELETE /api/v1/assessments/{scheme}": {summary: "Back to the built-in scheme", zh: "恢复默认方案", tag: "assessment", perm: pTaskAssign,
		resp: schemeView{}, alt: 204, pathStr: []string{"scheme"}, note: "200 with the built-in scheme, or 204 when a county-added scheme is removed."},
	"GET /api/v1/notices": {summary: "The caller's notices", zh: "通知", tag: "assessment", perm: permLogin, resp: noticeList{},
		query: withPaging(qs("unread", "1: unread only"))},
	"POST /api/v1/notices/{id}/read": {summary: "Mark a notice read", zh: "标记已读", tag: "assessment", perm: permLogin, resp: noticesMarked{},
		pathStr: []string{"id"}, note: "id all marks every notice."},
}

// cockpitQ are the cockpit's query parameters.
var cockpitQ = []qparam{qs("region", "region code, default the caller's"), qs("from", "day, default 1 January"), qs("to", "day, default today")}
