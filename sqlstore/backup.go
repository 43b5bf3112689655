package sqlstore

import (
	"bufio"
	"compress/gzip"
	"context"
	"database/sql"
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

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
