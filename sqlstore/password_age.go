package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/password"
)

// Password maximum age and the must-change state (zhili/password_age.go). The
// state is not kept on the session: Authenticate works it out on every request
// from the account (users.password_changed_at, users.must_change_password) and
// the policy in force, so a change of password ends it at once, and a password
// that reaches the maximum age during a session restricts that session too.

var _ zhili.PasswordChangeService = (*AuthService)(nil)

// passwordChangedSQL is when the account's password was last set: the account's
// creation when it never was.
const passwordChangedSQL = `COALESCE(NULLIF(u.password_changed_at, ''), u.created_at)`

// mustChangePassword reports whether a session of an account must change the
// password first: reset by the security administrator, or past the maximum age.
func mustChangePassword(pol zhili.SecurityPolicy, changed string, reset bool, now time.Time) bool {
	return reset || pol.PasswordExpired(parseTS(changed), now)
}

// loginMustChange works out the must-change state of a login in tx and, when
// set, adds why to the login's audit detail (Login then audits it as
// login.password_expired rather than login.ok).
func (s *AuthService) loginMustChange(ctx context.Context, tx *Tx, id int64, pol zhili.SecurityPolicy, detail map[string]any) (bool, error) {
	var changed string
	var reset bool
	if err := tx.queryRow(ctx, `SELECT `+passwordChangedSQL+`, u.must_change_password FROM users u WHERE u.id = ?`, id).Scan(&changed, &reset); err != nil {
		return false, fmt.Errorf("read password age: %w", err)
	}
	if !mustChangePassword(pol, changed, reset, tx.now) {
		return false, nil
	}
	detail["reason"] = "expired"
	if reset {
		detail["reason"] = "reset"
	}
	detail["password_changed_at"], detail["max_age_days"] = changed, int(pol.PasswordMaxAge/(24*time.Hour))
	return true, nil
}

// ChangeOwnPassword replaces the session's user's password. The session stays
// (and leaves the must-change state); the account's other sessions end.
func (s *AuthService) ChangeOwnPassword(ctx context.Context, token, oldPassword, newPassword string) error {
	var ip string
	if ca := zhili.ActorFromContext(ctx); ca != nil {
		ip = ca.IP
	}
	a, sess, err := s.Authenticate(ctx, token, ip)
	if err != nil {
		return err
	}
	if sess.NeedTOTP {
		return zhili.Errorf(zhili.EFORBIDDEN, "请先完成动态口令验证 (pass the second factor before changing the password).")
	}
	var hash string
	if err := s.db.queryRow(ctx, `SELECT password_hash FROM users WHERE id = ?`, a.UserID).Scan(&hash); err != nil {
		return fmt.Errorf("read password: %w", err)
	}
	if ok, _ := password.Verify(oldPassword, hash); !ok {
		return s.db.wrongCurrentPassword(ctx, a, a.UserID)
	}
	if err := s.db.checkPassword(ctx, newPassword); err != nil {
		return zhili.Invalid("新密码不符合密码策略 (the new password does not meet the policy).",
			zhili.FieldError{Field: "password", Code: "weak", Reason: err.Error()})
	}
	if newPassword == oldPassword {
		return zhili.Invalid("新密码不能与当前密码相同 (the new password must differ from the current one).",
			zhili.FieldError{Field: "password", Code: "unchanged", Reason: "新密码不能与当前密码相同 (the new password must differ from the current one)"})
	}
	newHash, err := s.db.hashPassword(newPassword)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// The hash read above must still be the one in force: two changes at once
	// do not both pass on the same old password.
	res, err := tx.exec(ctx, `UPDATE users SET password_hash = ?, password_changed_at = ?, must_change_password = ?, failed_logins = 0, locked_until = NULL
		WHERE id = ? AND password_hash = ?`, newHash, ts(tx.now), false, a.UserID, hash)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return zhili.Errorf(zhili.ECONFLICT, "密码刚被修改过，请重新登录 (the password was changed meanwhile).")
	}
	if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`, a.UserID, hashToken(token)); err != nil {
		return fmt.Errorf("end other sessions: %w", err)
	}
	if err := tx.audit(ctx, a, "password.change", "user", a.UserID, map[string]bool{"was_required": sess.MustChangePassword}); err != nil {
		return err
	}
	return tx.Commit()
}

// wrongCurrentPassword counts a wrong current password at a password change as
// a failed login, in the database every instance shares: at the policy's
// limit the account locks and all its sessions end, so a stolen session cannot
// guess the password without bound. Audited as password.change_fail. It
// returns the error the caller answers with.
func (db *DB) wrongCurrentPassword(ctx context.Context, a *zhili.Actor, userID int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var failed int
	if err := tx.queryRow(ctx, `UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ? RETURNING failed_logins`, userID).Scan(&failed); err != nil {
		return fmt.Errorf("count failed password change: %w", err)
	}
	pol := db.securityPolicy(ctx)
	locked := failed >= pol.MaxFailures
	if locked {
		if _, err := tx.exec(ctx, `UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?`, ts(tx.now.Add(pol.LockoutFor)), userID); err != nil {
			return fmt.Errorf("lock account: %w", err)
		}
		if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
	}
	if err := tx.audit(ctx, a, "password.change_fail", "user", userID, map[string]bool{"locked": locked}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if locked {
		return errLogin
	}
	return zhili.Invalid("当前密码错误 (the current password is wrong).",
		zhili.FieldError{Field: "old_password", Code: "wrong", Reason: "当前密码错误 (the current password is wrong)"})
}
