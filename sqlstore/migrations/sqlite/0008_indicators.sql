-- Indicators (docs/indicators.md): the in-process column cache learns which cases
-- changed from this log, filled by triggers in the same transaction as the change.
-- SQLite has one writer, so seq (MAX + 1, taken inside the writing transaction)
-- grows in commit order and "seq > last seen" misses nothing. No primary key:
-- a restored copy may repeat seqs, which only makes the cache re-read a case.
-- at (unix seconds) lets old rows be pruned. xid is PostgreSQL's (0 here): both
-- dialects have the same columns, so a backup restores into either.

CREATE TABLE indicator_case_changes (
	seq     INTEGER NOT NULL,
	case_id INTEGER NOT NULL,
	xid     INTEGER NOT NULL DEFAULT 0,
	at      INTEGER NOT NULL
);
CREATE INDEX indicator_case_changes_seq ON indicator_case_changes(seq);
CREATE INDEX indicator_case_changes_at ON indicator_case_changes(at);

CREATE TRIGGER indicator_cases_insert AFTER INSERT ON cases
BEGIN
	INSERT INTO indicator_case_changes (seq, case_id, at)
	VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM indicator_case_changes), NEW.id, CAST(strftime('%s', 'now') AS INTEGER));
END;

CREATE TRIGGER indicator_cases_update AFTER UPDATE OF region_id, kind, category, state, source, risk, reported_at, resolved_at,
	workers_paid, wages_recovered_fen, amount_fen, people, workers ON cases
BEGIN
	INSERT INTO indicator_case_changes (seq, case_id, at)
	VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM indicator_case_changes), NEW.id, CAST(strftime('%s', 'now') AS INTEGER));
END;

CREATE TRIGGER indicator_cases_delete AFTER DELETE ON cases
BEGIN
	INSERT INTO indicator_case_changes (seq, case_id, at)
	VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM indicator_case_changes), OLD.id, CAST(strftime('%s', 'now') AS INTEGER));
END;
