package password

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckPolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		pw   string
		want []error
	}{
		{"accepts three classes", "Zhili@county", nil},
		{"accepts four classes", "Zh1li@Cnty!", nil},
		{"accepts upper lower digit", "Grid2024Hall", nil},
		{"accepts a run of 4", "Abcd#Zhili9", nil},
		{"accepts a repeat of 3", "Zhiii@county", nil},
		{"accepts Chinese as symbols", "治理Zhili2024", nil},
		{"accepts exactly 10", "Aa1!Aa1!Aa", nil},
		{"accepts exactly 128", strings.Repeat("Aa1!", 32), nil},
		{"rejects 9 as too short", "Aa1!Aa1!A", []error{ErrTooShort}},
		{"rejects empty as too short with few classes", "", []error{ErrTooShort, ErrTooFewClasses}},
		{"rejects 129 as too long", strings.Repeat("Aa1!", 32) + "A", []error{ErrTooLong}},
		{"counts runes not bytes for length", "治理治理治理治A1", []error{ErrTooShort}},
		{"rejects lower and digits as too few classes", "zhili2024county", []error{ErrTooFewClasses}},
		{"rejects only upper as too few classes", "ZHILICOUNTY", []error{ErrTooFewClasses}},
		{"rejects 12345 as sequence", "Zhili@12345", []error{ErrSequence}},
		{"rejects 123456 as sequence", "Ab!123456xy", []error{ErrSequence}},
		{"rejects descending 98765 as sequence", "Ab!98765xyz", []error{ErrSequence}},
		{"rejects abcde as sequence", "X9!abcdeXY", []error{ErrSequence}},
		{"rejects mixed-case AbCdEf as sequence", "9!AbCdEfzz", []error{ErrSequence}},
		{"rejects qwert as sequence", "Qwert!2024", []error{ErrSequence}},
		{"rejects asdfg as sequence", "9!zASDFGhh", []error{ErrSequence}},
		{"rejects reversed keyboard row as sequence", "Trewq!2024", []error{ErrSequence}},
		{"rejects 67890 as sequence", "Aa!67890bb", []error{ErrSequence}},
		{"rejects aaaa as repeated", "Zhaaaa@2024", []error{ErrRepeated}},
		{"rejects 1111 as repeated", "Zhili@1111x", []error{ErrRepeated}},
		{"reports every failed rule", "aaaa1234567", []error{ErrTooFewClasses, ErrSequence, ErrRepeated}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := CheckPolicy(tt.pw)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("CheckPolicy(%q) = %v, want nil", tt.pw, err)
				}
				return
			}
			all := []error{ErrTooShort, ErrTooLong, ErrTooFewClasses, ErrSequence, ErrRepeated}
			for _, rule := range all {
				want := contains(tt.want, rule)
				if errors.Is(err, rule) != want {
					t.Errorf("CheckPolicy(%q) = %v; errors.Is(%v) = %v, want %v", tt.pw, err, rule, !want, want)
				}
			}
			if err != nil && tt.pw != "" && strings.Contains(err.Error(), tt.pw) {
				t.Errorf("error message quotes the password: %v", err)
			}
		})
	}
}

func contains(errs []error, target error) bool {
	for _, e := range errs {
		if e == target {
			return true
		}
	}
	return false
}
