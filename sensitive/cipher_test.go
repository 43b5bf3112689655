package sensitive

import (
	"crypto/cipher"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/emmansun/gmsm/sm4"
)

var testKey = mustHex("0123456789abcdeffedcba9876543210")

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func newTestCipher(t *testing.T, key []byte) *Cipher {
	t.Helper()
	c, err := NewCipher(key)
	if err != nil {
		t.Fatalf("NewCipher: %v", err)
	}
	return c
}

func TestEncryptDecryptRoundTrip(t *testing.T) {
	t.Parallel()
	c := newTestCipher(t, testKey)
	for _, plain := range []string{"", "a", "11010519491231002X", "浙江省杭州市西湖区文三路100号", strings.Repeat("长", 10000)} {
		t.Run(fmt.Sprintf("round-trips %d bytes", len(plain)), func(t *testing.T) {
			t.Parallel()
			enc, err := c.Encrypt(plain)
			if err != nil {
				t.Fatal(err)
			}
			if plain == "" && enc != "" {
				t.Fatalf("Encrypt(\"\") = %q, want empty", enc)
			}
			if plain != "" && !strings.HasPrefix(enc, "v1:") {
				t.Fatalf("Encrypt = %q, want v1: prefix", enc)
			}
			got, err := c.Decrypt(enc)
			if err != nil || got != plain {
				t.Fatalf("Decrypt = %q, %v; want %q", got, err, plain)
			}
		})
	}
}

// TestEncryptIsPlainSM4GCM shows that any SM4-GCM implementation given the key
// can read our values, so data outlives this package.
func TestEncryptIsPlainSM4GCM(t *testing.T) {
	t.Parallel()
	enc, err := newTestCipher(t, testKey).Encrypt("张三")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(enc, "v1:"))
	if err != nil {
		t.Fatal(err)
	}
	block, err := sm4.NewCipher(testKey)
	if err != nil {
		t.Fatal(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := aead.Open(nil, raw[:12], raw[12:], nil)
	if err != nil || string(plain) != "张三" {
		t.Fatalf("independent SM4-GCM Open = %q, %v; want 张三", plain, err)
	}
}

func TestEncryptIsRandomized(t *testing.T) {
	t.Parallel()
	c := newTestCipher(t, testKey)
	a, _ := c.Encrypt("110101199003071234")
	b, _ := c.Encrypt("110101199003071234")
	if a == b {
		t.Fatalf("two encryptions are equal (%q); nonce is not random", a)
	}
	// 3 prefix + base64url(12 nonce + 18 plaintext + 16 tag = 46 bytes) = 62 chars.
	if len(a) != 3+base64.RawURLEncoding.EncodedLen(12+18+16) {
		t.Errorf("len = %d, want %d", len(a), 3+base64.RawURLEncoding.EncodedLen(46))
	}
}

func TestDecryptErrors(t *testing.T) {
	t.Parallel()
	c := newTestCipher(t, testKey)
	other := newTestCipher(t, mustHex("00112233445566778899aabbccddeeff"))
	good, err := c.Encrypt("13812345678")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(good[3:])
	flipped := append([]byte{}, raw...)
	flipped[len(flipped)-20] ^= 1
	tests := []struct {
		name string
		c    *Cipher
		in   string
		want error
	}{
		{"fails auth with wrong key", other, good, ErrAuth},
		{"fails auth on flipped ciphertext bit", c, "v1:" + base64.RawURLEncoding.EncodeToString(flipped), ErrAuth},
		{"fails auth on truncated tag", c, "v1:" + base64.RawURLEncoding.EncodeToString(raw[:len(raw)-1]), ErrAuth},
		{"is malformed without prefix", c, good[3:], ErrMalformed},
		{"is malformed with unknown version", c, "v2:" + good[3:], ErrMalformed},
		{"is malformed with bad base64", c, "v1:!!!!", ErrMalformed},
		{"is malformed when shorter than nonce and tag", c, "v1:" + base64.RawURLEncoding.EncodeToString(make([]byte, 27)), ErrMalformed},
		{"is malformed for plaintext", c, "13812345678", ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.c.Decrypt(tt.in)
			if !errors.Is(err, tt.want) || got != "" {
				t.Fatalf("Decrypt = %q, %v; want error %v", got, err, tt.want)
			}
		})
	}
}

func TestBlind(t *testing.T) {
	t.Parallel()
	c := newTestCipher(t, testKey)
	other := newTestCipher(t, mustHex("00112233445566778899aabbccddeeff"))
	id := "11010519491231002X"
	tests := []struct {
		name string
		a, b string
		same bool
	}{
		{"matches for equal values", c.Blind(id), c.Blind(id), true},
		{"differs for different values", c.Blind(id), c.Blind("110101199003071234"), false},
		{"differs across keys", c.Blind(id), other.Blind(id), false},
		{"matches after normalising case", c.Blind(NormalizeIDNumber("11010519491231002x")), c.Blind(id), true},
		{"is empty for empty input", c.Blind(""), "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if (tt.a == tt.b) != tt.same {
				t.Fatalf("a=%q b=%q, want same=%v", tt.a, tt.b, tt.same)
			}
		})
	}
	if d := c.Blind(id); len(d) != 64 || strings.Contains(d, id) {
		t.Errorf("Blind = %q, want 64 hex characters", d)
	}
	// The blind key must not be the encryption key used as an HMAC key directly.
	if c.Blind(id) == blindWithRawKey(testKey, id) {
		t.Error("Blind uses the SM4 key directly; want a derived subkey")
	}
}

func blindWithRawKey(key []byte, s string) string {
	c := &Cipher{blindKey: key}
	return c.Blind(s)
}

func TestCipherHidesKeyWhenPrinted(t *testing.T) {
	t.Parallel()
	c := newTestCipher(t, testKey)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, c)
		if strings.Contains(out, "[") || !strings.Contains(out, "redacted") {
			t.Errorf("Sprintf(%s) = %q, want redacted", verb, out)
		}
	}
}

func TestCipherConcurrentUse(t *testing.T) {
	t.Parallel()
	c := newTestCipher(t, testKey)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 50 {
				plain := fmt.Sprintf("value-%d-%d", i, j)
				enc, err := c.Encrypt(plain)
				if err != nil {
					t.Error(err)
					return
				}
				if got, err := c.Decrypt(enc); err != nil || got != plain {
					t.Errorf("Decrypt = %q, %v; want %q", got, err, plain)
					return
				}
				_ = c.Blind(plain)
			}
		})
	}
	wg.Wait()
}
