// Package totp implements RFC 6238 time-based one-time passwords (HMAC-SHA1,
// 6 digits, 30-second steps), the only parameters every authenticator app
// supports, as the second factor for zhili staff logins. It uses only the
// standard library.
package totp

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

const (
	// Digits is the code length that authenticator apps display.
	Digits = 6
	// Period is the time step; RFC 6238 recommends 30 seconds.
	Period = 30 * time.Second
	// SecretSize is the secret length in bytes: 160 bits, SHA-1's output
	// size, as RFC 4226 recommends.
	SecretSize = 20
)

// b32 is the unpadded base32 used in otpauth URIs.
var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// ErrSecret means the secret is empty or not valid base32.
var ErrSecret = errors.New("totp: invalid secret")

// NewSecret returns a random 160-bit secret in unpadded base32, the form
// authenticator apps accept when typed in or scanned.
func NewSecret() (string, error) {
	b := make([]byte, SecretSize)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("totp: secret: %w", err)
	}
	return b32.EncodeToString(b), nil
}

// decodeSecret accepts the secret as users copy it: any case, with spaces or
// padding.
func decodeSecret(secret string) ([]byte, error) {
	s := strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(secret))
	key, err := b32.DecodeString(strings.TrimRight(s, "="))
	if err != nil || len(key) == 0 {
		return nil, ErrSecret
	}
	return key, nil
}

// Code returns the 6-digit code for the step containing t; it fails for a bad
// secret or a time before 1970, which has no step.
func Code(secret string, t time.Time) (string, error) {
	key, err := decodeSecret(secret)
	if err != nil {
		return "", err
	}
	if t.Unix() < 0 {
		return "", errors.New("totp: time before the Unix epoch")
	}
	return hotp(key, uint64(step(t)), Digits), nil
}

// step is the RFC 6238 counter T = floor(unix / 30).
func step(t time.Time) int64 {
	return t.Unix() / int64(Period/time.Second)
}

// hotp is RFC 4226 HOTP with dynamic truncation to the given number of digits
// (6 in service, 8 for the RFC 6238 test vectors).
func hotp(key []byte, counter uint64, digits int) string {
	mac := hmac.New(sha1.New, key)
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// Verify reports whether code is valid at t, allowing skew steps either side
// for clock drift (1 is usual). It does not stop a code being used twice; use
// VerifyStep for that.
func Verify(secret, code string, t time.Time, skew int) bool {
	_, ok := VerifyStep(secret, code, t, skew)
	return ok
}

// VerifyStep is Verify that also returns the matched time step, so callers can
// store it and reject any code whose step is not greater than the last one
// accepted, as RFC 6238 §5.2 requires to stop replay of an observed code.
// Candidates are compared in constant time; a negative skew counts as 0.
func VerifyStep(secret, code string, t time.Time, skew int) (int64, bool) {
	key, err := decodeSecret(secret)
	if err != nil || len(code) != Digits {
		return 0, false
	}
	skew = max(skew, 0)
	now := step(t)
	var matched int64
	ok := false
	for s := now - int64(skew); s <= now+int64(skew); s++ {
		if s < 0 {
			continue
		}
		// Every candidate is checked, so timing does not reveal which step matched.
		if subtle.ConstantTimeCompare([]byte(hotp(key, uint64(s), Digits)), []byte(code)) == 1 && !ok {
			matched, ok = s, true
		}
	}
	return matched, ok
}

// URI returns the otpauth:// URI that authenticator apps read from a QR code
// (Google Authenticator key-uri format): the label is "issuer:account" and the
// issuer is repeated as a parameter, which apps use to group accounts.
func URI(secret, issuer, account string) string {
	v := url.Values{}
	v.Set("secret", secret)
	v.Set("issuer", issuer)
	v.Set("algorithm", "SHA1")
	v.Set("digits", fmt.Sprint(Digits))
	v.Set("period", fmt.Sprint(int(Period/time.Second)))
	label := labelEscape(issuer) + ":" + labelEscape(account)
	if issuer == "" {
		label = labelEscape(account)
		v.Del("issuer")
	}
	return "otpauth://totp/" + label + "?" + strings.ReplaceAll(v.Encode(), "+", "%20")
}

// labelEscape percent-encodes a label part, including the colon that would
// otherwise be read as the issuer separator.
func labelEscape(s string) string {
	return strings.ReplaceAll(url.PathEscape(s), ":", "%3A")
}
