package http

import (
	"net/http"
	"strings"

	"github.com/zhili-project/zhili"
)

// tokenAllowed reports whether a department token may call path: the department
// report endpoints and the metric list, nothing else.
func tokenAllowed(path string) bool {
	return path == "/api/v1/department-metrics" || path == "/api/v1/department-reports" ||
		strings.HasPrefix(path, "/api/v1/department-reports/")
}

// authenticateDeptToken turns a department token (Authorization: Bearer zdt_…)
// into a department actor of the token's unit. It runs before the session
// middleware and strips the credentials it consumed, so a token request never
// also counts as a session. Each use is audited by the store.
func (s *Server) authenticateDeptToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || !strings.HasPrefix(token, zhili.DepartmentTokenPrefix) {
			next.ServeHTTP(w, r)
			return
		}
		if s.DeptTokens == nil {
			s.Error(w, r, zhili.Errorf(zhili.EUNAUTHORIZED, "Department tokens are not accepted here."))
			return
		}
		key := authKey(r, s, "token", "")
		if s.authBraked(w, r, key) {
			return
		}
		a, tok, err := s.DeptTokens.AuthenticateDepartmentToken(r.Context(), token, s.clientIP(r), r.Method+" "+r.URL.Path, tokenAllowed(r.URL.Path))
		if err != nil {
			s.authFailed(r, key, err)
			s.Error(w, r, err)
			return
		}
		ctx := zhili.NewContextWithActor(r.Context(), a)
		ctx = zhili.NewContextWithDepartmentToken(ctx, tok.ID)
		r2 := r.WithContext(ctx)
		r2.Header = r.Header.Clone()
		r2.Header.Del("Authorization")
		r2.Header.Del("Cookie")
		next.ServeHTTP(w, r2)
	})
}

// deptTokenCreate is the body of POST /api/v1/department-tokens.
type deptTokenCreate struct {
	UnitID int64  `json:"unit_id"`
	Name   string `json:"name"`
}

func (s *Server) handleDeptTokenCreate(w http.ResponseWriter, r *http.Request) {
	svc := s.DeptTokens
	var req deptTokenCreate
	if err := decode(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	t, secret, err := svc.CreateDepartmentToken(r.Context(), req.UnitID, req.Name)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, map[string]any{"token": t, "secret": secret,
		"note": "The secret is shown only now; send it as Authorization: Bearer <secret>."})
}

func (s *Server) handleDeptTokenList(w http.ResponseWriter, r *http.Request) {
	svc := s.DeptTokens
	items, err := svc.FindDepartmentTokens(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": nonNil(items)})
}

func (s *Server) handleDeptTokenRevoke(w http.ResponseWriter, r *http.Request) {
	svc := s.DeptTokens
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := svc.RevokeDepartmentToken(r.Context(), id); err != nil {
		s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
