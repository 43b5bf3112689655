package sqlstore

import (
	"context"
	"fmt"
)

// PersonAfterKeyCheckForTest writes a person with an encrypted phone in two
// halves: now the key check (in its writing transaction, as CreatePerson does),
// later the insert and commit — so a test can run a key rotation in between.
func (db *DB) PersonAfterKeyCheckForTest(ctx context.Context, regionID int64, phone string) (func() error, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := requireFieldKey(ctx, tx, db.Cipher); err != nil {
		tx.Rollback()
		return nil, err
	}
	enc, err := db.Cipher.Encrypt(phone)
	if err != nil {
		tx.Rollback()
		return nil, err
	}
	return func() error {
		defer tx.Rollback()
		if _, err := tx.exec(ctx, `INSERT INTO people (name, region_id, id_number_enc, id_number_blind, id_number_masked, phone_enc, phone_masked, created_at)
			VALUES ('late', ?, '', '', '', ?, '138****0000', ?)`, regionID, enc, ts(tx.now)); err != nil {
			return fmt.Errorf("late person: %w", err)
		}
		return tx.Commit()
	}, nil
}
