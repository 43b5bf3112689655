package sqlstore

import (
	"bufio"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/zhili-project/zhili"
)

// A backup is one gzip stream of JSON values, one per line (see docs/backup.md):
// the manifest (a BackupInfo), then for each table a header {"table", "columns"}
// followed by one JSON array per row, and last an end marker {"end": true, "rows"}.
// Tables come parents first, so a restore in file order satisfies foreign keys.
const backupFormat = 1

// BackupInfo is the manifest at the head of a backup, so a restore can refuse a
// file it cannot take before it writes anything.
type BackupInfo struct {
	Format        int               `json:"zhili_backup"`
	SchemaVersion int               `json:"schema_version"`
	Dialect       string            `json:"dialect"`
	CreatedAt     time.Time         `json:"created_at"`
	Migrations    []BackupMigration `json:"migrations"`
	Tables        []BackupTable     `json:"tables"`
	// Bytes is the size of the compressed stream written or read; it is not stored.
	Bytes int64 `json:"-"`
}

// BackupMigration records a schema_migrations row of the source, which is not
// restored as data because the target's own migrations define its schema.
type BackupMigration struct {
	Version   int    `json:"version"`
	Name      string `json:"name"`
	AppliedAt string `json:"applied_at"`
}

// BackupTable lists a table with its columns and row count, so a restore can check
// the target's schema up front and every table's count at the end.
type BackupTable struct {
	Name    string   `json:"name"`
	Columns []string `json:"columns"`
	Rows    int64    `json:"rows"`
}

// Rows totals the rows of every table, for logs and progress reports.
func (i *BackupInfo) Rows() int64 {
	var n int64
	for _, t := range i.Tables {
		n += t.Rows
	}
	return n
}

// backupHeader opens a table's rows; backupEnd closes the stream, so a file cut
// at a line boundary and then re-compressed is still recognised as incomplete.
type backupHeader struct {
	Table   string   `json:"table"`
	Columns []string `json:"columns"`
}

type backupEnd struct {
	End  bool  `json:"end"`
	Rows int64 `json:"rows"`
}

// Backup writes a consistent logical backup of every table to w: all tables are
// read in one read-only snapshot, row by row, so memory stays bounded however
// large the tables are. w receives a gzip stream; the caller closes w.
func (db *DB) Backup(ctx context.Context, w io.Writer) (*BackupInfo, error) {
	opts := &sql.TxOptions{ReadOnly: true} // SQLite: a deferred BEGIN on a WAL reader is a snapshot
	if db.dialect.name() == "postgres" {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("backup: begin snapshot: %w", err)
	}
	defer tx.Rollback()
	info := &BackupInfo{Format: backupFormat, Dialect: db.dialect.name(), CreatedAt: db.Clock.Now().UTC()}
	mrows, err := queryStrings(ctx, tx, `SELECT version, name, applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		return nil, fmt.Errorf("backup: read schema_migrations: %w", err)
	}
	for _, m := range mrows {
		v, _ := strconv.Atoi(m[0])
		info.Migrations = append(info.Migrations, BackupMigration{Version: v, Name: m[1], AppliedAt: m[2]})
		info.SchemaVersion = max(info.SchemaVersion, v)
	}
	tables, err := db.catalogue(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	tables = restoreOrder(tables)
	for _, t := range tables {
		var n int64
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quoteIdent(t.name)).Scan(&n); err != nil {
			return nil, fmt.Errorf("backup table %s: count: %w", t.name, err)
		}
		info.Tables = append(info.Tables, BackupTable{Name: t.name, Columns: t.cols, Rows: n})
	}
	cw := &countingWriter{w: w}
	zw, _ := gzip.NewWriterLevel(cw, gzip.BestSpeed)
	bw := bufio.NewWriterSize(zw, 256<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(info); err != nil {
		return nil, fmt.Errorf("backup: write manifest: %w", err)
	}
	for i, t := range tables {
		n, err := backupTable(ctx, tx, t, enc)
		if err != nil {
			return nil, fmt.Errorf("backup table %s: %w", t.name, err)
		}
		if n != info.Tables[i].Rows {
			return nil, fmt.Errorf("backup table %s: wrote %d rows but the table has %d (a cycle in its self-reference?)", t.name, n, info.Tables[i].Rows)
		}
	}
	if err := enc.Encode(backupEnd{End: true, Rows: info.Rows()}); err != nil {
		return nil, fmt.Errorf("backup: write end: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return nil, fmt.Errorf("backup: flush: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("backup: finish gzip: %w", err)
	}
	info.Bytes = cw.n
	return info, nil
}

// backupTable streams one table's rows, parents before children when the table
// refers to itself, so the restore never inserts a row before the row it points at.
func backupTable(ctx context.Context, tx *sql.Tx, t *tableDef, enc *json.Encoder) (int64, error) {
	if err := enc.Encode(backupHeader{Table: t.name, Columns: t.cols}); err != nil {
		return 0, err
	}
	q, err := selectSQL(ctx, tx, t)
	if err != nil {
		return 0, err
	}
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	vals, ptrs := make([]any, len(t.cols)), make([]any, len(t.cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		for i, v := range vals {
			switch v := v.(type) {
			case []byte:
				if t.kinds[i] != kindBytes {
					vals[i] = string(v)
				}
			case time.Time:
				vals[i] = v.UTC().Format(time.RFC3339Nano)
			}
		}
		if err := enc.Encode(vals); err != nil {
			return n, fmt.Errorf("row %d: %w", n+1, err)
		}
		n++
	}
	return n, rows.Err()
}

// selectSQL reads a table in primary-key order; when the table refers to itself
// and some row's parent comes later in that order, it reads by depth in the tree
// instead, so a parent always precedes its children.
func selectSQL(ctx context.Context, tx *sql.Tx, t *tableDef) (string, error) {
	cols := make([]string, len(t.cols))
	for i, c := range t.cols {
		cols[i] = "src." + quoteIdent(c)
	}
	var order []string
	for _, c := range t.pk {
		order = append(order, "src."+quoteIdent(c))
	}
	q := `SELECT ` + strings.Join(cols, ", ") + ` FROM ` + quoteIdent(t.name) + ` src`
	from, to, tbl := quoteIdent(t.selfFrom), quoteIdent(t.selfTo), quoteIdent(t.name)
	byDepth := t.selfFrom != ""
	if byDepth && len(t.pk) == 1 {
		var one int
		pk := quoteIdent(t.pk[0])
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM `+tbl+` c JOIN `+tbl+` p ON p.`+to+` = c.`+from+` WHERE p.`+pk+` > c.`+pk+` LIMIT 1`).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			byDepth = false // key order already puts parents first
		} else if err != nil {
			return "", fmt.Errorf("check self-reference order: %w", err)
		}
	}
	if byDepth {
		q = `WITH RECURSIVE tree(k, depth) AS (SELECT ` + to + `, 0 FROM ` + tbl + ` WHERE ` + from + ` IS NULL OR ` + from + ` = ` + to +
			` UNION ALL SELECT x.` + to + `, tree.depth + 1 FROM ` + tbl + ` x JOIN tree ON x.` + from + ` = tree.k WHERE x.` + from + ` <> x.` + to + `) ` +
			q + ` JOIN tree ON src.` + to + ` = tree.k`
		order = append([]string{"tree.depth"}, order...)
	}
	if len(order) > 0 {
		q += ` ORDER BY ` + strings.Join(order, ", ")
	}
	return q, nil
}

// BackupSQLiteFile copies a SQLite database to path with VACUUM INTO: an exact,
// compact, consistent copy for operators who never leave SQLite.
func (db *DB) BackupSQLiteFile(ctx context.Context, path string) error {
	if db.dialect.name() != "sqlite" {
		return zhili.Errorf(zhili.EINVALID, "BackupSQLiteFile works on SQLite only; this database is %s: use Backup.", db.dialect.name())
	}
	if _, err := os.Stat(path); err == nil {
		return zhili.Errorf(zhili.ECONFLICT, "The backup file %s already exists; choose a new name.", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup sqlite file %s: %w", path, err)
	}
	if _, err := db.read.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("backup sqlite file %s: %w", path, err)
	}
	return nil
}

// damaged reports a backup stream that cannot be read to its end; the restore
// transaction is rolled back, so nothing of it stays.
func damaged(err error) error {
	return zhili.Errorf(zhili.EINVALID, "The backup file is damaged or truncated; nothing was restored (%v).", err)
}

// Restore loads a backup into this freshly migrated, empty database of either
// dialect in one transaction: all of it, or nothing if any check or row fails.
func (db *DB) Restore(ctx context.Context, r io.Reader) (*BackupInfo, error) {
	cr := &countingReader{r: r}
	zr, err := gzip.NewReader(bufio.NewReaderSize(cr, 256<<10))
	if err != nil {
		return nil, zhili.Errorf(zhili.EINVALID, "This is not a zhili backup (not gzip: %v).", err)
	}
	dec := json.NewDecoder(zr)
	dec.UseNumber()
	info := &BackupInfo{}
	if err := dec.Decode(info); err != nil || info.Format == 0 {
		return nil, zhili.Errorf(zhili.EINVALID, "This is not a zhili backup (no manifest).")
	}
	if info.Format > backupFormat {
		return nil, zhili.Errorf(zhili.EINVALID, "The backup has format %d; this zhili reads up to %d: restore with a newer zhili.", info.Format, backupFormat)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	tables, err := db.restoreChecks(ctx, tx, info)
	if err != nil {
		return nil, err
	}
	var next any
	read := func() error {
		next = nil
		if err := dec.Decode(&next); err != nil {
			return damaged(err)
		}
		return nil
	}
	if err := read(); err != nil {
		return nil, err
	}
	for _, bt := range info.Tables {
		h, _ := next.(map[string]any)
		if h == nil || h["table"] != bt.Name || fmt.Sprint(h["columns"]) != fmt.Sprint(bt.Columns) {
			return nil, damaged(fmt.Errorf("expected the rows of table %s with columns %v", bt.Name, bt.Columns))
		}
		ins, err := newInserter(ctx, tx, tables[bt.Name], bt.Columns)
		if err != nil {
			return nil, fmt.Errorf("restore table %s: %w", bt.Name, err)
		}
		for {
			if err := read(); err != nil {
				ins.close()
				return nil, err
			}
			row, ok := next.([]any)
			if !ok {
				break
			}
			if err := ins.add(ctx, row); err != nil {
				ins.close()
				return nil, fmt.Errorf("restore table %s: %w", bt.Name, err)
			}
		}
		err = ins.flush(ctx)
		ins.close()
		if err != nil {
			return nil, fmt.Errorf("restore table %s: %w", bt.Name, err)
		}
		if ins.n != bt.Rows {
			return nil, damaged(fmt.Errorf("table %s has %d rows in the file but %d in the manifest", bt.Name, ins.n, bt.Rows))
		}
	}
	if end, _ := next.(map[string]any); end == nil || end["end"] != true {
		return nil, damaged(errors.New("no end marker after the last table"))
	}
	if err := dec.Decode(&next); err != io.EOF { // reading to EOF makes gzip check its CRC
		return nil, damaged(fmt.Errorf("after the end marker: %v", err))
	}
	for _, bt := range info.Tables {
		var n int64
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quoteIdent(bt.Name)).Scan(&n); err != nil {
			return nil, fmt.Errorf("restore table %s: count: %w", bt.Name, err)
		}
		if n != bt.Rows {
			return nil, fmt.Errorf("restore table %s: %d rows after restore, manifest says %d", bt.Name, n, bt.Rows)
		}
	}
	if db.dialect.name() == "postgres" {
		if err := resetSequences(ctx, tx, tables); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("restore: commit: %w", err)
	}
	info.Bytes = cr.n
	return info, nil
}

// restoreAnchors are tables every county in use has rows in, and that no migration
// fills: rows in any of them mean the target is not a fresh database.
var restoreAnchors = []string{"regions", "users", "audit_log"}

// restoreChecks refuses a backup this database cannot take, before any row is
// written: a newer schema, an unmigrated or used target, unknown tables or
// columns. It returns the target's tables by name.
func (db *DB) restoreChecks(ctx context.Context, tx *Tx, info *BackupInfo) (map[string]*tableDef, error) {
	var current int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return nil, fmt.Errorf("restore: read schema version: %w", err)
	}
	latest, err := latestMigration(db.dialect.name())
	if err != nil {
		return nil, err
	}
	if current < latest {
		return nil, zhili.Errorf(zhili.EINVALID, "The database is at schema version %d but this zhili has %d: run the migrations before restoring.", current, latest)
	}
	if info.SchemaVersion > current {
		return nil, zhili.Errorf(zhili.EINVALID, "The backup has schema version %d, newer than this zhili's %d: restore with the zhili that made it, or a newer one.", info.SchemaVersion, current)
	}
	list, err := db.catalogue(ctx, tx.Tx)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	tables, names := map[string]*tableDef{}, make([]string, 0, len(list))
	for _, t := range list {
		tables[t.name] = t
		names = append(names, quoteIdent(t.name))
	}
	if db.dialect.name() == "postgres" && len(names) > 0 {
		// Writers wait until the restore commits; readers see the empty tables meanwhile.
		if _, err := tx.ExecContext(ctx, `LOCK TABLE `+strings.Join(names, ", ")+` IN EXCLUSIVE MODE`); err != nil {
			return nil, fmt.Errorf("restore: lock tables: %w", err)
		}
	}
	var inUse []string
	for _, name := range restoreAnchors {
		var one int
		if tables[name] == nil {
			continue
		}
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM `+quoteIdent(name)+` LIMIT 1`).Scan(&one)
		if err == nil {
			inUse = append(inUse, name)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("restore: check table %s is empty: %w", name, err)
		}
	}
	if len(inUse) > 0 {
		return nil, zhili.Errorf(zhili.ECONFLICT, "The database is in use (%s have rows); restore only into a new, freshly migrated database.", strings.Join(inUse, ", "))
	}
	for _, bt := range info.Tables {
		t := tables[bt.Name]
		if t == nil {
			return nil, zhili.Errorf(zhili.EINVALID, "The backup has table %s, which this database does not have.", bt.Name)
		}
		for _, c := range bt.Columns {
			if t.column(c) < 0 {
				return nil, zhili.Errorf(zhili.EINVALID, "The backup has column %s.%s, which this database does not have.", bt.Name, c)
			}
		}
	}
	// Rows the migrations seeded (deadline rules…) give way to the backup's copy,
	// which holds them too, as the county last had them; children go first.
	for i := len(info.Tables) - 1; i >= 0; i-- {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+quoteIdent(info.Tables[i].Name)); err != nil {
			return nil, fmt.Errorf("restore: clear seeded rows of %s: %w", info.Tables[i].Name, err)
		}
	}
	return tables, nil
}

// resetSequences moves every identity or serial sequence past the restored ids, so
// the next insert does not collide with a restored row.
func resetSequences(ctx context.Context, tx *Tx, tables map[string]*tableDef) error {
	for _, t := range tables {
		for _, c := range t.serial {
			q := `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX(` + quoteIdent(c) + `), 1), MAX(` + quoteIdent(c) + `) IS NOT NULL) FROM ` + quoteIdent(t.name)
			if _, err := tx.ExecContext(ctx, q, quoteIdent(t.name), c); err != nil {
				return fmt.Errorf("restore table %s: reset sequence of %s: %w", t.name, c, err)
			}
		}
	}
	return nil
}

// latestMigration is the highest migration version this binary carries for the
// dialect, so a restore can tell an unmigrated target from a migrated one.
func latestMigration(dialect string) (int, error) {
	entries, err := fs.ReadDir(migrations, "migrations/"+dialect)
	if err != nil {
		return 0, fmt.Errorf("read migrations: %w", err)
	}
	latest := 0
	for _, e := range entries {
		v, err := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0])
		if err == nil {
			latest = max(latest, v)
		}
	}
	return latest, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

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

// catalogue lists the tables of the current database or schema, except
// schema_migrations, with their columns, primary keys and foreign keys.
func (db *DB) catalogue(ctx context.Context, tx *sql.Tx) ([]*tableDef, error) {
	pg := db.dialect.name() == "postgres"
	tq := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name <> 'schema_migrations' ORDER BY name`
	cq := `SELECT name, type, pk, 0, 0 FROM pragma_table_info(?) ORDER BY cid`
	fq := `SELECT id, "table", "from", COALESCE("to", '') FROM pragma_foreign_key_list(?)`
	if pg {
		// pg_catalog, not information_schema: its views take seconds once a server has many schemas.
		tq = `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> 'schema_migrations' ORDER BY c.relname`
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

// inserter writes a table's rows in multi-row INSERTs: far fewer round trips to
// PostgreSQL, with at most one batch of rows in memory.
type inserter struct {
	tx    *Tx
	kinds []colKind // the target's kinds of the file's columns
	cols  []string
	head  string
	per   int
	stmt  *sql.Stmt
	args  []any
	rows  int
	n     int64
}

func newInserter(ctx context.Context, tx *Tx, t *tableDef, cols []string) (*inserter, error) {
	ins := &inserter{tx: tx, cols: cols, per: max(1, min(256, 30000/max(1, len(cols))))}
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = quoteIdent(c)
		ins.kinds = append(ins.kinds, t.kinds[t.column(c)])
	}
	ins.head = `INSERT INTO ` + quoteIdent(t.name) + ` (` + strings.Join(quoted, ", ") + `)`
	if t.identity {
		ins.head += ` OVERRIDING SYSTEM VALUE`
	}
	if len(cols) == 0 {
		return nil, damaged(errors.New("a table without columns"))
	}
	return ins, nil
}

func (ins *inserter) sql(rows int) string {
	one := "(" + strings.Repeat("?, ", len(ins.cols)-1) + "?)"
	return ins.tx.db.dialect.rebind(ins.head + ` VALUES ` + strings.Repeat(one+", ", rows-1) + one)
}

func (ins *inserter) add(ctx context.Context, row []any) error {
	if len(row) != len(ins.kinds) {
		return damaged(fmt.Errorf("row %d has %d values for %d columns", ins.n+1, len(row), len(ins.kinds)))
	}
	for i, v := range row {
		c, err := convert(v, ins.kinds[i])
		if err != nil {
			return fmt.Errorf("row %d, column %s: %w", ins.n+1, ins.cols[i], err)
		}
		ins.args = append(ins.args, c)
	}
	ins.rows++
	ins.n++
	if ins.rows < ins.per {
		return nil
	}
	if ins.stmt == nil {
		stmt, err := ins.tx.PrepareContext(ctx, ins.sql(ins.per))
		if err != nil {
			return fmt.Errorf("prepare insert: %w", err)
		}
		ins.stmt = stmt
	}
	if _, err := ins.stmt.ExecContext(ctx, ins.args...); err != nil {
		return fmt.Errorf("insert rows %d-%d: %w", ins.n-int64(ins.rows)+1, ins.n, err)
	}
	ins.args, ins.rows = ins.args[:0], 0
	return nil
}

func (ins *inserter) flush(ctx context.Context) error {
	if ins.rows == 0 {
		return nil
	}
	if _, err := ins.tx.ExecContext(ctx, ins.sql(ins.rows), ins.args...); err != nil {
		return fmt.Errorf("insert rows %d-%d: %w", ins.n-int64(ins.rows)+1, ins.n, err)
	}
	ins.args, ins.rows = ins.args[:0], 0
	return nil
}

func (ins *inserter) close() {
	if ins.stmt != nil {
		ins.stmt.Close()
	}
}

// convert turns a decoded JSON value into what the target column takes.
func convert(v any, k colKind) (any, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case bool:
		switch {
		case k == kindBool || k == kindAny:
			return v, nil
		case k == kindText:
			return strconv.FormatBool(v), nil
		case v:
			return int64(1), nil
		}
		return int64(0), nil
	case json.Number:
		switch k {
		case kindInt, kindBool:
			n, err := strconv.ParseInt(string(v), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("%s is not an integer", v)
			}
			if k == kindBool {
				return n != 0, nil
			}
			return n, nil
		case kindFloat:
			return v.Float64()
		case kindAny:
			if n, err := v.Int64(); err == nil {
				return n, nil
			}
			return v.Float64()
		}
		return string(v), nil // text and numeric keep the digits as written
	case string:
		switch k {
		case kindBytes:
			return base64.StdEncoding.DecodeString(v)
		case kindBool:
			return strconv.ParseBool(v)
		}
		return v, nil
	}
	b, err := json.Marshal(v) // an object or array (a json column elsewhere): its text
	return string(b), err
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
