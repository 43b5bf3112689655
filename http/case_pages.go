package http

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/zhili-project/zhili"
)

// casePageRoutes registers the case, queue and report pages.
func (s *Server) casePageRoutes() {
	s.mux.HandleFunc("GET /cases", s.handleCaseListPage)
	s.mux.HandleFunc("GET /cases/new", s.handleCaseNewPage)
	s.mux.HandleFunc("POST /cases/new", s.handleCaseNewForm)
	s.mux.HandleFunc("GET /cases/{id}", s.handleCasePage)
	s.mux.HandleFunc("POST /cases/{id}/act", s.handleCaseActForm)
	s.mux.HandleFunc("POST /cases/{id}/reveal", s.handleCaseRevealForm)
	s.mux.HandleFunc("POST /cases/{id}/attachments", s.handleAttachmentForm)
	s.mux.HandleFunc("POST /cases/searches", s.handleSavedSearchForm)
	s.mux.HandleFunc("POST /cases/searches/{id}/delete", s.handleSavedSearchDeleteForm)
	s.mux.HandleFunc("GET /queue", s.handleQueuePage)
	s.mux.HandleFunc("GET /m/report", s.handleMobileReportPage)
	s.mux.HandleFunc("POST /m/report", s.handleMobileReportForm)
}

// pageSize is the number of rows of the case and queue pages.
const pageSize = 50

// caseListPage is the data of the case list page.
type caseListPage struct {
	Items                []caseItem
	Total, Offset, Limit int
	From, To             int // the rows shown, counted from 1
	// Filters are the list's own parameters, to refill the form; Query encodes them
	// for paging links and for saving the search.
	Filters    url.Values
	Query      template.URL
	States     map[zhili.CaseState]bool
	Prev, Next string
	Saved      []*zhili.SavedSearch
	Regions    []*zhili.Region
	Errs       map[string]string
}

// listFilters keeps the case-list parameters of q, states joined by commas.
func listFilters(q url.Values) url.Values {
	out := url.Values{}
	for _, k := range zhili.CaseListParams {
		var vals []string
		for _, v := range q[k] {
			if v = strings.TrimSpace(v); v != "" {
				vals = append(vals, v)
			}
		}
		if len(vals) > 0 {
			out.Set(k, strings.Join(vals, ","))
		}
	}
	return out
}

func (s *Server) handleCaseListPage(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requirePage(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	p := caseListPage{Filters: listFilters(r.URL.Query()), States: map[zhili.CaseState]bool{}, Limit: pageSize}
	p.Query = template.URL(p.Filters.Encode())
	for _, st := range strings.Split(p.Filters.Get("state"), ",") {
		p.States[zhili.CaseState(st)] = true
	}
	var err error
	if p.Saved, err = s.Queues.SavedSearches(ctx); err != nil {
		s.Error(w, r, err)
		return
	}
	p.Regions, _, _ = s.Regions.FindRegions(ctx, zhili.RegionFilter{Under: &a.ScopeRegionID, Limit: 300})
	status := http.StatusOK
	f, err := s.caseFilter(ctx, p.Filters)
	if err == nil {
		p.Offset, err = intParam(r.URL.Query().Get("offset"), "offset", 0)
	}
	if err == nil {
		f.Offset, f.Limit = p.Offset, pageSize
		p.Items, p.Total, err = s.findCaseItems(ctx, f)
	}
	var msg string
	if err != nil {
		if code := zhili.ErrorCode(err); code != zhili.EINVALID {
			s.Error(w, r, err)
			return
		}
		status = http.StatusBadRequest
		msg, p.Errs = zhError(err)
	}
	link := func(offset int) string {
		v := listFilters(p.Filters)
		if offset > 0 {
			v.Set("offset", strconv.Itoa(offset))
		}
		return "/cases?" + v.Encode()
	}
	if p.Offset > 0 {
		p.Prev = link(max(p.Offset-pageSize, 0))
	}
	if p.Offset+pageSize < p.Total {
		p.Next = link(p.Offset + pageSize)
	}
	p.From, p.To = p.Offset+1, p.Offset+len(p.Items)
	s.render(w, r, status, "case_list.html", page{Title: "事件列表", Error: msg, Data: p})
}

// actionForm is the form of one allowed action on the case page.
type actionForm struct {
	Action zhili.CaseAction
	// Inputs names the inputs the action takes besides the note.
	Inputs       map[string]bool
	NoteRequired bool
	UnitRequired bool
	// Open, Values and Errs refill the form that failed.
	Open   bool
	Values url.Values
	Errs   map[string]string
}

// actionInputs are the inputs of each action's form; the note is always there.
var actionInputs = map[zhili.CaseAction][]string{
	zhili.DoAssign: {"unit"}, zhili.DoEscalate: {"unit"}, zhili.DoResolve: {"resolve"}, zhili.DoVisit: {"satisfaction"},
	zhili.DoLinkDuplicate: {"duplicate_of"}, zhili.DoRequestExtension: {"extension_days"}, zhili.DoDecideExtension: {"approve"},
}

// actionOrder is the order of the forms on the case page: the workflow's main line
// first, then the side moves, the remarks last.
var actionOrder = []zhili.CaseAction{zhili.DoAccept, zhili.DoReject, zhili.DoAssign, zhili.DoStart, zhili.DoResolve,
	zhili.DoVerify, zhili.DoVisit, zhili.DoClose, zhili.DoEscalate, zhili.DoReturn, zhili.DoRequestExtension,
	zhili.DoDecideExtension, zhili.DoSuspend, zhili.DoResume, zhili.DoReopen, zhili.DoLinkDuplicate, zhili.DoSupervise, zhili.DoComment}

// noteRequired lists the actions whose note is their reason.
var noteRequired = map[zhili.CaseAction]bool{zhili.DoReject: true, zhili.DoReturn: true, zhili.DoSuspend: true,
	zhili.DoReopen: true, zhili.DoComment: true, zhili.DoSupervise: true}

// caseView is the data of the case page.
type caseView struct {
	*caseDetail
	Revealed  bool
	CanReveal bool
	Events    []*zhili.CaseEvent
	// Attachments are the case's files (photos, agreements), without their data.
	Attachments []*zhili.Attachment
	CanAttach   bool
	Forms       []*actionForm
	Targets     []*zhili.Unit
	Methods     []string
}

// caseFailure is a submitted action form that failed, to show again.
type caseFailure struct {
	action zhili.CaseAction
	values url.Values
	errs   map[string]string
}

// casePage renders a case with its timeline and action forms.
func (s *Server) casePage(w http.ResponseWriter, r *http.Request, id int64, status int, p page, revealed []*zhili.Party, failed *caseFailure) {
	ctx := r.Context()
	d, err := s.caseDetailOf(ctx, id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	v := &caseView{caseDetail: d, Methods: zhili.ResolutionMethods}
	if a := zhili.ActorFromContext(ctx); a != nil {
		v.CanReveal = a.Can(zhili.ActPersonReveal) && len(d.Parties) > 0
	}
	if revealed != nil {
		v.Parties, v.Revealed = revealed, true
	}
	if v.Events, err = s.Cases.CaseTimeline(ctx, id); err != nil {
		s.Error(w, r, err)
		return
	}
	if v.Attachments, v.CanAttach, err = s.attachmentsOf(ctx, d); err != nil {
		s.Error(w, r, err)
		return
	}
	for _, act := range actionOrder {
		if !slices.Contains(d.AllowedActions, act) {
			continue
		}
		f := &actionForm{Action: act, Inputs: map[string]bool{}, NoteRequired: noteRequired[act], UnitRequired: act == zhili.DoAssign}
		for _, in := range actionInputs[act] {
			f.Inputs[in] = true
		}
		if f.Inputs["resolve"] && d.Kind == zhili.KindLaborComplaint {
			f.Inputs["wages"] = true
		}
		if f.Inputs["unit"] && v.Targets == nil {
			if v.Targets, err = s.Queues.CaseTargets(ctx, id); err != nil {
				s.Error(w, r, err)
				return
			}
		}
		if failed != nil && failed.action == act {
			f.Open, f.Values, f.Errs = true, failed.values, failed.errs
		}
		v.Forms = append(v.Forms, f)
	}
	p.Title, p.Data = d.No+" "+d.Title, v
	s.render(w, r, status, "case_view.html", p)
}

func (s *Server) handleCasePage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var p page
	if done := zhili.CaseAction(r.URL.Query().Get("done")); done != "" {
		if _, known := zhili.CaseActionLabels[done]; known {
			p.Message = "已完成：" + done.Label()
		}
	} else if r.URL.Query().Get("reported") == "1" {
		p.Message = "事件已上报。"
	}
	s.casePage(w, r, id, http.StatusOK, p, nil, nil)
}

func (s *Server) handleCaseRevealForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	parties, err := s.Cases.RevealParties(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.casePage(w, r, id, http.StatusOK, page{Message: "当事人完整信息已显示；本次查看已记入审计日志。"}, nonNil(parties), nil)
}

// actFromForm reads an action form; malformed numbers are named in Chinese.
func (s *Server) actFromForm(r *http.Request) (zhili.CaseAct, map[string]string) {
	errs := map[string]string{}
	val := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	num := func(name string) int64 {
		v := val(name)
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			errs[name] = fieldLabel(name) + "须为非负整数"
		}
		return n
	}
	act := zhili.CaseAct{Action: zhili.CaseAction(val("action")), From: zhili.CaseState(val("from")), Note: val("note"),
		Method: val("method"), Outcome: val("outcome"), Agreement: val("agreement") == "1", Approve: val("approve") == "1"}
	act.UnitID = num("unit_id")
	act.WorkersPaid = int(num("workers_paid"))
	act.Satisfaction = int(num("satisfaction"))
	act.ExtensionDays = int(num("extension_days"))
	if fen, ok := parseYuan(val("wages_recovered")); ok {
		act.WagesRecovered = fen
	} else {
		errs["wages_recovered_fen"] = "追回工资须为金额（元，最多两位小数）"
	}
	if dup := val("duplicate_of"); strings.Contains(dup, "-") {
		// A case number such as 2026-000123: find it among the cases in scope.
		cases, _, err := s.Cases.FindCases(r.Context(), zhili.CaseFilter{Query: dup, Limit: 20})
		for _, c := range cases {
			if err == nil && c.No == dup {
				act.DuplicateOf = c.ID
			}
		}
		if act.DuplicateOf == 0 {
			errs["duplicate_of"] = "找不到编号为 " + dup + " 的事件"
		}
	} else {
		act.DuplicateOf = num("duplicate_of")
	}
	return act, errs
}

func (s *Server) handleCaseActForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	act, errs := s.actFromForm(r)
	fail := &caseFailure{action: act.Action, values: r.PostForm, errs: errs}
	if len(errs) > 0 {
		s.casePage(w, r, id, http.StatusBadRequest, page{Error: "填写有误，请检查标出的项目。"}, nil, fail)
		return
	}
	if _, err := s.Cases.Act(r.Context(), id, act); err != nil {
		if zhili.ErrorCode(err) == zhili.EINTERNAL || zhili.ErrorCode(err) == zhili.ENOTFOUND {
			s.Error(w, r, err)
			return
		}
		msg, fields := zhError(err)
		fail.errs = fields
		if zhili.ErrorCode(err) == zhili.ECONFLICT {
			fail = nil // the forms now follow the case's new state
		}
		s.casePage(w, r, id, ErrorStatus(zhili.ErrorCode(err)), page{Error: msg}, nil, fail)
		return
	}
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(id, 10)+"?done="+url.QueryEscape(string(act.Action)), http.StatusSeeOther)
}

func (s *Server) handleSavedSearchForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	qs := s.Queues
	ss := &zhili.SavedSearch{Name: r.PostFormValue("name"), Query: r.PostFormValue("query")}
	if err := qs.CreateSavedSearch(r.Context(), ss); err != nil {
		if code := zhili.ErrorCode(err); code != zhili.EINVALID && code != zhili.ECONFLICT {
			s.Error(w, r, err)
			return
		}
		msg, _ := zhError(err)
		if zhili.ErrorCode(err) == zhili.ECONFLICT {
			msg = "已有同名的常用查询，或常用查询已达上限。"
		}
		s.render(w, r, http.StatusBadRequest, "error.html", page{Title: "保存查询失败", Error: msg})
		return
	}
	http.Redirect(w, r, "/cases?"+ss.Query, http.StatusSeeOther)
}

func (s *Server) handleSavedSearchDeleteForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	qs := s.Queues
	id, err := idParam(r, "id")
	if err == nil {
		err = qs.DeleteSavedSearch(r.Context(), id)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/cases", http.StatusSeeOther)
}
