package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/zhili-project/zhili"
)

// DemoLedgerImport is one import of ledger records into a DemoBatch: what
// LedgerService.ImportLedgerRecords would store for Actor at At.
type DemoLedgerImport struct {
	Actor  *zhili.Actor
	At     time.Time
	Ledger string
	Rows   []zhili.LedgerRow
}

// ImportLedgers stores the imports as LedgerService.ImportLedgerRecords would,
// one after the other: each actor may write business data, and the rows are
// checked by the service's checkLedgerRows (any failure stores nothing of the
// batch). Every record gets the next value of the ledger change counter (the
// counter moves once for all, so seq follows the order of the imports and their
// rows, as consecutive imports would number them), version 1 and its "create"
// history event; every import its "ledger.import" audit entry with its seq range.
// The records and events go in by COPY or multi-row inserts. It returns the
// number of records.
func (b *DemoBatch) ImportLedgers(ctx context.Context, catalog zhili.LedgerCatalog, imports []DemoLedgerImport) (int, error) {
	svc := &LedgerService{db: b.db, catalog: catalog}
	type prepared struct {
		a         *zhili.Actor
		sc        *zhili.LedgerSchema
		regionIDs []int64
		datas     []map[string]any
	}
	seen := map[string]bool{}
	var codes []string
	total := 0
	for _, im := range imports {
		if len(im.Rows) == 0 {
			return 0, errNoLedgerRows()
		}
		codes = appendRegionCodes(codes, seen, im.Rows)
		total += len(im.Rows)
	}
	regions, err := regionsByCode(ctx, b, codes)
	if err != nil {
		return 0, err
	}
	preps := make([]prepared, len(imports))
	for k, im := range imports {
		var p prepared
		if p.a, p.sc, err = svc.writeLedger(zhili.NewContextWithActor(ctx, im.Actor), im.Ledger); err == nil {
			p.regionIDs, p.datas, err = checkLedgerRows(p.a, catalog, im.Ledger, im.Rows, regions)
		}
		if err != nil {
			return 0, fmt.Errorf("import %d (%s by %s): %w", k, im.Ledger, im.Actor.Username, err)
		}
		preps[k] = p
	}
	if total == 0 {
		return 0, nil
	}
	var last int64
	if err := b.queryRow(ctx, `UPDATE ledger_seq SET value = value + ? WHERE one = 1 RETURNING value`, total).Scan(&last); err != nil {
		return 0, fmt.Errorf("advance ledger seq: %w", err)
	}
	seq := last - int64(total) + 1
	records := make([][]any, 0, total)
	events := make([][]any, 0, total)
	for k, im := range imports {
		p, at := preps[k], im.At.UTC().Truncate(time.Microsecond) // as a transaction's now
		now := ts(at)
		first := seq
		for i := range im.Rows {
			text, err := marshalData(p.datas[i])
			if err != nil {
				return 0, err
			}
			id, err := b.NextID(ctx, "ledger_records")
			if err != nil {
				return 0, err
			}
			eid, err := b.NextID(ctx, "ledger_record_events")
			if err != nil {
				return 0, err
			}
			user := nullID(p.a.UserID)
			records = append(records, []any{id, p.sc.Name, p.regionIDs[i], recordDate(p.sc, p.datas[i]),
				text, user, now, user, now, 1, seq})
			events = append(events, []any{eid, id, "create", 1, "", text, now, user, p.a.Username})
			seq++
		}
		if err := b.Audit(p.a, at, "ledger.import", "ledger", p.sc.Name,
			map[string]any{"created": len(im.Rows), "seq_from": first, "seq_to": seq - 1}); err != nil {
			return 0, err
		}
	}
	if err := b.Insert(ctx, "ledger_records", []string{"id", "ledger", "region_id", "record_date", "data", "created_by", "created_at",
		"updated_by", "updated_at", "version", "seq"}, records); err != nil {
		return 0, err
	}
	if err := b.Insert(ctx, "ledger_record_events", []string{"id", "record_id", "action", "version", "before", "after", "at",
		"user_id", "username"}, events); err != nil {
		return 0, err
	}
	return total, nil
}
