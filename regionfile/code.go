package regionfile

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/zhili-project/zhili"
)

// provinces holds the two-digit province codes of GB/T 2260.
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true,
}

// scientific matches a code that Excel has turned into a number, like 4.10102E+11.
var scientific = regexp.MustCompile(`^[0-9](\.[0-9]+)?[eE]\+?[0-9]+$`)

// NormalizeCode turns a region code into its 12-digit form (15 digits for a grid) and reports the level it names.
//
// It accepts 4 digits for a city (4101), 6 for a county or city (GB/T 2260: 410102,
// 410100), 9 for a township (410102001), 12 for any of these or a village
// (统计用区划代码: 410102001001) and 15 for a grid (410102001001001). A 12-digit
// code ending in 000000 is a county, or a city when its 6-digit part ends in 00;
// ending in 000 it is a township. Full-width digits and surrounding spaces are
// allowed. The error is a zhili EINVALID error whose message says what is wrong.
func NormalizeCode(code string) (normalized string, level zhili.RegionLevel, err error) {
	c := strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return '0' + (r - '０')
		}
		return r
	}, strings.TrimSpace(code))
	switch {
	case c == "":
		return "", 0, codeError("code is empty")
	case scientific.MatchString(c):
		return "", 0, codeError("code %q looks like a number in Excel's scientific notation; format the column as text and export the file again", c)
	case strings.TrimLeft(c, "0123456789") != "":
		return "", 0, codeError("code %q must contain only digits", c)
	}
	switch len(c) {
	case 4:
		c += "00000000"
	case 6:
		c += "000000"
	case 9:
		if c[6:] == "000" {
			return "", 0, codeError("township code %q must not end in 000", c)
		}
		c += "000"
	case 12, 15:
	default:
		return "", 0, codeError("code %q has %d digits; want 6 (county), 9 (township), 12 (统计用区划代码) or 15 (grid)", c, len(c))
	}
	county, town, village := c[:6], c[6:9], c[9:12]
	switch {
	case !provinces[c[:2]]:
		return "", 0, codeError("code %q does not start with a province code (11–82)", c)
	case county[2:] == "0000":
		return "", 0, codeError("code %q is a province; the region tree starts at a city or county", c)
	case len(c) == 15 && (town == "000" || village == "000"):
		return "", 0, codeError("grid code %q must extend the 12-digit code of a village or community", c)
	case len(c) == 15 && c[12:] == "000":
		return "", 0, codeError("grid code %q must not end in 000", c)
	case len(c) == 15:
		return c, zhili.LevelGrid, nil
	case town == "000" && village != "000":
		return "", 0, codeError("code %q has a village part but its township part is 000", c)
	case town == "000" && county[4:] == "00":
		return c, zhili.LevelCity, nil
	case town == "000":
		return c, zhili.LevelCounty, nil
	case village == "000":
		return c, zhili.LevelTownship, nil
	}
	return c, zhili.LevelVillage, nil
}

// codeError builds the EINVALID error NormalizeCode returns.
func codeError(format string, args ...any) error {
	return zhili.Errorf(zhili.EINVALID, format, args...)
}

// parentOf returns the code of the region one level above a normalised code of the
// given level, as its prefix implies, or "" when the region has no parent (a city,
// or a county whose code is city-shaped, like 东莞 441900).
func parentOf(code string, level zhili.RegionLevel) string {
	var p string
	switch level {
	case zhili.LevelCounty:
		p = code[:4] + "00000000"
	case zhili.LevelTownship:
		p = code[:6] + "000000"
	case zhili.LevelVillage:
		p = code[:9] + "000"
	case zhili.LevelGrid:
		p = code[:12]
	}
	if p == code {
		return ""
	}
	return p
}

// compatible reports whether a region whose code names codeLevel may be declared
// at level declared. A city-shaped code may be declared a county: cities without
// counties (东莞, 中山, 儋州, 嘉峪关) hold townships directly.
func compatible(codeLevel, declared zhili.RegionLevel) bool {
	return codeLevel == declared || (codeLevel == zhili.LevelCity && declared == zhili.LevelCounty)
}

// describe names a level for error reasons, as "township (乡镇（街道）)".
func describe(l zhili.RegionLevel) string {
	return fmt.Sprintf("%s (%s)", l, l.Label())
}
