package regionfile_test

import (
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/regionfile"
)

func TestNormalizeCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		code  string
		want  string
		level zhili.RegionLevel
	}{
		{"6-digit county is padded", "410102", "410102000000", zhili.LevelCounty},
		{"12-digit county is kept", "410102000000", "410102000000", zhili.LevelCounty},
		{"9-digit township is padded", "410102001", "410102001000", zhili.LevelTownship},
		{"12-digit township is kept", "410102001000", "410102001000", zhili.LevelTownship},
		{"12-digit village is kept", "341821110001", "341821110001", zhili.LevelVillage},
		{"15-digit grid is kept", "419901001001001", "419901001001001", zhili.LevelGrid},
		{"6-digit city code ending 00 is a city", "410100", "410100000000", zhili.LevelCity},
		{"4-digit city code is padded", "3418", "341800000000", zhili.LevelCity},
		{"spaces are trimmed", " 341821 ", "341821000000", zhili.LevelCounty},
		{"full-width digits are read", "３４１８２１", "341821000000", zhili.LevelCounty},
		{"city-shaped county's township is a township", "441900003", "441900003000", zhili.LevelTownship},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, level, err := regionfile.NormalizeCode(tt.code)
			if err != nil || got != tt.want || level != tt.level {
				t.Errorf("NormalizeCode(%q) = %q, %v, %v; want %q, %v", tt.code, got, level, err, tt.want, tt.level)
			}
		})
	}
}

func TestNormalizeCodeRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		code string
	}{
		{"empty is rejected", ""},
		{"letters are rejected", "41010A"},
		{"scientific notation is rejected", "4.10102E+11"},
		{"negative is rejected", "-410102"},
		{"5 digits are rejected", "41010"},
		{"10 digits are rejected", "4101020010"},
		{"province is rejected", "410000"},
		{"unknown province is rejected", "990101"},
		{"township part 000 is rejected", "410102000"},
		{"village without township is rejected", "410102000001"},
		{"grid under a township is rejected", "410102001000001"},
		{"grid part 000 is rejected", "410102001001000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, _, err := regionfile.NormalizeCode(tt.code)
			if err == nil {
				t.Fatalf("NormalizeCode(%q) = %q, want an error", tt.code, got)
			}
			if zhili.ErrorCode(err) != zhili.EINVALID || zhili.ErrorMessage(err) == "" {
				t.Errorf("error %v is not EINVALID with a message", err)
			}
		})
	}
}
