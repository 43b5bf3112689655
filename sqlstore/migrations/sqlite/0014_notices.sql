-- In-app notices (通知): one row per recipient, e.g. "the weekly dispatch sheet
-- of 青山镇 has been issued", linking to the archived report. Assessments are
-- computed on the fly and need no table (docs/assessment.md).

CREATE TABLE notices (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id),
	kind       TEXT NOT NULL,
	title      TEXT NOT NULL,
	url        TEXT NOT NULL DEFAULT '',
	archive_id INTEGER REFERENCES report_archive(id),
	created_at TEXT NOT NULL,
	read_at    TEXT
);
CREATE INDEX notices_user ON notices(user_id, read_at, id);
