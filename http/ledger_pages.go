package http

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/ledger"
)

// ledgerPageRoutes registers the ledger pages: the list of ledgers, a ledger's
// records with filters, import and export, and the record form.
func (s *Server) ledgerPageRoutes() {
	s.mux.HandleFunc("GET /ledgers", s.handleLedgerListPage)
	s.mux.HandleFunc("GET /ledgers/{name}", s.handleLedgerRecordsPage)
	s.mux.HandleFunc("POST /ledgers/{name}/import", s.handleLedgerImportPage)
	s.mux.HandleFunc("GET /ledgers/{name}/new", s.handleLedgerNewPage)
	s.mux.HandleFunc("POST /ledgers/{name}/new", s.handleLedgerCreatePage)
	s.mux.HandleFunc("GET /ledgers/{name}/records/{id}", s.handleLedgerRecordPage)
	s.mux.HandleFunc("POST /ledgers/{name}/records/{id}", s.handleLedgerUpdatePage)
	s.mux.HandleFunc("POST /ledgers/{name}/records/{id}/delete", s.handleLedgerDeletePage)
}

func (s *Server) handleLedgerListPage(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requirePage(w, r)
	if !ok {
		return
	}
	if err := a.Require(zhili.ActBusinessRead); err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "ledger_list.html", page{Title: "台账", Data: s.LedgerCatalog.Schemas()})
}

// ledgerFilterField is one drop-down filter of the records page (enum and boolean fields).
type ledgerFilterField struct {
	ID, Label, Value string
	Options          []zhili.LedgerOption
}

// ledgerRow is one record as the table shows it.
type ledgerRow struct {
	ID     int64
	Region string
	Cells  []string
}

// ledgerRecordsView is the records page.
type ledgerRecordsView struct {
	Schema       *zhili.LedgerSchema
	Headers      []string
	Cols         int // table columns: #, region and the fields
	Filters      url.Values
	FilterFields []ledgerFilterField
	Rows         []ledgerRow
	Total        int
	Prev, Next   string
	Query        string // the current filter, for export links
	CanWrite     bool
	Errs         map[string]string
	ImportErrors []zhili.FieldError
}

func (s *Server) handleLedgerRecordsPage(w http.ResponseWriter, r *http.Request) {
	s.ledgerRecordsPage(w, r, http.StatusOK, "", nil)
}

func (s *Server) ledgerRecordsPage(w http.ResponseWriter, r *http.Request, status int, msg string, importErr error) {
	a, ok := s.requirePage(w, r)
	if !ok {
		return
	}
	sc, err := s.ledgerSchema(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	svc := s.Ledgers
	q := r.URL.Query()
	v := ledgerRecordsView{Schema: sc, Filters: q, CanWrite: a.Can(zhili.ActBusinessWrite), Errs: map[string]string{}}
	for i := range sc.Fields {
		f := &sc.Fields[i]
		v.Headers = append(v.Headers, ledger.HeaderLabel(f))
		switch f.Type {
		case zhili.FieldEnum:
			v.FilterFields = append(v.FilterFields, ledgerFilterField{ID: f.ID, Label: f.Label, Value: q.Get(f.ID), Options: f.Options})
		case zhili.FieldBoolean:
			v.FilterFields = append(v.FilterFields, ledgerFilterField{ID: f.ID, Label: f.Label, Value: q.Get(f.ID),
				Options: []zhili.LedgerOption{{Code: "true", Label: "是"}, {Code: "false", Label: "否"}}})
		}
	}
	v.Cols = len(v.Headers) + 2
	page := page{Title: sc.Label, Message: msg, Crumbs: []crumb{{Label: "台账", Href: "/ledgers"}}}
	if importErr != nil {
		page.Error = zhili.ErrorMessage(importErr)
		v.ImportErrors = zhili.ErrorFields(importErr)
	}
	f, err := s.ledgerFilter(r, sc.Name, q)
	var items []*zhili.LedgerRecord
	if err == nil {
		items, v.Total, err = svc.FindLedgerRecords(r.Context(), f)
	}
	if err != nil {
		if zhili.ErrorCode(err) != zhili.EINVALID {
			s.Error(w, r, err)
			return
		}
		for _, fe := range zhili.ErrorFields(err) {
			v.Errs[fe.Field] = fe.Reason
		}
		page.Error = zhili.ErrorMessage(err)
		status = http.StatusBadRequest
	}
	for _, rec := range items {
		row := ledgerRow{ID: rec.ID, Region: rec.RegionName}
		for i := range sc.Fields {
			row.Cells = append(row.Cells, ledger.Format(&sc.Fields[i], rec.Data[sc.Fields[i].ID]))
		}
		v.Rows = append(v.Rows, row)
	}
	base := url.Values{}
	for k, vals := range q {
		if k != "offset" && len(vals) > 0 && vals[0] != "" {
			base.Set(k, vals[0])
		}
	}
	v.Query = base.Encode()
	link := func(off int) string {
		b := url.Values{}
		for k, vals := range base {
			b[k] = vals
		}
		b.Set("offset", strconv.Itoa(off))
		return "/ledgers/" + sc.Name + "?" + b.Encode()
	}
	if f.Offset > 0 {
		v.Prev = link(max(f.Offset-f.Limit, 0))
	}
	if f.Offset+len(items) < v.Total {
		v.Next = link(f.Offset + f.Limit)
	}
	page.Data = v
	s.render(w, r, status, "ledger_records.html", page)
}

func (s *Server) handleLedgerImportPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	sc, err := s.ledgerSchema(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	res, err := s.importLedgerFile(w, r, sc)
	if err != nil {
		if zhili.ErrorCode(err) != zhili.EINVALID {
			s.Error(w, r, err)
			return
		}
		r.URL.RawQuery = ""
		s.ledgerRecordsPage(w, r, http.StatusBadRequest, "", err)
		return
	}
	r.URL.RawQuery = ""
	s.ledgerRecordsPage(w, r, http.StatusOK, fmt.Sprintf("已导入 %d 条记录。", res.Created), nil)
}

func (s *Server) handleLedgerDeletePage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	sc, id, svc, err := s.ledgerRecordRef(r)
	if err == nil {
		err = svc.DeleteLedgerRecord(r.Context(), sc.Name, id)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/ledgers/"+sc.Name, http.StatusSeeOther)
}
