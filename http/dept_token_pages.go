package http

import (
	"net/http"
	"strconv"

	"github.com/zhili-project/zhili"
)

// deptTokensView is what dept_tokens.html receives.
type deptTokensView struct {
	Tokens []*zhili.DepartmentToken
	Units  []*zhili.Unit // department units a token can be issued to
	// Secret is a token just issued: shown on this one page and never again.
	Secret   string
	Issued   *zhili.DepartmentToken
	CanIssue bool
}

func (s *Server) handleDeptTokensPage(w http.ResponseWriter, r *http.Request) {
	s.deptTokensPage(w, r, http.StatusOK, deptTokensView{}, "")
}

func (s *Server) deptTokensPage(w http.ResponseWriter, r *http.Request, status int, v deptTokensView, errMsg string) {
	a, ok := s.requirePage(w, r)
	if !ok {
		return
	}
	svc := s.DeptTokens
	var err error
	if v.Tokens, err = svc.FindDepartmentTokens(r.Context()); err != nil {
		s.Error(w, r, err)
		return
	}
	v.CanIssue = a.Can(zhili.ActUserWrite)
	kind := zhili.UnitDepartment
	v.Units, _, _ = s.Units.FindUnits(r.Context(), zhili.UnitFilter{Kind: &kind, Limit: 1000})
	s.render(w, r, status, "dept_tokens.html", page{Title: "部门接口令牌", Error: errMsg, Data: v})
}

func (s *Server) handleDeptTokenForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	svc := s.DeptTokens
	unitID, _ := strconv.ParseInt(r.FormValue("unit_id"), 10, 64)
	tok, secret, err := svc.CreateDepartmentToken(r.Context(), unitID, r.FormValue("name"))
	if err != nil {
		if zhili.ErrorCode(err) != zhili.EINVALID {
			s.Error(w, r, err)
			return
		}
		s.deptTokensPage(w, r, http.StatusBadRequest, deptTokensView{}, zhili.ErrorMessage(err))
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.deptTokensPage(w, r, http.StatusOK, deptTokensView{Secret: secret, Issued: tok}, "")
}

func (s *Server) handleDeptTokenRevokeForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	svc := s.DeptTokens
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := svc.RevokeDepartmentToken(r.Context(), id); err != nil && zhili.ErrorCode(err) != zhili.ECONFLICT {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/department-tokens", http.StatusSeeOther)
}
