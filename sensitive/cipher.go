package sensitive

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"
)

// KeySize is the SM4 key length in bytes; SM4 has exactly one key size.
const KeySize = 16

// prefix marks the format of an encrypted value so that a future format (a new
// algorithm or key-id scheme) can be told apart from rows written today.
const prefix = "v1:"

// blindLabel separates the blind-index key from the encryption key, so a leak
// of blind digests says nothing about the SM4 key and vice versa.
const blindLabel = "zhili/sensitive/blind-index/v1"

// checkLabel is what KeyCheck authenticates: a fixed string, so the check value
// names the key without being usable to decrypt or to blind anything.
const checkLabel = "zhili/sensitive/key-check/v1"

// Errors returned by Decrypt and the key helpers; callers test them with errors.Is.
var (
	// ErrMalformed means the stored text is not something Encrypt produced,
	// which points at a bug or a wrong column rather than an attack.
	ErrMalformed = errors.New("sensitive: malformed ciphertext")
	// ErrAuth means the GCM tag did not verify: the key is wrong or the value
	// was altered, and GCM by design cannot tell which.
	ErrAuth = errors.New("sensitive: authentication failed (wrong key or tampered ciphertext)")
	// ErrKey means a key is missing or not 16 bytes, caught at startup rather
	// than on the first write.
	ErrKey = errors.New("sensitive: invalid key")
)

// Cipher encrypts and blind-indexes fields under one key; it is safe for
// concurrent use, so a service builds one at startup and shares it.
type Cipher struct {
	aead     cipher.AEAD
	blindKey []byte
	check    string
}

// NewCipher builds a Cipher from a 16-byte SM4 key; the key is used as is for
// SM4-GCM so any standard SM4-GCM implementation can decrypt our data, and a
// separate HMAC-SM3 key for Blind is derived from it.
func NewCipher(key []byte) (*Cipher, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("%w: SM4 key must be %d bytes, got %d", ErrKey, KeySize, len(key))
	}
	block, err := sm4.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKey, err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("sensitive: SM4-GCM: %w", err)
	}
	mac := hmac.New(sm3.New, key)
	mac.Write([]byte(blindLabel))
	check := hmac.New(sm3.New, key)
	check.Write([]byte(checkLabel))
	return &Cipher{aead: aead, blindKey: mac.Sum(nil), check: hex.EncodeToString(check.Sum(nil))}, nil
}

// KeyCheck identifies the key without revealing it: HMAC-SM3 of a fixed label
// under the key, 64 hex characters. A database stores it so that an instance
// configured with another key is refused before it writes anything.
func (c *Cipher) KeyCheck() string { return c.check }

// GenerateKey returns a fresh random key, for provisioning a deployment.
func GenerateKey() ([]byte, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("sensitive: generate key: %w", err)
	}
	return key, nil
}

// ParseKey decodes a key written as 32 hex characters or as base64 (standard
// or URL alphabet, padded or not) of 16 bytes, the two forms operators paste
// from `openssl rand -hex 16` and `openssl rand -base64 16`.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) == 2*KeySize {
		if key, err := hex.DecodeString(s); err == nil {
			return key, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(s); err == nil && len(key) == KeySize {
			return key, nil
		}
	}
	return nil, fmt.Errorf("%w: want 32 hex characters or base64 of %d bytes", ErrKey, KeySize)
}

// LoadKey reads the key from an environment value or, failing that, from a
// file (such as a mounted secret); setting both is refused so a stale file
// cannot silently win over, or lose to, the intended key.
func LoadKey(envValue, keyFile string) ([]byte, error) {
	switch {
	case envValue != "" && keyFile != "":
		return nil, fmt.Errorf("%w: both an environment key and a key file are set; set only one", ErrKey)
	case envValue != "":
		return ParseKey(envValue)
	case keyFile != "":
		b, err := os.ReadFile(keyFile)
		if err != nil {
			return nil, fmt.Errorf("sensitive: read key file: %w", err)
		}
		return ParseKey(string(b))
	default:
		return nil, fmt.Errorf("%w: no key configured", ErrKey)
	}
}

// Encrypt seals plaintext as "v1:" + base64url(nonce||ciphertext||tag) with a
// random 12-byte nonce; the empty string stays empty so optional columns need
// no special case. Random nonces are safe for about 2^32 values per key, far
// beyond a county's records, after which the key must be rotated.
func (c *Cipher) Encrypt(plaintext string) (string, error) {
	if plaintext == "" {
		return "", nil
	}
	ns := c.aead.NonceSize()
	buf := make([]byte, ns, ns+len(plaintext)+c.aead.Overhead())
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("sensitive: nonce: %w", err)
	}
	buf = c.aead.Seal(buf, buf[:ns], []byte(plaintext), nil)
	return prefix + base64.RawURLEncoding.EncodeToString(buf), nil
}

// Decrypt opens a value produced by Encrypt; it returns ErrMalformed for text
// that is not in our format and ErrAuth for a wrong key or altered data.
func (c *Cipher) Decrypt(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	body, ok := strings.CutPrefix(s, prefix)
	if !ok {
		return "", fmt.Errorf("%w: missing %q prefix", ErrMalformed, prefix)
	}
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		return "", fmt.Errorf("%w: bad base64url", ErrMalformed)
	}
	ns := c.aead.NonceSize()
	if len(raw) < ns+c.aead.Overhead() {
		return "", fmt.Errorf("%w: too short", ErrMalformed)
	}
	plain, err := c.aead.Open(nil, raw[:ns], raw[ns:], nil)
	if err != nil {
		return "", ErrAuth
	}
	return string(plain), nil
}

// Blind returns a keyed, deterministic HMAC-SM3 digest (64 hex characters) so
// an encrypted column can be searched for equality without decrypting it; the
// empty string blinds to the empty string. Normalise values first (see
// NormalizeIDNumber) or "x" and "X" will not match.
func (c *Cipher) Blind(s string) string {
	if s == "" {
		return ""
	}
	mac := hmac.New(sm3.New, c.blindKey)
	mac.Write([]byte(s))
	return hex.EncodeToString(mac.Sum(nil))
}

// String hides the key material, which fmt would otherwise print from the
// unexported fields if a Cipher ever ends up in a log line.
func (c *Cipher) String() string { return "sensitive.Cipher{SM4-GCM, key redacted}" }

// GoString hides the key material from %#v for the same reason as String.
func (c *Cipher) GoString() string { return c.String() }
