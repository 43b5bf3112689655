package http

import (
	"context"
	"net/http"
	"strconv"

	"github.com/zhili-project/zhili"
)

// attachmentsOf lists a case's files for its page, and whether to offer the upload
// form: to roles that write, while the case is not finished (the store decides
// finally who may add a file).
func (s *Server) attachmentsOf(ctx context.Context, d *caseDetail) ([]*zhili.Attachment, bool, error) {
	as := s.Attachments
	list, err := as.Attachments(ctx, d.ID)
	if err != nil {
		return nil, false, err
	}
	a := zhili.ActorFromContext(ctx)
	finished := d.State == zhili.CaseClosed || d.State == zhili.CaseRejected || d.State == zhili.CaseDuplicate
	return list, a.Can(zhili.ActBusinessWrite) && !finished && len(list) < zhili.MaxAttachments, nil
}

// handleAttachmentForm stores a file sent from the case page's upload form and
// goes back to the case; a refused file shows the reason on the case page.
func (s *Server) handleAttachmentForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	as := s.Attachments
	name, contentType, data, err := readUpload(w, r)
	if err == nil {
		_, err = as.AddAttachment(r.Context(), id, name, contentType, data)
	}
	switch zhili.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/cases/"+strconv.FormatInt(id, 10)+"#attachments", http.StatusSeeOther)
	case zhili.EINVALID:
		msg := "附件未能保存：请选择 JPG、PNG、WebP 图片或 PDF 文件，大小不超过10MB。"
		s.casePage(w, r, id, http.StatusBadRequest, page{Error: msg}, nil, nil)
	case zhili.EFORBIDDEN, zhili.ECONFLICT:
		msg, _ := zhError(err)
		s.casePage(w, r, id, ErrorStatus(zhili.ErrorCode(err)), page{Error: "附件未能保存：" + msg}, nil, nil)
	default:
		s.Error(w, r, err)
	}
}
