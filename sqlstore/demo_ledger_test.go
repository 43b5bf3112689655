package sqlstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/ledger"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// DemoBatch.ImportLedgers stores what LedgerService.ImportLedgerRecords stores
// for the same imports: the records with their seq, the history events and the
// audit entries; a bad row stores nothing.
func TestDemoLedgerImportMatchesService(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		at := []time.Time{time.Date(2026, 1, 3, 6, 0, 0, 123456789, time.UTC), time.Date(2026, 4, 3, 6, 30, 0, 0, time.UTC)}
		imports := func(f *storetest.Fixture, db *sqlstore.DB) []sqlstore.DemoLedgerImport {
			a := zhili.ActorFromContext(f.Ctx(t, db, "townA"))
			return []sqlstore.DemoLedgerImport{
				{Actor: a, At: at[0], Ledger: "legal_publicity", Rows: []zhili.LedgerRow{
					{Line: 2, RegionCode: f.VillageA.Code, Data: publicity("2025-12-05", "宣传活动", 120)},
					{Line: 3, RegionCode: f.VillageA.Code, Data: publicity("2025-12-06", "专题讲座", 30)}}},
				{Actor: a, At: at[1], Ledger: "legal_publicity", Rows: []zhili.LedgerRow{
					{Line: 2, RegionCode: f.VillageA.Code, Data: publicity("2026-03-05", "宣传活动", 80)}}},
			}
		}
		dump := func(db *sqlstore.DB) [][]string {
			var out [][]string
			for _, q := range []string{
				`SELECT id, ledger, region_id, record_date, data, created_by, created_at, updated_by, updated_at, version, deleted_at, seq FROM ledger_records ORDER BY id`,
				`SELECT id, record_id, action, version, before, after, at, user_id, username FROM ledger_record_events ORDER BY id`,
				`SELECT at, user_id, username, ip, action, object_type, object_id, detail FROM audit_log WHERE action = 'ledger.import' ORDER BY id`,
				`SELECT value FROM ledger_seq`,
			} {
				rows, err := db.DumpForTest(context.Background(), q)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, rows)
			}
			return out
		}
		// The service, one import after the other, on its clock.
		want := storetest.Open(t, d)
		wf := storetest.NewFixture(t, want)
		svc := sqlstore.NewLedgerService(want, ledger.Default())
		for _, im := range imports(wf, want) {
			want.Clock = &zhili.FixedClock{T: im.At}
			if _, err := svc.ImportLedgerRecords(zhili.NewContextWithActor(context.Background(), im.Actor), im.Ledger, im.Rows); err != nil {
				t.Fatal(err)
			}
		}
		// The batch.
		got := storetest.Open(t, d)
		gf := storetest.NewFixture(t, got)
		b, err := got.BeginDemoBatch(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n, err := b.ImportLedgers(context.Background(), ledger.Default(), imports(gf, got)); err != nil || n != 3 {
			t.Fatalf("import: %d, %v", n, err)
		}
		if err := b.Commit(context.Background()); err != nil {
			t.Fatal(err)
		}
		w, g := dump(want), dump(got)
		for k := range w {
			if !slices.Equal(w[k], g[k]) || len(w[k]) == 0 {
				t.Errorf("table %d:\nservice %q\nbatch   %q", k, w[k], g[k])
			}
		}
		if v, err := sqlstore.NewAuditService(got).VerifyAudit(storetest.System()); err != nil || !v.OK() {
			t.Fatalf("audit chain: %+v, %v", v, err)
		}
		// A bad row: nothing of the batch is stored.
		b, err = got.BeginDemoBatch(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		bad := imports(gf, got)
		bad[1].Rows[0].Data = map[string]any{"date": "2026-03-05", "kind": "宣传活动", "title": "x", "participants": "很多"}
		_, err = b.ImportLedgers(context.Background(), ledger.Default(), bad)
		confCode(t, err, zhili.EINVALID)
		confField(t, err, "participants")
		b.Rollback()
		if after := dump(got); !slices.Equal(after[0], g[0]) || !slices.Equal(after[3], g[3]) {
			t.Fatalf("a failed batch import stored records: %q", after[0])
		}
	})
}
