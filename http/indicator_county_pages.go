package http

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/indicator"
)

// The county indicator pages (本县自定义指标, docs/indicators.md): the list of
// the county's own definitions for business roles, and for the leader and the
// centre (task.assign, the store's check) the form that adds, edits, previews
// and removes one. Saving PUTs the whole set through the store method the API
// uses (DefineIndicators), so the page and the API check alike. The edit page
// is /indicators/county/{id}/edit, not /indicators/county/{id}: that would
// clash with /indicators/{id}/records in the mux.

func (s *Server) indicatorCountyPageRoutes() {
	s.mux.HandleFunc("GET /indicators/county", s.handleCountyListPage)
	s.mux.HandleFunc("GET /indicators/county/new", s.handleCountyEditPage)
	s.mux.HandleFunc("POST /indicators/county/new", s.handleCountyEditForm)
	s.mux.HandleFunc("GET /indicators/county/{id}/edit", s.handleCountyEditPage)
	s.mux.HandleFunc("POST /indicators/county/{id}/edit", s.handleCountyEditForm)
	s.mux.HandleFunc("GET /indicators/county/{id}/delete", s.handleCountyDeletePage)
	s.mux.HandleFunc("POST /indicators/county/{id}/delete", s.handleCountyDeleteForm)
}

// countyDefiner is the indicator service as the pages need it.
type countyDefiner interface {
	indicatorDefiner
	UndefineIndicator(ctx context.Context, id string) error
}

func (s *Server) countyDefiner() (countyDefiner, error) {
	d, ok := s.Indicators.(countyDefiner)
	if !ok {
		return nil, zhili.Errorf(zhili.EINTERNAL, "indicators are not configured for county definitions")
	}
	return d, nil
}

// countyDefs reads the stored definitions (business.read, the store's check).
func (s *Server) countyDefs(ctx context.Context) ([]byte, []*indicator.Def, error) {
	d, err := s.countyDefiner()
	if err != nil {
		return nil, nil, err
	}
	raw, err := d.IndicatorDefinitions(ctx)
	if err != nil {
		return nil, nil, err
	}
	var defs []*indicator.Def
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&defs); err != nil {
		return nil, nil, fmt.Errorf("county indicators: %w", err)
	}
	return raw, defs, nil
}

// countyRow is one definition as listed.
type countyRow struct {
	*indicator.Def
	SourceText, AggText, FilterText string
}

// countyListPage is the data of indicator_county_list.html.
type countyListPage struct {
	Rows    []countyRow
	CanEdit bool
}

var (
	sourceLabels = map[string]string{indicator.SourceCase: "案件", indicator.SourceLedger: "台账", indicator.SourceDept: "部门报送", indicator.SourceOrg: "组织机构"}
	aggLabels    = map[string]string{indicator.AggCount: "计数", indicator.AggSum: "求和", indicator.AggDistinct: "去重计数",
		indicator.AggRatio: "比率", indicator.AggShare: "达标占比"}
	orgLabels  = map[string]string{"positions": "岗位", "units": "单位", "regions": "区划"}
	dateLabels = map[string]string{indicator.DateReported: "按上报日期", indicator.DateResolved: "按办结日期", indicator.DateRecord: "按台账日期",
		indicator.DatePeriod: "按报送期间", indicator.DateAsOfEnd: "按期末状态"}
	formatLabels = map[string]string{"int": "整数", "duo": "多（约数）", "yu": "余（约数）", "wan1": "万，一位小数", "yi1": "亿，一位小数",
		"wan_duo": "万多（约数）", "percent1": "百分比，一位小数", "percent0": "百分比，整数"}
)

// labelOf is m's label for k with k after it, or k alone.
func labelOf(m map[string]string, k string) string {
	if l, ok := m[k]; ok {
		return l + "（" + k + "）"
	}
	return k
}

// summarise says a definition's source, aggregation and conditions in a line each.
func (s *Server) summarise(d *indicator.Def) countyRow {
	row := countyRow{Def: d, SourceText: sourceLabels[d.Source], AggText: aggLabels[d.Agg]}
	if row.AggText == "" {
		row.AggText = d.Agg
	}
	switch d.Source {
	case indicator.SourceLedger:
		row.SourceText += " " + d.Ledger
		if s.LedgerCatalog != nil {
			if sc, err := s.LedgerCatalog.Schema(d.Ledger); err == nil {
				row.SourceText = "台账 " + sc.Label
			}
		}
	case indicator.SourceDept:
		row.SourceText += " " + d.Metric
	case indicator.SourceOrg:
		row.SourceText += " " + orgLabels[d.Org]
	}
	switch {
	case d.Agg == indicator.AggRatio:
		row.SourceText, row.AggText = "—", "比率 "+d.Num+" ÷ "+d.Den
	case d.Field != "":
		row.AggText += " " + d.Field
	}
	var conds []string
	for _, c := range d.Filter {
		switch {
		case c.Param != "":
			conds = append(conds, c.Field+" = 参数 "+c.Param)
		case c.In != nil:
			conds = append(conds, c.Field+" ∈ {"+strings.Join(c.In, ", ")+"}")
		case c.NotIn != nil:
			conds = append(conds, c.Field+" ∉ {"+strings.Join(c.NotIn, ", ")+"}")
		default:
			conds = append(conds, c.Field+" = "+indicator.CondValue(c.Eq))
		}
	}
	row.FilterText = strings.Join(conds, "；")
	return row
}

func (s *Server) handleCountyListPage(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requirePage(w, r)
	if !ok {
		return
	}
	_, defs, err := s.countyDefs(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p := countyListPage{CanEdit: a.Can(zhili.ActTaskAssign)}
	for _, d := range defs {
		p.Rows = append(p.Rows, s.summarise(d))
	}
	msg := ""
	if id := r.URL.Query().Get("saved"); id != "" {
		msg = "已保存指标 " + id + "，可在指标页查看其数值。"
	} else if id := r.URL.Query().Get("deleted"); id != "" {
		msg = "已删除指标 " + id + "。"
	}
	s.render(w, r, http.StatusOK, "indicator_county_list.html", page{Title: "本县自定义指标", Message: msg, Data: p,
		Crumbs: []crumb{{Label: "指标", Href: "/indicators"}}})
}

// countyEditPage is the data of indicator_county_edit.html.
type countyEditPage struct {
	Form    countyForm
	Errs    map[string]string
	General []string
	JSON    string
	// Preview is the value computed before saving, or why it could not be.
	Preview      *zhili.IndicatorValue
	PreviewError string
	// The choices of the selects; FieldOpts and CondFields follow the source.
	Prefix                              string
	Sources, Formats, Aggs, Orgs, Dates []schemeOption
	Ledgers, Bases, FieldOpts, CondOpts []schemeOption
	Ops                                 []schemeOption
	NeedsField, CondFree, CanPreview    bool
}

func (s *Server) handleCountyEditPage(w http.ResponseWriter, r *http.Request) {
	if !s.requirePageAction(w, r, zhili.ActTaskAssign) {
		return
	}
	_, defs, err := s.countyDefs(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	id := r.PathValue("id")
	if id == "" {
		f := countyForm{Source: indicator.SourceCase, Date: indicator.DateReported, Agg: indicator.AggCount, Format: "int"}
		f.number()
		s.renderCountyForm(w, r, http.StatusOK, "", f, nil, nil, "")
		return
	}
	i := slices.IndexFunc(defs, func(d *indicator.Def) bool { return d.ID == id })
	if i < 0 {
		s.Error(w, r, zhili.Errorf(zhili.ENOTFOUND, "No county indicator %q.", id))
		return
	}
	s.renderCountyForm(w, r, http.StatusOK, "", formFromDef(defs[i]), nil, nil, countyJSON(defs[i]))
}

// handleCountyEditForm saves the form (op=save) or the advanced JSON (op=json),
// computes the definition without storing it (op=preview), or shows the form
// again with a new condition row (op=add_filter) or the choices of a changed
// source (op=refresh). Saved, it goes to the list.
func (s *Server) handleCountyEditForm(w http.ResponseWriter, r *http.Request) {
	if !s.requirePageAction(w, r, zhili.ActTaskAssign) {
		return
	}
	d, err := s.countyDefiner()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "表单无法解析。")
		return
	}
	orig := r.PathValue("id")
	raw, defs, err := s.countyDefs(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	set, err := newCountySet(raw, orig)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	op := r.PostForm.Get("op")
	if op == "json" {
		typed := r.PostForm.Get("json")
		f := countyForm{Orig: orig}
		if i := slices.IndexFunc(defs, func(d *indicator.Def) bool { return d.ID == orig }); i >= 0 {
			f = formFromDef(defs[i])
		}
		f.number()
		var body []byte
		t := bytes.TrimSpace([]byte(typed))
		if len(t) == 0 || t[0] != '{' || !json.Valid(t) {
			err = zhili.Invalid("Bad indicator definitions.", zhili.FieldError{Field: fmt.Sprintf("[%d]", set.k), Code: "malformed",
				Reason: "one definition, a JSON object {…}"})
		} else if body, err = set.with(t); err == nil {
			if _, err = d.DefineIndicators(r.Context(), body, false); err == nil {
				http.Redirect(w, r, "/indicators/county?saved="+url.QueryEscape(entryID(t)), http.StatusSeeOther)
				return
			}
		}
		s.countyFormError(w, r, err, f, set, typed, true)
		return
	}
	f := parseCountyForm(r.PostForm, orig)
	switch op {
	case "add_filter":
		f.Filters = append(f.Filters, condForm{Op: "eq"}, condForm{Op: "eq"})
		f.number()
		s.renderCountyForm(w, r, http.StatusOK, "", f, nil, nil, "")
		return
	case "refresh":
		f.number()
		s.renderCountyForm(w, r, http.StatusOK, "", f, nil, nil, "")
		return
	}
	def, ferrs := f.def()
	entry, _ := json.Marshal(def)
	body, err := set.with(entry)
	if err == nil && len(ferrs) > 0 {
		for i := range ferrs {
			ferrs[i].Field = fmt.Sprintf("[%d].%s", set.k, ferrs[i].Field)
		}
		err = zhili.Invalid("Bad indicator definitions.", ferrs...)
	}
	if err == nil && op == "preview" {
		s.previewCounty(w, r, f, set, body, def)
		return
	}
	if err == nil {
		if _, err = d.DefineIndicators(r.Context(), body, false); err == nil {
			http.Redirect(w, r, "/indicators/county?saved="+url.QueryEscape(def.ID), http.StatusSeeOther)
			return
		}
	}
	f.number()
	s.countyFormError(w, r, err, f, set, "", false)
}

// previewCounty checks the set as the store would (indicator.WithCounty over
// the built-in catalogue) and computes the edited definition for the caller's
// region from 1 January to today through the engine, storing nothing.
func (s *Server) previewCounty(w http.ResponseWriter, r *http.Request, f countyForm, set *countySet, body []byte, def *indicator.Def) {
	f.number()
	eng, ok := s.Indicators.(*indicator.Engine)
	if !ok {
		s.renderCountyForm(w, r, http.StatusOK, "", f, nil, nil, "")
		return
	}
	cat, err := indicator.WithCounty(eng.Catalog, body)
	if err != nil {
		s.countyFormError(w, r, err, f, set, "", false)
		return
	}
	// The store without its live catalogue: the engine uses cat, and a
	// definition the cache does not hold is computed by SQL.
	pe := indicator.NewEngine(cat, struct{ indicator.Store }{eng.Store})
	q, err := s.indicatorQuery(r, def.ID)
	var v *zhili.IndicatorValue
	if err == nil {
		v, err = pe.Indicator(r.Context(), q)
	}
	p := s.countyEditData(r, f, nil, nil, "")
	p.Preview = v
	if err != nil {
		if zhili.ErrorCode(err) == zhili.EINTERNAL {
			s.Logger.Error("indicator preview", "id", def.ID, "err", err)
		}
		p.PreviewError = zhili.ErrorMessage(err)
	}
	s.render(w, r, http.StatusOK, "indicator_county_edit.html", page{Title: countyTitle(f), Data: p,
		Crumbs: []crumb{{Label: "指标", Href: "/indicators"}, {Label: "本县自定义指标", Href: "/indicators/county"}}})
}

// countyFormError shows the form again with err's field errors by their inputs
// (from the JSON: above the textarea); other errors are error pages.
func (s *Server) countyFormError(w http.ResponseWriter, r *http.Request, err error, f countyForm, set *countySet, typed string, fromJSON bool) {
	if zhili.ErrorCode(err) != zhili.EINVALID {
		s.Error(w, r, err)
		return
	}
	errs, general := countyErrors(zhili.ErrorFields(err), set.k, set.entries)
	msg := "指标定义有误，请检查标出的项目，未作任何修改。"
	if fromJSON {
		var parts []string
		for k, v := range errs {
			parts = append(parts, k+"："+v)
		}
		slices.Sort(parts)
		errs = map[string]string{"json": "JSON 有误，未作任何修改：" + strings.Join(append(parts, general...), "；")}
		general = nil
	}
	s.renderCountyForm(w, r, http.StatusBadRequest, msg, f, errs, general, typed)
}

func countyTitle(f countyForm) string {
	if f.Orig == "" {
		return "新增本县指标"
	}
	return "编辑本县指标 · " + f.Orig
}

// renderCountyForm draws the edit form.
func (s *Server) renderCountyForm(w http.ResponseWriter, r *http.Request, status int, msg string, f countyForm,
	errs map[string]string, general []string, raw string) {
	p := s.countyEditData(r, f, errs, general, raw)
	s.render(w, r, status, "indicator_county_edit.html", page{Title: countyTitle(f), Error: msg, Data: p,
		Crumbs: []crumb{{Label: "指标", Href: "/indicators"}, {Label: "本县自定义指标", Href: "/indicators/county"}}})
}

// countyEditData fills the choices of the form for its source, ledger and
// aggregation, from indicator's own lists (indicator.FormChoices).
func (s *Server) countyEditData(r *http.Request, f countyForm, errs map[string]string, general []string, raw string) countyEditPage {
	if errs == nil {
		errs = map[string]string{}
	}
	if raw == "" {
		if d, _ := f.def(); d != nil {
			raw = countyJSON(d)
		}
	}
	ch := indicator.FormChoices()
	p := countyEditPage{Form: f, Errs: errs, General: general, JSON: raw, Prefix: indicator.CountyPrefix, Ops: condOps}
	_, p.CanPreview = s.Indicators.(*indicator.Engine)
	opts := func(vals []string, labels map[string]string) []schemeOption {
		var out []schemeOption
		for _, v := range vals {
			out = append(out, schemeOption{v, labelOf(labels, v)})
		}
		return out
	}
	p.Sources, p.Formats, p.Aggs, p.Orgs = opts(ch.Sources, sourceLabels), opts(ch.Formats, formatLabels), opts(ch.Aggs, aggLabels), opts(ch.OrgTables, orgLabels)
	dates := ch.Dates[f.Source]
	if dates == nil {
		for _, src := range ch.Sources {
			dates = append(dates, ch.Dates[src]...)
		}
	}
	p.Dates = opts(dates, dateLabels)
	var schema *zhili.LedgerSchema
	if s.LedgerCatalog != nil {
		for _, l := range s.LedgerCatalog.Schemas() {
			p.Ledgers = append(p.Ledgers, schemeOption{l.Name, l.Label + "（" + l.Name + "）"})
			if l.Name == f.Ledger {
				schema = l
			}
		}
	}
	fieldLabel := func(id string) string {
		if schema != nil {
			if fl := schema.Field(id); fl != nil {
				return fl.Label + "（" + id + "）"
			}
		}
		return id
	}
	for _, v := range indicator.AggFields(f.Source, f.Org, f.Agg, schema) {
		p.FieldOpts = append(p.FieldOpts, schemeOption{v, fieldLabel(v)})
	}
	p.NeedsField = f.Agg != indicator.AggCount && f.Agg != indicator.AggRatio
	conds := indicator.FilterFields(f.Source, f.Org)
	if f.Source == indicator.SourceLedger && schema != nil {
		for _, fl := range schema.Fields {
			conds = append(conds, fl.ID)
		}
	}
	for _, v := range conds {
		p.CondOpts = append(p.CondOpts, schemeOption{v, fieldLabel(v)})
	}
	p.CondFree = len(p.CondOpts) == 0 && f.Source != indicator.SourceDept
	if s.Indicators != nil {
		for _, in := range s.Indicators.Indicators() {
			if in.Agg != indicator.AggRatio && in.ID != f.Orig {
				p.Bases = append(p.Bases, schemeOption{in.ID, in.Label + "（" + in.ID + "）"})
			}
		}
	}
	return p
}

// countyDeletePage is the data of indicator_county_delete.html.
type countyDeletePage struct {
	Row countyRow
}

func (s *Server) countyDeleteRow(w http.ResponseWriter, r *http.Request) (countyRow, bool) {
	if !s.requirePageAction(w, r, zhili.ActTaskAssign) {
		return countyRow{}, false
	}
	_, defs, err := s.countyDefs(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return countyRow{}, false
	}
	id := r.PathValue("id")
	i := slices.IndexFunc(defs, func(d *indicator.Def) bool { return d.ID == id })
	if i < 0 {
		s.Error(w, r, zhili.Errorf(zhili.ENOTFOUND, "No county indicator %q.", id))
		return countyRow{}, false
	}
	return s.summarise(defs[i]), true
}

func (s *Server) handleCountyDeletePage(w http.ResponseWriter, r *http.Request) {
	row, ok := s.countyDeleteRow(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "indicator_county_delete.html", page{Title: "删除本县指标 · " + row.ID, Data: countyDeletePage{Row: row},
		Crumbs: []crumb{{Label: "指标", Href: "/indicators"}, {Label: "本县自定义指标", Href: "/indicators/county"}}})
}

// handleCountyDeleteForm removes the indicator (UndefineIndicator); one a
// county ratio is made of is refused (in_use) and the page says which ratio.
func (s *Server) handleCountyDeleteForm(w http.ResponseWriter, r *http.Request) {
	row, ok := s.countyDeleteRow(w, r)
	if !ok {
		return
	}
	d, err := s.countyDefiner()
	if err == nil {
		err = d.UndefineIndicator(r.Context(), row.ID)
	}
	if err == nil {
		http.Redirect(w, r, "/indicators/county?deleted="+url.QueryEscape(row.ID), http.StatusSeeOther)
		return
	}
	fields := zhili.ErrorFields(err)
	if zhili.ErrorCode(err) != zhili.EINVALID || len(fields) == 0 {
		s.Error(w, r, err)
		return
	}
	msg := "无法删除：" + fields[0].Reason
	if fields[0].Code == "in_use" {
		var users []string
		_, defs, _ := s.countyDefs(r.Context())
		for _, d := range defs {
			if d.Num == row.ID || d.Den == row.ID {
				users = append(users, d.Label+"（"+d.ID+"）")
			}
		}
		msg = "无法删除：比率指标 " + strings.Join(users, "、") + " 由它计算，请先删除或修改该比率。未作任何修改。"
	}
	s.render(w, r, http.StatusBadRequest, "indicator_county_delete.html", page{Title: "删除本县指标 · " + row.ID, Error: msg,
		Data:   countyDeletePage{Row: row},
		Crumbs: []crumb{{Label: "指标", Href: "/indicators"}, {Label: "本县自定义指标", Href: "/indicators/county"}}})
}
