package sqlstore

import (
	"context"
)

// BeginEvent writes a comment event of a case in a transaction it leaves open,
// as a slow writer would, and returns the event's id; commit ends it, rollback is
// safe after commit.
func (db *DB) BeginEvent(ctx context.Context, caseID int64) (id int64, commit, rollback func() error, err error) {
	a, err := actor(ctx)
	if err != nil {
		return 0, nil, nil, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return 0, nil, nil, err
	}
	err = tx.queryRow(ctx, `INSERT INTO case_events (case_id, action, from_state, to_state, user_id, user_name, unit_id, note, at)
		VALUES (?, 'comment', 'reported', 'reported', ?, ?, ?, '', ?) RETURNING id`, caseID, nullID(a.UserID), a.Username, nullID(a.UnitID), ts(tx.now)).Scan(&id)
	if err != nil {
		tx.Rollback()
		return 0, nil, nil, err
	}
	return id, tx.Commit, tx.Rollback, nil
}

// InsertEventWithID writes a comment event of a case with the given id, as a
// transaction that took the id early and committed late would leave it.
func (db *DB) InsertEventWithID(ctx context.Context, id, caseID int64) error {
	_, err := db.write.ExecContext(ctx, db.dialect.rebind(`INSERT INTO case_events (id, case_id, action, from_state, to_state, user_name, note, at)
		VALUES (?, ?, 'comment', 'reported', 'reported', 'late', '', ?)`), id, caseID, ts(db.Clock.Now()))
	return err
}

// EventSeqs maps every case event's id to its seq (0 while it has none).
func (db *DB) EventSeqs(ctx context.Context) (map[int64]int64, error) {
	rows, err := db.query(ctx, `SELECT id, COALESCE(seq, 0) FROM case_events`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var id, seq int64
		if err := rows.Scan(&id, &seq); err != nil {
			return nil, err
		}
		out[id] = seq
	}
	return out, rows.Err()
}
