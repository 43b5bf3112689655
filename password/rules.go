package password

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Rules are the configurable part of the password policy: the security
// administrator sets the minimum length and the number of character classes
// (zhili.SecuritySettings); the bans on sequences and repeats always apply.
// Zero fields take the defaults, MinLength and MinClasses.
type Rules struct {
	MinLength  int
	MinClasses int
}

// Check checks pw like CheckPolicy, with r's length and classes. Errors for
// the default values are the package's Err* values, so errors.Is keeps working.
func (r Rules) Check(pw string) error {
	minLen, minClasses := r.MinLength, r.MinClasses
	if minLen <= 0 {
		minLen = MinLength
	}
	if minClasses <= 0 {
		minClasses = MinClasses
	}
	var errs []error
	n := utf8.RuneCountInString(pw)
	if n < minLen {
		errs = append(errs, tooShort(minLen))
	}
	if n > MaxLength {
		errs = append(errs, ErrTooLong)
	}
	if classes(pw) < minClasses {
		errs = append(errs, tooFewClasses(minClasses))
	}
	lower := strings.ToLower(pw)
	if hasSequence([]rune(lower), MaxRun+1) || hasKeyboardRun(lower, MaxRun+1) {
		errs = append(errs, ErrSequence)
	}
	if hasRepeat([]rune(pw), MaxRepeat+1) {
		errs = append(errs, ErrRepeated)
	}
	return errors.Join(errs...)
}

// tooShort is ErrTooShort for another minimum length; it wraps ErrTooShort.
func tooShort(n int) error {
	if n == MinLength {
		return ErrTooShort
	}
	return &ruleError{fmt.Sprintf("密码至少%d位 (password must be at least %d characters)", n, n), ErrTooShort}
}

// tooFewClasses is ErrTooFewClasses for another number of classes.
func tooFewClasses(n int) error {
	if n == MinClasses {
		return ErrTooFewClasses
	}
	return &ruleError{fmt.Sprintf("密码须包含大写字母、小写字母、数字、符号中的至少%d类 (password must mix at least %d of upper case, lower case, digits and symbols)", n, n), ErrTooFewClasses}
}

// ruleError carries its own message and matches the default rule's error.
type ruleError struct {
	msg  string
	kind error
}

func (e *ruleError) Error() string { return e.msg }
func (e *ruleError) Unwrap() error { return e.kind }
