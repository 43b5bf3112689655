package sensitive

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNewCipher(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		key     []byte
		wantErr bool
	}{
		{"accepts 16 bytes", testKey, false},
		{"rejects nil", nil, true},
		{"rejects 15 bytes", testKey[:15], true},
		{"rejects 32 bytes", append(append([]byte{}, testKey...), testKey...), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewCipher(tt.key)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrKey) {
				t.Errorf("err = %v, want ErrKey", err)
			}
		})
	}
}

func TestParseKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"accepts hex", "0123456789abcdeffedcba9876543210", true},
		{"accepts upper-case hex with newline", "0123456789ABCDEFFEDCBA9876543210\n", true},
		{"accepts padded base64", base64.StdEncoding.EncodeToString(testKey), true},
		{"accepts raw base64url", base64.RawURLEncoding.EncodeToString(testKey), true},
		{"rejects empty", "", false},
		{"rejects short hex", "0123456789abcdef", false},
		{"rejects base64 of 32 bytes", base64.StdEncoding.EncodeToString(make([]byte, 32)), false},
		{"rejects non-hex of hex length", strings.Repeat("g", 32), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			key, err := ParseKey(tt.in)
			if !tt.ok {
				if !errors.Is(err, ErrKey) {
					t.Fatalf("err = %v, want ErrKey", err)
				}
				return
			}
			if err != nil || string(key) != string(testKey) {
				t.Fatalf("ParseKey = %x, %v; want %x", key, err, testKey)
			}
		})
	}
}

func TestLoadKey(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(file, []byte(hex.EncodeToString(testKey)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		env, file string
		ok        bool
	}{
		{"reads env", hex.EncodeToString(testKey), "", true},
		{"reads file", "", file, true},
		{"fails when both set", hex.EncodeToString(testKey), file, false},
		{"fails when none set", "", "", false},
		{"fails on missing file", "", filepath.Join(t.TempDir(), "absent"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			key, err := LoadKey(tt.env, tt.file)
			if tt.ok != (err == nil) {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
			if tt.ok && string(key) != string(testKey) {
				t.Fatalf("key = %x, want %x", key, testKey)
			}
		})
	}
}

func TestGenerateKey(t *testing.T) {
	t.Parallel()
	a, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := GenerateKey()
	if len(a) != KeySize || string(a) == string(b) {
		t.Fatalf("GenerateKey = %x, %x; want two distinct %d-byte keys", a, b, KeySize)
	}
	if _, err := NewCipher(a); err != nil {
		t.Fatalf("NewCipher(GenerateKey()) = %v", err)
	}
}

func TestKeyCheck(t *testing.T) {
	t.Parallel()
	a, b := newTestCipher(t, testKey), newTestCipher(t, testKey)
	other := newTestCipher(t, mustHex("fedcba98765432100123456789abcdef"))
	if a.KeyCheck() != b.KeyCheck() || len(a.KeyCheck()) != 64 {
		t.Fatalf("same key, checks %q %q", a.KeyCheck(), b.KeyCheck())
	}
	if a.KeyCheck() == other.KeyCheck() {
		t.Fatal("different keys share a key check")
	}
	if strings.Contains(a.KeyCheck(), hex.EncodeToString(testKey)) || a.KeyCheck() == a.Blind(checkLabel) {
		t.Fatal("key check reveals the key or equals a blind index")
	}
}
