package password

import (
	"errors"
	"strings"
	"sync"
	"testing"
)

// cheap keeps the test suite fast; the format and code paths are the same.
var cheap = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// Hashes made by the reference C implementation (libargon2 20190702,
// argon2id_hash_encoded), proving our strings interoperate.
const (
	refPassword = "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"
	refChinese  = "$argon2id$v=19$m=1024,t=3,p=2$MDEyMzQ1Njc4OWFiY2RlZg$A8nxD6yDV17bD8oAesUpp4RU5cvymN5XcWWPV+k3PlU"
)

func TestHashWithFormat(t *testing.T) {
	t.Parallel()
	h, err := HashWith("Zhili@2024!x", cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash = %q, want PHC argon2id prefix", h)
	}
	f := strings.Split(h, "$")
	if len(f) != 6 || len(f[4]) != 22 || len(f[5]) != 43 {
		t.Fatalf("hash = %q, want 16-byte salt and 32-byte key in raw base64", h)
	}
	h2, _ := HashWith("Zhili@2024!x", cheap)
	if h == h2 {
		t.Fatal("two hashes of one password are equal; salt is not random")
	}
}

func TestHashUsesDefault(t *testing.T) {
	t.Parallel()
	h, err := Hash("Zhili@2024!x")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("hash = %q, want Default parameters", h)
	}
	if ok, err := Verify("Zhili@2024!x", h); !ok || err != nil {
		t.Fatalf("Verify = %v, %v; want true", ok, err)
	}
	if NeedsRehash(h) {
		t.Fatal("NeedsRehash(default hash) = true, want false")
	}
}

func TestHashWithRejectsBadParams(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		p    Params
	}{
		{"fails with zero threads", Params{Memory: 64, Time: 1, Threads: 0, SaltLen: 16, KeyLen: 32}},
		{"fails with zero time", Params{Memory: 64, Time: 0, Threads: 1, SaltLen: 16, KeyLen: 32}},
		{"fails with memory below 8 per thread", Params{Memory: 15, Time: 1, Threads: 2, SaltLen: 16, KeyLen: 32}},
		{"fails with memory above 1 GiB", Params{Memory: 1<<20 + 1, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}},
		{"fails with short salt", Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 4, KeyLen: 32}},
		{"fails with short key", Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 8}},
		{"fails with zero value", Params{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if h, err := HashWith("pw", tt.p); err == nil {
				t.Fatalf("HashWith = %q, want error", h)
			}
		})
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	mine, err := HashWith("正确的马电池钉", cheap)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		pw      string
		encoded string
		want    bool
		wantErr bool
	}{
		{"matches own hash", "正确的马电池钉", mine, true, false},
		{"rejects wrong password", "正确的马电池", mine, false, false},
		{"rejects empty password", "", mine, false, false},
		{"matches reference hash", "password", refPassword, true, false},
		{"rejects wrong password for reference hash", "Password", refPassword, false, false},
		{"matches reference hash with p=2 and UTF-8", "正确的马电池钉", refChinese, true, false},
		{"fails on altered hash bytes", "password", strings.Replace(refPassword, "nf65", "nf66", 1), false, false},
		{"errors on empty string", "password", "", false, true},
		{"errors on argon2i", "password", strings.Replace(refPassword, "argon2id", "argon2i", 1), false, true},
		{"errors on version 16", "password", strings.Replace(refPassword, "v=19", "v=16", 1), false, true},
		{"errors on reordered params", "password", strings.Replace(refPassword, "m=256,t=2", "t=2,m=256", 1), false, true},
		{"errors on missing param", "password", strings.Replace(refPassword, ",p=1", "", 1), false, true},
		{"errors on negative param", "password", strings.Replace(refPassword, "t=2", "t=-2", 1), false, true},
		{"errors on huge memory", "password", strings.Replace(refPassword, "m=256", "m=4194304", 1), false, true},
		{"errors on huge time", "password", strings.Replace(refPassword, "t=2", "t=100000", 1), false, true},
		{"errors on p over 255", "password", strings.Replace(refPassword, "p=1", "p=256", 1), false, true},
		{"errors on padded base64", "password", strings.Replace(refPassword, "c29tZXNhbHQ", "c29tZXNhbHQ=", 1), false, true},
		{"errors on short salt", "password", strings.Replace(refPassword, "c29tZXNhbHQ", "c29tZQ", 1), false, true},
		{"errors on extra field", "password", refPassword + "$x", false, true},
		{"errors on bcrypt hash", "password", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Verify(tt.pw, tt.encoded)
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Fatalf("Verify = %v, %v; want %v, err=%v", got, err, tt.want, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("err = %v, want ErrMalformedHash", err)
			}
		})
	}
}

func TestNeedsRehash(t *testing.T) {
	t.Parallel()
	cheapHash, _ := HashWith("pw", cheap)
	d := Default
	d.KeyLen = 16
	shortKey, _ := HashWith("pw", Params{Memory: 64, Time: 1, Threads: 1, SaltLen: d.SaltLen, KeyLen: d.KeyLen})
	tests := []struct {
		name    string
		encoded string
		want    bool
	}{
		{"is needed for cheaper params", cheapHash, true},
		{"is needed for reference params", refChinese, true},
		{"is needed for other key length", shortKey, true},
		{"is needed for garbage", "not a hash", true},
		{"is not needed for Default", "$argon2id$v=19$m=65536,t=3,p=2$MDEyMzQ1Njc4OWFiY2RlZg$A8nxD6yDV17bD8oAesUpp4RU5cvymN5XcWWPV+k3PlU", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := NeedsRehash(tt.encoded); got != tt.want {
				t.Fatalf("NeedsRehash(%q) = %v, want %v", tt.encoded, got, tt.want)
			}
		})
	}
}

func TestVerifyConcurrent(t *testing.T) {
	t.Parallel()
	h, err := HashWith("Zhili@2024!x", cheap)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if ok, err := Verify("Zhili@2024!x", h); !ok || err != nil {
				t.Errorf("Verify = %v, %v; want true", ok, err)
			}
		})
	}
	wg.Wait()
}

// BenchmarkHashDefault measures the login cost of Default on this machine;
// Default's comment records the result.
func BenchmarkHashDefault(b *testing.B) {
	for b.Loop() {
		if _, err := Hash("Zhili@2024!x"); err != nil {
			b.Fatal(err)
		}
	}
}
