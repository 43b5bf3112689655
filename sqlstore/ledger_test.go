package sqlstore_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/ledger"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

func publicity(date, kind string, participants int) map[string]any {
	return map[string]any{"date": date, "kind": kind, "title": "普法进村", "participants": float64(participants)}
}

// A record is created, changed with its version checked, deleted softly; each
// step is a history event and an audit entry, and seq grows with every write.
func TestLedgerRecordLifecycle(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		ctx := f.Ctx(t, db, "townA")
		s := sqlstore.NewLedgerService(db, ledger.Default())
		r := &zhili.LedgerRecord{Ledger: "legal_publicity", RegionID: f.VillageA.ID, Data: publicity("2024-03-05", "宣传活动", 120)}
		if err := s.CreateLedgerRecord(ctx, r); err != nil {
			t.Fatal(err)
		}
		if r.ID == 0 || r.Date != "2024-03-05" || r.Version != 1 || r.Data["kind"] != "event" || r.Data["participants"] != int64(120) ||
			r.RegionCode != f.VillageA.Code || r.CreatedBy != f.Users["townA"].ID {
			t.Fatalf("created: %+v", r)
		}
		u, err := s.UpdateLedgerRecord(ctx, "legal_publicity", r.ID, zhili.LedgerRecordUpdate{Version: 1,
			Data: map[string]any{"date": "2024-03-31", "kind": "lecture", "venue": nil}})
		if err != nil {
			t.Fatal(err)
		}
		if u.Version != 2 || u.Date != "2024-03-31" || u.Data["kind"] != "lecture" || u.Data["title"] != "普法进村" || u.Seq <= r.Seq {
			t.Fatalf("updated: %+v (created seq %d)", u, r.Seq)
		}
		_, err = s.UpdateLedgerRecord(ctx, "legal_publicity", r.ID, zhili.LedgerRecordUpdate{Version: 1, Data: map[string]any{"title": "旧版本"}})
		confCode(t, err, zhili.ECONFLICT)
		_, err = s.UpdateLedgerRecord(ctx, "legal_publicity", r.ID, zhili.LedgerRecordUpdate{Data: map[string]any{"participants": "很多"}})
		confCode(t, err, zhili.EINVALID)
		confField(t, err, "participants")
		if err := s.DeleteLedgerRecord(ctx, "legal_publicity", r.ID); err != nil {
			t.Fatal(err)
		}
		_, err = s.FindLedgerRecord(ctx, "legal_publicity", r.ID)
		confCode(t, err, zhili.ENOTFOUND)
		hist, err := s.LedgerRecordHistory(ctx, "legal_publicity", r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 3 || hist[0].Action != "create" || hist[1].Action != "update" || hist[2].Action != "delete" ||
			!strings.Contains(hist[1].Before, `"event"`) || !strings.Contains(hist[1].After, `"lecture"`) || hist[2].Version != 3 {
			t.Fatalf("history: %+v", hist)
		}
		next := &zhili.LedgerRecord{Ledger: "legal_publicity", RegionID: f.VillageA.ID, Data: publicity("2024-04-01", "event", 5)}
		if err := s.CreateLedgerRecord(ctx, next); err != nil {
			t.Fatal(err)
		}
		if next.Seq != u.Seq+2 { // the deletion took one number in between
			t.Errorf("seq after delete = %d, want %d", next.Seq, u.Seq+2)
		}
		entries, _, err := sqlstore.NewAuditService(db).FindAudit(f.Ctx(t, db, "auditor"), zhili.AuditFilter{Action: "ledger"})
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]int{}
		for _, e := range entries {
			actions[e.Action]++
		}
		if actions["ledger.create"] != 2 || actions["ledger.update"] != 1 || actions["ledger.delete"] != 1 {
			t.Errorf("audit: %v", actions)
		}
	})
}

// Township B neither sees nor changes township A's records; a county leader sees
// both; a read-only supervisor writes nothing.
func TestLedgerScopeIsolation(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		s := sqlstore.NewLedgerService(db, ledger.Default())
		ctxA, ctxB := f.Ctx(t, db, "townA"), f.Ctx(t, db, "townB")
		a := &zhili.LedgerRecord{Ledger: "legal_publicity", RegionID: f.VillageA.ID, Data: publicity("2024-03-05", "event", 1)}
		b := &zhili.LedgerRecord{Ledger: "legal_publicity", RegionID: f.VillageB.ID, Data: publicity("2024-03-05", "event", 2)}
		if err := s.CreateLedgerRecord(ctxA, a); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateLedgerRecord(ctxB, b); err != nil {
			t.Fatal(err)
		}
		_, err := s.FindLedgerRecord(ctxB, "legal_publicity", a.ID)
		confCode(t, err, zhili.ENOTFOUND)
		_, err = s.UpdateLedgerRecord(ctxB, "legal_publicity", a.ID, zhili.LedgerRecordUpdate{Data: map[string]any{"title": "改"}})
		confCode(t, err, zhili.ENOTFOUND)
		confCode(t, s.DeleteLedgerRecord(ctxB, "legal_publicity", a.ID), zhili.ENOTFOUND)
		_, err = s.LedgerRecordHistory(ctxB, "legal_publicity", a.ID)
		confCode(t, err, zhili.ENOTFOUND)
		err = s.CreateLedgerRecord(ctxB, &zhili.LedgerRecord{Ledger: "legal_publicity", RegionID: f.VillageA.ID, Data: publicity("2024-03-05", "event", 3)})
		confCode(t, err, zhili.EINVALID)
		confField(t, err, "region_id")
		_, err = s.UpdateLedgerRecord(ctxB, "legal_publicity", b.ID, zhili.LedgerRecordUpdate{RegionID: &f.VillageA.ID})
		confCode(t, err, zhili.EINVALID)
		_, err = s.ImportLedgerRecords(ctxB, "legal_publicity", []zhili.LedgerRow{
			{Line: 2, RegionCode: f.VillageB.Code, Data: publicity("2024-03-06", "event", 4)},
			{Line: 3, RegionCode: f.VillageA.Code, Data: publicity("2024-03-06", "event", 5)},
		})
		confCode(t, err, zhili.EINVALID)
		if fe := zhili.ErrorFields(err); len(fe) != 1 || fe[0].Row != 3 || fe[0].Field != "region" {
			t.Errorf("import into A from B: %v", err)
		}
		for name, want := range map[string][]int64{"townA": {a.ID}, "townB": {b.ID}, "leader": {a.ID, b.ID}} {
			list, total, err := s.FindLedgerRecords(f.Ctx(t, db, name), zhili.LedgerFilter{Ledger: "legal_publicity"})
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, r := range list {
				got = append(got, r.ID)
			}
			if total != len(want) || fmt.Sprint(sortIDs(got)) != fmt.Sprint(sortIDs(want)) {
				t.Errorf("%s sees %v (total %d), want %v", name, got, total, want)
			}
		}
		err = s.CreateLedgerRecord(f.Ctx(t, db, "supervisor"), &zhili.LedgerRecord{Ledger: "legal_publicity", RegionID: f.County.ID, Data: publicity("2024-03-05", "event", 1)})
		confCode(t, err, zhili.EFORBIDDEN)
		_, _, err = s.FindLedgerRecords(f.Ctx(t, db, "sysadmin"), zhili.LedgerFilter{Ledger: "legal_publicity"})
		confCode(t, err, zhili.EFORBIDDEN)
	})
}

func sortIDs(ids []int64) []int64 {
	out := append([]int64(nil), ids...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// Filters: region subtree, inclusive date bounds, field equality by code or
// label, booleans and numbers; paging with the total.
func TestLedgerFilters(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		s := sqlstore.NewLedgerService(db, ledger.Default())
		ctx := storetest.System()
		add := func(region int64, date, mode string, backbone bool, trainees int) {
			t.Helper()
			err := s.CreateLedgerRecord(ctx, &zhili.LedgerRecord{Ledger: "trainings", RegionID: region, Data: map[string]any{
				"date": date, "title": "培训", "audience": "law_enforcement", "mode": mode, "backbone": backbone, "trainees": float64(trainees)}})
			if err != nil {
				t.Fatal(err)
			}
		}
		add(f.VillageA.ID, "2023-12-31", "online", false, 10)
		add(f.VillageA.ID, "2024-01-01", "online", true, 20)
		add(f.CommunityA.ID, "2024-12-31", "offline", true, 30)
		add(f.VillageB.ID, "2024-06-01", "online", false, 40)
		add(f.TownA.ID, "2025-01-01", "online", false, 50)
		count := func(flt zhili.LedgerFilter) int {
			t.Helper()
			flt.Ledger = "trainings"
			_, n, err := s.FindLedgerRecords(ctx, flt)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		under := f.TownA.ID
		for name, c := range map[string]struct {
			f    zhili.LedgerFilter
			want int
		}{
			"all":                   {zhili.LedgerFilter{}, 5},
			"township A subtree":    {zhili.LedgerFilter{Under: &under}, 4},
			"year 2024 inclusive":   {zhili.LedgerFilter{From: "2024-01-01", To: "2024-12-31"}, 3},
			"A in 2024":             {zhili.LedgerFilter{Under: &under, From: "2024-01-01", To: "2024-12-31"}, 2},
			"online by label":       {zhili.LedgerFilter{Equal: map[string]string{"mode": "线上"}}, 4},
			"online by code":        {zhili.LedgerFilter{Equal: map[string]string{"mode": "online"}}, 4},
			"backbone":              {zhili.LedgerFilter{Equal: map[string]string{"backbone": "是"}}, 2},
			"not backbone, online":  {zhili.LedgerFilter{Equal: map[string]string{"backbone": "false", "mode": "online"}}, 3},
			"trainees 40":           {zhili.LedgerFilter{Equal: map[string]string{"trainees": "40"}}, 1},
			"empty equality values": {zhili.LedgerFilter{Equal: map[string]string{"mode": ""}}, 5},
		} {
			if got := count(c.f); got != c.want {
				t.Errorf("%s: %d records, want %d", name, got, c.want)
			}
		}
		page, total, err := s.FindLedgerRecords(ctx, zhili.LedgerFilter{Ledger: "trainings", Limit: 2, Offset: 1})
		if err != nil {
			t.Fatal(err)
		}
		if total != 5 || len(page) != 2 || page[0].Date != "2024-12-31" || page[1].Date != "2024-06-01" {
			t.Errorf("page 2 of 2: total %d, %+v", total, page)
		}
		_, _, err = s.FindLedgerRecords(ctx, zhili.LedgerFilter{Ledger: "trainings", From: "2024-02-30", Equal: map[string]string{"colour": "red"}})
		confCode(t, err, zhili.EINVALID)
		confField(t, err, "from")
		confField(t, err, "colour")
		var exported []string
		err = s.EachLedgerRecord(ctx, zhili.LedgerFilter{Ledger: "trainings", Under: &under}, func(r *zhili.LedgerRecord) error {
			exported = append(exported, r.Date)
			return nil
		})
		if err != nil || strings.Join(exported, ",") != "2023-12-31,2024-01-01,2024-12-31,2025-01-01" {
			t.Errorf("each: %v %v", exported, err)
		}
	})
}

// A 10,000-row file with one bad cell in row 5,000 is refused naming that row and
// column; an import whose one row has an unknown region stores nothing; the good
// file stores all rows with distinct, increasing seq.
func TestLedgerImportAllOrNothing(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		s := sqlstore.NewLedgerService(db, ledger.Default())
		ctx := f.Ctx(t, db, "townA")
		sc, _ := ledger.Default().Schema("video_resources")
		file := func(bad int) string {
			var b strings.Builder
			b.WriteString("行政区划代码,接入日期,点位名称,资源级别,视频路数（路）,已联网\n")
			for row := 2; row <= 10001; row++ {
				channels := fmt.Sprint(row%7 + 1)
				if row == bad {
					channels = "八"
				}
				fmt.Fprintf(&b, "%s,2024-%02d-%02d,点位%d,村级,%s,是\n", f.VillageA.Code, row%12+1, row%28+1, row, channels)
			}
			return b.String()
		}
		_, err := ledger.ReadFile(sc, "v.csv", strings.NewReader(file(5000)))
		confCode(t, err, zhili.EINVALID)
		if fe := zhili.ErrorFields(err); len(fe) != 1 || fe[0].Row != 5000 || fe[0].Column != "视频路数" || fe[0].Field != "channels" {
			t.Fatalf("bad row 5000: %v", err)
		}
		rows, err := ledger.ReadFile(sc, "v.csv", strings.NewReader(file(0)))
		if err != nil {
			t.Fatal(err)
		}
		broken := append([]zhili.LedgerRow(nil), rows...)
		broken[4998] = zhili.LedgerRow{Line: 5000, RegionCode: "419901999999", Data: rows[4998].Data}
		_, err = s.ImportLedgerRecords(ctx, "video_resources", broken)
		confCode(t, err, zhili.EINVALID)
		if fe := zhili.ErrorFields(err); len(fe) != 1 || fe[0].Row != 5000 || fe[0].Field != "region" {
			t.Fatalf("unknown region at row 5000: %v", err)
		}
		if _, n, _ := s.FindLedgerRecords(ctx, zhili.LedgerFilter{Ledger: "video_resources"}); n != 0 {
			t.Fatalf("a refused import stored %d records", n)
		}
		res, err := s.ImportLedgerRecords(ctx, "video_resources", rows)
		if err != nil {
			t.Fatal(err)
		}
		seqs := map[int64]bool{}
		sum := int64(0)
		err = s.EachLedgerRecord(ctx, zhili.LedgerFilter{Ledger: "video_resources"}, func(r *zhili.LedgerRecord) error {
			seqs[r.Seq] = true
			sum += r.Data["channels"].(int64)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := int64(0)
		for row := 2; row <= 10001; row++ {
			want += int64(row%7 + 1)
		}
		if res.Created != 10000 || len(seqs) != 10000 || sum != want {
			t.Errorf("imported %d, %d distinct seq, channels %d (want %d)", res.Created, len(seqs), sum, want)
		}
	})
}
