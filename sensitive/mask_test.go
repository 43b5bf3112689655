package sensitive

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMask(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		mask func(string) string
		in   string
		want string
	}{
		{"ID number keeps 3 and 4", MaskIDNumber, "110101199003071234", "110***********1234"},
		{"ID number with X keeps X", MaskIDNumber, "11010519491231002X", "110***********002X"},
		{"ID number trims spaces", MaskIDNumber, " 110101199003071234 ", "110***********1234"},
		{"ID number too short is fully masked", MaskIDNumber, "1234567", "*******"},
		{"ID number empty stays empty", MaskIDNumber, "", ""},
		{"mobile keeps 3 and 4", MaskPhone, "13812345678", "138****5678"},
		{"landline keeps 3 and 2 and separators", MaskPhone, "0571-87654321", "057*-******21"},
		{"landline without dash keeps 3 and 2", MaskPhone, "057187654321", "057*******21"},
		{"+86 mobile is treated as other number", MaskPhone, "+86 13812345678", "+86 *********78"},
		{"short number is fully masked", MaskPhone, "12345", "*****"},
		{"two-character name keeps surname", MaskName, "张三", "张*"},
		{"four-character name keeps first", MaskName, "欧阳娜娜", "欧***"},
		{"one-character name is fully masked", MaskName, "张", "*"},
		{"transliterated name keeps middle dot", MaskName, "阿依古丽·买买提", "阿***·***"},
		{"latin name keeps space", MaskName, "John Smith", "J*** *****"},
		{"address keeps first 6 runes", MaskAddress, "浙江省杭州市西湖区文三路100号", "浙江省杭州市**********"},
		{"short address keeps half", MaskAddress, "杭州市西湖区", "杭州市***"},
		{"ASCII address keeps first 6", MaskAddress, "Room 1201, Block A", "Room 1************"},
		{"credit code keeps 4 and 4", MaskCreditCode, "91350100M000100Y43", "9135**********0Y43"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.mask(tt.in)
			if got != tt.want {
				t.Fatalf("mask(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if !utf8.ValidString(got) {
				t.Fatalf("mask(%q) = %q is not valid UTF-8", tt.in, got)
			}
		})
	}
}

// FuzzMaskKeepsRunes checks the rune-level promises for any input: valid
// UTF-8 in gives valid UTF-8 out, with as many runes as the trimmed input.
func FuzzMaskKeepsRunes(f *testing.F) {
	for _, s := range []string{"", "张三", "110101199003071234", "浙江省杭州市西湖区", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		for _, mask := range []func(string) string{MaskIDNumber, MaskPhone, MaskName, MaskAddress, MaskCreditCode} {
			got := mask(s)
			if !utf8.ValidString(got) {
				t.Fatalf("mask(%q) = %q, invalid UTF-8", s, got)
			}
			if got, want := utf8.RuneCountInString(got), utf8.RuneCountInString(strings.TrimSpace(s)); got != want {
				t.Fatalf("mask(%q) has %d runes, want %d", s, got, want)
			}
		}
	})
}
