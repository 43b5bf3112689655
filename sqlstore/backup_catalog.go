package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// colKind is how a column's values travel: backups convert by the target's kind,
// so SQLite's 0/1 booleans become PostgreSQL's true/false and back.
type colKind int

const (
	kindAny colKind = iota // SQLite column without a type: values as they come
	kindInt
	kindBool
	kindFloat
	kindNumeric
	kindText
	kindBytes // base64 in the file
)

// tableDef is what backup and restore read of a table from the catalogue.
type tableDef struct {
	name     string
	cols     []string
	kinds    []colKind
	pk       []string
	parents  []string // tables it refers to, other than itself
	selfFrom string   // its one single-column reference to itself, if any,
	selfTo   string   // from selfFrom to selfTo
	serial   []string // PostgreSQL identity or serial columns
	identity bool     // inserts need OVERRIDING SYSTEM VALUE
}

func (t *tableDef) column(name string) int {
	for i, c := range t.cols {
		if c == name {
			return i
		}
	}
	return -1
}

// derivedTables are left out of backups: schema_migrations belongs to the target,
// and indicator_case_changes is a change log that triggers on cases refill as the
// restore inserts them (restoring it as well would double it); so are the
// indicator cache's marks (migration 0016), which describe this database's log.
const derivedTables = `'schema_migrations', 'indicator_case_changes', 'indicator_cache_marks'`

// catalogue lists the tables of the current database or schema, except
// derivedTables, with their columns, primary keys and foreign keys.
func (db *DB) catalogue(ctx context.Context, tx *sql.Tx) ([]*tableDef, error) {
	pg := db.dialect.name() == "postgres"
	tq := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name NOT IN (` + derivedTables + `) ORDER BY name`
	cq := `SELECT name, type, pk, 0, 0 FROM pragma_table_info(?) ORDER BY cid`
	fq := `SELECT id, "table", "from", COALESCE("to", '') FROM pragma_foreign_key_list(?)`
	if pg {
		// pg_catalog, not information_schema: its views take seconds once a server has many schemas.
		tq = `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname NOT IN (` + derivedTables + `) ORDER BY c.relname`
		cq = `SELECT a.attname, format_type(a.atttypid, NULL),
			COALESCE((SELECT k.n FROM pg_index i, unnest(i.indkey) WITH ORDINALITY AS k(att, n) WHERE i.indrelid = a.attrelid AND i.indisprimary AND k.att = a.attnum), 0),
			CASE WHEN a.attidentity <> '' THEN 1 ELSE 0 END, CASE WHEN a.attidentity <> '' OR pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%' THEN 1 ELSE 0 END
			FROM pg_attribute a JOIN pg_class t ON t.oid = a.attrelid JOIN pg_namespace n ON n.oid = t.relnamespace
			LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
			WHERE n.nspname = current_schema() AND t.relname = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`
		fq = `SELECT c.conname, p.relname, a.attname, af.attname FROM pg_constraint c
			JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_class p ON p.oid = c.confrelid
			CROSS JOIN LATERAL unnest(c.conkey, c.confkey) AS k(a, f)
			JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.a JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = k.f
			WHERE c.contype = 'f' AND n.nspname = current_schema() AND t.relname = $1`
	}
	names, err := queryStrings(ctx, tx, tq)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	var out []*tableDef
	for _, name := range names {
		t := &tableDef{name: name[0]}
		cols, err := queryStrings(ctx, tx, cq, t.name)
		if err != nil {
			return nil, fmt.Errorf("columns of %s: %w", t.name, err)
		}
		pk := map[int]string{}
		for _, c := range cols {
			t.cols, t.kinds = append(t.cols, c[0]), append(t.kinds, kindOf(pg, c[1]))
			if p, _ := strconv.Atoi(c[2]); p > 0 {
				pk[p] = c[0]
			}
			t.identity = t.identity || c[3] == "1"
			if c[4] == "1" {
				t.serial = append(t.serial, c[0])
			}
		}
		for i := 1; i <= len(pk); i++ {
			t.pk = append(t.pk, pk[i])
		}
		fks, err := queryStrings(ctx, tx, fq, t.name)
		if err != nil {
			return nil, fmt.Errorf("foreign keys of %s: %w", t.name, err)
		}
		width, self := map[string]int{}, 0
		for _, fk := range fks {
			width[fk[0]]++
		}
		for _, fk := range fks {
			if fk[1] != t.name {
				t.parents = append(t.parents, fk[1])
				continue
			}
			if self++; width[fk[0]] == 1 {
				t.selfFrom, t.selfTo = fk[2], fk[3]
				if t.selfTo == "" && len(t.pk) == 1 {
					t.selfTo = t.pk[0]
				}
			}
		}
		if self != 1 || t.selfTo == "" { // none, or composite or several: rows go in key order
			t.selfFrom, t.selfTo = "", ""
		}
		out = append(out, t)
	}
	return out, nil
}

// kindOf maps a declared type to a kind: PostgreSQL by its format_type name,
// SQLite by its column affinity rules.
func kindOf(pg bool, typ string) colKind {
	t := strings.ToUpper(typ)
	if pg {
		switch t {
		case "SMALLINT", "INTEGER", "BIGINT":
			return kindInt
		case "BOOLEAN":
			return kindBool
		case "REAL", "DOUBLE PRECISION":
			return kindFloat
		case "NUMERIC":
			return kindNumeric
		case "BYTEA":
			return kindBytes
		}
		return kindText
	}
	switch {
	case strings.Contains(t, "INT"):
		return kindInt
	case strings.Contains(t, "CHAR"), strings.Contains(t, "CLOB"), strings.Contains(t, "TEXT"):
		return kindText
	case strings.Contains(t, "BLOB"):
		return kindBytes
	case t == "":
		return kindAny
	case strings.Contains(t, "REAL"), strings.Contains(t, "FLOA"), strings.Contains(t, "DOUB"):
		return kindFloat
	}
	return kindNumeric
}

// restoreOrder puts every table after the tables it refers to, ties by name; a
// cycle between tables is appended in name order and will fail a restore.
func restoreOrder(tables []*tableDef) []*tableDef {
	known, done := map[string]bool{}, map[string]bool{}
	for _, t := range tables {
		known[t.name] = true
	}
	var out []*tableDef
	for len(out) < len(tables) {
		progress := false
		for _, t := range tables {
			ready := !done[t.name]
			for _, p := range t.parents {
				ready = ready && (done[p] || !known[p])
			}
			if ready {
				out, done[t.name], progress = append(out, t), true, true
			}
		}
		for _, t := range tables {
			if !progress && !done[t.name] {
				out, done[t.name] = append(out, t), true
			}
		}
	}
	return out
}

// quoteIdent quotes a name from the catalogue for either dialect.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// queryStrings runs a small catalogue query and returns every value as text.
func queryStrings(ctx context.Context, tx *sql.Tx, q string, args ...any) ([][]string, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]string
	for rows.Next() {
		vals, ptrs := make([]sql.NullString, len(cols)), make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	return out, rows.Err()
}
