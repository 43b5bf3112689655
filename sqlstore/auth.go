package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/password"
)

// AuthService logs people in and keeps their sessions in the database.
type AuthService struct{ db *DB }

// NewAuthService returns the auth service of db.
func NewAuthService(db *DB) *AuthService { return &AuthService{db: db} }

var _ zhili.AuthService = (*AuthService)(nil)

// errLogin is the one answer to every failed login, so it tells nothing.
var errLogin = zhili.Errorf(zhili.EUNAUTHORIZED, "用户名或密码错误，或账号已锁定 (wrong username or password, or the account is locked).")

// dummyHash is verified against when the username is unknown, so the time taken
// does not reveal which usernames exist.
var dummyHash, _ = password.HashWith("not-a-password", password.Default)

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

type loginRow struct {
	id       int64
	role     zhili.Role
	hash     string
	disabled bool
	failed   int
	locked   sql.NullString
}

// Login checks the password, applies the lockout policy and opens a session.
func (s *AuthService) Login(ctx context.Context, username, pw, ip string) (*zhili.Session, *zhili.User, error) {
	pol := s.db.securityPolicy(ctx) // security_policy.go: the secadmin's, or the defaults
	tx, err := s.db.begin(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	who := &zhili.Actor{Username: username, IP: ip}
	var u loginRow
	err = tx.queryRow(ctx, `SELECT id, role, password_hash, disabled, failed_logins, locked_until FROM users WHERE username = ?`, username).
		Scan(&u.id, &u.role, &u.hash, &u.disabled, &u.failed, &u.locked)
	if errors.Is(err, sql.ErrNoRows) {
		password.Verify(pw, dummyHash)
		return nil, nil, s.fail(ctx, tx, who, "unknown user")
	} else if err != nil {
		return nil, nil, fmt.Errorf("find login: %w", err)
	}
	who.UserID = u.id
	if u.disabled {
		return nil, nil, s.fail(ctx, tx, who, "disabled")
	}
	if t := parseNullTS(u.locked); t != nil && tx.now.Before(*t) {
		return nil, nil, s.fail(ctx, tx, who, "locked")
	}
	if ok, _ := password.Verify(pw, u.hash); !ok {
		// Counted in the row (failed_logins + 1), not from the value read above:
		// wrong passwords tried at once on several instances each count.
		var failed int
		if err := tx.queryRow(ctx, `UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ? RETURNING failed_logins`, u.id).Scan(&failed); err != nil {
			return nil, nil, fmt.Errorf("count failure: %w", err)
		}
		var lockUntil any
		if failed >= pol.MaxFailures {
			lockUntil = ts(tx.now.Add(pol.LockoutFor))
			if _, err := tx.exec(ctx, `UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?`, lockUntil, u.id); err != nil {
				return nil, nil, fmt.Errorf("lock account: %w", err)
			}
		}
		reason := "wrong password"
		if lockUntil != nil {
			reason = "wrong password; locked"
		}
		return nil, nil, s.fail(ctx, tx, who, reason)
	}
	token, err := newToken()
	if err != nil {
		return nil, nil, err
	}
	sess := &zhili.Session{Token: token, UserID: u.id, Created: tx.now, LastSeen: tx.now, NeedTOTP: u.role.IsAdmin(), IP: ip}
	if _, err := tx.exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen, need_totp, ip) VALUES (?, ?, ?, ?, ?, ?)`,
		hashToken(token), u.id, ts(tx.now), ts(tx.now), sess.NeedTOTP, ip); err != nil {
		return nil, nil, fmt.Errorf("open session: %w", err)
	}
	if _, err := tx.exec(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ? WHERE id = ?`, ts(tx.now), u.id); err != nil {
		return nil, nil, fmt.Errorf("record login: %w", err)
	}
	// One entry: login.ok, or login.password_expired when the session must change
	// the password first (password_age.go).
	action, detail := "login.ok", map[string]any{"need_totp": sess.NeedTOTP}
	if sess.MustChangePassword, err = s.loginMustChange(ctx, tx, u.id, pol, detail); err != nil {
		return nil, nil, err
	} else if sess.MustChangePassword {
		action = "login.password_expired"
	}
	if err := tx.audit(ctx, who, action, "user", u.id, detail); err != nil {
		return nil, nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, nil, err
	}
	user, err := s.userOf(ctx, u.id)
	return sess, user, err
}

// fail records a failed login (committing the failure count) and returns errLogin.
func (s *AuthService) fail(ctx context.Context, tx *Tx, who *zhili.Actor, reason string) error {
	if err := tx.audit(ctx, who, "login.fail", "user", nullID(who.UserID), map[string]string{"reason": reason}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	return errLogin
}

func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("session token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func (s *AuthService) userOf(ctx context.Context, id int64) (*zhili.User, error) {
	row := s.db.queryRow(ctx, `SELECT `+userColumns+userFrom+` WHERE u.id = ?`, id)
	u, err := scanUser(row)
	if err != nil {
		return nil, fmt.Errorf("load user %d: %w", id, err)
	}
	return u, nil
}

// touchEvery limits session writes: last_seen moves at most once a minute.
const touchEvery = time.Minute

// Authenticate returns the actor of a live session. An administrator's session
// before the second factor, and a session that must change its password first,
// get an actor with no role, so it can do nothing but finish the login.
func (s *AuthService) Authenticate(ctx context.Context, token, ip string) (*zhili.Actor, *zhili.Session, error) {
	if token == "" {
		return nil, nil, zhili.Errorf(zhili.EUNAUTHORIZED, "Login required.")
	}
	h := hashToken(token)
	var sess zhili.Session
	var created, seen, path string
	var a zhili.Actor
	var disabled, reset bool
	var changed string
	err := s.db.queryRow(ctx, `SELECT s.user_id, s.created_at, s.last_seen, s.need_totp, u.username, u.role, u.unit_id, u.disabled, r.id, r.path,
		`+passwordChangedSQL+`, u.must_change_password
		FROM sessions s JOIN users u ON u.id = s.user_id JOIN units n ON n.id = u.unit_id JOIN regions r ON r.id = n.region_id
		WHERE s.token_hash = ?`, h).Scan(&sess.UserID, &created, &seen, &sess.NeedTOTP, &a.Username, &a.Role, &a.UnitID, &disabled, &a.ScopeRegionID, &path,
		&changed, &reset)
	if err != nil {
		return nil, nil, zhili.Errorf(zhili.EUNAUTHORIZED, "Login required.")
	}
	sess.Created, sess.LastSeen, sess.IP = parseTS(created), parseTS(seen), ip
	now, pol := s.db.Clock.Now(), s.db.securityPolicy(ctx)
	if disabled || now.Sub(sess.LastSeen) > pol.IdleTimeout || now.Sub(sess.Created) > pol.MaxAge {
		s.db.write.ExecContext(ctx, s.db.dialect.rebind(`DELETE FROM sessions WHERE token_hash = ?`), h)
		return nil, nil, zhili.Errorf(zhili.EUNAUTHORIZED, "会话已过期，请重新登录 (session expired).")
	}
	if now.Sub(sess.LastSeen) > touchEvery {
		if _, err := s.db.write.ExecContext(ctx, s.db.dialect.rebind(`UPDATE sessions SET last_seen = ? WHERE token_hash = ?`), ts(now), h); err != nil {
			return nil, nil, fmt.Errorf("touch session: %w", err)
		}
		sess.LastSeen = now
	}
	a.UserID, a.ScopePath, a.IP = sess.UserID, path, ip
	// A session that must change its password first (password_age.go) acts with
	// no role either, whatever route it reaches.
	sess.MustChangePassword = mustChangePassword(pol, changed, reset, now)
	if sess.NeedTOTP || sess.MustChangePassword {
		a.Role = ""
	}
	return &a, &sess, nil
}

// Logout deletes the session. The audit entry carries the client address of the
// request, which the HTTP layer put on the context's actor.
func (s *AuthService) Logout(ctx context.Context, token string) error {
	var ip string
	if ca := zhili.ActorFromContext(ctx); ca != nil {
		ip = ca.IP
	}
	a, _, err := s.Authenticate(ctx, token, ip)
	if err != nil {
		return nil // already gone
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hashToken(token)); err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	if err := tx.audit(ctx, a, "logout", "user", a.UserID, nil); err != nil {
		return err
	}
	return tx.Commit()
}
