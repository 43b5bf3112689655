package http

import (
	"net/http"
	"strconv"

	"github.com/zhili-project/zhili"
)

// The case event feed (docs/api.md#event-feed): other systems follow what happens
// to cases by asking for the events after the last seq they saw. Who may read and
// which cases they see is the store's business (event.read, the caller's scope).

// eventQuery reads after (default 0) and limit (default 100, 1–1000); a bad value
// is EINVALID naming its field, as the store would.
func eventQuery(r *http.Request) (after int64, limit int, err error) {
	q := r.URL.Query()
	var bad []zhili.FieldError
	if v := q.Get("after"); v != "" {
		after, err = strconv.ParseInt(v, 10, 64)
		if err != nil || after < 0 {
			bad = append(bad, zhili.FieldError{Field: "after", Code: "malformed", Reason: "after must be a seq the feed gave (0 to start)"})
		}
	}
	limit = 100
	if v := q.Get("limit"); v != "" {
		limit, err = strconv.Atoi(v)
		if err != nil || limit < 1 || limit > 1000 {
			bad = append(bad, zhili.FieldError{Field: "limit", Code: "out_of_range", Reason: "limit must be 1 to 1000"})
		}
	}
	if len(bad) > 0 {
		return 0, 0, zhili.Invalid("Bad event feed query.", bad...)
	}
	return after, limit, nil
}

func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	if s.Events == nil {
		s.Error(w, r, zhili.Errorf(zhili.ENOTFOUND, "The event feed is not served here."))
		return
	}
	after, limit, err := eventQuery(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	page, err := s.Events.Events(r.Context(), after, limit)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, page)
}
