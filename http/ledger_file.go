package http

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/ledger"
)

// maxLedgerUpload bounds one ledger import file.
const maxLedgerUpload = 64 << 20

// importLedgerFile reads the multipart field "file" and stores it all or nothing.
func (s *Server) importLedgerFile(w http.ResponseWriter, r *http.Request, sc *zhili.LedgerSchema) (*zhili.LedgerImport, error) {
	svc := s.Ledgers
	a := zhili.ActorFromContext(r.Context())
	if err := a.Require(zhili.ActBusinessWrite); err != nil {
		return nil, err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxLedgerUpload)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, zhili.Invalid("文件过大。", zhili.FieldError{Field: "file", Code: "too_large", Reason: fmt.Sprintf("文件不能超过 %d MB", maxLedgerUpload>>20)})
		}
		return nil, zhili.Invalid("请上传 .xlsx 或 .csv 文件。", zhili.FieldError{Field: "file", Code: "required", Reason: "没有收到文件"})
	}
	defer r.MultipartForm.RemoveAll()
	file, head, err := r.FormFile("file")
	if err != nil {
		return nil, zhili.Invalid("请上传 .xlsx 或 .csv 文件。", zhili.FieldError{Field: "file", Code: "required", Reason: "没有收到文件"})
	}
	defer file.Close()
	rows, err := ledger.ReadFile(sc, head.Filename, file)
	if err != nil {
		return nil, err
	}
	return svc.ImportLedgerRecords(r.Context(), sc.Name, rows)
}

func (s *Server) handleLedgerImport(w http.ResponseWriter, r *http.Request) {
	sc, err := s.ledgerSchema(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	res, err := s.importLedgerFile(w, r, sc)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, res)
}

func (s *Server) handleLedgerTemplate(w http.ResponseWriter, r *http.Request) {
	sc, err := s.ledgerSchema(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := zhili.ActorFromContext(r.Context()).Require(zhili.ActBusinessRead); err != nil {
		s.Error(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := ledger.WriteTemplate(&buf, sc); err != nil {
		s.Error(w, r, fmt.Errorf("ledger template %s: %w", sc.Name, err))
		return
	}
	attachment(w, sc.Label+"导入模板.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Write(buf.Bytes())
}

// attachment sets the headers of a download with a UTF-8 file name.
func attachment(w http.ResponseWriter, name, contentType string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", "attachment; filename=\"export\"; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Cache-Control", "no-store")
}

// handleLedgerExport streams the filtered records as .xlsx or .csv. The filter is
// checked (and the first record read) before any byte is sent, so errors are
// still proper error responses.
func (s *Server) handleLedgerExport(w http.ResponseWriter, r *http.Request) {
	sc, err := s.ledgerSchema(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	svc := s.Ledgers
	q := r.URL.Query()
	format := q.Get("format")
	if format == "" {
		format = "xlsx"
	}
	if format != "xlsx" && format != "csv" {
		s.Error(w, r, zhili.Invalid("导出格式应为 xlsx 或 csv。", zhili.FieldError{Field: "format", Code: "malformed", Reason: "应为 xlsx 或 csv"}))
		return
	}
	f, err := s.ledgerFilter(r, sc.Name, q)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	f.Offset, f.Limit = 0, 1
	if _, _, err := svc.FindLedgerRecords(r.Context(), f); err != nil {
		s.Error(w, r, err)
		return
	}
	name := sc.Label + "_" + time.Now().Format("20060102") + "." + format
	if format == "csv" {
		attachment(w, name, "text/csv; charset=utf-8")
	} else {
		attachment(w, name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	}
	e, err := ledger.NewExporter(w, sc, format)
	if err != nil {
		s.Logger.Error("ledger export", "ledger", sc.Name, "err", err)
		return
	}
	if err := svc.EachLedgerRecord(r.Context(), f, e.Write); err != nil {
		s.Logger.Error("ledger export", "ledger", sc.Name, "err", err)
		return
	}
	if err := e.Close(); err != nil {
		s.Logger.Error("ledger export", "ledger", sc.Name, "err", err)
	}
}
