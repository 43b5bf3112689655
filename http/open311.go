package http

import (
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhili-project/zhili"
)

// Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) over the public
// reporting service, so that a city's existing apps and hotlines can file reports
// into zhili. Services are the case categories ("hazard.fire"); a request's id is
// its tracking code, which stays the only key to its status: there is no public list.

func (s *Server) open311Routes() {
	s.mux.HandleFunc("GET /open311/v2/services.json", s.handleOpen311Services)
	s.mux.HandleFunc("POST /open311/v2/requests.json", s.handleOpen311Create)
	s.mux.HandleFunc("GET /open311/v2/requests.json", s.handleOpen311List)
	s.mux.HandleFunc("GET /open311/v2/requests/{id}", s.handleOpen311Get)
}

// open311Error writes GeoReport's error shape.
func open311Error(w http.ResponseWriter, status int, desc string) {
	writeJSON(w, status, []map[string]any{{"code": status, "description": desc}})
}

// open311Service is one entry of services.json.
type open311Service struct {
	Code        string `json:"service_code"`
	Name        string `json:"service_name"`
	Description string `json:"description"`
	Metadata    bool   `json:"metadata"`
	Type        string `json:"type"`
	Keywords    string `json:"keywords"`
	Group       string `json:"group"`
}

func (s *Server) handleOpen311Services(w http.ResponseWriter, r *http.Request) {
	cats, err := s.Public.PublicCategories(r.Context())
	if err != nil {
		s.Logger.Error("open311 services", "err", err)
		open311Error(w, http.StatusInternalServerError, "internal error")
		return
	}
	out := []open311Service{}
	for _, c := range cats {
		for _, k := range publicKinds {
			if c.Kind == k {
				out = append(out, open311Service{Code: string(c.Kind) + "." + c.Code, Name: c.Label, Description: c.Kind.Label() + " · " + c.Label,
					Type: "realtime", Keywords: c.Kind.Label(), Group: c.Kind.Label()})
			}
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleOpen311Create(w http.ResponseWriter, r *http.Request) {
	if !s.publicAllowed(w, r, s.publicSubmits) {
		return
	}
	if err := r.ParseForm(); err != nil {
		open311Error(w, http.StatusBadRequest, "the body is not a valid form")
		return
	}
	f := r.PostForm
	kind, cat, _ := strings.Cut(f.Get("service_code"), ".")
	desc := strings.TrimSpace(f.Get("description"))
	title := desc
	if utf8.RuneCountInString(title) > 40 {
		title = string([]rune(title)[:40]) + "…"
	}
	rep := &zhili.PublicReport{Kind: zhili.CaseKind(kind), Category: cat, Title: title, Detail: desc,
		Address: f.Get("address_string"), RegionCode: f.Get("address_id"), Contact: f.Get("phone")}
	if lat, err1 := strconv.ParseFloat(f.Get("lat"), 64); err1 == nil {
		if lng, err2 := strconv.ParseFloat(f.Get("long"), 64); err2 == nil {
			rep.Lat, rep.Lng = &lat, &lng
		}
	}
	code, _, err := s.Public.SubmitPublic(s.publicCtx(r), rep)
	if err != nil {
		if zhili.ErrorCode(err) != zhili.EINVALID {
			s.Logger.Error("open311 create", "err", err)
			open311Error(w, http.StatusInternalServerError, "internal error")
			return
		}
		var parts []string
		for _, fe := range zhili.ErrorFields(err) {
			parts = append(parts, open311Field(fe.Field)+": "+fe.Reason)
		}
		open311Error(w, http.StatusBadRequest, strings.Join(parts, "; "))
		return
	}
	writeJSON(w, http.StatusCreated, []map[string]string{{"service_request_id": code,
		"service_notice": "请保存此编号（查询码），凭码查询办理进度：/public/track?code=" + code}})
}

// open311Field names a store field as GeoReport calls it.
func open311Field(f string) string {
	switch f {
	case "kind", "category":
		return "service_code"
	case "title", "detail":
		return "description"
	case "region_code":
		return "lat/long or address_id"
	case "lat", "lng":
		return "lat/long"
	case "contact":
		return "phone"
	}
	return f
}

func (s *Server) handleOpen311List(w http.ResponseWriter, r *http.Request) {
	open311Error(w, http.StatusForbidden, "requests are not listed publicly; ask for one by its service_request_id")
}

// open311Request is one entry of requests/{id}.json.
type open311Request struct {
	ID        string    `json:"service_request_id"`
	Status    string    `json:"status"`
	Notes     string    `json:"status_notes"`
	Service   string    `json:"service_name"`
	Requested time.Time `json:"requested_datetime"`
	Updated   time.Time `json:"updated_datetime"`
	Address   string    `json:"address"`
}

func (s *Server) handleOpen311Get(w http.ResponseWriter, r *http.Request) {
	if !s.publicAllowed(w, r, s.publicReads) {
		return
	}
	id, ok := strings.CutSuffix(r.PathValue("id"), ".json")
	if !ok {
		open311Error(w, http.StatusNotFound, "not found")
		return
	}
	st, err := s.Public.TrackPublic(r.Context(), id)
	if err != nil {
		if zhili.ErrorCode(err) == zhili.ENOTFOUND {
			open311Error(w, http.StatusNotFound, "no request has this id")
			return
		}
		s.Logger.Error("open311 get", "err", err)
		open311Error(w, http.StatusInternalServerError, "internal error")
		return
	}
	status := "open"
	if st.Closed {
		status = "closed"
	}
	updated := st.ReportedAt
	if n := len(st.Steps); n > 0 {
		updated = st.Steps[n-1].At
	}
	writeJSON(w, http.StatusOK, []open311Request{{ID: cleanCode(id), Status: status, Notes: st.Stage, Service: st.Kind.Label(),
		Requested: st.ReportedAt, Updated: updated, Address: st.RegionName}})
}
