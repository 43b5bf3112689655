package http

import (
	"net/http"
	"strconv"
	"time"

	"github.com/zhili-project/zhili"
)

func (s *Server) handleAuditList(w http.ResponseWriter, r *http.Request) {
	var f zhili.AuditFilter
	var err error
	if f.Offset, f.Limit, err = paging(r); err != nil {
		s.Error(w, r, err)
		return
	}
	q := r.URL.Query()
	f.Action, f.ObjectType, f.ObjectID = q.Get("action"), q.Get("object_type"), q.Get("object_id")
	if v := q.Get("user_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			s.Error(w, r, zhili.Invalid("Bad user_id.", zhili.FieldError{Field: "user_id", Code: "malformed", Reason: "user_id must be an integer"}))
			return
		}
		f.UserID = &id
	}
	for param, dst := range map[string]**time.Time{"from": &f.From, "to": &f.To} {
		if v := q.Get(param); v != "" {
			t, err := time.Parse("2006-01-02", v)
			if err != nil {
				s.Error(w, r, zhili.Invalid("Bad date.", zhili.FieldError{Field: param, Code: "malformed", Reason: param + " must be a date like 2026-01-31"}))
				return
			}
			if param == "to" {
				t = t.AddDate(0, 0, 1) // inclusive of the whole last day
			}
			*dst = &t
		}
	}
	items, total, err := s.Audit.FindAudit(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listResponse[*zhili.AuditEntry]{Items: nonNil(items), Total: total, Offset: f.Offset, Limit: f.Limit})
}

func (s *Server) handleAuditVerify(w http.ResponseWriter, r *http.Request) {
	v, err := s.Audit.VerifyAudit(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": v.OK(), "entries": v.Entries, "broken": nonNil(v.Broken)})
}
