package sensitive

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Validation errors; the returned error wraps one of these and adds detail,
// so services can map them to field codes with errors.Is.
var (
	// ErrLength means the value has the wrong number of characters.
	ErrLength = errors.New("wrong length")
	// ErrCharset means a character is not allowed at its position.
	ErrCharset = errors.New("invalid character")
	// ErrCheckDigit means the final check character does not match the rest,
	// which catches most typos and transpositions.
	ErrCheckDigit = errors.New("bad check digit")
	// ErrBirthDate means an ID number's birth date is not a real date between
	// 1900-01-01 and today.
	ErrBirthDate = errors.New("invalid birth date")
	// ErrRegion means an ID number's region code cannot exist.
	ErrRegion = errors.New("invalid region code")
	// ErrPhone means the value is neither a mainland mobile nor a landline.
	ErrPhone = errors.New("invalid phone number")
)

// chinaTime is UTC+8 without a tzdata lookup; "today" for a birth date is
// today in China, not on the server's clock zone.
var chinaTime = time.FixedZone("CST", 8*60*60)

// idWeights are the GB 11643-1999 (ISO 7064 MOD 11-2) weights 2^(17-i) mod 11.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// NormalizeIDNumber trims spaces and upper-cases a trailing "x", so the same
// person always encrypts, blinds and compares the same way.
func NormalizeIDNumber(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// ValidIDNumber checks an 18-character resident ID number (GB 11643-1999):
// region code, birth date and the MOD 11-2 check character (a lowercase x is
// accepted). Region codes are only checked to start with 1-9, because
// residence permits (81-83) and the 2023 foreigners' permanent residence card
// (9) share the format.
func ValidIDNumber(s string) error { return validIDNumberAt(s, time.Now()) }

// validIDNumberAt is ValidIDNumber with "today" supplied, for tests.
func validIDNumberAt(s string, now time.Time) error {
	if n := utf8.RuneCountInString(s); n != 18 {
		return fmt.Errorf("ID number: %w: %d characters, want 18", ErrLength, n)
	}
	sum := 0
	for i := range 17 {
		c := s[i]
		if c < '0' || c > '9' {
			return fmt.Errorf("ID number: %w at position %d: want a digit", ErrCharset, i+1)
		}
		sum += int(c-'0') * idWeights[i]
	}
	last := s[17]
	if last == 'x' {
		last = 'X'
	}
	if (last < '0' || last > '9') && last != 'X' {
		return fmt.Errorf("ID number: %w at position 18: want a digit or X", ErrCharset)
	}
	if s[0] == '0' {
		return fmt.Errorf("ID number: %w: %s", ErrRegion, s[:6])
	}
	birth, err := time.ParseInLocation("20060102", s[6:14], chinaTime)
	if err != nil {
		return fmt.Errorf("ID number: %w: %s is not a calendar date", ErrBirthDate, s[6:14])
	}
	today := now.In(chinaTime)
	if birth.Year() < 1900 || birth.After(today) {
		return fmt.Errorf("ID number: %w: %s is not between 1900-01-01 and today", ErrBirthDate, s[6:14])
	}
	if want := idCheckChar(sum); last != want {
		return fmt.Errorf("ID number: %w", ErrCheckDigit)
	}
	return nil
}

// idCheckChar maps the weighted sum to the check character (10 is written X).
func idCheckChar(sum int) byte {
	v := (12 - sum%11) % 11
	if v == 10 {
		return 'X'
	}
	return byte('0' + v)
}

// creditCharset is the GB 32100-2015 alphabet: digits and capitals without
// I, O, Z, S, V, which are too easily confused with 1, 0, 2, 5, U.
const creditCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditWeights are the GB 32100-2015 weights 3^i mod 31.
var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// NormalizeCreditCode trims spaces and upper-cases a unified social credit
// code, so codes typed in lower case store and blind like printed ones.
func NormalizeCreditCode(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// ValidCreditCode checks an 18-character unified social credit code (GB
// 32100-2015): the alphabet and the MOD 31 check character. Lower-case input is
// accepted; store it through NormalizeCreditCode.
func ValidCreditCode(s string) error {
	if n := utf8.RuneCountInString(s); n != 18 {
		return fmt.Errorf("credit code: %w: %d characters, want 18", ErrLength, n)
	}
	s = strings.ToUpper(s)
	sum := 0
	for i := range 18 {
		v := strings.IndexByte(creditCharset, s[i])
		if v < 0 {
			return fmt.Errorf("credit code: %w at position %d: I, O, Z, S, V and symbols are not used", ErrCharset, i+1)
		}
		if i < 17 {
			sum += v * creditWeights[i]
		}
	}
	if s[17] != creditCheckChar(sum) {
		return fmt.Errorf("credit code: %w", ErrCheckDigit)
	}
	return nil
}

// creditCheckChar maps the weighted sum to the check character (31 becomes 0).
func creditCheckChar(sum int) byte { return creditCharset[(31-sum%31)%31] }

// The phone formats accepted by ValidPhone; a mobile is also masked differently.
var (
	mobileRE   = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	landlineRE = regexp.MustCompile(`^0[0-9]{2,3}-?[0-9]{7,8}$`)
)

// isMobile reports whether s is a mainland mobile number.
func isMobile(s string) bool { return mobileRE.MatchString(s) }

// ValidPhone accepts a mainland mobile number (1[3-9] and 9 more digits) or a
// landline with area code ("0571-87654321", dash optional); extensions, spaces
// and "+86" are rejected so stored numbers have one form.
func ValidPhone(s string) error {
	if isMobile(s) || landlineRE.MatchString(s) {
		return nil
	}
	return fmt.Errorf("phone: %w: want an 11-digit mobile or an area code and 7-8 digit landline", ErrPhone)
}
