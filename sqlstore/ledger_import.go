package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/zhili-project/zhili"
)

// ledgerImportChunk bounds the region codes looked up in one query.
const ledgerImportChunk = 500

// ImportLedgerRecords stores parsed rows in one transaction. Every row's data is
// validated again and its region must exist, be active and lie in scope; any
// failure stores nothing and lists every bad row.
func (s *LedgerService) ImportLedgerRecords(ctx context.Context, ledger string, rows []zhili.LedgerRow) (*zhili.LedgerImport, error) {
	a, sc, err := s.writeLedger(ctx, ledger)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, errNoLedgerRows()
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	regions, err := regionsByCode(ctx, tx, appendRegionCodes(nil, map[string]bool{}, rows))
	if err != nil {
		return nil, err
	}
	ids, datas, err := checkLedgerRows(a, s.catalog, ledger, rows, regions)
	if err != nil {
		return nil, err
	}
	last, err := tx.nextLedgerSeq(ctx, len(rows))
	if err != nil {
		return nil, err
	}
	first := last - int64(len(rows)) + 1
	for i := range rows {
		r := &zhili.LedgerRecord{RegionID: ids[i]}
		if err := tx.insertLedgerRecord(ctx, a, sc, r, datas[i], first+int64(i)); err != nil {
			return nil, fmt.Errorf("import row %d: %w", rows[i].Line, err)
		}
	}
	if err := tx.audit(ctx, a, "ledger.import", "ledger", ledger, map[string]any{"created": len(rows), "seq_from": first, "seq_to": last}); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit ledger import: %w", err)
	}
	return &zhili.LedgerImport{Created: len(rows)}, nil
}

// errNoLedgerRows is the EINVALID of an import without rows.
func errNoLedgerRows() error {
	return zhili.Invalid("没有要导入的记录。", zhili.FieldError{Field: "file", Code: "empty", Reason: "没有数据行"})
}

// checkLedgerRows checks an import's rows as a wants to store them in ledger:
// each row's region must exist, be active and lie in a's scope, and its data must
// pass the catalog. It returns each row's region id and validated data, or
// EINVALID listing every bad row. The service and DemoBatch.ImportLedgers both
// check with it, so a rule added here holds for the demo seed too.
func checkLedgerRows(a *zhili.Actor, catalog zhili.LedgerCatalog, ledger string, rows []zhili.LedgerRow,
	regions map[string]importRegion) ([]int64, []map[string]any, error) {
	var bad []zhili.FieldError
	datas := make([]map[string]any, len(rows))
	ids := make([]int64, len(rows))
	for i, row := range rows {
		reg, ok := regions[strings.TrimSpace(row.RegionCode)]
		switch {
		case !ok || !a.InScope(reg.path):
			bad = append(bad, zhili.FieldError{Row: row.Line, Column: "行政区划代码", Field: "region", Code: "unknown_region",
				Reason: fmt.Sprintf("行政区划代码 %q 不存在或不在您的管辖范围内", row.RegionCode)})
		case reg.retired:
			bad = append(bad, zhili.FieldError{Row: row.Line, Column: "行政区划代码", Field: "region", Code: "retired_region",
				Reason: fmt.Sprintf("行政区划 %q 已撤销", row.RegionCode)})
		}
		ids[i] = reg.id
		data, err := catalog.Validate(ledger, row.Data)
		if err != nil {
			for _, fe := range zhili.ErrorFields(err) {
				fe.Row = row.Line
				bad = append(bad, fe)
			}
			continue
		}
		datas[i] = data
	}
	if len(bad) > 0 {
		return nil, nil, zhili.Invalid(fmt.Sprintf("%d 处数据有误，未导入任何记录。", len(bad)), bad...)
	}
	return ids, datas, nil
}

type importRegion struct {
	id      int64
	path    string
	retired bool
}

// appendRegionCodes appends the region codes of rows, trimmed, that are not
// empty and not yet in seen, and marks them seen.
func appendRegionCodes(codes []string, seen map[string]bool, rows []zhili.LedgerRow) []string {
	for _, r := range rows {
		c := strings.TrimSpace(r.RegionCode)
		if c != "" && !seen[c] {
			seen[c] = true
			codes = append(codes, c)
		}
	}
	return codes
}

// regionsByCode looks up distinct region codes in r's transaction, a chunk of
// codes a query.
func regionsByCode(ctx context.Context, r runner, codes []string) (map[string]importRegion, error) {
	out := make(map[string]importRegion, len(codes))
	for start := 0; start < len(codes); start += ledgerImportChunk {
		chunk := codes[start:min(start+ledgerImportChunk, len(codes))]
		args := make([]any, len(chunk))
		for i, c := range chunk {
			args[i] = c
		}
		q := `SELECT id, code, path, retired_at IS NOT NULL FROM regions WHERE code IN (?` + strings.Repeat(", ?", len(chunk)-1) + `)`
		rs, err := r.query(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("look up import regions: %w", err)
		}
		for rs.Next() {
			var reg importRegion
			var code string
			if err := rs.Scan(&reg.id, &code, &reg.path, &reg.retired); err != nil {
				rs.Close()
				return nil, err
			}
			out[code] = reg
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
