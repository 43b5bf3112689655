package http

import (
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/assess"
)

// The scheme pages (考核方案): the list with each scheme's items and weights,
// and the form that edits one, for the leader and the centre (task.assign, the
// store's check). The edit page is /assessments/schemes/{name}, not …/{name}/edit:
// that path would clash with /assessments/{scheme}/units/{id} in the mux.

func (s *Server) assessEditPageRoutes() {
	s.mux.HandleFunc("GET /assessments/schemes", s.handleSchemesPage)
	s.mux.HandleFunc("GET /assessments/schemes/{name}", s.handleSchemeEditPage)
	s.mux.HandleFunc("POST /assessments/schemes/{name}", s.handleSchemeEditForm)
	s.mux.HandleFunc("POST /assessments/schemes/{name}/reset", s.handleSchemeResetForm)
}

// schemesPage is the data of the scheme list.
type schemesPage struct {
	Rows    []schemeRow
	CanEdit bool
	// Values and Errs are the new-scheme form's.
	Values url.Values
	Errs   map[string]string
}

// schemeRow is one scheme as listed.
type schemeRow struct {
	*assess.Scheme
	HasBuiltin              bool
	UnitsLabel, PeriodLabel string
	Items                   []schemeItemRow
}

// schemeItemRow is one item as listed: what it measures and how it scores.
type schemeItemRow struct {
	assess.Item
	MeasureLabel, RuleText string
}

var schemeNameRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

func (s *Server) handleSchemesPage(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requirePage(w, r)
	if !ok {
		return
	}
	svc, err := s.assessService()
	if err == nil {
		err = a.Require(zhili.ActBusinessRead)
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
	p := schemesPage{CanEdit: a.Can(zhili.ActTaskAssign), Values: r.URL.Query(), Errs: map[string]string{}}
	names := map[string]bool{}
	for _, sc := range list {
		row := schemeRow{Scheme: sc, HasBuiltin: hasBuiltin(sc.Name), UnitsLabel: optionLabel(unitOptions, sc.Units),
			PeriodLabel: optionLabel(periodOptions, sc.Period)}
		for _, it := range sc.Items {
			ml := assess.Measures[it.Measure].Label
			if it.Measure == assess.MeasureIndicator {
				ml += " " + it.Indicator
			}
			row.Items = append(row.Items, schemeItemRow{Item: it, MeasureLabel: ml, RuleText: ruleText(it)})
		}
		p.Rows = append(p.Rows, row)
		names[sc.Name] = true
	}
	// 新增方案: a GET form naming the new scheme and the one it starts from.
	if name := strings.TrimSpace(p.Values.Get("new")); name != "" && p.CanEdit {
		from := p.Values.Get("from")
		switch {
		case !schemeNameRE.MatchString(name):
			p.Errs["new"] = schemeReasons["name/malformed"]
		case names[name]:
			p.Errs["new"] = "已有同名方案，请直接编辑"
		case !names[from]:
			p.Errs["from"] = "请选择作为模板的方案"
		default:
			http.Redirect(w, r, "/assessments/schemes/"+name+"?from="+url.QueryEscape(from), http.StatusSeeOther)
			return
		}
		s.render(w, r, http.StatusBadRequest, "assess_schemes.html", page{Title: "考核方案", Error: "新增方案填写有误。", Data: p})
		return
	}
	s.render(w, r, http.StatusOK, "assess_schemes.html", page{Title: "考核方案", Data: p})
}

// schemeEditPage is the data of the edit form.
type schemeEditPage struct {
	Form schemeForm
	Errs map[string]string
	// Source is the stored scheme's: builtin, settings, or "" for a new one.
	Source     string
	HasBuiltin bool
	// Sum and Base are the weights' total and the base score, for the check
	// line; SumOK says they agree.
	Sum, Base string
	SumOK     bool
	JSON      string
	// The choices of the selects and lists.
	Units, Periods, Rules, Measures []schemeOption
	Ledgers, Indicators             []schemeOption
}

// editScheme finds the scheme to edit: the effective one, or for a new name a
// copy of the scheme named by ?from=.
func (s *Server) editScheme(r *http.Request, name string) (*assess.Scheme, error) {
	svc, err := s.assessService()
	if err != nil {
		return nil, err
	}
	sc, err := svc.Scheme(r.Context(), name)
	if zhili.ErrorCode(err) != zhili.ENOTFOUND || r.URL.Query().Get("from") == "" || !schemeNameRE.MatchString(name) {
		return sc, err
	}
	if sc, err = svc.Scheme(r.Context(), r.URL.Query().Get("from")); err != nil {
		return nil, err
	}
	cp := *sc
	cp.Name, cp.Source = name, ""
	return &cp, nil
}

func (s *Server) handleSchemeEditPage(w http.ResponseWriter, r *http.Request) {
	if !s.requirePageAction(w, r, zhili.ActTaskAssign) {
		return
	}
	sc, err := s.editScheme(r, r.PathValue("name"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	b, _ := json.MarshalIndent(withoutSource(sc), "", "  ")
	s.renderSchemeForm(w, r, http.StatusOK, "", formFromScheme(sc), sc.Source, nil, string(b))
}

func withoutSource(sc *assess.Scheme) *assess.Scheme {
	cp := *sc
	cp.Source = ""
	return &cp
}

// handleSchemeEditForm saves the form (op=save), or the advanced JSON (op=json),
// or adds a row and shows the form again (op=add_item, op=add_band.N). A saved
// scheme opens its ranking, so the user sees the new scores.
func (s *Server) handleSchemeEditForm(w http.ResponseWriter, r *http.Request) {
	if !s.requirePageAction(w, r, zhili.ActTaskAssign) {
		return
	}
	name := r.PathValue("name")
	ed, err := s.assessEditor()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "表单无法解析。")
		return
	}
	source := r.PostForm.Get("source")
	op := r.PostForm.Get("op")
	if op == "json" {
		raw := r.PostForm.Get("json")
		var f schemeForm
		b, err := schemeBody([]byte(raw), name)
		if err == nil {
			if _, err = ed.SetScheme(r.Context(), b); err == nil {
				http.Redirect(w, r, "/assessments?scheme="+url.QueryEscape(name), http.StatusSeeOther)
				return
			}
		}
		// the form as stored, the JSON as typed, the errors above it
		if cur, cerr := s.editScheme(r, name); cerr == nil {
			f = formFromScheme(cur)
		} else {
			f = schemeForm{Name: name}
		}
		s.schemeFormError(w, r, err, f, source, raw, true)
		return
	}
	f := parseSchemeForm(r.PostForm, name)
	switch {
	case op == "add_item":
		f.Items = append(f.Items, itemForm{Kind: assess.RuleDeduct})
		f.number()
		s.renderSchemeForm(w, r, http.StatusOK, "", f, source, nil, "")
		return
	case strings.HasPrefix(op, "add_band."):
		if i, err := strconv.Atoi(strings.TrimPrefix(op, "add_band.")); err == nil && i >= 0 && i < len(f.Items) {
			f.Items[i].Bands = append(f.Items[i].Bands, bandForm{}, bandForm{})
		}
		f.number()
		s.renderSchemeForm(w, r, http.StatusOK, "", f, source, nil, "")
		return
	}
	sc, ferrs := f.scheme()
	if len(ferrs) > 0 { // a number that is not one: report with the rest
		if verr := sc.Validate(); verr != nil {
			ferrs = append(ferrs, zhili.ErrorFields(verr)...)
		}
		f.number()
		s.schemeFormError(w, r, zhili.Invalid("The assessment scheme is not valid.", ferrs...), f, source, "", false)
		return
	}
	b, _ := json.MarshalIndent(sc, "", "  ")
	if _, err := ed.SetScheme(r.Context(), b); err != nil {
		f.number()
		s.schemeFormError(w, r, err, f, source, "", false)
		return
	}
	http.Redirect(w, r, "/assessments?scheme="+url.QueryEscape(name), http.StatusSeeOther)
}

// schemeFormError shows the form again with err: field errors next to their
// fields (or, from the JSON, listed above it), other errors as pages.
func (s *Server) schemeFormError(w http.ResponseWriter, r *http.Request, err error, f schemeForm, source, raw string, fromJSON bool) {
	switch zhili.ErrorCode(err) {
	case zhili.EINVALID:
	case zhili.EFORBIDDEN, zhili.ENOTFOUND, zhili.EINTERNAL:
		s.Error(w, r, err)
		return
	}
	errs := schemeErrors(zhili.ErrorFields(err), &f)
	msg := "方案有误，请检查标出的项目，未作任何修改。"
	if fromJSON {
		var parts []string
		for _, fe := range zhili.ErrorFields(err) {
			parts = append(parts, fe.Field+"："+errs[fe.Field])
		}
		msg = "JSON 方案有误，未作任何修改：" + strings.Join(parts, "；")
		errs = map[string]string{"json": msg}
	}
	s.renderSchemeForm(w, r, http.StatusBadRequest, msg, f, source, errs, raw)
}

// renderSchemeForm draws the edit form.
func (s *Server) renderSchemeForm(w http.ResponseWriter, r *http.Request, status int, msg string, f schemeForm, source string,
	errs map[string]string, raw string) {
	if errs == nil {
		errs = map[string]string{}
	}
	if raw == "" {
		if sc, _ := f.scheme(); sc != nil {
			b, _ := json.MarshalIndent(sc, "", "  ")
			raw = string(b)
		}
	}
	sum, base := f.weightSum()
	p := schemeEditPage{Form: f, Errs: errs, Source: source, HasBuiltin: hasBuiltin(f.Name), JSON: raw,
		Sum: strconv.FormatFloat(sum, 'f', -1, 64), Base: strconv.FormatFloat(base, 'f', -1, 64), SumOK: math.Abs(sum-base) < 1e-6 && base > 0,
		Units: unitOptions, Periods: periodOptions, Rules: ruleOptions, Measures: measureOptions()}
	if s.LedgerCatalog != nil {
		for _, l := range s.LedgerCatalog.Schemas() {
			p.Ledgers = append(p.Ledgers, schemeOption{l.Name, l.Label})
		}
		for i := range p.Form.Items {
			p.Form.Items[i].LedgerOpts = ledgerChoices(p.Ledgers, p.Form.Items[i].Ledgers)
		}
	}
	if s.Indicators != nil {
		for _, in := range s.Indicators.Indicators() {
			p.Indicators = append(p.Indicators, schemeOption{in.ID, in.Label})
		}
	}
	title := "编辑考核方案 · " + f.Label
	s.render(w, r, status, "assess_edit.html", page{Title: title, Error: msg,
		Crumbs: []crumb{{Label: "考核方案", Href: "/assessments/schemes"}}, Data: p})
}

// handleSchemeResetForm goes back to the built-in scheme (then shows its
// ranking) or removes a scheme the county added (then shows the list).
func (s *Server) handleSchemeResetForm(w http.ResponseWriter, r *http.Request) {
	if !s.requirePageAction(w, r, zhili.ActTaskAssign) {
		return
	}
	ed, err := s.assessEditor()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	name := r.PathValue("name")
	builtin, err := resetScheme(r.Context(), ed, name)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if builtin {
		http.Redirect(w, r, "/assessments?scheme="+url.QueryEscape(name), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/assessments/schemes", http.StatusSeeOther)
}

// ledgerChoices offers the catalogue's ledgers with those chosen marked, and
// keeps a chosen name the catalogue lacks so saving does not drop it.
func ledgerChoices(all []schemeOption, chosen []string) []ledgerChoice {
	on := map[string]bool{}
	for _, c := range chosen {
		on[c] = true
	}
	var out []ledgerChoice
	for _, l := range all {
		out = append(out, ledgerChoice{Value: l.Value, Label: l.Label, On: on[l.Value]})
		delete(on, l.Value)
	}
	for _, c := range chosen {
		if on[c] {
			out = append(out, ledgerChoice{Value: c, Label: c, On: true})
		}
	}
	return out
}
