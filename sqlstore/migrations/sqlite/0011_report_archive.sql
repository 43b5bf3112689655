-- The report archive (报告存档): every report as issued, byte for byte, with its
-- hashes. A later correction of the data never touches an archived report; a new
-- run is a new row. Rows are never updated (the trigger refuses). See docs/reports.md.
CREATE TABLE report_archive (
	id                INTEGER PRIMARY KEY,
	template          TEXT NOT NULL,
	title             TEXT NOT NULL,
	region_id         INTEGER NOT NULL REFERENCES regions(id),
	period_from       TEXT NOT NULL,
	period_to         TEXT NOT NULL,
	format            TEXT NOT NULL,
	content           BLOB NOT NULL,
	size              INTEGER NOT NULL,
	sha256            TEXT NOT NULL,
	sm3               TEXT NOT NULL,
	generated_by      INTEGER REFERENCES users(id),
	generated_by_name TEXT NOT NULL,
	generated_at      TEXT NOT NULL
);
CREATE INDEX report_archive_region ON report_archive(region_id, generated_at);
CREATE INDEX report_archive_template ON report_archive(template, generated_at);
CREATE TRIGGER report_archive_frozen BEFORE UPDATE ON report_archive
BEGIN
	SELECT RAISE(ABORT, 'report_archive rows are never changed');
END;
