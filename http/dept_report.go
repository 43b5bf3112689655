package http

import (
	"net/http"
	"strconv"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/deptreport"
)

// maxDeptUpload bounds a department report file upload.
const maxDeptUpload = 32 << 20

func (s *Server) handleDeptMetrics(w http.ResponseWriter, r *http.Request) {
	if zhili.ActorFromContext(r.Context()) == nil {
		s.Error(w, r, zhili.Errorf(zhili.EUNAUTHORIZED, "Login required."))
		return
	}
	svc := s.DeptReports
	writeJSON(w, http.StatusOK, map[string]any{"items": svc.DepartmentMetrics()})
}

// deptFilter reads the list filter from the query: metric, region (code), from,
// to, unit_id, history=1, offset, limit.
func (s *Server) deptFilter(r *http.Request) (zhili.DepartmentReportFilter, error) {
	var f zhili.DepartmentReportFilter
	var err error
	if f.Offset, f.Limit, err = paging(r); err != nil {
		return f, err
	}
	q := r.URL.Query()
	f.Metric, f.History = q.Get("metric"), q.Get("history") == "1"
	for _, p := range []struct {
		name string
		dst  *string
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := q.Get(p.name); v != "" {
			d, err := deptreport.ParseDate(v)
			if err != nil {
				return f, zhili.Invalid("Bad query parameter.", zhili.FieldError{Field: p.name, Code: "malformed", Reason: err.Error()})
			}
			*p.dst = d
		}
	}
	if v := q.Get("unit_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return f, zhili.Invalid("Bad query parameter.", zhili.FieldError{Field: "unit_id", Code: "malformed", Reason: "unit_id must be a number"})
		}
		f.UnitID = &id
	}
	if code := q.Get("region"); code != "" {
		reg, err := s.regionRef(r.Context(), code, "region")
		if err != nil {
			return f, err
		}
		f.Under = &reg.ID
	}
	return f, nil
}

func (s *Server) handleDeptReportList(w http.ResponseWriter, r *http.Request) {
	svc := s.DeptReports
	f, err := s.deptFilter(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	items, total, err := svc.FindDepartmentReports(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listResponse[*zhili.DepartmentReport]{Items: nonNil(items), Total: total, Offset: f.Offset, Limit: f.Limit})
}

// deptSubmit is the body of POST /api/v1/department-reports.
type deptSubmit struct {
	// Replace lets each figure supersede the current one of its metric, region and month.
	Replace bool                     `json:"replace"`
	Figures []zhili.DepartmentFigure `json:"figures"`
}

func (s *Server) handleDeptReportSubmit(w http.ResponseWriter, r *http.Request) {
	svc := s.DeptReports
	var req deptSubmit
	if err := decode(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	out, err := svc.SubmitDepartmentReports(r.Context(), req.Figures, zhili.DepartmentSubmit{Replace: req.Replace, Via: "api"})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"items": out})
}

// deptCorrect is the body of POST /api/v1/department-reports/{id}/correct.
type deptCorrect struct {
	Value *int64 `json:"value"`
	Note  string `json:"note"`
}

func (s *Server) handleDeptReportCorrect(w http.ResponseWriter, r *http.Request) {
	svc := s.DeptReports
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var req deptCorrect
	if err := decode(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	if req.Value == nil {
		// Check the caller may correct at all before saying what is missing.
		if _, err := svc.FindDepartmentReport(r.Context(), id); err != nil {
			s.Error(w, r, err)
			return
		}
		s.Error(w, r, zhili.Invalid("The corrected value is required.", zhili.FieldError{Field: "value", Code: "required", Reason: "value is required"}))
		return
	}
	out, err := svc.CorrectDepartmentReport(r.Context(), id, *req.Value, req.Note, "api")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleDeptReportHistory(w http.ResponseWriter, r *http.Request) {
	svc := s.DeptReports
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	items, err := svc.DepartmentReportHistory(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// importDeptFile reads the uploaded file (multipart field "file") and submits its
// figures, all or nothing. A caller who may not submit is told so before anything
// about the file.
func (s *Server) importDeptFile(w http.ResponseWriter, r *http.Request, svc zhili.DepartmentReportService, via string) ([]*zhili.DepartmentReport, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxDeptUpload)
	var figs []zhili.DepartmentFigure
	var perr error
	if err := r.ParseMultipartForm(maxDeptUpload); err != nil {
		perr = zhili.Invalid("Send the file as multipart/form-data in the field \"file\".", zhili.FieldError{Field: "file", Code: "required", Reason: err.Error()})
	} else if file, hdr, err := r.FormFile("file"); err != nil {
		perr = zhili.Invalid("The upload has no file.", zhili.FieldError{Field: "file", Code: "required", Reason: "field file is missing"})
	} else {
		defer file.Close()
		figs, perr = deptreport.Parse(hdr.Filename, file, svc.DepartmentMetrics())
	}
	opt := zhili.DepartmentSubmit{Replace: r.FormValue("replace") == "1" || r.FormValue("replace") == "true", Via: via}
	if perr != nil {
		if _, err := svc.SubmitDepartmentReports(r.Context(), nil, opt); zhili.ErrorCode(err) != zhili.EINVALID {
			return nil, err
		}
		return nil, perr
	}
	return svc.SubmitDepartmentReports(r.Context(), figs, opt)
}

func (s *Server) handleDeptReportImport(w http.ResponseWriter, r *http.Request) {
	svc := s.DeptReports
	out, err := s.importDeptFile(w, r, svc, "import")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"imported": len(out), "items": out})
}
