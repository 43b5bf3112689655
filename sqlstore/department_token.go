package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/zhili-project/zhili"
)

// DepartmentTokenService issues and checks the API tokens of department systems.
// Only the SHA-256 of a token is stored; the token is shown once, when issued.
type DepartmentTokenService struct{ db *DB }

// NewDepartmentTokenService returns the department token service of db.
func NewDepartmentTokenService(db *DB) *DepartmentTokenService {
	return &DepartmentTokenService{db: db}
}

var _ zhili.DepartmentTokenService = (*DepartmentTokenService)(nil)

const tokenColumns = `t.id, t.unit_id, n.name, t.name, COALESCE(t.created_by, 0), t.created_at, t.last_used_at, t.revoked_at`

func scanToken(row interface{ Scan(...any) error }) (*zhili.DepartmentToken, error) {
	var t zhili.DepartmentToken
	var created string
	var used, revoked sql.NullString
	if err := row.Scan(&t.ID, &t.UnitID, &t.UnitName, &t.Name, &t.CreatedBy, &created, &used, &revoked); err != nil {
		return nil, err
	}
	t.CreatedAt, t.LastUsedAt, t.RevokedAt = parseTS(created), parseNullTS(used), parseNullTS(revoked)
	return &t, nil
}

// CreateDepartmentToken issues a token for a live department unit in scope.
func (s *DepartmentTokenService) CreateDepartmentToken(ctx context.Context, unitID int64, name string) (*zhili.DepartmentToken, string, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, "", err
	}
	if err := a.Require(zhili.ActUserWrite); err != nil {
		return nil, "", err
	}
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 100 {
		return nil, "", zhili.Invalid("The token needs a name (at most 100 characters) saying which system uses it.",
			zhili.FieldError{Field: "name", Code: "required", Reason: "name is required, at most 100 characters"})
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	var kind, path string
	var retired sql.NullString
	err = tx.queryRow(ctx, `SELECT n.kind, r.path, n.retired_at FROM units n JOIN regions r ON r.id = n.region_id WHERE n.id = ?`, unitID).Scan(&kind, &path, &retired)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, "", fmt.Errorf("find unit %d: %w", unitID, err)
	}
	if err != nil || !a.InScope(path) || kind != string(zhili.UnitDepartment) || retired.Valid {
		return nil, "", zhili.Invalid("Tokens are issued to live department units in your scope.",
			zhili.FieldError{Field: "unit_id", Code: "not_department", Reason: "not a live department unit in scope"})
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, "", fmt.Errorf("department token: %w", err)
	}
	secret := zhili.DepartmentTokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	t := &zhili.DepartmentToken{UnitID: unitID, Name: name, CreatedBy: a.UserID, CreatedAt: tx.now}
	if err := tx.queryRow(ctx, `INSERT INTO department_tokens (unit_id, name, token_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		unitID, name, hashToken(secret), nullID(a.UserID), ts(tx.now)).Scan(&t.ID); err != nil {
		return nil, "", fmt.Errorf("insert department token: %w", err)
	}
	if err := tx.audit(ctx, a, "department_token.create", "department_token", t.ID, map[string]any{"unit_id": unitID, "name": name}); err != nil {
		return nil, "", err
	}
	if err := tx.Commit(); err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

// FindDepartmentTokens lists the tokens of units in scope, newest first.
func (s *DepartmentTokenService) FindDepartmentTokens(ctx context.Context) ([]*zhili.DepartmentToken, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActUserRead); err != nil {
		return nil, err
	}
	cond, args := scopeRegionID(a, "n.region_id")
	rows, err := s.db.query(ctx, `SELECT `+tokenColumns+` FROM department_tokens t JOIN units n ON n.id = t.unit_id WHERE `+cond+` ORDER BY t.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("find department tokens: %w", err)
	}
	defer rows.Close()
	var out []*zhili.DepartmentToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeDepartmentToken stops a token working; the row stays for the record.
func (s *DepartmentTokenService) RevokeDepartmentToken(ctx context.Context, id int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := a.Require(zhili.ActUserWrite); err != nil {
		return err
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	cond, args := scopeRegionID(a, "n.region_id")
	t, err := scanToken(tx.queryRow(ctx, `SELECT `+tokenColumns+` FROM department_tokens t JOIN units n ON n.id = t.unit_id WHERE t.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return zhili.Errorf(zhili.ENOTFOUND, "Department token not found.")
	} else if err != nil {
		return fmt.Errorf("find department token %d: %w", id, err)
	}
	res, err := tx.exec(ctx, `UPDATE department_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, ts(tx.now), id)
	if err != nil {
		return fmt.Errorf("revoke department token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return zhili.Errorf(zhili.ECONFLICT, "The token is already revoked.")
	}
	if err := tx.audit(ctx, a, "department_token.revoke", "department_token", id, map[string]any{"unit_id": t.UnitID, "name": t.Name}); err != nil {
		return err
	}
	return tx.Commit()
}

// AuthenticateDepartmentToken returns the actor of a live token: a department
// account of the token's unit, scoped to the unit's region. Every use is audited,
// refused ones too.
func (s *DepartmentTokenService) AuthenticateDepartmentToken(ctx context.Context, token, ip, what string, allowed bool) (*zhili.Actor, *zhili.DepartmentToken, error) {
	tx, err := s.db.begin(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	var id int64
	var name, path string
	var revoked, unitRetired sql.NullString
	a := &zhili.Actor{Role: zhili.RoleDepartment, IP: ip}
	err = tx.queryRow(ctx, `SELECT t.id, t.name, t.revoked_at, t.unit_id, n.retired_at, r.id, r.path
		FROM department_tokens t JOIN units n ON n.id = t.unit_id JOIN regions r ON r.id = n.region_id WHERE t.token_hash = ?`, hashToken(token)).
		Scan(&id, &name, &revoked, &a.UnitID, &unitRetired, &a.ScopeRegionID, &path)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, nil, fmt.Errorf("find department token: %w", err)
	}
	a.Username, a.ScopePath = "token:"+name, path
	refuse := func(action, reason string, code string) (*zhili.Actor, *zhili.DepartmentToken, error) {
		who := &zhili.Actor{Username: a.Username, IP: ip}
		if err := tx.audit(ctx, who, action, "department_token", nullID(id), map[string]string{"use": what, "reason": reason}); err != nil {
			return nil, nil, err
		}
		if err := tx.Commit(); err != nil {
			return nil, nil, err
		}
		if code == zhili.EFORBIDDEN {
			return nil, nil, zhili.Errorf(code, "A department token may only be used for department reports.")
		}
		return nil, nil, zhili.Errorf(code, "The department token is unknown or revoked.")
	}
	switch {
	case err != nil:
		a.Username = "token:unknown"
		return refuse("department_token.fail", "unknown token", zhili.EUNAUTHORIZED)
	case revoked.Valid:
		return refuse("department_token.fail", "revoked", zhili.EUNAUTHORIZED)
	case unitRetired.Valid:
		return refuse("department_token.fail", "unit retired", zhili.EUNAUTHORIZED)
	case !allowed:
		return refuse("department_token.refused", "outside the department report endpoints", zhili.EFORBIDDEN)
	}
	if _, err := tx.exec(ctx, `UPDATE department_tokens SET last_used_at = ? WHERE id = ?`, ts(tx.now), id); err != nil {
		return nil, nil, fmt.Errorf("touch department token: %w", err)
	}
	if err := tx.audit(ctx, a, "department_token.use", "department_token", id, map[string]string{"use": what}); err != nil {
		return nil, nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, nil, err
	}
	return a, &zhili.DepartmentToken{ID: id, UnitID: a.UnitID, Name: name, LastUsedAt: &tx.now}, nil
}
