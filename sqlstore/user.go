package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/password"
)

// UserService keeps accounts.
type UserService struct{ db *DB }

// NewUserService returns the user service of db.
func NewUserService(db *DB) *UserService { return &UserService{db: db} }

var _ zhili.UserService = (*UserService)(nil)

const userColumns = `u.id, u.username, u.name, u.role, u.unit_id, COALESCE(u.person_id, 0), u.disabled, u.totp_enabled,
	u.failed_logins, u.locked_until, u.last_login_at, u.created_at, n.name, r.name`

const userFrom = ` FROM users u JOIN units n ON n.id = u.unit_id JOIN regions r ON r.id = n.region_id`

func scanUser(row interface{ Scan(...any) error }) (*zhili.User, error) {
	var u zhili.User
	var locked, last sql.NullString
	var created string
	if err := row.Scan(&u.ID, &u.Username, &u.Name, &u.Role, &u.UnitID, &u.PersonID, &u.Disabled, &u.TOTPEnabled,
		&u.FailedLogins, &locked, &last, &created, &u.UnitName, &u.RegionName); err != nil {
		return nil, err
	}
	u.LockedUntil, u.LastLoginAt, u.CreatedAt = parseNullTS(locked), parseNullTS(last), parseTS(created)
	return &u, nil
}

// FindUser returns an account whose unit is in scope.
func (s *UserService) FindUser(ctx context.Context, id int64) (*zhili.User, error) {
	us, _, err := s.FindUsers(ctx, zhili.UserFilter{ID: &id, Limit: 1})
	if err != nil {
		return nil, err
	} else if len(us) == 0 {
		return nil, zhili.Errorf(zhili.ENOTFOUND, "User not found.")
	}
	return us[0], nil
}

// FindUsers lists accounts whose unit's region is in scope. Only the system and
// security administrators may list accounts; anyone may read their own.
func (s *UserService) FindUsers(ctx context.Context, f zhili.UserFilter) ([]*zhili.User, int, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, 0, err
	}
	own := f.ID != nil && *f.ID == a.UserID
	if !own && !a.Can(zhili.ActUserRead) {
		if f.ID != nil {
			// Looking up another account by id: answer as if it did not exist, so the
			// reply is the same whether or not the id is taken.
			return nil, 0, nil
		}
		if err := a.Require(zhili.ActUserRead); err != nil {
			return nil, 0, err
		}
	}
	cond, args := scopeRegions(a, "r")
	conds := []string{cond}
	add := func(c string, v ...any) { conds = append(conds, c); args = append(args, v...) }
	if f.ID != nil {
		add("u.id = ?", *f.ID)
	}
	if f.Username != nil {
		add("u.username = ?", *f.Username)
	}
	if f.Role != nil {
		add("u.role = ?", string(*f.Role))
	}
	if f.UnitID != nil {
		add("u.unit_id = ?", *f.UnitID)
	}
	w := strings.Join(conds, " AND ")
	var total int
	if err := s.db.queryRow(ctx, `SELECT COUNT(*)`+userFrom+` WHERE `+w, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count users: %w", err)
	}
	rows, err := s.db.query(ctx, `SELECT `+userColumns+userFrom+` WHERE `+w+` ORDER BY u.username`+limit(f.Offset, f.Limit), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find users: %w", err)
	}
	defer rows.Close()
	var out []*zhili.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, u)
	}
	return out, total, rows.Err()
}

// fastParams make hashing cheap for tests and demo data; never for real accounts.
var fastParams = password.Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func (db *DB) hashPassword(pw string) (string, error) {
	if db.FastPasswords {
		return password.HashWith(pw, fastParams)
	}
	return password.Hash(pw)
}

// CreateUser adds an account in a unit in scope with a policy-checked password.
func (s *UserService) CreateUser(ctx context.Context, c zhili.UserCreate) (*zhili.User, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActUserWrite); err != nil {
		return nil, err
	}
	c.Username, c.Name = strings.TrimSpace(c.Username), strings.TrimSpace(c.Name)
	var bad []zhili.FieldError
	if c.Username == "" || len(c.Username) > 64 || strings.ContainsAny(c.Username, " \t\r\n/") {
		bad = append(bad, zhili.FieldError{Field: "username", Code: "malformed", Reason: "username must be 1–64 characters without spaces or slashes"})
	}
	if c.Name == "" {
		c.Name = c.Username
	}
	if !c.Role.Valid() {
		bad = append(bad, zhili.FieldError{Field: "role", Code: "unknown_role", Reason: fmt.Sprintf("unknown role %q", c.Role)})
	}
	if err := s.db.checkPassword(ctx, c.Password); err != nil {
		bad = append(bad, zhili.FieldError{Field: "password", Code: "weak", Reason: err.Error()})
	}
	if len(bad) > 0 {
		return nil, zhili.Invalid("The account is not valid.", bad...)
	}
	if _, err := NewUnitService(s.db).FindUnit(ctx, c.UnitID); err != nil {
		return nil, zhili.Invalid("The unit does not exist.", zhili.FieldError{Field: "unit_id", Code: "unknown_unit", Reason: "unit not found in your area"})
	}
	hash, err := s.db.hashPassword(c.Password)
	if err != nil {
		return nil, fmt.Errorf("hash password: %w", err)
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var id int64
	err = tx.queryRow(ctx, `INSERT INTO users (username, name, role, unit_id, person_id, password_hash, password_changed_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, c.Username, c.Name, string(c.Role), c.UnitID, nullID(c.PersonID), hash, ts(tx.now), ts(tx.now)).Scan(&id)
	if err != nil {
		if s.db.dialect.isUnique(err) {
			return nil, &zhili.Error{Code: zhili.ECONFLICT, Message: "The username is taken.",
				Fields: []zhili.FieldError{{Field: "username", Code: "duplicate", Reason: "username is taken"}}}
		}
		return nil, fmt.Errorf("insert user: %w", err)
	}
	if err := tx.audit(ctx, a, "user.create", "user", id, map[string]any{"username": c.Username, "role": c.Role, "unit_id": c.UnitID}); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return s.FindUser(ctx, id)
}

// updateUser runs one audited UPDATE on an account in scope after an action check;
// an empty act is allowed only on the actor's own account.
func (s *UserService) updateUser(ctx context.Context, id int64, act zhili.Action, action string, detail any, set string, args ...any) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	// Existence in scope first: an account the caller may not see is ENOTFOUND
	// whatever the caller's role, so the answer does not reveal it exists.
	if _, err := s.FindUser(ctx, id); err != nil {
		return err
	}
	if act == "" && a.UserID != id {
		return zhili.Errorf(zhili.EFORBIDDEN, "You may change only your own account.")
	} else if act != "" {
		if err := a.Require(act); err != nil {
			return err
		}
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.exec(ctx, `UPDATE users SET `+set+` WHERE id = ?`, append(args, id)...); err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	if err := tx.audit(ctx, a, action, "user", id, detail); err != nil {
		return err
	}
	return tx.Commit()
}

// SetUserRole changes an account's role; the security administrator's task. An
// account may not change its own role.
func (s *UserService) SetUserRole(ctx context.Context, id int64, role zhili.Role) error {
	if !role.Valid() {
		return zhili.Invalid("Unknown role.", zhili.FieldError{Field: "role", Code: "unknown_role", Reason: fmt.Sprintf("unknown role %q", role)})
	}
	if a := zhili.ActorFromContext(ctx); a != nil && a.UserID == id {
		return zhili.Errorf(zhili.EFORBIDDEN, "An administrator may not change their own role.")
	}
	if err := s.updateUser(ctx, id, zhili.ActUserSecurity, "user.role", map[string]any{"role": role}, `role = ?`, string(role)); err != nil {
		return err
	}
	// Sessions end: one opened under the old role must not act with the new one
	// (an account made administrator has not passed the second factor).
	_, err := s.db.write.ExecContext(ctx, s.db.dialect.rebind(`DELETE FROM sessions WHERE user_id = ?`), id)
	return err
}

// SetUserDisabled disables or enables an account and ends its sessions.
func (s *UserService) SetUserDisabled(ctx context.Context, id int64, disabled bool) error {
	if err := s.updateUser(ctx, id, zhili.ActUserWrite, "user.disable", map[string]any{"disabled": disabled}, `disabled = ?`, disabled); err != nil {
		return err
	}
	_, err := s.db.write.ExecContext(ctx, s.db.dialect.rebind(`DELETE FROM sessions WHERE user_id = ?`), id)
	return err
}

// UnlockUser clears the failure count and lockout.
func (s *UserService) UnlockUser(ctx context.Context, id int64) error {
	return s.updateUser(ctx, id, zhili.ActUserSecurity, "user.unlock", nil, `failed_logins = 0, locked_until = NULL`)
}

// SetPassword changes a password: one's own with the old password, or anyone's in
// scope for the security administrator, which its owner must then change at the
// next login. Sessions of the account end.
func (s *UserService) SetPassword(ctx context.Context, id int64, oldPassword, newPassword string) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := s.db.checkPassword(ctx, newPassword); err != nil {
		return zhili.Invalid("The new password is too weak.", zhili.FieldError{Field: "password", Code: "weak", Reason: err.Error()})
	}
	act := zhili.ActUserSecurity
	if a.UserID == id {
		// A session still owing the second factor, or bound to change an
		// expired password through ChangeOwnPassword, has no role: it may not
		// change the password here (a stolen password alone must not replace it).
		if a.Role == "" && !a.System {
			return zhili.Errorf(zhili.EFORBIDDEN, "Pass the second factor (or change the expired password at /account/password) first.")
		}
		var hash string
		if err := s.db.queryRow(ctx, `SELECT password_hash FROM users WHERE id = ?`, id).Scan(&hash); err != nil {
			return zhili.Errorf(zhili.ENOTFOUND, "User not found.")
		}
		if ok, _ := password.Verify(oldPassword, hash); !ok {
			return s.db.wrongCurrentPassword(ctx, a, id)
		}
		if newPassword == oldPassword {
			return zhili.Invalid("The new password must differ from the old one.", zhili.FieldError{Field: "password", Code: "unchanged", Reason: "新密码不能与当前密码相同 (the new password must differ from the current one)"})
		}
		act = "" // anyone may change their own, knowing the old one
	}
	hash, err := s.db.hashPassword(newPassword)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	// A reset by the security administrator is a temporary password: its owner
	// must change it at the next login (password_age.go).
	if err := s.updateUser(ctx, id, act, "user.password", nil, `password_hash = ?, password_changed_at = ?, must_change_password = ?, failed_logins = 0, locked_until = NULL`,
		hash, ts(s.db.Clock.Now()), act != ""); err != nil {
		return err
	}
	_, err = s.db.write.ExecContext(ctx, s.db.dialect.rebind(`DELETE FROM sessions WHERE user_id = ?`), id)
	return err
}
