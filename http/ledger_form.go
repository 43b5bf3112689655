package http

import (
	"net/http"
	"strconv"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/ledger"
)

// ledgerInput is one form control generated from a schema field.
type ledgerInput struct {
	ID, Label, Unit, Help, Value, Err string
	Type                              zhili.LedgerFieldType
	Required                          bool
	MaxLength                         int
	Options                           []zhili.LedgerOption
}

// ledgerFormView is the record form: new or edit, with field-level errors.
type ledgerFormView struct {
	Schema    *zhili.LedgerSchema
	Record    *zhili.LedgerRecord
	Action    string
	Region    string
	RegionErr string
	Regions   []*zhili.Region
	Inputs    []ledgerInput
	History   []*zhili.LedgerRecordEvent
	CanWrite  bool
}

// ledgerForm builds the form of sc from text values and field errors.
func (s *Server) ledgerForm(r *http.Request, sc *zhili.LedgerSchema, values map[string]string, errs []zhili.FieldError) ledgerFormView {
	a := zhili.ActorFromContext(r.Context())
	v := ledgerFormView{Schema: sc, Region: values["region"], CanWrite: a.Can(zhili.ActBusinessWrite)}
	byField := map[string]string{}
	for _, fe := range errs {
		byField[fe.Field] = fe.Reason
	}
	v.RegionErr = byField["region"] + byField["region_id"] + byField["region_code"]
	for i := range sc.Fields {
		f := &sc.Fields[i]
		in := ledgerInput{ID: f.ID, Label: f.Label, Unit: f.Unit, Help: ledger.Describe(f), Value: values[f.ID], Err: byField[f.ID],
			Type: f.Type, Required: f.Required, MaxLength: f.MaxLength, Options: f.Options}
		if f.Type == zhili.FieldBoolean {
			in.Options = []zhili.LedgerOption{{Code: "是", Label: "是"}, {Code: "否", Label: "否"}}
		}
		if f.Type == zhili.FieldMoney {
			in.Unit = "元"
		}
		v.Inputs = append(v.Inputs, in)
	}
	if regions, _, err := s.Regions.FindRegions(r.Context(), zhili.RegionFilter{Limit: 1000}); err == nil {
		v.Regions = regions
	}
	return v
}

// recordValues renders a stored record as form text (enums by code, booleans 是/否).
func recordValues(sc *zhili.LedgerSchema, rec *zhili.LedgerRecord) map[string]string {
	values := map[string]string{"region": rec.RegionCode}
	for i := range sc.Fields {
		f := &sc.Fields[i]
		val := rec.Data[f.ID]
		if f.Type == zhili.FieldEnum && val != nil {
			values[f.ID] = val.(string)
		} else {
			values[f.ID] = ledger.Format(f, val)
		}
	}
	return values
}

// formData reads the posted fields as raw text; empty means "clear" on update.
func formData(r *http.Request, sc *zhili.LedgerSchema) (map[string]string, map[string]any) {
	values := map[string]string{"region": r.PostFormValue("region")}
	raw := map[string]any{}
	for _, f := range sc.Fields {
		val := r.PostFormValue(f.ID)
		values[f.ID] = val
		if val == "" {
			raw[f.ID] = nil
		} else {
			raw[f.ID] = val
		}
	}
	return values, raw
}

func (s *Server) handleLedgerNewPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	sc, err := s.ledgerSchema(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := zhili.ActorFromContext(r.Context()).Require(zhili.ActBusinessWrite); err != nil {
		s.Error(w, r, err)
		return
	}
	v := s.ledgerForm(r, sc, map[string]string{}, nil)
	v.Action = "/ledgers/" + sc.Name + "/new"
	s.render(w, r, http.StatusOK, "ledger_form.html", page{Title: "新增" + sc.Label + "记录", Data: v,
		Crumbs: []crumb{{Label: "台账", Href: "/ledgers"}, {Label: sc.Label, Href: "/ledgers/" + sc.Name}}})
}

func (s *Server) handleLedgerCreatePage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	sc, err := s.ledgerSchema(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	svc := s.Ledgers
	values, raw := formData(r, sc)
	rec := &zhili.LedgerRecord{Ledger: sc.Name, Data: raw}
	err = nil
	if values["region"] == "" {
		err = zhili.Invalid("请选择行政区划。", zhili.FieldError{Field: "region", Code: "required", Reason: "必填"})
	} else if reg, e := s.regionRef(r.Context(), values["region"], "region"); e != nil {
		err = e
	} else {
		rec.RegionID = reg.ID
		err = svc.CreateLedgerRecord(r.Context(), rec)
	}
	if err != nil {
		if zhili.ErrorCode(err) != zhili.EINVALID {
			s.Error(w, r, err)
			return
		}
		v := s.ledgerForm(r, sc, values, zhili.ErrorFields(err))
		v.Action = "/ledgers/" + sc.Name + "/new"
		s.render(w, r, http.StatusBadRequest, "ledger_form.html", page{Title: "新增" + sc.Label + "记录", Error: zhili.ErrorMessage(err), Data: v,
			Crumbs: []crumb{{Label: "台账", Href: "/ledgers"}, {Label: sc.Label, Href: "/ledgers/" + sc.Name}}})
		return
	}
	http.Redirect(w, r, "/ledgers/"+sc.Name+"/records/"+strconv.FormatInt(rec.ID, 10), http.StatusSeeOther)
}

func (s *Server) handleLedgerRecordPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	sc, id, svc, err := s.ledgerRecordRef(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	rec, err := svc.FindLedgerRecord(r.Context(), sc.Name, id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.renderLedgerRecord(w, r, http.StatusOK, sc, rec, recordValues(sc, rec), nil, "")
}

func (s *Server) renderLedgerRecord(w http.ResponseWriter, r *http.Request, status int, sc *zhili.LedgerSchema, rec *zhili.LedgerRecord,
	values map[string]string, errs []zhili.FieldError, msg string) {
	v := s.ledgerForm(r, sc, values, errs)
	v.Record, v.Action = rec, "/ledgers/"+sc.Name+"/records/"+strconv.FormatInt(rec.ID, 10)
	v.History, _ = s.Ledgers.LedgerRecordHistory(r.Context(), sc.Name, rec.ID)
	s.render(w, r, status, "ledger_form.html", page{Title: sc.Label + "记录 #" + strconv.FormatInt(rec.ID, 10), Error: msg, Data: v,
		Crumbs: []crumb{{Label: "台账", Href: "/ledgers"}, {Label: sc.Label, Href: "/ledgers/" + sc.Name}}})
}

func (s *Server) handleLedgerUpdatePage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	sc, id, svc, err := s.ledgerRecordRef(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	rec, err := svc.FindLedgerRecord(r.Context(), sc.Name, id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	values, raw := formData(r, sc)
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	u := zhili.LedgerRecordUpdate{Data: raw, Version: version}
	if values["region"] != "" && values["region"] != rec.RegionCode {
		reg, e := s.regionRef(r.Context(), values["region"], "region")
		if e != nil {
			err = e
		} else {
			u.RegionID = &reg.ID
		}
	}
	if err == nil {
		_, err = svc.UpdateLedgerRecord(r.Context(), sc.Name, id, u)
	}
	if err != nil {
		code := zhili.ErrorCode(err)
		if code != zhili.EINVALID && code != zhili.ECONFLICT {
			s.Error(w, r, err)
			return
		}
		s.renderLedgerRecord(w, r, ErrorStatus(code), sc, rec, values, zhili.ErrorFields(err), zhili.ErrorMessage(err))
		return
	}
	http.Redirect(w, r, "/ledgers/"+sc.Name+"/records/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
