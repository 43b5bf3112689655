-- Saved searches of the case list, per user; and the index the "needs my action"
-- queue uses to find what a unit supervises.

CREATE TABLE saved_searches (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id),
	name       TEXT NOT NULL,
	query      TEXT NOT NULL,
	created_at TEXT NOT NULL,
	UNIQUE (user_id, name)
);

CREATE INDEX cases_supervisor ON cases(supervisor_unit_id, state);
