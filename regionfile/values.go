package regionfile

import (
	"strings"

	"github.com/zhili-project/zhili"
)

// levels maps the folded spellings of a level cell to the level.
var levels = map[string]zhili.RegionLevel{
	"0": zhili.LevelCity, "city": zhili.LevelCity, "市": zhili.LevelCity,

	"1": zhili.LevelCounty, "county": zhili.LevelCounty, "县": zhili.LevelCounty, "区县": zhili.LevelCounty,

	"2": zhili.LevelTownship, "township": zhili.LevelTownship, "乡镇": zhili.LevelTownship,

	"3": zhili.LevelVillage, "village": zhili.LevelVillage, "村": zhili.LevelVillage, "村居": zhili.LevelVillage,

	"4": zhili.LevelGrid, "grid": zhili.LevelGrid, "网格": zhili.LevelGrid,
}

// kinds maps the folded spellings of a kind cell to the kind.
var kinds = map[string]zhili.RegionKind{
	"市": zhili.KindCity,
	"县": zhili.KindCounty, "区": zhili.KindCounty, "县级市": zhili.KindCounty, "旗": zhili.KindCounty,
	"镇": zhili.KindTown, "乡": zhili.KindTown, "民族乡": zhili.KindTown, "苏木": zhili.KindTown,
	"街道": zhili.KindStreet, "街道办事处": zhili.KindStreet,
	"村": zhili.KindVillage, "村委会": zhili.KindVillage, "嘎查": zhili.KindVillage,
	"社区": zhili.KindCommunity, "居委会": zhili.KindCommunity,
	"综合网格": zhili.KindComprehensive, "专属网格": zhili.KindDedicated,
}

func init() {
	for l := zhili.LevelCity; l <= zhili.LevelGrid; l++ {
		levels[foldValue(l.Label())] = l
	}
	for _, k := range []zhili.RegionKind{zhili.KindCity, zhili.KindCounty, zhili.KindTown, zhili.KindStreet,
		zhili.KindVillage, zhili.KindCommunity, zhili.KindComprehensive, zhili.KindDedicated} {
		kinds[string(k)] = k
		kinds[foldValue(k.Label())] = k
	}
}

// foldValue lowers a level or kind cell and drops brackets and separators, so that
// "县（市、区）", "县(市,区)" and "县市区" match.
func foldValue(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u3000', '(', ')', '（', '）', '、', ',', '，', '/':
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(s)))
}

// parseLevel reads a level cell: 0–4, a glossary name or a Chinese label.
func parseLevel(s string) (zhili.RegionLevel, bool) {
	l, ok := levels[foldValue(s)]
	return l, ok
}

// parseKind reads a kind cell: a glossary identifier or a Chinese label.
func parseKind(s string) (zhili.RegionKind, bool) {
	k, ok := kinds[foldValue(s)]
	return k, ok
}

// parseBool reads a county_seat cell; empty is false.
func parseBool(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "", "false", "f", "0", "no", "n", "否":
		return false, true
	case "true", "t", "1", "yes", "y", "是":
		return true, true
	}
	return false, false
}

// inferKind guesses a kind from the level and the name, for the official form:
// townships named …街道 or …街道办事处 are streets, village-level units named
// …社区, …居委会 or …居民委员会 are communities, and grids are comprehensive.
func inferKind(level zhili.RegionLevel, name string) zhili.RegionKind {
	switch level {
	case zhili.LevelCity:
		return zhili.KindCity
	case zhili.LevelCounty:
		return zhili.KindCounty
	case zhili.LevelTownship:
		if strings.HasSuffix(name, "街道") || strings.Contains(name, "街道办事处") {
			return zhili.KindStreet
		}
		return zhili.KindTown
	case zhili.LevelVillage:
		for _, suffix := range []string{"社区", "居委会", "居民委员会"} {
			if strings.HasSuffix(name, suffix) {
				return zhili.KindCommunity
			}
		}
		return zhili.KindVillage
	}
	return zhili.KindComprehensive
}
