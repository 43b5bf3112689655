-- Department reports (部门报送): periodic figures owned by other systems (police,
-- court, finance office…), one row per (metric, region, period) submission. A
-- correction inserts a new row and points the old one at it (superseded_by), so
-- history is kept and "current" means superseded_by IS NULL. seq grows on every
-- write (insert or supersede) so caches can tell whether anything changed.
-- See docs/department-reports.md.

CREATE TABLE department_tokens (
	id           INTEGER PRIMARY KEY,
	unit_id      INTEGER NOT NULL REFERENCES units(id),
	name         TEXT NOT NULL,
	token_hash   TEXT NOT NULL UNIQUE,
	created_by   INTEGER REFERENCES users(id),
	created_at   TEXT NOT NULL,
	last_used_at TEXT,
	revoked_at   TEXT
);
CREATE INDEX department_tokens_unit ON department_tokens(unit_id);

CREATE TABLE department_reports (
	id                 INTEGER PRIMARY KEY,
	metric             TEXT NOT NULL,
	department_unit_id INTEGER NOT NULL REFERENCES units(id),
	region_id          INTEGER NOT NULL REFERENCES regions(id),
	period_start       TEXT NOT NULL,
	period_end         TEXT NOT NULL,
	value              INTEGER NOT NULL,
	note               TEXT NOT NULL DEFAULT '',
	submitted_by       INTEGER REFERENCES users(id),
	submitter          TEXT NOT NULL DEFAULT '',
	token_id           INTEGER REFERENCES department_tokens(id),
	via                TEXT NOT NULL DEFAULT '',
	submitted_at       TEXT NOT NULL,
	superseded_by      INTEGER REFERENCES department_reports(id),
	seq                INTEGER NOT NULL UNIQUE
);
-- One current figure per metric, region and period.
CREATE UNIQUE INDEX department_reports_current ON department_reports(metric, region_id, period_start)
	WHERE superseded_by IS NULL;
CREATE INDEX department_reports_period ON department_reports(metric, period_start, period_end);
CREATE INDEX department_reports_region ON department_reports(region_id);
