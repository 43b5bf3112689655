-- The foundation: regions and grids, units, people and positions, accounts,
-- sessions and the audit chain. Times are UTC text (see tsLayout); days are
-- 'YYYY-MM-DD' text.

CREATE TABLE regions (
	id          INTEGER PRIMARY KEY,
	code        TEXT NOT NULL UNIQUE,
	name        TEXT NOT NULL,
	parent_id   INTEGER REFERENCES regions(id),
	level       INTEGER NOT NULL,
	kind        TEXT NOT NULL,
	path        TEXT NOT NULL,
	county_seat INTEGER NOT NULL DEFAULT 0,
	boundary    TEXT,
	retired_at  TEXT,
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);
CREATE INDEX regions_parent ON regions(parent_id);
CREATE INDEX regions_path ON regions(path);

CREATE TABLE region_events (
	id        INTEGER PRIMARY KEY,
	region_id INTEGER NOT NULL REFERENCES regions(id),
	action    TEXT NOT NULL,
	before    TEXT NOT NULL DEFAULT '',
	after     TEXT NOT NULL DEFAULT '',
	at        TEXT NOT NULL,
	user_id   INTEGER
);
CREATE INDEX region_events_region ON region_events(region_id);

CREATE TABLE units (
	id         INTEGER PRIMARY KEY,
	kind       TEXT NOT NULL,
	name       TEXT NOT NULL,
	region_id  INTEGER NOT NULL REFERENCES regions(id),
	parent_id  INTEGER REFERENCES units(id),
	code       TEXT NOT NULL DEFAULT '',
	retired_at TEXT,
	created_at TEXT NOT NULL
);
CREATE INDEX units_region ON units(region_id);

CREATE TABLE people (
	id               INTEGER PRIMARY KEY,
	name             TEXT NOT NULL,
	region_id        INTEGER NOT NULL REFERENCES regions(id),
	id_number_enc    TEXT NOT NULL DEFAULT '',
	id_number_blind  TEXT NOT NULL DEFAULT '',
	id_number_masked TEXT NOT NULL DEFAULT '',
	phone_enc        TEXT NOT NULL DEFAULT '',
	phone_masked     TEXT NOT NULL DEFAULT '',
	created_at       TEXT NOT NULL
);
CREATE INDEX people_region ON people(region_id);
CREATE INDEX people_blind ON people(id_number_blind);

CREATE TABLE positions (
	id        INTEGER PRIMARY KEY,
	person_id INTEGER NOT NULL REFERENCES people(id),
	role      TEXT NOT NULL,
	region_id INTEGER NOT NULL REFERENCES regions(id),
	unit_id   INTEGER REFERENCES units(id),
	start_day TEXT NOT NULL,
	end_day   TEXT
);
CREATE INDEX positions_region ON positions(region_id, role);
CREATE INDEX positions_person ON positions(person_id);

CREATE TABLE users (
	id                  INTEGER PRIMARY KEY,
	username            TEXT NOT NULL UNIQUE,
	name                TEXT NOT NULL,
	role                TEXT NOT NULL,
	unit_id             INTEGER NOT NULL REFERENCES units(id),
	person_id           INTEGER REFERENCES people(id),
	password_hash       TEXT NOT NULL,
	password_changed_at TEXT NOT NULL,
	disabled            INTEGER NOT NULL DEFAULT 0,
	totp_secret_enc     TEXT NOT NULL DEFAULT '',
	totp_pending_enc    TEXT NOT NULL DEFAULT '',
	totp_enabled        INTEGER NOT NULL DEFAULT 0,
	totp_last_step      BIGINT NOT NULL DEFAULT 0,
	failed_logins       INTEGER NOT NULL DEFAULT 0,
	locked_until        TEXT,
	last_login_at       TEXT,
	created_at          TEXT NOT NULL
);

CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id),
	created_at TEXT NOT NULL,
	last_seen  TEXT NOT NULL,
	need_totp  INTEGER NOT NULL DEFAULT 0,
	ip         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

-- The audit chain: ids are dense (assigned by the writer, never by a sequence) so a
-- deleted row shows as a gap, and audit_head remembers the last link so a deleted
-- tail shows too.
CREATE TABLE audit_log (
	id          INTEGER PRIMARY KEY,
	at          TEXT NOT NULL,
	user_id     INTEGER,
	username    TEXT NOT NULL,
	ip          TEXT NOT NULL,
	action      TEXT NOT NULL,
	object_type TEXT NOT NULL DEFAULT '',
	object_id   TEXT NOT NULL DEFAULT '',
	detail      TEXT NOT NULL DEFAULT '',
	prev_hash   TEXT NOT NULL,
	hash        TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE TABLE audit_head (
	one     INTEGER PRIMARY KEY CHECK (one = 1),
	last_id INTEGER NOT NULL,
	hash    TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
