package regionfile_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/text/encoding/unicode"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/regionfile"
)

// row builds an expected RegionRow.
func row(line int, code, name, parent string, level zhili.RegionLevel, kind zhili.RegionKind) zhili.RegionRow {
	return zhili.RegionRow{Line: line, Code: code, Name: name, ParentCode: parent, Level: level, Kind: kind}
}

// utf16WithBOM encodes s as UTF-16LE with a byte-order mark.
func utf16WithBOM(s string) string {
	b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(s)
	if err != nil {
		panic(err)
	}
	return b
}

func TestParseAccepts(t *testing.T) {
	t.Parallel()
	const (
		county, township, village, grid = zhili.LevelCounty, zhili.LevelTownship, zhili.LevelVillage, zhili.LevelGrid
	)
	seat := row(3, "419901001000", "青山镇", "419901000000", township, zhili.KindTown)
	seat.CountySeat = true
	tests := []struct {
		name  string
		input string
		want  []zhili.RegionRow
	}{
		{
			name:  "china-division villages header uses streetCode over areaCode",
			input: "code,name,streetCode,provinceCode,cityCode,areaCode\n341821001001,\"中港居委会\",341821001,34,3418,341821\n",
			want:  []zhili.RegionRow{row(2, "341821001001", "中港居委会", "341821001000", village, zhili.KindCommunity)},
		},
		{
			name:  "Chinese header in any order is read",
			input: "上级代码,名称,代码\n341821,郎步街道,341821001\n",
			want:  []zhili.RegionRow{row(2, "341821001000", "郎步街道", "341821000000", township, zhili.KindStreet)},
		},
		{
			name:  "统计用区划代码 and 上级区划代码 are read",
			input: "统计用区划代码,名称,上级区划代码\n341821001200,西郊村委会,341821001000\n",
			want:  []zhili.RegionRow{row(2, "341821001200", "西郊村委会", "341821001000", village, zhili.KindVillage)},
		},
		{
			name:  "parentCode is read and unknown columns are ignored",
			input: "note,parentCode,code,name\nx,341821,341821100,建平镇\n",
			want:  []zhili.RegionRow{row(2, "341821100000", "建平镇", "341821000000", township, zhili.KindTown)},
		},
		{
			name:  "街道办事处 is a street and 居民委员会 a community",
			input: "code,name,parent_code\n341821002,郎川街道办事处,341821\n341821002001,祥兴居民委员会,341821002\n",
			want: []zhili.RegionRow{
				row(2, "341821002000", "郎川街道办事处", "341821000000", township, zhili.KindStreet),
				row(3, "341821002001", "祥兴居民委员会", "341821002000", village, zhili.KindCommunity),
			},
		},
		{
			name:  "county may have no parent or its city",
			input: "code,name,parent_code\n341821,郎溪县,\n341822,广德市,3418\n",
			want: []zhili.RegionRow{
				row(2, "341821000000", "郎溪县", "", county, zhili.KindCounty),
				row(3, "341822000000", "广德市", "341800000000", county, zhili.KindCounty),
			},
		},
		{
			name:  "BOM, CRLF, blank lines and empty Excel rows are skipped",
			input: "\uFEFFcode,name,parent_code\r\n\r\n341821001,郎步街道,341821\r\n,,\r\n341821100,建平镇,341821\r\n",
			want: []zhili.RegionRow{
				row(3, "341821001000", "郎步街道", "341821000000", township, zhili.KindStreet),
				row(5, "341821100000", "建平镇", "341821000000", township, zhili.KindTown),
			},
		},
		{
			name:  "tab-separated file is read",
			input: "code\tname\tparent_code\n341821001\t郎步街道\t341821\n",
			want:  []zhili.RegionRow{row(2, "341821001000", "郎步街道", "341821000000", township, zhili.KindStreet)},
		},
		{
			name: "generic form reads levels, kinds and county seats in every spelling",
			input: "code,name,parent_code,level,kind,county_seat\n419901,青山县,,county,县,\n419901001,青山镇,419901,2,town,是\n" +
				"419901001001,河东社区,419901001,村（社区）,community,0\n419901001001001,河东第一网格,419901001001,网格,综合网格,false\n" +
				"419901001001002,青山中学,419901001001,4,专属网格,\n",
			want: []zhili.RegionRow{
				row(2, "419901000000", "青山县", "", county, zhili.KindCounty),
				seat,
				row(4, "419901001001", "河东社区", "419901001000", village, zhili.KindCommunity),
				row(5, "419901001001001", "河东第一网格", "419901001001", grid, zhili.KindComprehensive),
				row(6, "419901001001002", "青山中学", "419901001001", grid, zhili.KindDedicated),
			},
		},
		{
			name:  "city-shaped county may hold townships",
			input: "code,name,parent_code,level,kind\n441900,东莞市,,county,county\n441900003,东城街道,441900,township,街道\n",
			want: []zhili.RegionRow{
				row(2, "441900000000", "东莞市", "", county, zhili.KindCounty),
				row(3, "441900003000", "东城街道", "441900000000", township, zhili.KindStreet),
			},
		},
		{
			name:  "UTF-16 with a BOM is read",
			input: utf16WithBOM("code,name,parent_code\r\n341821001,郎步街道,341821\r\n"),
			want:  []zhili.RegionRow{row(2, "341821001000", "郎步街道", "341821000000", township, zhili.KindStreet)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := regionfile.Parse(strings.NewReader(tt.input))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	const hdr = "code,name,parent_code\n"
	tests := []struct {
		name    string
		input   string
		message string
		faults  []fault
	}{
		{"empty file is refused", "", "region file is empty", nil},
		{"blank file is refused", "\n\r\n  \n", "region file is empty", nil},
		{"header without rows is refused", hdr, "region file has a header but no rows", nil},
		{"NUL bytes are not text", hdr + "341821001,郎步\x00街道,341821\n", "file is not UTF-8 or GB18030 text", nil},
		{"control characters are not text", hdr + "341821001,\x01,341821\n", "file is not UTF-8 or GB18030 text", nil},
		{"bytes GB18030 cannot map are not text", hdr + "341821001,\x81\x20,341821\n", "file is not UTF-8 or GB18030 text", nil},
		{"UTF-8 BOM before invalid UTF-8 is not text", "\xEF\xBB\xBF" + hdr + "341821001,\xC0\xC1,341821\n", "file is not UTF-8 or GB18030 text", nil},
		{
			"two columns for one field are refused", "code,代码,name,parent_code\n341821001,341821001,郎步街道,341821\n",
			"region file header names a column twice", []fault{{1, "代码", "code", "duplicate"}},
		},
		{
			"a data row instead of a header is refused", "341821001,郎步街道,341821\n",
			"region file is missing columns code, name, parent_code",
			[]fault{{1, "", "code", "required"}, {1, "", "name", "required"}, {1, "", "parent_code", "required"}},
		},
		{
			"generic form without kind is refused", "code,name,parent_code,level\n341821001,郎步街道,341821,2\n",
			"region file is missing column kind", []fault{{1, "", "kind", "required"}},
		},
		{
			"bad quoting is reported and later rows are read", hdr + "341821001,\"郎步\"街道,341821\n341821002,郎川街道,3418\n",
			"region file has 2 bad rows", []fault{{2, "", "row", "malformed"}, {3, "parent_code", "parent_code", "bad_parent"}},
		},
		{
			"several faults on one row count one bad row", hdr + "ABC,,341821\n",
			"region file has 1 bad row", []fault{{2, "code", "code", "malformed"}, {2, "name", "name", "required"}},
		},
		{
			"a name over 100 characters is refused", hdr + "341821001," + strings.Repeat("郎", 101) + ",341821\n",
			"region file has 1 bad row", []fault{{2, "name", "name", "malformed"}},
		},
		{
			"a village under its county is a bad parent", hdr + "341821001001,中港居委会,341821\n",
			"region file has 1 bad row", []fault{{2, "parent_code", "parent_code", "bad_parent"}},
		},
		{
			"a province parent is malformed", hdr + "341821,郎溪县,340000\n",
			"region file has 1 bad row", []fault{{2, "parent_code", "parent_code", "malformed"}},
		},
		{
			"6- and 12-digit forms of one code are duplicates", hdr + "341821,郎溪县,\n341821000000,郎溪县,\n",
			"region file has 1 bad row", []fault{{3, "code", "code", "duplicate"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rows, err := regionfile.Parse(strings.NewReader(tt.input))
			if err == nil {
				t.Fatalf("got %+v and no error", rows)
			}
			if zhili.ErrorCode(err) != zhili.EINVALID || zhili.ErrorMessage(err) != tt.message {
				t.Errorf("error %q %q, want %q %q", zhili.ErrorCode(err), zhili.ErrorMessage(err), zhili.EINVALID, tt.message)
			}
			if got := faults(t, err); !reflect.DeepEqual(got, tt.faults) {
				t.Errorf("faults\n got %v\nwant %v", got, tt.faults)
			}
		})
	}
}

func TestParseReadErrorIsInternal(t *testing.T) {
	t.Parallel()
	boom := errors.New("disk on fire")
	_, err := regionfile.Parse(iotest.ErrReader(boom))
	if !errors.Is(err, boom) || zhili.ErrorCode(err) != zhili.EINTERNAL {
		t.Errorf("Parse = %v, want the read error as internal", err)
	}
}
