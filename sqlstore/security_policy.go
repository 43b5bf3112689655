package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/password"
)

// securityPolicyKey is the settings row holding the security administrator's
// policy as JSON (zhili.SecuritySettings); absent means the defaults.
const securityPolicyKey = "security.policy"

// policyRefresh is how stale an instance's copy of the policy may get: a change
// made on another instance applies here within this time, without messaging.
const policyRefresh = 5 * time.Second

// policyCache is an instance's copy of the stored policy.
type policyCache struct {
	mu  sync.Mutex
	at  time.Time // when the setting was last read; zero forces a read
	raw string
	pol zhili.SecurityPolicy
	ok  bool
}

var _ zhili.SecurityPolicyService = (*AuthService)(nil)

// parseSecuritySettings reads the stored JSON over the defaults, so a field
// added later reads as its default. An empty value is the defaults.
func parseSecuritySettings(raw string) (zhili.SecuritySettings, error) {
	s := zhili.DefaultSecuritySettings()
	if raw == "" {
		return s, nil
	}
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return zhili.DefaultSecuritySettings(), fmt.Errorf("%s: %w", securityPolicyKey, err)
	}
	if err := s.Validate(); err != nil {
		return zhili.DefaultSecuritySettings(), fmt.Errorf("%s: %w", securityPolicyKey, err)
	}
	return s, nil
}

// securityPolicy is the policy in force: the stored one, read at most every
// policyRefresh, or db.Policy when none is stored. A value that cannot be read
// or is out of range (written around the service) gives the defaults, never a
// weaker policy; a failed read keeps the last good copy.
func (db *DB) securityPolicy(ctx context.Context) zhili.SecurityPolicy {
	c := &db.policy
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.ok || time.Since(c.at) >= policyRefresh {
		raw, err := db.Setting(ctx, securityPolicyKey)
		switch {
		case err != nil && !c.ok:
			return db.Policy
		case err == nil && (!c.ok || raw != c.raw):
			s, _ := parseSecuritySettings(raw)
			c.raw, c.pol, c.ok = raw, s.Policy(), true
		}
		if err == nil {
			c.at = time.Now()
		}
	}
	if c.raw == "" {
		return db.Policy // nothing stored: the configured defaults
	}
	return c.pol
}

// stalePolicy makes the next read go to the database: this instance applies its
// own change at once, the others within policyRefresh.
func (db *DB) stalePolicy() {
	db.policy.mu.Lock()
	db.policy.at = time.Time{}
	db.policy.mu.Unlock()
}

// checkPassword checks a new password against the policy in force.
func (db *DB) checkPassword(ctx context.Context, pw string) error {
	p := db.securityPolicy(ctx)
	return password.Rules{MinLength: p.PasswordMinLength, MinClasses: p.PasswordClasses}.Check(pw)
}

// SecurityPolicy returns the stored settings, or the defaults when none are
// stored. Needs ActPolicyRead (the three administrators).
func (s *AuthService) SecurityPolicy(ctx context.Context) (*zhili.SecuritySettings, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActPolicyRead); err != nil {
		return nil, err
	}
	raw, err := s.db.Setting(ctx, securityPolicyKey)
	if err != nil {
		return nil, fmt.Errorf("read security policy: %w", err)
	}
	// A stored value that does not read (written around the service) gives the
	// defaults, which are what is in force (securityPolicy): answered as such,
	// so the administrator sees them and can save over the bad value.
	set, _ := parseSecuritySettings(raw)
	return &set, nil
}

// SetSecurityPolicy validates and stores the settings and audits the old and
// new values. Needs ActPolicyWrite (the security administrator).
func (s *AuthService) SetSecurityPolicy(ctx context.Context, next zhili.SecuritySettings) (*zhili.SecuritySettings, error) {
	return s.UpdateSecurityPolicy(ctx, func(p *zhili.SecuritySettings) { *p = next })
}

// UpdateSecurityPolicy applies change to the settings in force, read after the
// writers' lock is taken, validates the result and stores it as SetSecurityPolicy.
func (s *AuthService) UpdateSecurityPolicy(ctx context.Context, change func(*zhili.SecuritySettings)) (*zhili.SecuritySettings, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActPolicyWrite); err != nil {
		return nil, err
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// The audit chain's lock serialises writers, so "old" is what the last
	// writer stored, not what this one read before it.
	if err := tx.db.dialect.lockAudit(ctx, tx); err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	var cur string
	if err := tx.queryRow(ctx, `SELECT value FROM settings WHERE key = ?`, securityPolicyKey).Scan(&cur); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("read security policy: %w", err)
	}
	old, _ := parseSecuritySettings(cur) // an unreadable value was in force as the defaults
	next := old
	change(&next)
	if err := next.Validate(); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(next)
	if err != nil {
		return nil, err
	}
	if err := tx.putSetting(ctx, securityPolicyKey, string(raw)); err != nil {
		return nil, err
	}
	if err := tx.audit(ctx, a, "security.policy.set", "setting", securityPolicyKey, map[string]any{"old": old, "new": next}); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	s.db.stalePolicy()
	return &next, nil
}
