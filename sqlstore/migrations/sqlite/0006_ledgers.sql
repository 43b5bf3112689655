-- Ledgers (台账, docs/ledgers.md): one table holds the records of every ledger
-- type; data is a JSON object keyed by the schema's field ids (money as integer
-- fen). record_date is the schema's date field, so periods are index ranges.
-- seq strictly increases with every insert, update and delete (taken from the
-- one-row ledger_seq counter in the same transaction), so a cache can ask for
-- "everything changed since seq N", deletions included (deleted_at is set, the
-- row stays).

CREATE TABLE ledger_seq (
	one   INTEGER PRIMARY KEY CHECK (one = 1),
	value INTEGER NOT NULL
);
INSERT INTO ledger_seq (one, value) VALUES (1, 0);

CREATE TABLE ledger_records (
	id          INTEGER PRIMARY KEY,
	ledger      TEXT NOT NULL,
	region_id   INTEGER NOT NULL REFERENCES regions(id),
	record_date TEXT NOT NULL,
	data        TEXT NOT NULL,
	created_by  INTEGER,
	created_at  TEXT,
	updated_by  INTEGER,
	updated_at  TEXT,
	version     INTEGER NOT NULL DEFAULT 1,
	deleted_at  TEXT,
	seq         BIGINT NOT NULL
);
CREATE INDEX ledger_records_date ON ledger_records(ledger, record_date);
CREATE INDEX ledger_records_region ON ledger_records(ledger, region_id);
CREATE INDEX ledger_records_seq ON ledger_records(seq);

-- Every change of a record, with the data before and after: its history page.
CREATE TABLE ledger_record_events (
	id        INTEGER PRIMARY KEY,
	record_id INTEGER NOT NULL REFERENCES ledger_records(id),
	action    TEXT NOT NULL,
	version   INTEGER NOT NULL,
	before    TEXT NOT NULL DEFAULT '',
	after     TEXT NOT NULL DEFAULT '',
	at        TEXT NOT NULL,
	user_id   INTEGER,
	username  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ledger_record_events_record ON ledger_record_events(record_id);
