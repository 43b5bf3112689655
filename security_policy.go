package zhili

import (
	"context"
	"fmt"
	"time"
)

// SecuritySettings is the login and password policy as the security administrator
// sets it (安全策略): whole numbers in the units people think in, stored as one JSON
// value in the settings table. Policy turns it into the SecurityPolicy the store
// applies.
type SecuritySettings struct {
	MaxFailures       int `json:"max_failures"`        // failed logins before lockout
	LockoutMinutes    int `json:"lockout_minutes"`     // how long a lockout lasts
	IdleMinutes       int `json:"idle_minutes"`        // a session unused this long ends
	SessionHours      int `json:"session_hours"`       // a session ends this long after login
	PasswordMinLength int `json:"password_min_length"` // characters
	PasswordClasses   int `json:"password_classes"`    // of upper, lower, digits, symbols
	// PasswordMaxAgeDays is how long a password may be used before its owner must
	// change it at the next login (password_age.go); 0 is off.
	PasswordMaxAgeDays int `json:"password_max_age_days"`
}

// SecurityBound is the allowed range of one setting. The ranges keep level-3
// protection (等保三级) practice: no setting can turn lockout, session expiry or
// password complexity off.
type SecurityBound struct {
	Field   string `json:"field"`
	Label   string `json:"label"`
	Unit    string `json:"unit"`
	Min     int    `json:"min"`
	Max     int    `json:"max"`
	Default int    `json:"default"`
}

// SecurityBounds lists every setting with its range and default, in display order.
var SecurityBounds = []SecurityBound{
	{"max_failures", "连续登录失败锁定次数", "次", 3, 10, 5},
	{"lockout_minutes", "锁定时长", "分钟", 10, 1440, 30},
	{"idle_minutes", "会话空闲超时", "分钟", 5, 120, 30},
	{"session_hours", "会话最长有效期", "小时", 1, 24, 12},
	{"password_min_length", "密码最短长度", "位", 8, 64, 10},
	{"password_classes", "密码字符类别数（大写、小写、数字、符号）", "类", 3, 4, 3},
	{"password_max_age_days", "密码最长使用期限（0 为不限，否则 30–365）", "天", 0, 365, 0},
}

// Field returns a pointer to the setting named by its JSON name, or nil.
func (s *SecuritySettings) Field(name string) *int {
	switch name {
	case "max_failures":
		return &s.MaxFailures
	case "lockout_minutes":
		return &s.LockoutMinutes
	case "idle_minutes":
		return &s.IdleMinutes
	case "session_hours":
		return &s.SessionHours
	case "password_min_length":
		return &s.PasswordMinLength
	case "password_classes":
		return &s.PasswordClasses
	case "password_max_age_days":
		return &s.PasswordMaxAgeDays
	}
	return nil
}

// DefaultSecuritySettings are the settings in force until the security
// administrator changes them.
func DefaultSecuritySettings() SecuritySettings {
	var s SecuritySettings
	for _, b := range SecurityBounds {
		*s.Field(b.Field) = b.Default
	}
	return s
}

// Validate returns EINVALID naming every setting outside its range, with the range.
func (s SecuritySettings) Validate() error {
	var bad []FieldError
	for _, b := range SecurityBounds {
		if v := *s.Field(b.Field); v < b.Min || v > b.Max {
			bad = append(bad, FieldError{Field: b.Field, Code: "out_of_range",
				Reason: fmt.Sprintf("%s must be %d–%d %s (got %d)", b.Field, b.Min, b.Max, b.Unit, v)})
		}
	}
	bad = append(bad, s.validateMaxAge()...)
	if len(bad) > 0 {
		return Invalid("The security policy is outside the allowed ranges; nothing was changed.", bad...)
	}
	return nil
}

// Policy is the policy the store applies.
func (s SecuritySettings) Policy() SecurityPolicy {
	return SecurityPolicy{
		MaxFailures: s.MaxFailures, LockoutFor: time.Duration(s.LockoutMinutes) * time.Minute,
		IdleTimeout: time.Duration(s.IdleMinutes) * time.Minute, MaxAge: time.Duration(s.SessionHours) * time.Hour,
		PasswordMinLength: s.PasswordMinLength, PasswordClasses: s.PasswordClasses,
		PasswordMaxAge: time.Duration(s.PasswordMaxAgeDays) * 24 * time.Hour,
	}
}

// SecurityPolicyService reads and sets the security policy. Every instance applies
// a change within seconds, without a restart.
type SecurityPolicyService interface {
	// SecurityPolicy returns the settings in force (the defaults when never set).
	// EFORBIDDEN unless the caller is one of the three administrators.
	SecurityPolicy(ctx context.Context) (*SecuritySettings, error)
	// SetSecurityPolicy replaces the settings and audits old and new
	// (security.policy.set). EINVALID naming each field out of range, nothing
	// stored; EFORBIDDEN unless the caller is the security administrator.
	SetSecurityPolicy(ctx context.Context, s SecuritySettings) (*SecuritySettings, error)
	// UpdateSecurityPolicy applies change to the settings in force, read under
	// the writers' lock, so two partial changes at once both take effect; then
	// as SetSecurityPolicy.
	UpdateSecurityPolicy(ctx context.Context, change func(*SecuritySettings)) (*SecuritySettings, error)
}
