// Package zhili holds the domain of the zhili social-governance platform: regions,
// grids, units, people, users, cases, ledgers and indicators, the errors they raise
// and the rules for who may see and do what. It imports neither net/http nor
// database/sql; storage and transport live in their own packages.
package zhili

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes, mapped to HTTP statuses in one table by the http package.
const (
	ECONFLICT     = "conflict"     // a stale transition or a duplicate key
	EINTERNAL     = "internal"     // anything unexpected; logged, shown generically
	EINVALID      = "invalid"      // bad input; Fields says which and why
	ENOTFOUND     = "not_found"    // absent, or outside the caller's scope
	EUNAUTHORIZED = "unauthorized" // not logged in, or the login failed
	EFORBIDDEN    = "forbidden"    // logged in but the role may not do this
)

// Error is the error every service returns for conditions a user can act on.
type Error struct {
	Code    string
	Message string
	// Fields holds per-field machine codes for EINVALID, e.g. {"code": "malformed"}.
	Fields []FieldError
}

// FieldError names one bad field: where (Row and Column for imports), which field and why.
type FieldError struct {
	Row    int    `json:"row,omitempty"`
	Column string `json:"column,omitempty"`
	Field  string `json:"field"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

// Error implements the error interface.
func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("zhili error: code=%s message=%s", e.Code, e.Message)
	}
	parts := make([]string, 0, len(e.Fields))
	for i, f := range e.Fields {
		if i == 20 {
			parts = append(parts, fmt.Sprintf("… and %d more", len(e.Fields)-20))
			break
		}
		parts = append(parts, f.String())
	}
	return fmt.Sprintf("zhili error: code=%s message=%s: %s", e.Code, e.Message, strings.Join(parts, "; "))
}

// String renders a field error for people: "row 5, column code: malformed code".
func (f FieldError) String() string {
	var b strings.Builder
	if f.Row > 0 {
		fmt.Fprintf(&b, "row %d, ", f.Row)
	}
	col := f.Column
	if col == "" {
		col = f.Field
	}
	fmt.Fprintf(&b, "%s: %s", col, f.Reason)
	return b.String()
}

// ErrorCode returns the code of err if it is (or wraps) an *Error, EINTERNAL otherwise.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err; internal errors are not shown.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorFields returns the field errors carried by err, if any.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Errorf builds an *Error with a formatted message.
func Errorf(code string, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid builds an EINVALID error carrying field errors.
func Invalid(message string, fields ...FieldError) *Error {
	return &Error{Code: EINVALID, Message: message, Fields: fields}
}
