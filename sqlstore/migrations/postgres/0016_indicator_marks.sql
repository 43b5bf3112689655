-- Indicators (docs/indicators.md): two marks the in-process cache needs.
-- case_log_pruned: every indicator_case_changes row with xid <= value has been
-- or may be pruned, none above it. An instance that needs a row at or below it
-- (its last xmax, or a transaction in progress at its last read that has since
-- committed) may have missed a change and reloads its case columns whole
-- (sqlstore/indicator_cache_prune.go).
-- org_version: raised by every statement writing the tables the cache copies
-- whole (positions, units, regions, department reports), so any change to any
-- row (an end date on an old position, a re-dated retirement) reloads the copy.
-- These tables are written rarely, so one counter row serialising their writers
-- costs nothing; statement triggers raise it once per statement, not per row.
-- Both marks are per database and left out of backups, like the change log.

CREATE TABLE indicator_cache_marks (
	name  TEXT PRIMARY KEY,
	value BIGINT NOT NULL
);
INSERT INTO indicator_cache_marks (name, value) VALUES ('case_log_pruned', 0), ('org_version', 0);

CREATE FUNCTION indicator_org_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE indicator_cache_marks SET value = value + 1 WHERE name = 'org_version';
	RETURN NULL;
END;
$$;

CREATE TRIGGER indicator_org_positions AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON positions
	FOR EACH STATEMENT EXECUTE FUNCTION indicator_org_changed();
CREATE TRIGGER indicator_org_units AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON units
	FOR EACH STATEMENT EXECUTE FUNCTION indicator_org_changed();
CREATE TRIGGER indicator_org_regions AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON regions
	FOR EACH STATEMENT EXECUTE FUNCTION indicator_org_changed();
CREATE TRIGGER indicator_org_dept AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON department_reports
	FOR EACH STATEMENT EXECUTE FUNCTION indicator_org_changed();
