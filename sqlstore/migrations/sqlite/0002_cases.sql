-- Cases, their parties, timeline and attachments; deadlines and the calendar; the
-- rhythm (daily sweeps, job runs, snapshots). Money is integer fen.

CREATE TABLE case_categories (
	kind   TEXT NOT NULL,
	code   TEXT NOT NULL,
	label  TEXT NOT NULL,
	parent TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (kind, code)
);

CREATE TABLE cases (
	id                  INTEGER PRIMARY KEY,
	no                  TEXT NOT NULL DEFAULT '',
	kind                TEXT NOT NULL,
	category            TEXT NOT NULL,
	title               TEXT NOT NULL,
	detail              TEXT NOT NULL DEFAULT '',
	source              TEXT NOT NULL,
	risk                TEXT NOT NULL,
	region_id           INTEGER NOT NULL REFERENCES regions(id),
	address             TEXT NOT NULL DEFAULT '',
	lng                 REAL,
	lat                 REAL,
	people              INTEGER NOT NULL DEFAULT 0,
	amount_fen          BIGINT NOT NULL DEFAULT 0,
	workers             INTEGER NOT NULL DEFAULT 0,
	workers_paid        INTEGER NOT NULL DEFAULT 0,
	wages_recovered_fen BIGINT NOT NULL DEFAULT 0,
	state               TEXT NOT NULL,
	holder_unit_id      INTEGER NOT NULL REFERENCES units(id),
	supervisor_unit_id  INTEGER NOT NULL REFERENCES units(id),
	suspended_from      TEXT NOT NULL DEFAULT '',
	due_at              TEXT,
	due_step            TEXT NOT NULL DEFAULT '',
	extension_days      INTEGER NOT NULL DEFAULT 0,
	duplicate_of        INTEGER REFERENCES cases(id),
	method              TEXT NOT NULL DEFAULT '',
	outcome             TEXT NOT NULL DEFAULT '',
	agreement           INTEGER NOT NULL DEFAULT 0,
	satisfaction        INTEGER NOT NULL DEFAULT 0,
	reported_by         INTEGER,
	reported_at         TEXT NOT NULL,
	accepted_at         TEXT,
	resolved_at         TEXT,
	verified_at         TEXT,
	visited_at          TEXT,
	closed_at           TEXT,
	updated_at          TEXT NOT NULL
);
CREATE INDEX cases_region ON cases(region_id, reported_at);
CREATE INDEX cases_state ON cases(state, holder_unit_id);
CREATE INDEX cases_holder ON cases(holder_unit_id, state);
CREATE INDEX cases_kind_reported ON cases(kind, reported_at);
CREATE INDEX cases_due ON cases(due_at);
CREATE INDEX cases_resolved ON cases(resolved_at);

CREATE TABLE case_parties (
	id              INTEGER PRIMARY KEY,
	case_id         INTEGER NOT NULL REFERENCES cases(id),
	role            TEXT NOT NULL,
	name            TEXT NOT NULL,
	org             INTEGER NOT NULL DEFAULT 0,
	id_number_enc   TEXT NOT NULL DEFAULT '',
	id_number_blind TEXT NOT NULL DEFAULT '',
	id_number_masked TEXT NOT NULL DEFAULT '',
	phone_enc       TEXT NOT NULL DEFAULT '',
	phone_masked    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_parties_case ON case_parties(case_id);
CREATE INDEX case_parties_blind ON case_parties(id_number_blind);

CREATE TABLE case_events (
	id         INTEGER PRIMARY KEY,
	case_id    INTEGER NOT NULL REFERENCES cases(id),
	action     TEXT NOT NULL,
	from_state TEXT NOT NULL,
	to_state   TEXT NOT NULL,
	user_id    INTEGER,
	user_name  TEXT NOT NULL,
	unit_id    INTEGER,
	note       TEXT NOT NULL DEFAULT '',
	at         TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events(case_id, id);

CREATE TABLE case_attachments (
	id           INTEGER PRIMARY KEY,
	case_id      INTEGER NOT NULL REFERENCES cases(id),
	name         TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size         BIGINT NOT NULL,
	sha256       TEXT NOT NULL,
	data         BLOB NOT NULL,
	uploaded_by  INTEGER,
	at           TEXT NOT NULL
);
CREATE INDEX case_attachments_case ON case_attachments(case_id);
