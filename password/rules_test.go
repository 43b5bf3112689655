package password

import (
	"errors"
	"strings"
	"testing"
)

func TestRules(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		rules Rules
		pw    string
		want  []error
		text  string
	}{
		{Rules{}, "Ab3$xyQ9", []error{ErrTooShort}, "至少10位"},
		{Rules{MinLength: 8}, "Ab3$xyQ9", nil, ""},
		{Rules{MinLength: 12}, "Ab3$xyQ9zk", []error{ErrTooShort}, "至少12位"},
		{Rules{MinClasses: 4}, "Ab3xyQ9zkw", []error{ErrTooFewClasses}, "至少4类"},
		{Rules{MinLength: 8, MinClasses: 4}, "Ab3$xyQ9", nil, ""},
		{Rules{MinLength: 8}, "Ab3$12345", []error{ErrSequence}, "连续"},
	} {
		err := tt.rules.Check(tt.pw)
		if len(tt.want) == 0 {
			if err != nil {
				t.Errorf("%+v.Check(%q) = %v, want nil", tt.rules, tt.pw, err)
			}
			continue
		}
		for _, w := range tt.want {
			if !errors.Is(err, w) {
				t.Errorf("%+v.Check(%q) = %v, want %v", tt.rules, tt.pw, err, w)
			}
		}
		if err != nil && !strings.Contains(err.Error(), tt.text) {
			t.Errorf("%+v.Check(%q) = %q, want it to say %q", tt.rules, tt.pw, err, tt.text)
		}
	}
}
