package regionfile_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/regionfile"
)

// The real fixtures are 郎溪县 (341821, 宣城市, 安徽省) cut from china-division
// 2.7.0's streets.csv and villages.csv; see testdata/README.md.

// parseFile parses a file under testdata.
func parseFile(t *testing.T, name string) ([]zhili.RegionRow, error) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return regionfile.Parse(f)
}

// fault is the part of a zhili.FieldError that tests compare exactly.
type fault struct {
	Row    int
	Column string
	Field  string
	Code   string
}

// faults returns err's field errors without their reasons, failing on an empty reason.
func faults(t *testing.T, err error) []fault {
	t.Helper()
	var out []fault
	for _, f := range zhili.ErrorFields(err) {
		if f.Reason == "" {
			t.Errorf("field error %+v has no reason", f)
		}
		out = append(out, fault{f.Row, f.Column, f.Field, f.Code})
	}
	return out
}

// tally counts rows by level and by kind.
func tally(rows []zhili.RegionRow) (map[zhili.RegionLevel]int, map[zhili.RegionKind]int) {
	levels, kinds := map[zhili.RegionLevel]int{}, map[zhili.RegionKind]int{}
	for _, r := range rows {
		levels[r.Level]++
		kinds[r.Kind]++
	}
	return levels, kinds
}

func TestParseRealCounty(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		file   string
		levels map[zhili.RegionLevel]int
		kinds  map[zhili.RegionKind]int
		known  zhili.RegionRow
	}{
		{
			name:   "streets give 3 streets and 12 towns",
			file:   "county_341821_streets.csv",
			levels: map[zhili.RegionLevel]int{zhili.LevelTownship: 15},
			kinds:  map[zhili.RegionKind]int{zhili.KindStreet: 3, zhili.KindTown: 12},
			known: zhili.RegionRow{Line: 2, Code: "341821001000", Name: "郎步街道", ParentCode: "341821000000",
				Level: zhili.LevelTownship, Kind: zhili.KindStreet},
		},
		{
			name:   "GB18030 streets give the same rows",
			file:   "county_341821_streets_gb18030.csv",
			levels: map[zhili.RegionLevel]int{zhili.LevelTownship: 15},
			kinds:  map[zhili.RegionKind]int{zhili.KindStreet: 3, zhili.KindTown: 12},
			known: zhili.RegionRow{Line: 16, Code: "341821501000", Name: "上海市白茅岭监狱", ParentCode: "341821000000",
				Level: zhili.LevelTownship, Kind: zhili.KindTown},
		},
		{
			name:   "villages give 20 communities and 84 villages",
			file:   "county_341821_villages.csv",
			levels: map[zhili.RegionLevel]int{zhili.LevelVillage: 104},
			kinds:  map[zhili.RegionKind]int{zhili.KindCommunity: 20, zhili.KindVillage: 84},
			known: zhili.RegionRow{Line: 96, Code: "341821110001", Name: "姚村社区居民委员会", ParentCode: "341821110000",
				Level: zhili.LevelVillage, Kind: zhili.KindCommunity},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rows, err := parseFile(t, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			levels, kinds := tally(rows)
			if !reflect.DeepEqual(levels, tt.levels) || !reflect.DeepEqual(kinds, tt.kinds) {
				t.Errorf("levels %v kinds %v, want %v %v", levels, kinds, tt.levels, tt.kinds)
			}
			for i, r := range rows {
				if !strings.HasPrefix(r.Code, "341821") || !strings.HasPrefix(r.Code, strings.TrimRight(r.ParentCode, "0")) {
					t.Errorf("row %d: code %s under parent %s", i, r.Code, r.ParentCode)
				}
				if r.Line == tt.known.Line && r != tt.known {
					t.Errorf("row on line %d = %+v, want %+v", r.Line, r, tt.known)
				}
			}
		})
	}
}

func TestParseGB18030MatchesUTF8(t *testing.T) {
	t.Parallel()
	utf, err := parseFile(t, "county_341821_streets.csv")
	if err != nil {
		t.Fatal(err)
	}
	gb, err := parseFile(t, "county_341821_streets_gb18030.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(utf, gb) {
		t.Errorf("GB18030 rows differ from UTF-8 rows:\n%+v\n%+v", gb, utf)
	}
}

func TestParseBadFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		file    string
		message string
		faults  []fault
	}{
		{
			name:    "duplicate codes name the first row",
			file:    "bad_duplicate.csv",
			message: "region file has 2 bad rows",
			faults:  []fault{{4, "代码", "code", "duplicate"}, {5, "代码", "code", "duplicate"}},
		},
		{
			name:    "malformed codes are each reported",
			file:    "bad_malformed_code.csv",
			message: "region file has 4 bad rows",
			faults: []fault{
				{3, "code", "code", "malformed"}, {4, "code", "code", "malformed"},
				{5, "code", "code", "malformed"}, {6, "parent_code", "parent_code", "malformed"},
			},
		},
		{
			name:    "wrong field counts are reported and a trailing empty field is not",
			file:    "bad_field_count.csv",
			message: "region file has 2 bad rows",
			faults:  []fault{{3, "", "row", "malformed"}, {4, "", "row", "malformed"}},
		},
		{
			name:    "a missing column is named",
			file:    "bad_missing_column.csv",
			message: "region file is missing column parent_code",
			faults:  []fault{{1, "", "parent_code", "required"}},
		},
		{
			name:    "UTF-16 without a BOM is refused",
			file:    "bad_utf16le.csv",
			message: "file is not UTF-8 or GB18030 text",
		},
		{
			name:    "generic form faults are all reported",
			file:    "bad_generic.csv",
			message: "region file has 10 bad rows",
			faults: []fault{
				{4, "level", "level", "level_mismatch"},
				{5, "parent_code", "parent_code", "bad_parent"},
				{6, "kind", "kind", "kind_mismatch"},
				{7, "level", "level", "unknown_level"},
				{8, "kind", "kind", "unknown_kind"},
				{9, "parent_code", "parent_code", "required"},
				{10, "county_seat", "county_seat", "malformed"},
				{11, "name", "name", "required"},
				{13, "parent_code", "parent_code", "bad_parent"},
				{14, "parent_code", "parent_code", "bad_parent"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rows, err := parseFile(t, tt.file)
			if err == nil {
				t.Fatalf("got %d rows and no error", len(rows))
			}
			if code := zhili.ErrorCode(err); code != zhili.EINVALID {
				t.Errorf("error code %q, want %q: %v", code, zhili.EINVALID, err)
			}
			if msg := zhili.ErrorMessage(err); msg != tt.message {
				t.Errorf("message %q, want %q", msg, tt.message)
			}
			if got := faults(t, err); !reflect.DeepEqual(got, tt.faults) {
				t.Errorf("faults\n got %v\nwant %v", got, tt.faults)
			}
		})
	}
}

func TestParseDuplicateReasonNamesFirstRow(t *testing.T) {
	t.Parallel()
	_, err := parseFile(t, "bad_duplicate.csv")
	fields := zhili.ErrorFields(err)
	if len(fields) != 2 || !strings.Contains(fields[0].Reason, "row 2") || !strings.Contains(fields[1].Reason, "row 3") {
		t.Errorf("reasons do not name the first rows: %+v", fields)
	}
}

func TestParseDocExamples(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		file   string
		levels map[zhili.RegionLevel]int
		kinds  map[zhili.RegionKind]int
		seats  int
	}{
		{
			name:   "official example parses",
			file:   "regions-official.csv",
			levels: map[zhili.RegionLevel]int{zhili.LevelCounty: 1, zhili.LevelTownship: 2, zhili.LevelVillage: 4},
			kinds: map[zhili.RegionKind]int{zhili.KindCounty: 1, zhili.KindStreet: 1, zhili.KindTown: 1,
				zhili.KindCommunity: 2, zhili.KindVillage: 2},
		},
		{
			name:   "generic example parses",
			file:   "regions-generic.csv",
			levels: map[zhili.RegionLevel]int{zhili.LevelCounty: 1, zhili.LevelTownship: 2, zhili.LevelVillage: 3, zhili.LevelGrid: 4},
			kinds: map[zhili.RegionKind]int{zhili.KindCounty: 1, zhili.KindStreet: 1, zhili.KindTown: 1,
				zhili.KindCommunity: 2, zhili.KindVillage: 1, zhili.KindComprehensive: 3, zhili.KindDedicated: 1},
			seats: 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rows, err := parseFile(t, filepath.Join("..", "..", "docs", "examples", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			levels, kinds := tally(rows)
			seats := 0
			for _, r := range rows {
				if r.CountySeat {
					seats++
				}
			}
			if !reflect.DeepEqual(levels, tt.levels) || !reflect.DeepEqual(kinds, tt.kinds) || seats != tt.seats {
				t.Errorf("levels %v kinds %v seats %d, want %v %v %d", levels, kinds, seats, tt.levels, tt.kinds, tt.seats)
			}
		})
	}
}
