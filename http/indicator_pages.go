package http

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/zhili-project/zhili"
)

// indicatorPageRoutes registers the indicator pages: every figure for a chosen
// region and period, each number opening the records behind it.
func (s *Server) indicatorPageRoutes() {
	s.mux.HandleFunc("GET /indicators", s.handleIndicatorsPage)
	s.mux.HandleFunc("GET /indicators/{id}/records", s.handleIndicatorRecordsPage)
	s.indicatorCountyPageRoutes() // http/indicator_county_pages.go
}

// indicatorRow is one line of the indicator page: a figure of the seed (or an
// indicator without one) with its value and the link to its records.
type indicatorRow struct {
	Figure string
	Info   zhili.IndicatorInfo
	Value  *zhili.IndicatorValue
	Error  string
	Link   string
}

// indicatorView is what indicator_list.html and indicator_records.html receive.
type indicatorView struct {
	Region, From, To string
	Rows             []indicatorRow
	// The records page.
	Value   *zhili.IndicatorValue
	Records []indicatorRecordRow
	Total   int
	Prev    string
	Next    string
	Back    string
}

// indicatorRecordRow is one record of the drill-down with the page that shows it.
type indicatorRecordRow struct {
	zhili.IndicatorRecord
	Href string
}

// recordsLink is the drill-down page of a value with its parameters.
func recordsLink(id, region, from, to string, params map[string]string) string {
	q := url.Values{"region": {region}, "from": {from}, "to": {to}}
	for k, v := range params {
		q.Set(k, v)
	}
	return "/indicators/" + url.PathEscape(id) + "/records?" + q.Encode()
}

func (s *Server) handleIndicatorsPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	svc, err := s.indicators()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	base, err := s.indicatorQuery(r, "")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	v := indicatorView{Region: base.Region, From: base.From, To: base.To}
	for _, info := range svc.Indicators() {
		figs := info.Figures
		if len(figs) == 0 {
			figs = []zhili.IndicatorFigure{{}}
		}
		for _, f := range figs {
			q := zhili.IndicatorQuery{ID: info.ID, Region: base.Region, From: base.From, To: base.To, Params: f.Params}
			row := indicatorRow{Figure: f.No, Info: info, Link: recordsLink(info.ID, base.Region, base.From, base.To, f.Params)}
			val, err := svc.Indicator(r.Context(), q)
			if err != nil {
				if code := zhili.ErrorCode(err); code == zhili.EINTERNAL {
					s.Logger.Error("indicator", "id", info.ID, "err", err)
				} else if code != zhili.EINVALID {
					s.Error(w, r, err) // out of scope or forbidden: the whole page is
					return
				}
				row.Error = zhili.ErrorMessage(err)
			}
			row.Value = val
			v.Rows = append(v.Rows, row)
		}
	}
	s.render(w, r, http.StatusOK, "indicator_list.html", page{Title: "指标", Data: v})
}

func (s *Server) handleIndicatorRecordsPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	svc, err := s.indicators()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	q, err := s.indicatorQuery(r, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	pg, err := intParam(r.URL.Query().Get("page"), "page", 1)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	pg = max(pg, 1)
	val, err := svc.Indicator(r.Context(), q)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	const per = 50
	recs, total, err := svc.IndicatorRecords(r.Context(), q, pg, per)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	v := indicatorView{Region: q.Region, From: q.From, To: q.To, Value: val, Total: total,
		Back: "/indicators?" + url.Values{"region": {q.Region}, "from": {q.From}, "to": {q.To}}.Encode()}
	for _, rec := range recs {
		row := indicatorRecordRow{IndicatorRecord: rec}
		switch rec.Kind {
		case "case":
			row.Href = fmt.Sprint("/cases/", rec.ID)
		case "ledger":
			row.Href = fmt.Sprint("/ledgers/", url.PathEscape(rec.Ledger), "/records/", rec.ID)
		case "department_report":
			row.Href = fmt.Sprint("/department-reports/", rec.ID)
		}
		v.Records = append(v.Records, row)
	}
	link := recordsLink(q.ID, q.Region, q.From, q.To, q.Params)
	if pg > 1 {
		v.Prev = fmt.Sprintf("%s&page=%d", link, pg-1)
	}
	if pg*per < total {
		v.Next = fmt.Sprintf("%s&page=%d", link, pg+1)
	}
	s.render(w, r, http.StatusOK, "indicator_records.html", page{Title: val.Label, Data: v,
		Crumbs: []crumb{{Label: "指标", Href: v.Back}}})
}
