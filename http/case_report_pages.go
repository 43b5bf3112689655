package http

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/zhili-project/zhili"
)

// partyRows is how many party rows the report form offers.
const partyRows = 3

// reportPage is the data of the report forms (desktop and phone).
type reportPage struct {
	Categories []zhili.Category
	Regions    []*zhili.Region
	Rows       []int
	// Values and Errs refill the form after a failed submission.
	Values url.Values
	Errs   map[string]string
	// Done is the case just reported from the phone page.
	Done *zhili.Case
}

// reportForm loads what the report forms choose from: categories, and the regions
// in scope (grids only on the phone page).
func (s *Server) reportForm(r *http.Request, gridsOnly bool) (*reportPage, error) {
	qs, ctx := s.Queues, r.Context()
	var err error
	p := &reportPage{Values: url.Values{}, Errs: map[string]string{}}
	for i := range partyRows {
		p.Rows = append(p.Rows, i)
	}
	if p.Categories, err = qs.CaseCategories(ctx, nil); err != nil {
		return nil, err
	}
	f := zhili.RegionFilter{Limit: 300}
	if a := zhili.ActorFromContext(ctx); a != nil && !a.System {
		f.Under = &a.ScopeRegionID
	}
	if gridsOnly {
		grid := zhili.LevelGrid
		f.Level = &grid
	}
	if p.Regions, _, err = s.Regions.FindRegions(ctx, f); err != nil {
		return nil, err
	}
	return p, nil
}

// reportFromForm reads a report form. Errors name the form's inputs; partyRow maps
// the index of each party sent to its row on the form.
func reportFromForm(r *http.Request) (req caseReport, partyRow []int, errs map[string]string) {
	errs = map[string]string{}
	val := func(name string) string { return strings.TrimSpace(r.FormValue(name)) }
	req = caseReport{Kind: zhili.CaseKind(val("kind")), Category: val("category"), Title: val("title"), Detail: val("detail"),
		Source: zhili.CaseSource(val("source")), Risk: zhili.Risk(val("risk")), RegionCode: val("region_code"), Address: val("address"), CRS: val("crs")}
	count := func(name string) int {
		v := val(name)
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			errs[name] = fieldLabel(name) + "须为非负整数"
		}
		return n
	}
	req.People, req.Workers = count("people"), count("workers")
	if fen, ok := parseYuan(val("amount")); ok {
		req.Amount = fen
	} else {
		errs["amount_fen"] = "涉及金额须为金额（元，最多两位小数）"
	}
	lat, lng := val("lat"), val("lng")
	if lat != "" && lng != "" {
		y, err1 := strconv.ParseFloat(lat, 64)
		x, err2 := strconv.ParseFloat(lng, 64)
		if err1 != nil || err2 != nil {
			errs["lat"] = "位置坐标格式不正确"
		} else {
			req.Lat, req.Lng = &y, &x
		}
	}
	for i := range partyRows {
		p := partyInput{Role: val(fmt.Sprint("party_role_", i)), Name: val(fmt.Sprint("party_name_", i)), Org: val(fmt.Sprint("party_org_", i)) == "1",
			IDNumber: val(fmt.Sprint("party_id_", i)), Phone: val(fmt.Sprint("party_phone_", i))}
		if p.Name == "" && p.IDNumber == "" && p.Phone == "" {
			continue
		}
		req.Parties = append(req.Parties, p)
		partyRow = append(partyRow, i)
	}
	return req, partyRow, errs
}

// formErrors keys a service error's fields by the report form's inputs, naming
// each party by its row on the form rather than its index in the request.
func formErrors(err error, partyRow []int, into map[string]string) string {
	var e *zhili.Error
	if errors.As(err, &e) && len(e.Fields) > 0 {
		byRow := *e
		byRow.Fields = make([]zhili.FieldError, len(e.Fields))
		for i, f := range e.Fields {
			if m := partyField.FindStringSubmatch(f.Field); m != nil {
				if k, _ := strconv.Atoi(m[1]); k < len(partyRow) {
					f.Field = fmt.Sprintf("parties[%d].%s", partyRow[k], m[2])
				}
			}
			byRow.Fields[i] = f
		}
		err = &byRow
	}
	msg, fields := zhError(err)
	inputs := map[string]string{"name": "name", "role": "role", "id_number": "id", "phone": "phone"}
	for field, reason := range fields {
		if m := partyField.FindStringSubmatch(field); m != nil {
			into["party_"+inputs[m[2]]+"_"+m[1]] = reason
			continue
		}
		switch field {
		case "region_id":
			field = "region_code"
		case "lng":
			field = "lat"
		}
		into[field] = reason
	}
	return msg
}

func (s *Server) handleCaseNewPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	p, err := s.reportForm(r, false)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "case_new.html", page{Title: "上报事件", Data: p})
}

// submitReport reads and enters a report form; on failure it fills p for the form
// again and returns the status and the Chinese message.
func (s *Server) submitReport(r *http.Request, p *reportPage) (*zhili.Case, int, string) {
	req, rows, errs := reportFromForm(r)
	p.Values = r.Form
	if len(errs) > 0 {
		p.Errs = errs
		return nil, http.StatusBadRequest, "填写有误，请检查标出的项目。"
	}
	c, err := s.reportCase(r.Context(), req)
	if err != nil {
		code := zhili.ErrorCode(err)
		if code == zhili.EINTERNAL {
			s.Logger.Error("report case", "err", err)
		}
		return nil, ErrorStatus(code), formErrors(err, rows, p.Errs)
	}
	return c, http.StatusOK, ""
}

func (s *Server) handleCaseNewForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	p, err := s.reportForm(r, false)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	r.ParseForm()
	c, status, msg := s.submitReport(r, p)
	if c == nil {
		s.render(w, r, status, "case_new.html", page{Title: "上报事件", Error: msg, Data: p})
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/cases/%d?reported=1", c.ID), http.StatusSeeOther)
}

func (s *Server) handleMobileReportPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	p, err := s.reportForm(r, true)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "case_mobile.html", page{Title: "网格员上报", Data: p})
}

// maxReportUpload bounds the phone form: the fields and one photo.
const maxReportUpload = zhili.MaxAttachmentSize + 1<<20

// reportPhoto is the photo sent with the phone form.
type reportPhoto struct {
	name, contentType string
	data              []byte
}

// photoFromForm reads the form's photo, if one was chosen, and checks it as the
// attachment store will (an image of an allowed type, at most MaxAttachmentSize,
// what its declared type says), so that a refused photo sends the form back
// before the case is entered. It returns the Chinese reason for the photo field.
func photoFromForm(r *http.Request) (*reportPhoto, string) {
	if r.MultipartForm == nil || len(r.MultipartForm.File["photo"]) == 0 {
		return nil, ""
	}
	hdr := r.MultipartForm.File["photo"][0]
	if hdr.Filename == "" && hdr.Size == 0 {
		return nil, "" // the field was left empty
	}
	if hdr.Size > zhili.MaxAttachmentSize {
		return nil, fmt.Sprintf("照片不能超过 %dMB", zhili.MaxAttachmentSize>>20)
	}
	f, err := hdr.Open()
	if err != nil {
		return nil, "照片读取失败，请重新选择"
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, zhili.MaxAttachmentSize+1))
	switch {
	case err != nil:
		return nil, "照片读取失败，请重新选择"
	case len(data) == 0:
		return nil, "照片是空文件，请重新拍摄"
	case len(data) > zhili.MaxAttachmentSize:
		return nil, fmt.Sprintf("照片不能超过 %dMB", zhili.MaxAttachmentSize>>20)
	}
	sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(data))
	if !strings.HasPrefix(sniffed, "image/") || !slices.Contains(zhili.AttachmentTypes, sniffed) {
		return nil, "照片须为 JPEG、PNG 或 WebP 图片"
	}
	declared := strings.TrimSpace(hdr.Header.Get("Content-Type"))
	if declared != "" {
		mt, _, err := mime.ParseMediaType(declared)
		if mt == "image/jpg" || mt == "image/pjpeg" { // what some phones send
			mt = "image/jpeg"
		}
		if err != nil || (mt != sniffed && mt != "application/octet-stream") {
			return nil, "照片内容与文件类型不符"
		}
	}
	return &reportPhoto{name: hdr.Filename, contentType: declared, data: data}, ""
}

func (s *Server) handleMobileReportForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	p, err := s.reportForm(r, true)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxReportUpload)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		err = r.ParseMultipartForm(maxReportUpload)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		msg := fmt.Sprintf("提交的内容过大或格式不正确（照片不超过 %dMB）。", zhili.MaxAttachmentSize>>20)
		s.render(w, r, http.StatusBadRequest, "case_mobile.html", page{Title: "网格员上报", Error: msg, Data: p})
		return
	}
	if r.FormValue("source") == "" {
		r.Form.Set("source", string(zhili.SourceGrid))
	}
	photo, bad := photoFromForm(r)
	if bad != "" {
		// Check the rest of the form too, so every mistake shows at once.
		_, _, errs := reportFromForm(r)
		errs["photo"] = bad + "（请重新选择照片）"
		p.Values, p.Errs = r.Form, errs
		s.render(w, r, http.StatusBadRequest, "case_mobile.html", page{Title: "网格员上报", Error: "填写有误，请检查标出的项目。", Data: p})
		return
	}
	c, status, msg := s.submitReport(r, p)
	if c == nil {
		if photo != nil {
			p.Errs["photo"] = "请重新选择照片"
		}
		s.render(w, r, status, "case_mobile.html", page{Title: "网格员上报", Error: msg, Data: p})
		return
	}
	done := &reportPage{Done: c, Categories: p.Categories, Regions: p.Regions, Values: url.Values{}, Errs: map[string]string{}}
	msg = "上报成功，事件编号 " + c.No + "。"
	var failed string
	if photo != nil {
		if _, err := s.Attachments.AddAttachment(r.Context(), c.ID, photo.name, photo.contentType, photo.data); err != nil {
			// The checks above make this rare: the case stands, the page says
			// the photo did not, so it can be added on the case page.
			if zhili.ErrorCode(err) == zhili.EINTERNAL {
				s.Logger.Error("attach report photo", "case", c.ID, "err", err)
			}
			m, _ := zhError(err)
			failed = "照片未能保存：" + m + " 请在事件页面重新上传。"
		} else {
			msg += "现场照片已随事件保存。"
		}
	}
	s.render(w, r, http.StatusOK, "case_mobile.html", page{Title: "网格员上报", Message: msg, Error: failed, Data: done})
}
