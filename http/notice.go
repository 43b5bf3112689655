package http

import (
	"fmt"
	"net/http"

	"github.com/zhili-project/zhili/report"
)

// The notice API (通知): the caller's own notices — reports issued to its region
// by the scheduled report jobs — and marking them read.

func (s *Server) noticeStore() (report.NoticeStore, error) {
	if s.Notices == nil {
		return nil, fmt.Errorf("server has no notice service")
	}
	return s.Notices, nil
}

func (s *Server) handleNoticeList(w http.ResponseWriter, r *http.Request) {
	svc, err := s.noticeStore()
	offset, limit := 0, 0
	if err == nil {
		offset, limit, err = paging(r)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	items, unread, err := svc.Notices(r.Context(), r.URL.Query().Get("unread") == "1", offset, limit)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "unread": unread, "offset": offset, "limit": limit})
}

// handleNoticeRead marks one notice read, or every one with the id "all".
func (s *Server) handleNoticeRead(w http.ResponseWriter, r *http.Request) {
	svc, err := s.noticeStore()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var id int64
	if r.PathValue("id") != "all" {
		if id, err = idParam(r, "id"); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	n, err := svc.MarkRead(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"marked": n})
}
