package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/totp"
)

// totpSkew accepts codes one 30-second step early or late, for phone clock drift.
const totpSkew = 1

// sessionUser loads the session's user row fields the second factor needs.
func (s *AuthService) sessionUser(ctx context.Context, token string) (a *zhili.Actor, needTOTP, enabled bool, secret, pending string, err error) {
	a, sess, err := s.Authenticate(ctx, token, "")
	if err != nil {
		return nil, false, false, "", "", err
	}
	err = s.db.queryRow(ctx, `SELECT totp_enabled, totp_secret_enc, totp_pending_enc FROM users WHERE id = ?`, a.UserID).Scan(&enabled, &secret, &pending)
	if err != nil {
		return nil, false, false, "", "", fmt.Errorf("load second factor: %w", err)
	}
	return a, sess.NeedTOTP, enabled, secret, pending, nil
}

// VerifyTOTP completes an administrator's login. Wrong codes count as failed logins.
func (s *AuthService) VerifyTOTP(ctx context.Context, token, code string) error {
	a, need, enabled, secretEnc, _, err := s.sessionUser(ctx, token)
	if err != nil {
		return err
	}
	if !need {
		return nil
	}
	if !enabled {
		return zhili.Errorf(zhili.ECONFLICT, "Set up the second factor first.")
	}
	secret, err := s.decrypt(secretEnc)
	if err != nil {
		return err
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var lastStep int64
	var failed int
	var locked sql.NullString
	if err := tx.queryRow(ctx, `SELECT totp_last_step, failed_logins, locked_until FROM users WHERE id = ?`, a.UserID).Scan(&lastStep, &failed, &locked); err != nil {
		return fmt.Errorf("read last code step: %w", err)
	}
	// A locked account's half-open session ends: guessing codes stops with the lockout.
	if t := parseNullTS(locked); t != nil && tx.now.Before(*t) {
		if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hashToken(token)); err != nil {
			return fmt.Errorf("end session: %w", err)
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		return errLogin
	}
	// A code is good once (RFC 6238 §5.2): its step must be later than the last used.
	step, ok := totp.VerifyStep(secret, code, tx.now, totpSkew)
	if !ok || step <= lastStep {
		// Wrong codes count as failed logins and lock the account like wrong passwords.
		failed++
		var lockUntil any
		if pol := s.db.securityPolicy(ctx); failed >= pol.MaxFailures {
			lockUntil, failed = ts(tx.now.Add(pol.LockoutFor)), 0
			if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hashToken(token)); err != nil {
				return fmt.Errorf("end session: %w", err)
			}
		}
		if _, err := tx.exec(ctx, `UPDATE users SET failed_logins = ?, locked_until = COALESCE(?, locked_until) WHERE id = ?`, failed, lockUntil, a.UserID); err != nil {
			return err
		}
		if err := tx.audit(ctx, a, "login.totp_fail", "user", a.UserID, map[string]bool{"locked": lockUntil != nil}); err != nil {
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		return zhili.Invalid("动态口令错误 (wrong one-time code).", zhili.FieldError{Field: "code", Code: "wrong", Reason: "wrong one-time code"})
	}
	if _, err := tx.exec(ctx, `UPDATE sessions SET need_totp = ? WHERE token_hash = ?`, false, hashToken(token)); err != nil {
		return fmt.Errorf("pass second factor: %w", err)
	}
	if _, err := tx.exec(ctx, `UPDATE users SET totp_last_step = ?, failed_logins = 0 WHERE id = ?`, step, a.UserID); err != nil {
		return fmt.Errorf("record code step: %w", err)
	}
	if err := tx.audit(ctx, a, "login.totp_ok", "user", a.UserID, nil); err != nil {
		return err
	}
	return tx.Commit()
}

func (s *AuthService) decrypt(enc string) (string, error) {
	if s.db.Cipher == nil {
		return "", fmt.Errorf("second factor: no field key configured")
	}
	return s.db.Cipher.Decrypt(enc)
}

// EnrollTOTP makes a new secret for the session's user, pending confirmation. An
// account whose factor is already on must have it reset by the security
// administrator first, so a stolen password alone cannot replace it.
func (s *AuthService) EnrollTOTP(ctx context.Context, token string) (string, error) {
	a, _, enabled, _, _, err := s.sessionUser(ctx, token)
	if err != nil {
		return "", err
	}
	if enabled {
		return "", zhili.Errorf(zhili.ECONFLICT, "The second factor is already set up; ask the security administrator to reset it.")
	}
	if s.db.Cipher == nil {
		return "", fmt.Errorf("second factor: no field key configured")
	}
	secret, err := totp.NewSecret()
	if err != nil {
		return "", err
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	// Checked in the writing transaction, so a key rotation cannot slip between
	// the check and the write (requireFieldKey).
	if err := requireFieldKey(ctx, tx, s.db.Cipher); err != nil {
		return "", err
	}
	enc, err := s.db.Cipher.Encrypt(secret)
	if err != nil {
		return "", err
	}
	if _, err := tx.exec(ctx, `UPDATE users SET totp_pending_enc = ? WHERE id = ?`, enc, a.UserID); err != nil {
		return "", fmt.Errorf("enroll second factor: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return "", fmt.Errorf("enroll second factor: %w", err)
	}
	return secret, nil
}

// ConfirmTOTP turns the pending secret on when the code matches, and passes the
// session's second-factor check.
func (s *AuthService) ConfirmTOTP(ctx context.Context, token, code string) error {
	a, _, enabled, _, pendingEnc, err := s.sessionUser(ctx, token)
	if err != nil {
		return err
	}
	if enabled || pendingEnc == "" {
		return zhili.Errorf(zhili.ECONFLICT, "There is no second factor waiting for confirmation.")
	}
	secret, err := s.decrypt(pendingEnc)
	if err != nil {
		return err
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	step, ok := totp.VerifyStep(secret, code, tx.now, totpSkew)
	if !ok {
		return zhili.Invalid("动态口令错误 (wrong one-time code).", zhili.FieldError{Field: "code", Code: "wrong", Reason: "wrong one-time code"})
	}
	if _, err := tx.exec(ctx, `UPDATE users SET totp_secret_enc = totp_pending_enc, totp_pending_enc = '', totp_enabled = ?, totp_last_step = ? WHERE id = ?`, true, step, a.UserID); err != nil {
		return fmt.Errorf("confirm second factor: %w", err)
	}
	if _, err := tx.exec(ctx, `UPDATE sessions SET need_totp = ? WHERE token_hash = ?`, false, hashToken(token)); err != nil {
		return err
	}
	if err := tx.audit(ctx, a, "user.totp_enroll", "user", a.UserID, nil); err != nil {
		return err
	}
	return tx.Commit()
}

// ResetTOTP turns an account's second factor off so its owner can enroll again;
// the security administrator's task.
func (s *UserService) ResetTOTP(ctx context.Context, id int64) error {
	return s.updateUser(ctx, id, zhili.ActUserSecurity, "user.totp_reset", nil,
		`totp_enabled = ?, totp_secret_enc = '', totp_pending_enc = '', totp_last_step = 0`, false)
}
