package sqlstore

import (
	"context"
	"fmt"
	"strings"
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
// one after the other: each actor may write business data, each row is
// validated against the ledger's schema by catalog and its region must exist,
// be active and lie in the actor's scope (any failure stores nothing of the
// batch). Every record gets the next value of the ledger change counter (the
// counter moves once for all, so seq follows the order of the imports and their
// rows, as consecutive imports would number them), version 1 and its "create"
// history event; every import its "ledger.import" audit entry with its seq range.
// The records and events go in by COPY or multi-row inserts. It returns the
// number of records.
func (b *DemoBatch) ImportLedgers(ctx context.Context, catalog zhili.LedgerCatalog, imports []DemoLedgerImport) (int, error) {
	svc := &LedgerService{db: b.db, catalog: catalog}
	type prepared struct {
		a     *zhili.Actor
		sc    *zhili.LedgerSchema
		datas []map[string]any
	}
	codes := map[string]bool{}
	total := 0
	for _, im := range imports {
		if len(im.Rows) == 0 {
			return 0, zhili.Invalid("没有要导入的记录。", zhili.FieldError{Field: "file", Code: "empty", Reason: "没有数据行"})
		}
		for _, r := range im.Rows {
			codes[strings.TrimSpace(r.RegionCode)] = true
		}
		total += len(im.Rows)
	}
	regions, err := b.regionsByCode(ctx, codes)
	if err != nil {
		return 0, err
	}
	preps := make([]prepared, len(imports))
	for k, im := range imports {
		a, sc, err := svc.writeLedger(zhili.NewContextWithActor(ctx, im.Actor), im.Ledger)
		if err != nil {
			return 0, fmt.Errorf("import %d (%s by %s): %w", k, im.Ledger, im.Actor.Username, err)
		}
		p := prepared{a: a, sc: sc, datas: make([]map[string]any, len(im.Rows))}
		var bad []zhili.FieldError
		for i, row := range im.Rows {
			reg, ok := regions[strings.TrimSpace(row.RegionCode)]
			switch {
			case !ok || !a.InScope(reg.path):
				bad = append(bad, zhili.FieldError{Row: row.Line, Column: "行政区划代码", Field: "region", Code: "unknown_region",
					Reason: fmt.Sprintf("行政区划代码 %q 不存在或不在您的管辖范围内", row.RegionCode)})
			case reg.retired:
				bad = append(bad, zhili.FieldError{Row: row.Line, Column: "行政区划代码", Field: "region", Code: "retired_region",
					Reason: fmt.Sprintf("行政区划 %q 已撤销", row.RegionCode)})
			}
			data, err := catalog.Validate(im.Ledger, row.Data)
			if err != nil {
				for _, fe := range zhili.ErrorFields(err) {
					fe.Row = row.Line
					bad = append(bad, fe)
				}
				continue
			}
			p.datas[i] = data
		}
		if len(bad) > 0 {
			return 0, fmt.Errorf("import %d (%s by %s): %w", k, im.Ledger, im.Actor.Username,
				zhili.Invalid(fmt.Sprintf("%d 处数据有误，未导入任何记录。", len(bad)), bad...))
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
		for i, row := range im.Rows {
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
			records = append(records, []any{id, p.sc.Name, regions[strings.TrimSpace(row.RegionCode)].id, recordDate(p.sc, p.datas[i]),
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

// regionsByCode looks up region codes in the batch's transaction.
func (b *DemoBatch) regionsByCode(ctx context.Context, codes map[string]bool) (map[string]importRegion, error) {
	var list []string
	for c := range codes {
		if c != "" {
			list = append(list, c)
		}
	}
	out := make(map[string]importRegion, len(list))
	for start := 0; start < len(list); start += ledgerImportChunk {
		chunk := list[start:min(start+ledgerImportChunk, len(list))]
		args := make([]any, len(chunk))
		for i, c := range chunk {
			args[i] = c
		}
		q := b.db.dialect.rebind(`SELECT id, code, path, retired_at IS NOT NULL FROM regions WHERE code IN (?` + strings.Repeat(", ?", len(chunk)-1) + `)`)
		rs, err := b.q.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("look up import regions: %w", err)
		}
		for rs.Next() {
			var r importRegion
			var code string
			if err := rs.Scan(&r.id, &code, &r.path, &r.retired); err != nil {
				rs.Close()
				return nil, err
			}
			out[code] = r
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
