package sensitive

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// withIDCheck completes 17 digits with the check character computed from
// first principles (weights 2^(17-i) mod 11, check = (12 - sum mod 11) mod 11),
// independently of the weight table in the package.
func withIDCheck(body string) string {
	sum, w := 0, 1
	for i := 16; i >= 0; i-- {
		w = w * 2 % 11
		sum += int(body[i]-'0') * w
	}
	v := (12 - sum%11) % 11
	if v == 10 {
		return body + "X"
	}
	return body + string(rune('0'+v))
}

// withCreditCheck completes 17 characters with the GB 32100 check character,
// deriving the weights as 3^i mod 31 rather than reading the package's table.
func withCreditCheck(body string) string {
	sum, w := 0, 1
	for i := range 17 {
		sum += strings.IndexByte(creditCharset, body[i]) * w
		w = w * 3 % 31
	}
	return body + string(creditCharset[(31-sum%31)%31])
}

// wrongCheck replaces the last character with a different valid one.
func wrongCheck(s string) string {
	if s[17] == '0' {
		return s[:17] + "1"
	}
	return s[:17] + "0"
}

func TestValidIDNumber(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 6, 15, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"accepts the GB 11643 example", "11010519491231002X", nil},
		{"accepts lower-case x", "11010519491231002x", nil},
		{"accepts a digit check character", "110101199003071233", nil},
		{"accepts computed check X", withIDCheck("11010119900307803"), nil},
		{"accepts a leap day", withIDCheck("11010120000229123"), nil},
		{"accepts born today", withIDCheck("33010220240615123"), nil},
		{"accepts 1900-01-01", withIDCheck("33010219000101123"), nil},
		{"accepts a residence permit", withIDCheck("81000019900101123"), nil},
		{"rejects 17 characters as wrong length", "11010519491231002", ErrLength},
		{"rejects the old 15-digit form as wrong length", "110105491231002", ErrLength},
		{"rejects 19 characters as wrong length", "11010519491231002X1", ErrLength},
		{"rejects a letter in the body as invalid character", "1101051949123100AX", ErrCharset},
		{"rejects a full-width digit as invalid character", "１1010519491231002X", ErrCharset},
		{"rejects Y as check as invalid character", "11010519491231002Y", ErrCharset},
		{"rejects a changed digit as bad check digit", "11010519491231003X", ErrCheckDigit},
		{"rejects the masking example as bad check digit", "110101199003071234", ErrCheckDigit},
		{"rejects swapped digits as bad check digit", "110101199003071323", ErrCheckDigit},
		{"rejects February 30 as invalid birth date", withIDCheck("11010119900230123"), ErrBirthDate},
		{"rejects 1900-02-29 as invalid birth date", withIDCheck("11010119000229123"), ErrBirthDate},
		{"rejects month 13 as invalid birth date", withIDCheck("11010119901301123"), ErrBirthDate},
		{"rejects 1899 as invalid birth date", withIDCheck("11010118991231123"), ErrBirthDate},
		{"rejects tomorrow as invalid birth date", withIDCheck("11010120240616123"), ErrBirthDate},
		{"rejects leading zero as invalid region", withIDCheck("01010119900307123"), ErrRegion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := validIDNumberAt(tt.in, now)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("validIDNumberAt(%q) = %v, want %v", tt.in, err, tt.want)
			}
			if err != nil && !strings.Contains(err.Error(), tt.want.Error()) {
				t.Errorf("error %q does not name the reason %q", err, tt.want)
			}
		})
	}
}

func TestValidIDNumberUsesToday(t *testing.T) {
	t.Parallel()
	if err := ValidIDNumber("11010519491231002X"); err != nil {
		t.Fatalf("ValidIDNumber = %v, want nil", err)
	}
	future := withIDCheck("110101" + time.Now().AddDate(1, 0, 0).Format("20060102") + "123")
	if err := ValidIDNumber(future); !errors.Is(err, ErrBirthDate) {
		t.Fatalf("ValidIDNumber(next year) = %v, want ErrBirthDate", err)
	}
}

func TestValidCreditCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want error
	}{
		// The GB 32100 illustration, and two codes printed on business
		// licences (corroborated by checking them by hand).
		{"accepts the standard's example", "91350100M000100Y43", nil},
		{"accepts published code ending T", "91440300708461136T", nil},
		{"accepts published code ending Q", "91110108551385082Q", nil},
		{"accepts lower case", "91350100m000100y43", nil},
		{"accepts computed code", withCreditCheck("12100000400000010"), nil},
		{"accepts computed code with letters", withCreditCheck("Y1330106MA2AB1C3D"), nil},
		{"accepts check 31 written 0", findCreditCheck('0'), nil},
		{"rejects 17 characters as wrong length", "91350100M000100Y4", ErrLength},
		{"rejects 19 characters as wrong length", "91350100M000100Y433", ErrLength},
		{"rejects I as invalid character", "91350100I000100Y43", ErrCharset},
		{"rejects O as invalid character", "91350100O000100Y43", ErrCharset},
		{"rejects Z as invalid character", "91350100Z000100Y43", ErrCharset},
		{"rejects S as invalid character", "91350100S000100Y43", ErrCharset},
		{"rejects V as invalid character", "91350100V000100Y43", ErrCharset},
		{"rejects a dash as invalid character", "91350100-000100Y43", ErrCharset},
		{"rejects a wrong check as bad check digit", "91350100M000100Y44", ErrCheckDigit},
		{"rejects a changed body as bad check digit", "91350100M000200Y43", ErrCheckDigit},
		{"rejects another wrong check as bad check digit", wrongCheck("91440300708461136T"), ErrCheckDigit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ValidCreditCode(tt.in)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("ValidCreditCode(%q) = %v, want %v", tt.in, err, tt.want)
			}
		})
	}
}

// findCreditCheck returns a computed code whose check character is c, to
// cover the 31 → 0 rule.
func findCreditCheck(c byte) string {
	for i := range 100000 {
		code := withCreditCheck("9133010" + strings.Repeat("0", 5) + padDigits(i, 5))
		if code[17] == c {
			return code
		}
	}
	panic("no code found")
}

func padDigits(n, width int) string {
	b := make([]byte, width)
	for i := width - 1; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b)
}

func TestValidPhone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"accepts mobile 138", "13812345678", true},
		{"accepts mobile 199", "19912345678", true},
		{"accepts landline with dash", "0571-87654321", true},
		{"accepts landline without dash", "057187654321", true},
		{"accepts 3-digit area code with 8 digits", "010-12345678", true},
		{"accepts 4-digit area code with 7 digits", "0591-1234567", true},
		{"rejects mobile 12x", "12812345678", false},
		{"rejects 10-digit mobile", "1381234567", false},
		{"rejects 12-digit mobile", "138123456789", false},
		{"rejects +86 prefix", "+8613812345678", false},
		{"rejects spaces", "138 1234 5678", false},
		{"rejects landline without area code", "87654321", false},
		{"rejects 6-digit local number", "0571-654321", false},
		{"rejects extension", "0571-87654321-123", false},
		{"rejects empty", "", false},
		{"rejects full-width digits", "１３８１２３４５６７８", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ValidPhone(tt.in)
			if tt.ok != (err == nil) {
				t.Fatalf("ValidPhone(%q) = %v, want ok=%v", tt.in, err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrPhone) {
				t.Fatalf("err = %v, want ErrPhone", err)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		f    func(string) string
		in   string
		want string
	}{
		{"ID upper-cases x and trims", NormalizeIDNumber, " 11010519491231002x\n", "11010519491231002X"},
		{"credit code upper-cases and trims", NormalizeCreditCode, " 91350100m000100y43 ", "91350100M000100Y43"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.f(tt.in); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}
