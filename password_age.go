package zhili

import (
	"context"
	"fmt"
	"time"
)

// Password maximum age (密码定期更换, 等保 practice). With the security policy's
// password_max_age_days set, a login whose password was set longer ago than that
// (users.password_changed_at, set when the account is created) opens a session
// that must change the password first; so does the first login after the
// security administrator has reset the password. Such a session reaches only the
// self-service change (PasswordChangeService) and logout; once the password is
// changed it is an ordinary session.

// PasswordMaxAgeMinDays is the shortest maximum age allowed when it is on.
const PasswordMaxAgeMinDays = 30

// validateMaxAge refuses a maximum age that is on but shorter than
// PasswordMaxAgeMinDays: passwords changed that often get written down.
func (s SecuritySettings) validateMaxAge() []FieldError {
	if v := s.PasswordMaxAgeDays; v > 0 && v < PasswordMaxAgeMinDays {
		return []FieldError{{Field: "password_max_age_days", Code: "out_of_range",
			Reason: fmt.Sprintf("password_max_age_days must be 0 (off) or %d–365 天 (got %d)", PasswordMaxAgeMinDays, v)}}
	}
	return nil
}

// PasswordExpired reports whether a password set at changed has outlived the
// policy's maximum age at now; never when the maximum age is off.
func (p SecurityPolicy) PasswordExpired(changed, now time.Time) bool {
	return p.PasswordMaxAge > 0 && now.Sub(changed) > p.PasswordMaxAge
}

// PasswordChangeService is the self-service password change of a session.
type PasswordChangeService interface {
	// ChangeOwnPassword replaces the session's user's password, knowing the
	// current one. The new one must meet the policy and differ from the current
	// one (EINVALID naming the field). The session stays and leaves the
	// must-change state; the account's other sessions end. Audited
	// (password.change). EFORBIDDEN while the second factor is still owed.
	ChangeOwnPassword(ctx context.Context, token, oldPassword, newPassword string) error
}
