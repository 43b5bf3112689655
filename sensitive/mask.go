package sensitive

import (
	"strings"
	"unicode/utf8"
)

// All masking works on runes, not bytes, so Chinese text is never cut in the
// middle of a character, and keeps the input's length so a masked value still
// looks like what it is. Surrounding spaces are trimmed first. A value too
// short to keep both ends without revealing all of it is masked entirely.

// maskRune replaces hidden characters.
const maskRune = '*'

// keepEnds keeps head runes at the start and tail at the end and masks the
// rest; if keep says a rune is a separator, it is shown even in the middle.
func keepEnds(s string, head, tail int, keep func(rune) bool) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= head+tail {
		head, tail = 0, 0
	}
	for i := head; i < len(r)-tail; i++ {
		if keep == nil || !keep(r[i]) {
			r[i] = maskRune
		}
	}
	return string(r)
}

// MaskIDNumber shows the first 3 and last 4 characters of a resident ID number
// ("110***********1234"), enough to confirm a person with them on the phone but
// not to reveal the birth date or region.
func MaskIDNumber(s string) string { return keepEnds(s, 3, 4, nil) }

// MaskPhone shows a mobile number as "138****5678", the form carriers and
// banks use; any other number (landline, hotline, with area code or "+86")
// keeps its first 3 and last 2 characters and masks only the digits between,
// so separators stay readable: "0571-87654321" becomes "057*-******21".
func MaskPhone(s string) string {
	s = strings.TrimSpace(s)
	if isMobile(s) {
		return keepEnds(s, 3, 4, nil)
	}
	return keepEnds(s, 3, 2, func(r rune) bool { return r < '0' || r > '9' })
}

// MaskName keeps only the surname's first character ("张*", "欧***"), the usual
// practice for public notices; the middle dot of transliterated names
// ("阿*·***") and spaces are kept, and a one-character name is fully masked.
func MaskName(s string) string {
	return keepEnds(s, 1, 0, func(r rune) bool { return r == '·' || r == '•' || r == ' ' })
}

// MaskAddress keeps the first 6 characters, which in a Chinese address name the
// province and city or county, and masks the street and house number; an
// address of 12 characters or fewer keeps only its first half.
func MaskAddress(s string) string {
	n := utf8.RuneCountInString(strings.TrimSpace(s))
	return keepEnds(s, min(6, n/2), 0, nil)
}

// MaskCreditCode shows the first 4 and last 4 characters of a unified social
// credit code ("9135**********0Y43"); codes are public for companies but not
// always for individual businesses, so lists mask them by default.
func MaskCreditCode(s string) string { return keepEnds(s, 4, 4, nil) }
