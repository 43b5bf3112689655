package http

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/zhili-project/zhili"
)

// The security policy (安全策略, docs/security.md): failed logins before lockout,
// lockout and session times, password length, classes and maximum age. The three
// administrators read it; the security administrator alone changes it, within
// the ranges of zhili.SecurityBounds (the store checks both). GET and PUT
// /api/v1/security-policy, and the page /admin/security-policy.

// securityPolicyAnswer is the body of GET and PUT /api/v1/security-policy.
type securityPolicyAnswer struct {
	Policy zhili.SecuritySettings `json:"policy"`
	// Bounds are each field's allowed range and default, for forms.
	Bounds []zhili.SecurityBound `json:"bounds"`
}

// securityPolicyPatch is the body of PUT /api/v1/security-policy: the fields to
// change; those left out keep their current value.
type securityPolicyPatch struct {
	MaxFailures       *int `json:"max_failures,omitempty"`
	LockoutMinutes    *int `json:"lockout_minutes,omitempty"`
	IdleMinutes       *int `json:"idle_minutes,omitempty"`
	SessionHours      *int `json:"session_hours,omitempty"`
	PasswordMinLength *int `json:"password_min_length,omitempty"`
	PasswordClasses   *int `json:"password_classes,omitempty"`
	// PasswordMaxAgeDays: 0 (off) or 30–365 (http/password_change.go).
	PasswordMaxAgeDays *int `json:"password_max_age_days,omitempty"`
}

// apply copies the fields set in p onto s.
func (p securityPolicyPatch) apply(s *zhili.SecuritySettings) {
	for _, f := range []struct {
		v   *int
		dst *int
	}{
		{p.MaxFailures, &s.MaxFailures}, {p.LockoutMinutes, &s.LockoutMinutes}, {p.IdleMinutes, &s.IdleMinutes},
		{p.SessionHours, &s.SessionHours}, {p.PasswordMinLength, &s.PasswordMinLength}, {p.PasswordClasses, &s.PasswordClasses},
		{p.PasswordMaxAgeDays, &s.PasswordMaxAgeDays},
	} {
		if f.v != nil {
			*f.dst = *f.v
		}
	}
}

func (s *Server) securityPolicies() (zhili.SecurityPolicyService, error) {
	p, ok := s.Auth.(zhili.SecurityPolicyService)
	if !ok {
		return nil, zhili.Errorf(zhili.EINTERNAL, "the auth service keeps no security policy")
	}
	return p, nil
}

func (s *Server) handleSecurityPolicyGet(w http.ResponseWriter, r *http.Request) {
	svc, err := s.securityPolicies()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	cur, err := svc.SecurityPolicy(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, securityPolicyAnswer{Policy: *cur, Bounds: zhili.SecurityBounds})
}

// handleSecurityPolicyPut changes the fields of the body. 400 names each field
// out of range with its range; nothing is stored.
func (s *Server) handleSecurityPolicyPut(w http.ResponseWriter, r *http.Request) {
	svc, err := s.securityPolicies()
	if err == nil {
		// Checked before reading, so a caller who may not change it gets 403
		// whatever the body; the store checks again.
		err = zhili.ActorFromContext(r.Context()).Require(zhili.ActPolicyWrite)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var req securityPolicyPatch
	if err := decode(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	next, err := svc.UpdateSecurityPolicy(r.Context(), req.apply) // the fields sent, on the value in force
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, securityPolicyAnswer{Policy: *next, Bounds: zhili.SecurityBounds})
}

func (s *Server) securityPolicyPageRoutes() {
	s.mux.HandleFunc("GET /admin/security-policy", s.handleSecurityPolicyPage)
	s.mux.HandleFunc("POST /admin/security-policy", s.handleSecurityPolicyForm)
}

// securityPolicyPage is the data of security_policy.html.
type securityPolicyPage struct {
	Rows    []securityPolicyRow
	CanEdit bool
}

// securityPolicyRow is one field of the form: its range, the value shown (as
// typed, after a refused save) and its error.
type securityPolicyRow struct {
	zhili.SecurityBound
	Value, Err string
}

// policyRows lays out the form for values; errs are field errors by field.
func policyRows(values func(field string) string, errs map[string]string) []securityPolicyRow {
	rows := make([]securityPolicyRow, 0, len(zhili.SecurityBounds))
	for _, b := range zhili.SecurityBounds {
		rows = append(rows, securityPolicyRow{SecurityBound: b, Value: values(b.Field), Err: errs[b.Field]})
	}
	return rows
}

func (s *Server) handleSecurityPolicyPage(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requirePage(w, r)
	if !ok {
		return
	}
	svc, err := s.securityPolicies()
	var cur *zhili.SecuritySettings
	if err == nil {
		cur, err = svc.SecurityPolicy(r.Context())
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p := securityPolicyPage{CanEdit: a.Can(zhili.ActPolicyWrite),
		Rows: policyRows(func(f string) string { return strconv.Itoa(*cur.Field(f)) }, nil)}
	msg := ""
	if r.URL.Query().Get("saved") != "" {
		msg = "安全策略已保存，各实例在数秒内生效。"
	}
	s.render(w, r, http.StatusOK, "security_policy.html", page{Title: "安全策略", Message: msg, Data: p})
}

// handleSecurityPolicyForm saves the form. Cross-origin posts are refused by
// the CrossOriginProtection middleware, as for every form.
func (s *Server) handleSecurityPolicyForm(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requirePage(w, r)
	if !ok {
		return
	}
	svc, err := s.securityPolicies()
	if err == nil {
		err = a.Require(zhili.ActPolicyWrite) // the store checks again
	}
	if err == nil {
		err = r.ParseForm()
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	next, errs := policyFromForm(r.PostForm)
	if len(errs) == 0 {
		_, err = svc.SetSecurityPolicy(r.Context(), next)
		if err == nil {
			http.Redirect(w, r, "/admin/security-policy?saved=1", http.StatusSeeOther)
			return
		}
		if zhili.ErrorCode(err) != zhili.EINVALID {
			s.Error(w, r, err)
			return
		}
		for _, f := range zhili.ErrorFields(err) {
			errs[f.Field] = f.Reason
		}
	}
	p := securityPolicyPage{CanEdit: true, Rows: policyRows(func(f string) string { return strings.TrimSpace(r.PostForm.Get(f)) }, errs)}
	s.render(w, r, http.StatusBadRequest, "security_policy.html", page{Title: "安全策略", Error: "安全策略填写有误，未作任何修改。", Data: p})
}

// policyFromForm reads the form's fields; a field that is not a whole number
// is an error naming it.
func policyFromForm(form url.Values) (zhili.SecuritySettings, map[string]string) {
	var next zhili.SecuritySettings
	errs := map[string]string{}
	for _, b := range zhili.SecurityBounds {
		v, err := strconv.Atoi(strings.TrimSpace(form.Get(b.Field)))
		if err != nil {
			errs[b.Field] = b.Field + " must be a whole number " + strconv.Itoa(b.Min) + "–" + strconv.Itoa(b.Max)
			continue
		}
		*next.Field(b.Field) = v
	}
	return next, errs
}
