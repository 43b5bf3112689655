package zhili

import (
	"context"
	"time"
)

// User is an account. It belongs to a unit, whose region is the account's scope.
type User struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	Name     string `json:"name"`
	Role     Role   `json:"role"`
	UnitID   int64  `json:"unit_id"`
	// PersonID links the account to the person it belongs to (a grid member's
	// account to their positions); zero if none.
	PersonID int64 `json:"person_id,omitempty"`
	Disabled bool  `json:"disabled"`
	// TOTPEnabled is true once the second factor is set up; administrators must.
	TOTPEnabled  bool       `json:"totp_enabled"`
	FailedLogins int        `json:"failed_logins"`
	LockedUntil  *time.Time `json:"locked_until,omitempty"`
	LastLoginAt  *time.Time `json:"last_login_at,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	// UnitName and RegionName are filled on reads for display.
	UnitName   string `json:"unit_name,omitempty"`
	RegionName string `json:"region_name,omitempty"`
}

// UserFilter selects users; zero fields do not filter.
type UserFilter struct {
	ID            *int64
	Username      *string
	Role          *Role
	UnitID        *int64
	Offset, Limit int
}

// UserCreate is a new account with its first password.
type UserCreate struct {
	Username string
	Name     string
	Role     Role
	UnitID   int64
	PersonID int64
	Password string
}

// UserService manages accounts. Creating and disabling is the system administrator's;
// roles, unlocks and resets are the security administrator's.
type UserService interface {
	// FindUser returns an account by id. ENOTFOUND if absent or out of scope.
	FindUser(ctx context.Context, id int64) (*User, error)
	// FindUsers lists accounts and the total count.
	FindUsers(ctx context.Context, f UserFilter) ([]*User, int, error)
	// CreateUser adds an account. EINVALID for a weak password or bad role; ECONFLICT
	// for a taken username.
	CreateUser(ctx context.Context, c UserCreate) (*User, error)
	// SetUserRole changes an account's role (security administrator).
	SetUserRole(ctx context.Context, id int64, role Role) error
	// SetUserDisabled disables or re-enables an account (system administrator).
	SetUserDisabled(ctx context.Context, id int64, disabled bool) error
	// UnlockUser clears a lockout (security administrator).
	UnlockUser(ctx context.Context, id int64) error
	// SetPassword sets a new password: the caller's own (with the old one) or, for
	// the security administrator, anyone's.
	SetPassword(ctx context.Context, id int64, oldPassword, newPassword string) error
	// ResetTOTP turns an account's second factor off so it can be enrolled again
	// (security administrator).
	ResetTOTP(ctx context.Context, id int64) error
}

// Session is a login. Sessions live in the database so any instance serves any user.
type Session struct {
	// Token is only known right after login; the store keeps its hash.
	Token    string    `json:"-"`
	UserID   int64     `json:"user_id"`
	Created  time.Time `json:"created"`
	LastSeen time.Time `json:"last_seen"`
	// NeedTOTP is true for an administrator's session until the second factor passes.
	NeedTOTP bool `json:"need_totp"`
	// MustChangePassword is true while the account's password is past the
	// policy's maximum age or was reset by the security administrator: the
	// session may only change it or log out (password_age.go).
	MustChangePassword bool   `json:"must_change_password"`
	IP                 string `json:"ip"`
}

// SecurityPolicy holds the login rules the store applies: the security
// administrator's SecuritySettings (security_policy.go), or these defaults.
type SecurityPolicy struct {
	MaxFailures int           // failed logins before lockout
	LockoutFor  time.Duration // how long a lockout lasts
	IdleTimeout time.Duration // a session unused this long ends
	MaxAge      time.Duration // a session ends this long after login, used or not
	// PasswordMinLength and PasswordClasses bound new passwords; zero means the
	// password package's defaults.
	PasswordMinLength int
	PasswordClasses   int
	// PasswordMaxAge is how long a password serves before its owner must change
	// it (password_age.go); zero is off.
	PasswordMaxAge time.Duration
}

// DefaultSecurityPolicy follows common government-system practice (等保 level 3):
// five failures lock for 30 minutes; 30 minutes idle ends a session.
var DefaultSecurityPolicy = SecurityPolicy{
	MaxFailures: 5, LockoutFor: 30 * time.Minute,
	IdleTimeout: 30 * time.Minute, MaxAge: 12 * time.Hour,
	PasswordMinLength: 10, PasswordClasses: 3,
}

// AuthService logs people in and turns session tokens into actors.
type AuthService interface {
	// Login checks a password and opens a session. EUNAUTHORIZED for a wrong
	// username or password, a locked or disabled account (one message for all, so
	// the answer tells an attacker nothing).
	Login(ctx context.Context, username, password, ip string) (*Session, *User, error)
	// VerifyTOTP completes an administrator's login with a one-time code.
	VerifyTOTP(ctx context.Context, token, code string) error
	// EnrollTOTP starts second-factor set-up for the session's user and returns the
	// secret (shown once as a QR/URI); it takes effect after ConfirmTOTP.
	EnrollTOTP(ctx context.Context, token string) (secret string, err error)
	// ConfirmTOTP checks a code against the enrolled secret and turns the factor on.
	ConfirmTOTP(ctx context.Context, token, code string) error
	// Authenticate returns the actor of a live session and touches it.
	// EUNAUTHORIZED if the token is unknown, idle too long, or expired.
	Authenticate(ctx context.Context, token, ip string) (*Actor, *Session, error)
	// Logout ends a session.
	Logout(ctx context.Context, token string) error
}
