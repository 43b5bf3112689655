package http

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/assess"
)

// The scheme editing API (docs/assessment.md, "A county edits a scheme"): read a
// scheme with its source, store the county's version, and go back to the
// built-in one. The store checks task.assign (the leader and the centre); the
// handlers check it first too, so a caller without it gets 403 whatever the body.

// assessEditor is the part of the assessment store that changes schemes
// (sqlstore.AssessService); assess.Service only reads.
type assessEditor interface {
	// SetScheme validates and stores a scheme; EINVALID names every bad field,
	// EFORBIDDEN without task.assign.
	SetScheme(ctx context.Context, raw []byte) (*assess.Scheme, error)
	// ResetScheme removes the stored version; ENOTFOUND when there is none.
	ResetScheme(ctx context.Context, name string) error
}

func (s *Server) assessEditor() (assessEditor, error) {
	ed, ok := s.Assess.(assessEditor)
	if !ok {
		return nil, fmt.Errorf("server's assessment service cannot edit schemes")
	}
	return ed, nil
}

// hasBuiltin says whether a scheme of that name ships in the binary.
func hasBuiltin(name string) bool {
	for _, b := range assess.Builtin() {
		if b.Name == name {
			return true
		}
	}
	return false
}

// schemeView is a scheme as GET …/scheme answers: the effective scheme, its
// source, and whether a built-in one exists (DELETE resets to it, else removes).
type schemeView struct {
	*assess.Scheme
	HasBuiltin bool `json:"has_builtin"`
}

func (s *Server) handleAssessSchemeGet(w http.ResponseWriter, r *http.Request) {
	svc, err := s.assessService()
	if err == nil {
		err = zhili.ActorFromContext(r.Context()).Require(zhili.ActBusinessRead)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	sc, err := svc.Scheme(r.Context(), r.PathValue("scheme"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, schemeView{Scheme: sc, HasBuiltin: hasBuiltin(sc.Name)})
}

// handleAssessSchemePut stores the body as the county's version of the scheme
// and answers the effective scheme.
func (s *Server) handleAssessSchemePut(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("scheme")
	ed, err := s.assessEditor()
	if err == nil {
		err = zhili.ActorFromContext(r.Context()).Require(zhili.ActTaskAssign)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	raw, err := readBody(w, r, "scheme")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if raw, err = schemeBody(raw, name); err == nil {
		_, err = ed.SetScheme(r.Context(), raw)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.handleAssessSchemeGet(w, r)
}

// schemeBody checks a scheme body against the name in the path (it may leave
// the name out) and returns it in the stored form: validated, the name set,
// the read-only source dropped, fields in the scheme's order.
func schemeBody(raw []byte, name string) ([]byte, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		reason := "the body must be a JSON object"
		if err != nil {
			reason = err.Error()
		}
		return nil, zhili.Invalid("The scheme is not valid JSON.", zhili.FieldError{Field: "scheme", Code: "malformed", Reason: reason})
	}
	var got string
	if v, ok := obj["name"]; ok && string(v) != "null" {
		if err := json.Unmarshal(v, &got); err != nil {
			return nil, zhili.Invalid("The scheme is not valid.", zhili.FieldError{Field: "name", Code: "malformed", Reason: "name must be a string"})
		}
	}
	if got != "" && got != name {
		return nil, zhili.Invalid("The scheme is not valid.", zhili.FieldError{Field: "name", Code: "mismatch",
			Reason: fmt.Sprintf("name %q differs from the scheme %q in the path", got, name)})
	}
	obj["name"], _ = json.Marshal(name)
	delete(obj, "source")
	b, _ := json.Marshal(obj)
	sc, err := assess.Parse(b)
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(sc, "", "  ")
}

// handleAssessSchemeDelete goes back to the built-in scheme (200 with it), or
// removes a scheme the county added (204). Resetting a scheme that is built-in
// already succeeds; a scheme that is neither built-in nor stored is 404.
func (s *Server) handleAssessSchemeDelete(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("scheme")
	ed, err := s.assessEditor()
	if err == nil {
		err = zhili.ActorFromContext(r.Context()).Require(zhili.ActTaskAssign)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	builtin, err := resetScheme(r.Context(), ed, name)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if !builtin {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.handleAssessSchemeGet(w, r)
}

// resetScheme removes the stored version of a scheme and says whether a
// built-in one applies now; ENOTFOUND when there was neither.
func resetScheme(ctx context.Context, ed assessEditor, name string) (builtin bool, err error) {
	builtin = hasBuiltin(name)
	err = ed.ResetScheme(ctx, name)
	if zhili.ErrorCode(err) == zhili.ENOTFOUND {
		if builtin {
			return true, nil
		}
		return false, zhili.Errorf(zhili.ENOTFOUND, "No assessment scheme %q.", name)
	}
	return builtin, err
}
