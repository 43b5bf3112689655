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
	"strconv"
	"strings"

	"github.com/zhili-project/zhili"
)

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
	// The event feed's seqs after the backup are handed out again: a new epoch
	// tells its readers to start over (events.go).
	if _, err := tx.exec(ctx, `DELETE FROM settings WHERE key = ?`, eventEpochSetting); err != nil {
		return nil, fmt.Errorf("restore: event feed epoch: %w", err)
	}
	// The backup's encrypted values must open under this database's field key
	// (sqlstore/rekey.go): its key check, and a sample of every encrypted column
	// for a backup made before key checks, refused before anything is kept.
	if db.Cipher != nil {
		if err := requireFieldKey(ctx, tx, db.Cipher); err != nil {
			return nil, zhili.Errorf(zhili.EINVALID, "Restore refused, nothing changed: %v. Restore with the key of the database the backup came from.", err)
		}
		if err := sampleOpens(ctx, tx, db.Cipher); err != nil {
			return nil, zhili.Errorf(zhili.EINVALID, "Restore refused, nothing changed: %v. Restore with the key of the database the backup came from.", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("restore: commit: %w", err)
	}
	// Every table was just filled: give the planner statistics now rather than
	// when autovacuum comes round (sqlstore/maintain.go).
	if err := db.Analyze(ctx); err != nil {
		return nil, fmt.Errorf("restore: the data is restored, but %w", err)
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

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
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
