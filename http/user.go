package http

import (
	"net/http"

	"github.com/zhili-project/zhili"
)

func (s *Server) handleUserList(w http.ResponseWriter, r *http.Request) {
	var f zhili.UserFilter
	var err error
	if f.Offset, f.Limit, err = paging(r); err != nil {
		s.Error(w, r, err)
		return
	}
	if v := r.URL.Query().Get("role"); v != "" {
		role := zhili.Role(v)
		f.Role = &role
	}
	items, total, err := s.Users.FindUsers(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listResponse[*zhili.User]{Items: nonNil(items), Total: total, Offset: f.Offset, Limit: f.Limit})
}

func (s *Server) handleUserGet(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	u, err := s.Users.FindUser(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}

// userCreate is the body of POST /api/v1/users.
type userCreate struct {
	Username string     `json:"username"`
	Name     string     `json:"name"`
	Role     zhili.Role `json:"role"`
	UnitID   int64      `json:"unit_id"`
	PersonID int64      `json:"person_id"`
	Password string     `json:"password"`
}

func (s *Server) handleUserCreate(w http.ResponseWriter, r *http.Request) {
	var req userCreate
	if err := decode(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	u, err := s.Users.CreateUser(r.Context(), zhili.UserCreate(req))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, u)
}

// userPatch is the body of PATCH /api/v1/users/{id}: one security or admin change.
type userPatch struct {
	Role        *zhili.Role `json:"role"`
	Disabled    *bool       `json:"disabled"`
	Unlock      bool        `json:"unlock"`
	ResetTOTP   bool        `json:"reset_totp"`
	OldPassword string      `json:"old_password"`
	Password    string      `json:"password"`
}

func (s *Server) handleUserPatch(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var req userPatch
	if err := decode(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	ctx := r.Context()
	steps := []struct {
		on bool
		do func() error
	}{
		{req.Role != nil, func() error { return s.Users.SetUserRole(ctx, id, *req.Role) }},
		{req.Disabled != nil, func() error { return s.Users.SetUserDisabled(ctx, id, *req.Disabled) }},
		{req.Unlock, func() error { return s.Users.UnlockUser(ctx, id) }},
		{req.ResetTOTP, func() error { return s.Users.ResetTOTP(ctx, id) }},
		{req.Password != "", func() error { return s.Users.SetPassword(ctx, id, req.OldPassword, req.Password) }},
	}
	for _, st := range steps {
		if st.on {
			if err := st.do(); err != nil {
				s.Error(w, r, err)
				return
			}
		}
	}
	u, err := s.Users.FindUser(ctx, id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}
