// Package password hashes login passwords with argon2id in the PHC string
// format, so stored hashes carry their own parameters and can be strengthened
// later without a migration, and checks new passwords against the platform's
// password policy (GB/T 22239 level-3 systems require complexity rules).
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are the argon2id cost parameters; they are recorded in every hash so
// changing them only affects new hashes (see NeedsRehash).
type Params struct {
	Memory  uint32 // memory in KiB
	Time    uint32 // passes over the memory
	Threads uint8  // lanes; also the parallelism used while hashing
	SaltLen uint32 // random salt length in bytes
	KeyLen  uint32 // derived hash length in bytes
}

// Default costs about 85 ms (up to 135 ms when the CPU is shared) and 64 MiB
// per hash on the 2-core target machine, slow enough to make offline guessing
// expensive yet fast enough for a login; set it once at startup, before any
// hashing, if a deployment needs other costs.
var Default = Params{Memory: 64 * 1024, Time: 3, Threads: 2, SaltLen: 16, KeyLen: 32}

// Limits on parameters read from a stored hash, so a corrupted or planted row
// cannot make Verify allocate gigabytes or spin for minutes.
const (
	maxMemory = 1 << 20 // KiB, i.e. 1 GiB
	maxTime   = 64
	minSalt   = 8
	maxSalt   = 64
	minKey    = 16
	maxKey    = 64
)

// ErrMalformedHash means a stored hash is not an argon2id PHC string we can
// verify; it signals a data problem, never a wrong password.
var ErrMalformedHash = errors.New("password: malformed argon2id hash")

// slots bounds concurrent hashes, so a burst of logins queues instead of
// allocating Memory per request until the process runs out of memory.
var slots = make(chan struct{}, runtime.GOMAXPROCS(0))

// validate rejects parameters argon2 would silently adjust or that are unsafe.
func (p Params) validate() error {
	switch {
	case p.Threads < 1:
		return errors.New("threads must be at least 1")
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("time must be 1..%d", maxTime)
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory:
		return fmt.Errorf("memory must be 8×threads..%d KiB", maxMemory)
	case p.SaltLen < minSalt || p.SaltLen > maxSalt:
		return fmt.Errorf("salt length must be %d..%d bytes", minSalt, maxSalt)
	case p.KeyLen < minKey || p.KeyLen > maxKey:
		return fmt.Errorf("key length must be %d..%d bytes", minKey, maxKey)
	}
	return nil
}

// derive runs argon2id, waiting for a free slot first.
func derive(pw string, salt []byte, p Params) []byte {
	slots <- struct{}{}
	defer func() { <-slots }()
	return argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
}

// Hash hashes pw with Default parameters and a random salt.
func Hash(pw string) (string, error) { return HashWith(pw, Default) }

// HashWith hashes pw with explicit parameters, which lets tests use cheap ones
// and lets operators trial new costs before changing Default.
func HashWith(pw string, p Params) (string, error) {
	if err := p.validate(); err != nil {
		return "", fmt.Errorf("password: bad params: %w", err)
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: salt: %w", err)
	}
	key := derive(pw, salt, p)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether pw matches encoded, using the parameters stored in
// encoded and a constant-time comparison; an error means the hash itself is
// unusable, a false with nil error means a wrong password.
func Verify(pw, encoded string) (bool, error) {
	p, salt, key, err := parse(encoded)
	if err != nil {
		return false, err
	}
	got := derive(pw, salt, p)
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether encoded was made with parameters other than
// Default (or cannot be parsed), so the login handler can re-hash the password
// it has just verified and costs follow Default over time.
func NeedsRehash(encoded string) bool {
	p, _, _, err := parse(encoded)
	return err != nil || p != Default
}

// parse splits a PHC string "$argon2id$v=19$m=…,t=…,p=…$salt$hash".
func parse(encoded string) (Params, []byte, []byte, error) {
	fail := func(why string) (Params, []byte, []byte, error) {
		return Params{}, nil, nil, fmt.Errorf("%w: %s", ErrMalformedHash, why)
	}
	f := strings.Split(encoded, "$")
	if len(f) != 6 || f[0] != "" {
		return fail("want 5 '$'-separated fields")
	}
	if f[1] != "argon2id" {
		return fail("algorithm is not argon2id")
	}
	if f[2] != "v="+strconv.Itoa(argon2.Version) {
		return fail("unsupported version")
	}
	kv := strings.Split(f[3], ",")
	if len(kv) != 3 {
		return fail("want m, t and p parameters")
	}
	var vals [3]uint64
	for i, name := range []string{"m", "t", "p"} {
		v, ok := strings.CutPrefix(kv[i], name+"=")
		if !ok {
			return fail("want parameters in the order m, t, p")
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return fail("bad " + name + " parameter")
		}
		vals[i] = n
	}
	if vals[2] > 255 {
		return fail("p parameter out of range")
	}
	salt, err1 := base64.RawStdEncoding.Strict().DecodeString(f[4])
	key, err2 := base64.RawStdEncoding.Strict().DecodeString(f[5])
	if err1 != nil || err2 != nil {
		return fail("bad base64 in salt or hash")
	}
	p := Params{Memory: uint32(vals[0]), Time: uint32(vals[1]), Threads: uint8(vals[2]),
		SaltLen: uint32(len(salt)), KeyLen: uint32(len(key))}
	if err := p.validate(); err != nil {
		return fail(err.Error())
	}
	return p, salt, key, nil
}
