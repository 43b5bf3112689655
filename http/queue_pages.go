package http

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/zhili-project/zhili"
)

// queuePage is the data of the "needs my action" page.
type queuePage struct {
	Items                []*zhili.QueueItem
	Total, Offset, Limit int
	Kind                 string
	Warning              zhili.DueWarning
	Prev, Next           string
}

func (s *Server) handleQueuePage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	qs := s.Queues
	q := r.URL.Query()
	f, err := queueFilter(q)
	if err == nil {
		f.Offset, err = intParam(q.Get("offset"), "offset", 0)
	}
	p := queuePage{Kind: q.Get("kind"), Warning: f.Warning, Offset: f.Offset, Limit: pageSize}
	if err != nil {
		msg, _ := zhError(err)
		s.render(w, r, http.StatusBadRequest, "queue.html", page{Title: "待办事项", Error: msg, Data: p})
		return
	}
	f.Limit = pageSize
	if p.Items, p.Total, err = qs.Queue(r.Context(), f); err != nil {
		s.Error(w, r, err)
		return
	}
	link := func(offset int) string {
		v := url.Values{}
		if p.Kind != "" {
			v.Set("kind", p.Kind)
		}
		if p.Warning != "" {
			v.Set("warning", string(p.Warning))
		}
		if offset > 0 {
			v.Set("offset", strconv.Itoa(offset))
		}
		return "/queue?" + v.Encode()
	}
	if p.Offset > 0 {
		p.Prev = link(max(p.Offset-pageSize, 0))
	}
	if p.Offset+pageSize < p.Total {
		p.Next = link(p.Offset + pageSize)
	}
	s.render(w, r, http.StatusOK, "queue.html", page{Title: "待办事项", Data: p})
}
