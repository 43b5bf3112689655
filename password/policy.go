package password

import (
	"errors"
	"strings"
	"unicode"
)

// Policy bounds, exported so forms can state the rules before the user types.
const (
	MinLength  = 10  // minimum length in characters (runes)
	MaxLength  = 128 // maximum length, generous for passphrases but bounded
	MinClasses = 3   // of upper case, lower case, digits and symbols
	MaxRun     = 4   // longest allowed sequence such as "1234", "dcba" or "qwer"
	MaxRepeat  = 3   // longest allowed run of one repeated character
)

// Policy violations, each with a bilingual message shown to the user; CheckPolicy
// joins all that apply so the user can fix everything in one go.
var (
	// ErrTooShort means fewer than MinLength characters.
	ErrTooShort = errors.New("密码至少10位 (password must be at least 10 characters)")
	// ErrTooLong means more than MaxLength characters.
	ErrTooLong = errors.New("密码不能超过128位 (password must be at most 128 characters)")
	// ErrTooFewClasses means fewer than MinClasses character classes.
	ErrTooFewClasses = errors.New("密码须包含大写字母、小写字母、数字、符号中的至少3类 (password must mix at least 3 of upper case, lower case, digits and symbols)")
	// ErrSequence means a run such as "12345", "abcde" or "qwert", the first
	// thing guessing tools try.
	ErrSequence = errors.New("密码不能包含5位及以上的连续字符，如12345、abcde、qwert (password must not contain sequences of 5 or more characters such as 12345, abcde or qwert)")
	// ErrRepeated means one character repeated 4 or more times in a row.
	ErrRepeated = errors.New("密码不能包含4个及以上相同的连续字符，如aaaa (password must not repeat a character 4 or more times in a row)")
)

// keyboardRows are the sequences people type by sliding a finger along the
// keyboard; alphabetical and numeric runs are caught arithmetically.
var keyboardRows = []string{"1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "!@#$%^&*()"}

// CheckPolicy checks a new password against the platform policy: length,
// character classes, sequences and repeats. Messages never quote the password,
// so the error is safe to log. Non-ASCII characters such as Chinese count as
// symbols.
func CheckPolicy(pw string) error { return Rules{}.Check(pw) }

// classes counts how many of upper, lower, digit and other characters occur.
func classes(pw string) int {
	var upper, lower, digit, other int
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			other = 1
		}
	}
	return upper + lower + digit + other
}

// hasSequence reports an ascending or descending run of n ASCII digits or
// letters, such as "34567" or "fedcb".
func hasSequence(r []rune, n int) bool {
	up, down := 1, 1
	for i := 1; i < len(r); i++ {
		same := kind(r[i]) != 0 && kind(r[i]) == kind(r[i-1])
		up = next(up, same && r[i] == r[i-1]+1)
		down = next(down, same && r[i] == r[i-1]-1)
		if up >= n || down >= n {
			return true
		}
	}
	return false
}

// next extends a run length or restarts it.
func next(run int, extends bool) int {
	if extends {
		return run + 1
	}
	return 1
}

// kind is 1 for ASCII digits, 2 for lower-case ASCII letters, 0 otherwise,
// so "9:" or "z{" never count as a sequence.
func kind(r rune) int {
	switch {
	case r >= '0' && r <= '9':
		return 1
	case r >= 'a' && r <= 'z':
		return 2
	}
	return 0
}

// hasKeyboardRun reports n adjacent keys of one keyboard row, either direction.
func hasKeyboardRun(lower string, n int) bool {
	for _, row := range keyboardRows {
		rev := []byte(row)
		for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
			rev[i], rev[j] = rev[j], rev[i]
		}
		for _, s := range []string{row, string(rev)} {
			for i := 0; i+n <= len(s); i++ {
				if strings.Contains(lower, s[i:i+n]) {
					return true
				}
			}
		}
	}
	return false
}

// hasRepeat reports n identical characters in a row.
func hasRepeat(r []rune, n int) bool {
	run := 1
	for i := 1; i < len(r); i++ {
		run = next(run, r[i] == r[i-1])
		if run >= n {
			return true
		}
	}
	return false
}
