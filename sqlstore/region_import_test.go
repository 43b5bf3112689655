package sqlstore_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/regionfile"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// 郎溪县 (341821): the real fixtures of package regionfile hold its 15 townships
// (3 街道 and 12 镇 or other township-level units) and 104 villages (20 communities).
const (
	confLangxiCode        = "341821000000"
	confLangxiTownships   = 15
	confLangxiStreets     = 3
	confLangxiVillages    = 104
	confLangxiCommunities = 20
)

func confParseFile(t testing.TB, name string) []zhili.RegionRow {
	t.Helper()
	fh, err := os.Open(filepath.Join("..", "regionfile", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	rows, err := regionfile.Parse(fh)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return rows
}

// confLangxi imports the county row, then the streets and villages files, as the system.
func confLangxi(t testing.TB, db *sqlstore.DB) (streets, villages []zhili.RegionRow) {
	t.Helper()
	regions := sqlstore.NewRegionService(db)
	ctx := storetest.System()
	streets = confParseFile(t, "county_341821_streets.csv")
	villages = confParseFile(t, "county_341821_villages.csv")
	// The files hold townships and villages only; their parent codes name the county.
	if streets[0].ParentCode != confLangxiCode {
		t.Fatalf("township parent code %q, want the county %s", streets[0].ParentCode, confLangxiCode)
	}
	county := &zhili.Region{Code: confLangxiCode, Name: "郎溪县", Level: zhili.LevelCounty, Kind: zhili.KindCounty}
	if err := regions.CreateRegion(ctx, county); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		rows []zhili.RegionRow
		want int
	}{{streets, confLangxiTownships}, {villages, confLangxiVillages}} {
		res, err := regions.ImportRegions(ctx, step.rows)
		if err != nil {
			t.Fatalf("import: %v", err)
		}
		if res.Created != step.want || res.Updated != 0 {
			t.Fatalf("import: %+v, want %d created", res, step.want)
		}
	}
	return streets, villages
}

func TestImportLangxiCounty(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		streets, villages := confLangxi(t, db)
		regions := sqlstore.NewRegionService(db)
		ctx := storetest.System()
		county, err := regions.FindRegionByCode(ctx, confLangxiCode)
		if err != nil {
			t.Fatal(err)
		}

		t.Run("store holds exact counts", func(t *testing.T) {
			count := func(level zhili.RegionLevel) (int, map[zhili.RegionKind]int) {
				rs, n, err := regions.FindRegions(ctx, zhili.RegionFilter{Under: &county.ID, Level: &level})
				if err != nil {
					t.Fatal(err)
				}
				kinds := map[zhili.RegionKind]int{}
				for _, r := range rs {
					kinds[r.Kind]++
				}
				return n, kinds
			}
			n, kinds := count(zhili.LevelTownship)
			if n != confLangxiTownships || kinds[zhili.KindStreet] != confLangxiStreets {
				t.Errorf("townships = %d %v, want %d with %d streets", n, kinds, confLangxiTownships, confLangxiStreets)
			}
			n, kinds = count(zhili.LevelVillage)
			if n != confLangxiVillages || kinds[zhili.KindCommunity] != confLangxiCommunities {
				t.Errorf("villages = %d %v, want %d with %d communities", n, kinds, confLangxiVillages, confLangxiCommunities)
			}
			if total := confRegionCount(t, db); total != 1+confLangxiTownships+confLangxiVillages {
				t.Errorf("regions = %d, want %d", total, 1+confLangxiTownships+confLangxiVillages)
			}
			confChildPaths(t, db)
		})
		t.Run("a village sits under its township", func(t *testing.T) {
			v, err := regions.FindRegionByCode(ctx, "341821110001")
			if err != nil {
				t.Fatal(err)
			}
			town, err := regions.FindRegionByCode(ctx, "341821110000")
			if err != nil {
				t.Fatal(err)
			}
			if v.Name != "姚村社区居民委员会" || v.ParentID != town.ID || v.Kind != zhili.KindCommunity || town.Name != "姚村镇" {
				t.Fatalf("village %+v under %+v", v, town)
			}
		})
		t.Run("reimport creates nothing", func(t *testing.T) {
			before := confAuditCount(t, db)
			for _, rows := range [][]zhili.RegionRow{streets, villages} {
				res, err := regions.ImportRegions(ctx, rows)
				if err != nil {
					t.Fatal(err)
				}
				if res.Created != 0 || res.Updated != 0 {
					t.Fatalf("reimport: %+v, want nothing", res)
				}
			}
			if n := confRegionCount(t, db); n != 1+confLangxiTownships+confLangxiVillages {
				t.Fatalf("regions = %d after reimport", n)
			}
			if after := confAuditCount(t, db); after != before+2 {
				t.Fatalf("audit %d → %d, want one entry per import", before, after)
			}
		})
	})
}

func TestImportRenameCountsAsUpdate(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		_, villages := confLangxi(t, db)
		regions := sqlstore.NewRegionService(db)
		ctx := storetest.System()
		renamed := append([]zhili.RegionRow(nil), villages...)
		old := renamed[10].Name
		renamed[10].Name = old + "（新）"
		res, err := regions.ImportRegions(ctx, renamed)
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 0 || res.Updated != 1 {
			t.Fatalf("import with a rename: %+v, want 1 updated", res)
		}
		r, err := regions.FindRegionByCode(ctx, renamed[10].Code)
		if err != nil {
			t.Fatal(err)
		}
		if r.Name != renamed[10].Name {
			t.Fatalf("name %q, want %q", r.Name, renamed[10].Name)
		}
		hist, err := regions.RegionHistory(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := hist[len(hist)-1]
		if len(hist) != 2 || last.Action != "rename" || last.Before != old || last.After != renamed[10].Name {
			t.Fatalf("history %+v", hist)
		}
	})
}

// A file with one bad row among many good ones changes nothing, and the error names
// the row and column.
func TestImportIsAllOrNothing(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		regions := sqlstore.NewRegionService(db)
		ctx := storetest.System()
		streets := confParseFile(t, "county_341821_streets.csv")
		villages := confParseFile(t, "county_341821_villages.csv")
		county := &zhili.Region{Code: confLangxiCode, Name: "郎溪县", Level: zhili.LevelCounty, Kind: zhili.KindCounty}
		if err := regions.CreateRegion(ctx, county); err != nil {
			t.Fatal(err)
		}
		if _, err := regions.ImportRegions(ctx, streets); err != nil {
			t.Fatal(err)
		}
		existingVillage := "341821001001" // 中港居委会, imported below as a village

		for _, tc := range []struct {
			name   string
			edit   func(rows []zhili.RegionRow) []zhili.RegionRow
			row    int
			column string
			code   string
		}{
			{"unknown parent names row and parent column", func(rows []zhili.RegionRow) []zhili.RegionRow {
				rows[50].ParentCode = "341821999000"
				return rows
			}, villages[50].Line, "parent_code", "unknown_parent"},
			{"township code as village names row and code column", func(rows []zhili.RegionRow) []zhili.RegionRow {
				return append(rows, zhili.RegionRow{Line: len(rows) + 2, Code: "341821100000", Name: "建平村", ParentCode: "341821100000",
					Level: zhili.LevelVillage, Kind: zhili.KindVillage})
			}, len(villages) + 2, "code", "level_mismatch"},
			{"duplicate code in the file names the second row", func(rows []zhili.RegionRow) []zhili.RegionRow {
				dup := rows[3]
				dup.Line = len(rows) + 2
				return append(rows, dup)
			}, len(villages) + 2, "code", "duplicate"},
			{"bad kind names row and kind column", func(rows []zhili.RegionRow) []zhili.RegionRow {
				rows[70].Kind = zhili.KindStreet
				return rows
			}, villages[70].Line, "kind", "kind_mismatch"},
			{"village under county names row and parent column", func(rows []zhili.RegionRow) []zhili.RegionRow {
				rows[20].ParentCode = confLangxiCode
				return rows
			}, villages[20].Line, "parent_code", "bad_parent"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				regionsBefore, auditBefore := confRegionCount(t, db), confAuditCount(t, db)
				rows := tc.edit(append([]zhili.RegionRow(nil), villages...))
				_, err := regions.ImportRegions(ctx, rows)
				confCode(t, err, zhili.EINVALID)
				fields := zhili.ErrorFields(err)
				if len(fields) != 1 {
					t.Fatalf("want one bad row, got %v", err)
				}
				if f := fields[0]; f.Row != tc.row || f.Column != tc.column || f.Code != tc.code {
					t.Fatalf("field error %+v, want row %d column %s code %s", f, tc.row, tc.column, tc.code)
				}
				if after := confRegionCount(t, db); after != regionsBefore {
					t.Fatalf("regions %d → %d after a failed import", regionsBefore, after)
				}
				if after := confAuditCount(t, db); after != auditBefore {
					t.Fatalf("audit %d → %d after a failed import", auditBefore, after)
				}
				_, err = regions.FindRegionByCode(ctx, existingVillage)
				confCode(t, err, zhili.ENOTFOUND)
			})
		}

		t.Run("code already in the database at another level changes nothing", func(t *testing.T) {
			if _, err := regions.ImportRegions(ctx, villages); err != nil {
				t.Fatal(err)
			}
			before := confRegionCount(t, db)
			rows := []zhili.RegionRow{
				{Line: 2, Code: "341821100201", Name: "新村一", ParentCode: "341821100000", Level: zhili.LevelVillage, Kind: zhili.KindVillage},
				{Line: 3, Code: existingVillage, Name: "中港镇", ParentCode: confLangxiCode, Level: zhili.LevelTownship, Kind: zhili.KindTown},
				{Line: 4, Code: "341821100202", Name: "新村二", ParentCode: "341821100000", Level: zhili.LevelVillage, Kind: zhili.KindVillage},
			}
			_, err := regions.ImportRegions(ctx, rows)
			confCode(t, err, zhili.EINVALID)
			fields := zhili.ErrorFields(err)
			if len(fields) != 1 || fields[0].Row != 3 || fields[0].Column != "code" || fields[0].Code != "level_mismatch" {
				t.Fatalf("field errors %+v", fields)
			}
			if after := confRegionCount(t, db); after != before {
				t.Fatalf("regions %d → %d", before, after)
			}
			r, err := regions.FindRegionByCode(ctx, existingVillage)
			if err != nil || r.Name != "中港居委会" || r.Level != zhili.LevelVillage {
				t.Fatalf("existing village changed: %+v, %v", r, err)
			}
		})
	})
}

// A retired region takes no new children, whether created one by one or imported.
func TestImportRefusesRetiredParent(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		regions := sqlstore.NewRegionService(db)
		ctx := f.Ctx(t, db, "sysadmin")
		if _, err := regions.UpdateRegion(ctx, f.GridB.ID, zhili.RegionUpdate{Retire: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := regions.UpdateRegion(ctx, f.VillageB.ID, zhili.RegionUpdate{Retire: true}); err != nil {
			t.Fatal(err)
		}
		before := confRegionCount(t, db)
		_, err := regions.ImportRegions(ctx, []zhili.RegionRow{
			{Line: 2, Code: "419901001201009", Name: "新网格", ParentCode: f.VillageB.Code, Level: zhili.LevelGrid, Kind: zhili.KindComprehensive},
		})
		confCode(t, err, zhili.EINVALID)
		if fs := zhili.ErrorFields(err); len(fs) != 1 || fs[0].Row != 2 || fs[0].Column != "parent_code" {
			t.Fatalf("field errors %+v", fs)
		}
		if after := confRegionCount(t, db); after != before {
			t.Fatalf("regions %d → %d", before, after)
		}
	})
}

// confSynthetic makes n rows of a made-up county 419902: the county on row 2, then
// 20 townships, then villages spread over them. Row numbers start at 2 (header is 1).
func confSynthetic(n int) []zhili.RegionRow {
	const county = "419902000000"
	rows := []zhili.RegionRow{{Line: 2, Code: county, Name: "合成县", Level: zhili.LevelCounty, Kind: zhili.KindCounty}}
	for town := 1; town <= 20; town++ {
		rows = append(rows, zhili.RegionRow{Line: len(rows) + 2, Code: fmt.Sprintf("419902%03d000", town), Name: confName("合成镇", town),
			ParentCode: county, Level: zhili.LevelTownship, Kind: zhili.KindTown})
	}
	for i := 0; len(rows) < n; i++ {
		town, village := i%20+1, i/20+1
		rows = append(rows, zhili.RegionRow{Line: len(rows) + 2, Code: fmt.Sprintf("419902%03d%03d", town, village), Name: confName("合成村", i),
			ParentCode: fmt.Sprintf("419902%03d000", town), Level: zhili.LevelVillage, Kind: zhili.KindVillage})
	}
	return rows
}

func TestImportTenThousandRowsWithOneBadParent(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("10,000-row import in -short mode")
	}
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		regions := sqlstore.NewRegionService(db)
		ctx := storetest.System()
		rows := confSynthetic(10000)
		bad := &rows[4998] // file row 5000
		if bad.Line != 5000 || bad.Level != zhili.LevelVillage {
			t.Fatalf("row %+v is not file row 5000", bad)
		}
		good := bad.ParentCode
		bad.ParentCode = "419902999000"

		_, err := regions.ImportRegions(ctx, rows)
		confCode(t, err, zhili.EINVALID)
		fields := zhili.ErrorFields(err)
		if len(fields) != 1 || fields[0].Row != 5000 || fields[0].Column != "parent_code" || fields[0].Code != "unknown_parent" {
			t.Fatalf("field errors %+v", fields)
		}
		if n := confRegionCount(t, db); n != 0 {
			t.Fatalf("%d regions after a failed import, want 0", n)
		}
		if n := confAuditCount(t, db); n != 0 {
			t.Fatalf("%d audit entries after a failed import, want 0", n)
		}

		bad.ParentCode = good
		res, err := regions.ImportRegions(ctx, rows)
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 10000 || confRegionCount(t, db) != 10000 {
			t.Fatalf("fixed import: %+v, %d regions", res, confRegionCount(t, db))
		}
		if v := confVerify(t, db); !v.OK() || v.Entries != 1 {
			t.Fatalf("audit after import: %+v", v)
		}
	})
}
