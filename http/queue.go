package http

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/zhili-project/zhili"
)

// queueFilter reads the queue's filters: kind, and warning=red|yellow.
func queueFilter(q url.Values) (zhili.QueueFilter, error) {
	var f zhili.QueueFilter
	var bad []zhili.FieldError
	if v := q.Get("kind"); v != "" {
		k := zhili.CaseKind(v)
		if !k.Valid() {
			bad = append(bad, zhili.FieldError{Field: "kind", Code: "unknown_kind", Reason: fmt.Sprintf("unknown case kind %q", v)})
		}
		f.Kind = &k
	}
	switch w := zhili.DueWarning(q.Get("warning")); w {
	case zhili.WarnNone, zhili.WarnRed, zhili.WarnYellow:
		f.Warning = w
	default:
		bad = append(bad, zhili.FieldError{Field: "warning", Code: "malformed", Reason: "warning is red or yellow"})
	}
	if len(bad) > 0 {
		return f, zhili.Invalid("Bad queue filter.", bad...)
	}
	return f, nil
}

func (s *Server) handleQueue(w http.ResponseWriter, r *http.Request) {
	qs := s.Queues
	f, err := queueFilter(r.URL.Query())
	if err == nil {
		f.Offset, f.Limit, err = paging(r)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	items, total, err := qs.Queue(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listResponse[*zhili.QueueItem]{Items: nonNil(items), Total: total, Offset: f.Offset, Limit: f.Limit})
}

func (s *Server) handleSavedSearchList(w http.ResponseWriter, r *http.Request) {
	qs := s.Queues
	items, err := qs.SavedSearches(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": nonNil(items)})
}

// savedSearchCreate is the body of POST /api/v1/saved-searches.
type savedSearchCreate struct {
	Name  string `json:"name"`
	Query string `json:"query"`
}

func (s *Server) handleSavedSearchCreate(w http.ResponseWriter, r *http.Request) {
	qs := s.Queues
	var req savedSearchCreate
	if err := decode(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	ss := &zhili.SavedSearch{Name: req.Name, Query: req.Query}
	if err := qs.CreateSavedSearch(r.Context(), ss); err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, ss)
}

func (s *Server) handleSavedSearchDelete(w http.ResponseWriter, r *http.Request) {
	qs := s.Queues
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := qs.DeleteSavedSearch(r.Context(), id); err != nil {
		s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// bulkAssign is the body of POST /api/v1/cases/bulk-assign.
type bulkAssign struct {
	CaseIDs []int64 `json:"case_ids"`
	UnitID  int64   `json:"unit_id"`
	Note    string  `json:"note"`
}

func (s *Server) handleCaseBulkAssign(w http.ResponseWriter, r *http.Request) {
	qs := s.Queues
	var req bulkAssign
	if err := decode(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	cases, err := qs.BulkAssign(r.Context(), req.CaseIDs, req.UnitID, req.Note)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": cases})
}
