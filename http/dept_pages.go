package http

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/deptreport"
)

// deptPageRoutes registers the department report pages (部门报送) and the token
// administration page.
func (s *Server) deptPageRoutes() {
	s.mux.HandleFunc("GET /department-reports", s.handleDeptPage)
	s.mux.HandleFunc("POST /department-reports", s.handleDeptForm)
	s.mux.HandleFunc("POST /department-reports/import", s.handleDeptImportForm)
	s.mux.HandleFunc("GET /department-reports/template.csv", s.handleDeptTemplate)
	s.mux.HandleFunc("GET /department-reports/{id}", s.handleDeptHistoryPage)
	s.mux.HandleFunc("POST /department-reports/{id}/correct", s.handleDeptCorrectForm)
	s.mux.HandleFunc("GET /admin/department-tokens", s.handleDeptTokensPage)
	s.mux.HandleFunc("POST /admin/department-tokens", s.handleDeptTokenForm)
	s.mux.HandleFunc("POST /admin/department-tokens/{id}/revoke", s.handleDeptTokenRevokeForm)
}

// deptRow is one figure as the pages show it.
type deptRow struct {
	*zhili.DepartmentReport
	Label string // the metric's Chinese label
	Shown string // the value with its unit: "12 起", "12,345.67 元"
}

// deptView is what dept_reports.html and dept_history.html receive.
type deptView struct {
	Metrics []zhili.DepartmentMetric
	// Mine are the metrics the viewer's department submits; empty for everyone else.
	Mine    []zhili.DepartmentMetric
	Rows    []deptRow
	Total   int
	Filters url.Values
	Values  url.Values // the submit form's values, kept after an error
	Errs    map[string]string
	Next    string
	// Report and CanCorrect are for the history page.
	Report     *deptRow
	CanCorrect bool
}

func metricOf(ms []zhili.DepartmentMetric, id string) *zhili.DepartmentMetric {
	return deptreport.Lookup(ms, id)
}

// showValue renders a value in its unit; money is fen shown as 元.
func showValue(m *zhili.DepartmentMetric, v int64) string {
	if m == nil {
		return strconv.FormatInt(v, 10)
	}
	if m.Money() {
		return fmt.Sprintf("%s.%02d 元", groupDigits(v/100), v%100)
	}
	return groupDigits(v) + " " + m.Unit
}

func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func (s *Server) deptRows(ms []zhili.DepartmentMetric, rs []*zhili.DepartmentReport) []deptRow {
	out := make([]deptRow, len(rs))
	for i, r := range rs {
		m := metricOf(ms, r.Metric)
		out[i] = deptRow{DepartmentReport: r, Label: r.Metric, Shown: showValue(m, r.Value)}
		if m != nil {
			out[i].Label = m.Label
		}
	}
	return out
}

// myMetrics are the metrics the actor's own department unit submits.
func (s *Server) myMetrics(r *http.Request, a *zhili.Actor, ms []zhili.DepartmentMetric) []zhili.DepartmentMetric {
	if a.Role != zhili.RoleDepartment {
		return nil
	}
	u, err := s.Units.FindUnit(r.Context(), a.UnitID)
	if err != nil {
		return nil
	}
	var out []zhili.DepartmentMetric
	for _, m := range ms {
		if m.SubmittedBy(u.Code) {
			out = append(out, m)
		}
	}
	return out
}

func (s *Server) handleDeptPage(w http.ResponseWriter, r *http.Request) {
	s.deptPage(w, r, http.StatusOK, "", "", url.Values{}, nil)
}

// deptPage renders the list with the submit form; msg and errMsg are the outcome
// of a form just posted, values and errs its fields.
func (s *Server) deptPage(w http.ResponseWriter, r *http.Request, status int, msg, errMsg string, values url.Values, errs map[string]string) {
	a, ok := s.requirePage(w, r)
	if !ok {
		return
	}
	svc := s.DeptReports
	ms := svc.DepartmentMetrics()
	q := r.URL.Query()
	if m := q.Get("month"); m != "" {
		if start, end, ok := deptreport.MonthOf(m); ok {
			q.Set("from", start)
			q.Set("to", end)
		}
	}
	r2 := r.Clone(r.Context())
	r2.URL.RawQuery = q.Encode()
	f, err := s.deptFilter(r2)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	items, total, err := svc.FindDepartmentReports(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	v := deptView{Metrics: ms, Mine: s.myMetrics(r, a, ms), Rows: s.deptRows(ms, items), Total: total,
		Filters: r.URL.Query(), Values: values, Errs: errs}
	if f.Offset+len(items) < total {
		q := r.URL.Query()
		q.Set("offset", strconv.Itoa(f.Offset+len(items)))
		v.Next = "/department-reports?" + q.Encode()
	}
	s.render(w, r, status, "dept_reports.html", page{Title: "部门报送", Message: msg, Error: errMsg, Data: v})
}

// fieldErrs turns field errors into a map for the form, row-prefixed for files.
func fieldErrs(err error) map[string]string {
	out := map[string]string{}
	for _, f := range zhili.ErrorFields(err) {
		if _, seen := out[f.Field]; !seen {
			out[f.Field] = f.Reason
		}
	}
	return out
}

func (s *Server) handleDeptForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	svc := s.DeptReports
	if err := r.ParseForm(); err != nil {
		s.Error(w, r, zhili.Invalid("The form cannot be read."))
		return
	}
	f := zhili.DepartmentFigure{Row: 1, Metric: r.PostForm.Get("metric"), RegionCode: r.PostForm.Get("region_code"), Note: r.PostForm.Get("note")}
	f.PeriodStart, f.PeriodEnd, _ = deptreport.MonthOf(r.PostForm.Get("month"))
	m := metricOf(svc.DepartmentMetrics(), f.Metric)
	v, verr := deptreport.ParseValue(r.PostForm.Get("value"), m != nil && m.Money())
	if verr != nil {
		s.deptPage(w, r, http.StatusBadRequest, "", "数值有误："+verr.Error(), r.PostForm, map[string]string{"value": verr.Error()})
		return
	}
	f.Value = v
	out, err := svc.SubmitDepartmentReports(r.Context(), []zhili.DepartmentFigure{f}, zhili.DepartmentSubmit{Replace: r.PostForm.Get("replace") == "1", Via: "form"})
	if err != nil {
		if zhili.ErrorCode(err) != zhili.EINVALID {
			s.Error(w, r, err)
			return
		}
		s.deptPage(w, r, http.StatusBadRequest, "", zhili.ErrorMessage(err), r.PostForm, fieldErrs(err))
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/department-reports/%d", out[0].ID), http.StatusSeeOther)
}

func (s *Server) handleDeptImportForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	svc := s.DeptReports
	out, err := s.importDeptFile(w, r, svc, "import")
	if err != nil {
		if zhili.ErrorCode(err) != zhili.EINVALID {
			s.Error(w, r, err)
			return
		}
		msg := zhili.ErrorMessage(err)
		for i, f := range zhili.ErrorFields(err) {
			if i == 50 {
				msg += " …"
				break
			}
			msg += "；" + f.String()
		}
		s.deptPage(w, r, http.StatusBadRequest, "", "导入未完成，未保存任何数据："+msg, url.Values{}, nil)
		return
	}
	s.deptPage(w, r, http.StatusOK, fmt.Sprintf("已导入 %d 条报送数据。", len(out)), "", url.Values{}, nil)
}

func (s *Server) handleDeptHistoryPage(w http.ResponseWriter, r *http.Request) {
	s.deptHistory(w, r, http.StatusOK, "")
}

func (s *Server) deptHistory(w http.ResponseWriter, r *http.Request, status int, errMsg string) {
	a, ok := s.requirePage(w, r)
	if !ok {
		return
	}
	svc := s.DeptReports
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	hist, err := svc.DepartmentReportHistory(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	ms := svc.DepartmentMetrics()
	v := deptView{Metrics: ms, Rows: s.deptRows(ms, hist)}
	for i := range v.Rows {
		if v.Rows[i].ID == id {
			v.Report = &v.Rows[i]
		}
	}
	cur := v.Rows[len(v.Rows)-1]
	v.CanCorrect = a.Role == zhili.RoleDepartment && cur.UnitID == a.UnitID && cur.Current()
	if v.CanCorrect && v.Report.ID != cur.ID {
		v.Report = &cur // correct the current figure, not the one linked
	}
	s.render(w, r, status, "dept_history.html", page{Title: "报送数据历史", Error: errMsg, Data: v})
}

func (s *Server) handleDeptCorrectForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	svc := s.DeptReports
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	old, err := svc.FindDepartmentReport(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	m := metricOf(svc.DepartmentMetrics(), old.Metric)
	v, err := deptreport.ParseValue(r.FormValue("value"), m != nil && m.Money())
	if err == nil {
		var out *zhili.DepartmentReport
		if out, err = svc.CorrectDepartmentReport(r.Context(), id, v, r.FormValue("note"), "form"); err == nil {
			http.Redirect(w, r, fmt.Sprintf("/department-reports/%d", out.ID), http.StatusSeeOther)
			return
		}
	} else {
		err = zhili.Invalid("数值有误：" + err.Error())
	}
	if c := zhili.ErrorCode(err); c != zhili.EINVALID && c != zhili.ECONFLICT {
		s.Error(w, r, err)
		return
	}
	s.deptHistory(w, r, ErrorStatus(zhili.ErrorCode(err)), zhili.ErrorMessage(err))
}

// handleDeptTemplate sends a CSV to fill in: the header the import reads and one
// example row per metric the viewer's department submits (every metric otherwise).
func (s *Server) handleDeptTemplate(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requirePage(w, r)
	if !ok {
		return
	}
	svc := s.DeptReports
	ms := s.myMetrics(r, a, svc.DepartmentMetrics())
	if len(ms) == 0 {
		ms = svc.DepartmentMetrics()
	}
	code := "419901100000"
	if reg, err := s.Regions.FindRegion(r.Context(), a.ScopeRegionID); err == nil {
		code = reg.Code
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="department-reports.csv"`)
	cw := csv.NewWriter(w)
	w.Write([]byte("\uFEFF")) // a BOM, so Excel reads the Chinese header as UTF-8
	cw.Write([]string{"指标", "区划代码", "开始日期", "结束日期", "数值", "备注"})
	for _, m := range ms {
		note := "单位：" + m.Unit
		if m.Money() {
			note = "金额单位：分（1元 = 100）"
		}
		cw.Write([]string{m.Label, code, "2026-01-01", "2026-01-31", "0", note})
	}
	cw.Flush()
}
