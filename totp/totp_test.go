package totp

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// rfcSecret is the RFC 6238 Appendix B SHA-1 seed "12345678901234567890".
var rfcSecret = b32.EncodeToString([]byte("12345678901234567890"))

func TestRFC6238Vectors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		unix int64
		want string
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	}
	for _, tt := range tests {
		t.Run("matches at "+tt.want, func(t *testing.T) {
			t.Parallel()
			tm := time.Unix(tt.unix, 0)
			if got := hotp([]byte("12345678901234567890"), uint64(step(tm)), 8); got != tt.want {
				t.Fatalf("8-digit TOTP at %d = %s, want %s", tt.unix, got, tt.want)
			}
			// Six digits are the last six of eight, so the public API is pinned too.
			got, err := Code(rfcSecret, tm)
			if err != nil || got != tt.want[2:] {
				t.Fatalf("Code at %d = %q, %v; want %s", tt.unix, got, err, tt.want[2:])
			}
		})
	}
}

func TestRFC4226Vectors(t *testing.T) {
	t.Parallel()
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	for c, w := range want {
		t.Run("matches counter "+w, func(t *testing.T) {
			t.Parallel()
			if got := hotp([]byte("12345678901234567890"), uint64(c), 6); got != w {
				t.Fatalf("HOTP(%d) = %s, want %s", c, got, w)
			}
		})
	}
}

func TestCode(t *testing.T) {
	t.Parallel()
	at := time.Unix(59, 0)
	tests := []struct {
		name    string
		secret  string
		t       time.Time
		want    string
		wantErr bool
	}{
		{"accepts lower case", strings.ToLower(rfcSecret), at, "287082", false},
		{"accepts spaces", "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ", at, "287082", false},
		{"accepts padding", b32.EncodeToString([]byte("1234567890123456789")) + "===", at, "", false},
		{"pads codes with leading zeros", rfcSecret, time.Unix(1111111109, 0), "081804", false},
		{"fails on empty secret", "", at, "", true},
		{"fails on invalid base32", "GEZD1!", at, "", true},
		{"fails before the epoch", rfcSecret, time.Unix(-1, 0), "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Code(tt.secret, tt.t)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Code = %q, %v; wantErr %v", got, err, tt.wantErr)
			}
			if tt.want != "" && got != tt.want {
				t.Fatalf("Code = %q, want %q", got, tt.want)
			}
			if err == nil && len(got) != Digits {
				t.Fatalf("Code = %q, want %d digits", got, Digits)
			}
		})
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	now := time.Unix(1234567890, 0) // step 41152263, code 005924
	tests := []struct {
		name   string
		secret string
		code   string
		t      time.Time
		skew   int
		want   bool
	}{
		{"accepts current code", rfcSecret, "005924", now, 0, true},
		{"accepts code late in its step", rfcSecret, "005924", now.Add(29 * time.Second), 0, true},
		{"accepts previous step within skew", rfcSecret, "005924", now.Add(Period), 1, true},
		{"accepts next step within skew", rfcSecret, "005924", now.Add(-Period), 1, true},
		{"rejects previous step without skew", rfcSecret, "005924", now.Add(Period), 0, false},
		{"rejects two steps away with skew 1", rfcSecret, "005924", now.Add(2 * Period), 1, false},
		{"rejects negative skew as zero", rfcSecret, "005924", now.Add(Period), -5, false},
		{"rejects wrong code", rfcSecret, "005925", now, 1, false},
		{"rejects short code", rfcSecret, "05924", now, 1, false},
		{"rejects 8-digit code", rfcSecret, "89005924", now, 1, false},
		{"rejects empty code", rfcSecret, "", now, 1, false},
		{"rejects bad secret", "!!", "005924", now, 1, false},
		{"rejects wrong secret", b32.EncodeToString([]byte("12345678901234567891")), "005924", now, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Verify(tt.secret, tt.code, tt.t, tt.skew); got != tt.want {
				t.Fatalf("Verify = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestVerifyStepReturnsMatchedStep(t *testing.T) {
	t.Parallel()
	now := time.Unix(1234567890, 0)
	s, ok := VerifyStep(rfcSecret, "005924", now.Add(Period), 1)
	if !ok || s != 1234567890/30 {
		t.Fatalf("VerifyStep = %d, %v; want %d, true", s, ok, 1234567890/30)
	}
	if s, ok := VerifyStep(rfcSecret, "000000", now, 1); ok || s != 0 {
		t.Fatalf("VerifyStep(wrong) = %d, %v; want 0, false", s, ok)
	}
}

func TestNewSecret(t *testing.T) {
	t.Parallel()
	a, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewSecret()
	if len(a) != 32 || strings.Contains(a, "=") || a == b {
		t.Fatalf("NewSecret = %q, %q; want distinct 32-char unpadded base32", a, b)
	}
	code, err := Code(a, time.Now())
	if err != nil || !Verify(a, code, time.Now(), 1) {
		t.Fatalf("fresh secret does not round-trip: %q, %v", code, err)
	}
}

func TestURI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		issuer, account string
		wantPath        string
		wantIssuer      string
	}{
		{"labels issuer and account", "Zhili", "zhangsan", "/Zhili:zhangsan", "Zhili"},
		{"escapes Chinese and spaces", "某县 治理平台", "张三", "/某县 治理平台:张三", "某县 治理平台"},
		{"escapes colon in account", "Zhili", "a:b", "/Zhili:a:b", "Zhili"},
		{"omits empty issuer", "", "zhangsan", "/zhangsan", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			raw := URI(rfcSecret, tt.issuer, tt.account)
			u, err := url.Parse(raw)
			if err != nil {
				t.Fatalf("URI = %q does not parse: %v", raw, err)
			}
			if u.Scheme != "otpauth" || u.Host != "totp" || u.Path != tt.wantPath {
				t.Fatalf("URI = %q: scheme %q host %q path %q", raw, u.Scheme, u.Host, u.Path)
			}
			if strings.ContainsAny(raw, " +") {
				t.Errorf("URI = %q contains a raw space or '+'", raw)
			}
			q := u.Query()
			if q.Get("secret") != rfcSecret || q.Get("issuer") != tt.wantIssuer ||
				q.Get("algorithm") != "SHA1" || q.Get("digits") != "6" || q.Get("period") != "30" {
				t.Errorf("URI query = %v", q)
			}
			if tt.account == "a:b" && !strings.Contains(raw, "a%3Ab") {
				t.Errorf("URI = %q, want escaped colon", raw)
			}
		})
	}
}
