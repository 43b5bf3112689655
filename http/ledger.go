package http

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/ledger"
)

// ledgerSchema returns the schema named in the path, for a signed-in caller.
func (s *Server) ledgerSchema(r *http.Request) (*zhili.LedgerSchema, error) {
	if zhili.ActorFromContext(r.Context()) == nil {
		return nil, zhili.Errorf(zhili.EUNAUTHORIZED, "Login required.")
	}
	return s.LedgerCatalog.Schema(r.PathValue("name"))
}

func (s *Server) handleLedgerList(w http.ResponseWriter, r *http.Request) {
	if zhili.ActorFromContext(r.Context()) == nil {
		s.Error(w, r, zhili.Errorf(zhili.EUNAUTHORIZED, "Login required."))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": s.LedgerCatalog.Schemas()})
}

func (s *Server) handleLedgerSchema(w http.ResponseWriter, r *http.Request) {
	sc, err := s.ledgerSchema(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sc)
}

// ledgerQueryKeys are the query parameters that are not field filters.
var ledgerQueryKeys = map[string]bool{"region": true, "from": true, "to": true, "offset": true, "limit": true, "format": true, "page": true}

// ledgerFilter reads a record filter from the query: region (code; its subtree),
// from, to (inclusive days), offset, limit, and FIELD=value for any field.
func (s *Server) ledgerFilter(r *http.Request, name string, q url.Values) (zhili.LedgerFilter, error) {
	f := zhili.LedgerFilter{Ledger: name, From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	var err error
	if f.Offset, err = intParam(q.Get("offset"), "offset", 0); err != nil {
		return f, err
	}
	if f.Limit, err = intParam(q.Get("limit"), "limit", 50); err != nil {
		return f, err
	}
	f.Limit = min(max(f.Limit, 1), 1000)
	if code := strings.TrimSpace(q.Get("region")); code != "" {
		reg, err := s.regionRef(r.Context(), code, "region")
		if err != nil {
			return f, err
		}
		f.Under = &reg.ID
	}
	for k, v := range q {
		if ledgerQueryKeys[k] || len(v) == 0 || strings.TrimSpace(v[0]) == "" {
			continue
		}
		if f.Equal == nil {
			f.Equal = map[string]string{}
		}
		f.Equal[k] = v[0]
	}
	return f, nil
}

func (s *Server) handleLedgerRecords(w http.ResponseWriter, r *http.Request) {
	sc, err := s.ledgerSchema(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	svc := s.Ledgers
	f, err := s.ledgerFilter(r, sc.Name, r.URL.Query())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	items, total, err := svc.FindLedgerRecords(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if items == nil {
		items = []*zhili.LedgerRecord{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": total, "offset": f.Offset, "limit": f.Limit})
}

// ledgerRecordBody is the body of POST and PATCH on records: the region by code
// (or id) and the data, field id → value; numbers are stored form (money in fen),
// strings are read as typed (money in yuan).
type ledgerRecordBody struct {
	RegionCode string         `json:"region_code"`
	RegionID   int64          `json:"region_id"`
	Data       map[string]any `json:"data"`
	Version    int            `json:"version"`
}

// region resolves the body's region, or nil when it names none.
func (s *Server) ledgerRegion(r *http.Request, b ledgerRecordBody) (*int64, error) {
	if b.RegionCode != "" {
		reg, err := s.regionRef(r.Context(), b.RegionCode, "region_code")
		if err != nil {
			return nil, err
		}
		return &reg.ID, nil
	}
	if b.RegionID != 0 {
		return &b.RegionID, nil
	}
	return nil, nil
}

func (s *Server) handleLedgerRecordCreate(w http.ResponseWriter, r *http.Request) {
	sc, err := s.ledgerSchema(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	svc := s.Ledgers
	var b ledgerRecordBody
	if err := decode(w, r, &b); err != nil {
		s.Error(w, r, err)
		return
	}
	region, err := s.ledgerRegion(r, b)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if region == nil {
		s.Error(w, r, zhili.Invalid("请填写行政区划。", zhili.FieldError{Field: "region_code", Column: ledger.ColRegion, Code: "required", Reason: "必填"}))
		return
	}
	rec := &zhili.LedgerRecord{Ledger: sc.Name, RegionID: *region, Data: b.Data}
	if err := svc.CreateLedgerRecord(r.Context(), rec); err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, rec)
}

func (s *Server) handleLedgerRecordGet(w http.ResponseWriter, r *http.Request) {
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
	writeJSON(w, http.StatusOK, rec)
}

func (s *Server) handleLedgerRecordHistory(w http.ResponseWriter, r *http.Request) {
	sc, id, svc, err := s.ledgerRecordRef(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	events, err := svc.LedgerRecordHistory(r.Context(), sc.Name, id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": events})
}

func (s *Server) handleLedgerRecordPatch(w http.ResponseWriter, r *http.Request) {
	sc, id, svc, err := s.ledgerRecordRef(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var b ledgerRecordBody
	if err := decode(w, r, &b); err != nil {
		s.Error(w, r, err)
		return
	}
	region, err := s.ledgerRegion(r, b)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	rec, err := svc.UpdateLedgerRecord(r.Context(), sc.Name, id, zhili.LedgerRecordUpdate{RegionID: region, Data: b.Data, Version: b.Version})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rec)
}

func (s *Server) handleLedgerRecordDelete(w http.ResponseWriter, r *http.Request) {
	sc, id, svc, err := s.ledgerRecordRef(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := svc.DeleteLedgerRecord(r.Context(), sc.Name, id); err != nil {
		s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// ledgerRecordRef reads the ledger and record id of the path.
func (s *Server) ledgerRecordRef(r *http.Request) (*zhili.LedgerSchema, int64, zhili.LedgerService, error) {
	sc, err := s.ledgerSchema(r)
	if err != nil {
		return nil, 0, nil, err
	}
	id, err := idParam(r, "id")
	if err != nil {
		return nil, 0, nil, err
	}
	return sc, id, s.Ledgers, nil
}
