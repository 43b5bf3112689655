package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
)

// bumpSetting increments a counter setting, used to tell other instances to reload.
func (tx *Tx) bumpSetting(ctx context.Context, key string) error { return bumpSetting(ctx, tx, key) }

// bumpSetting counts a version setting up by one in r's transaction.
func bumpSetting(ctx context.Context, r runner, key string) error {
	var v string
	err := r.queryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	n, _ := strconv.ParseInt(v, 10, 64)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = r.exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)`, key, "1")
	case err == nil:
		_, err = r.exec(ctx, `UPDATE settings SET value = ? WHERE key = ?`, strconv.FormatInt(n+1, 10), key)
	}
	if err != nil {
		return fmt.Errorf("bump %s: %w", key, err)
	}
	return nil
}

// Setting reads a setting; an absent key reads as "".
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.queryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}
