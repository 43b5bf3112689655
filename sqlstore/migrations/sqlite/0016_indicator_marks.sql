-- Indicators (docs/indicators.md): two marks the in-process cache needs.
-- case_log_pruned: every indicator_case_changes row with seq <= value may have
-- been pruned, none above it has; an instance whose last seq seen is below it
-- may have missed a change and reloads its case columns whole. Pruning always
-- keeps the newest row, so MAX(seq) + 1 in the triggers of 0008 never reuses a
-- seq an instance has seen.
-- org_version: raised by every write to the tables the cache copies whole
-- (positions, units, regions, department reports), so any change to any row
-- (an end date on an old position, a re-dated retirement) reloads the copy.
-- Both are per database and left out of backups, like the change log.

CREATE TABLE indicator_cache_marks (
	name  TEXT PRIMARY KEY,
	value INTEGER NOT NULL
);
INSERT INTO indicator_cache_marks (name, value) VALUES ('case_log_pruned', 0), ('org_version', 0);

CREATE TRIGGER indicator_org_positions_insert AFTER INSERT ON positions
BEGIN UPDATE indicator_cache_marks SET value = value + 1 WHERE name = 'org_version'; END;
CREATE TRIGGER indicator_org_positions_update AFTER UPDATE ON positions
BEGIN UPDATE indicator_cache_marks SET value = value + 1 WHERE name = 'org_version'; END;
CREATE TRIGGER indicator_org_positions_delete AFTER DELETE ON positions
BEGIN UPDATE indicator_cache_marks SET value = value + 1 WHERE name = 'org_version'; END;

CREATE TRIGGER indicator_org_units_insert AFTER INSERT ON units
BEGIN UPDATE indicator_cache_marks SET value = value + 1 WHERE name = 'org_version'; END;
CREATE TRIGGER indicator_org_units_update AFTER UPDATE ON units
BEGIN UPDATE indicator_cache_marks SET value = value + 1 WHERE name = 'org_version'; END;
CREATE TRIGGER indicator_org_units_delete AFTER DELETE ON units
BEGIN UPDATE indicator_cache_marks SET value = value + 1 WHERE name = 'org_version'; END;

CREATE TRIGGER indicator_org_regions_insert AFTER INSERT ON regions
BEGIN UPDATE indicator_cache_marks SET value = value + 1 WHERE name = 'org_version'; END;
CREATE TRIGGER indicator_org_regions_update AFTER UPDATE ON regions
BEGIN UPDATE indicator_cache_marks SET value = value + 1 WHERE name = 'org_version'; END;
CREATE TRIGGER indicator_org_regions_delete AFTER DELETE ON regions
BEGIN UPDATE indicator_cache_marks SET value = value + 1 WHERE name = 'org_version'; END;

CREATE TRIGGER indicator_org_dept_insert AFTER INSERT ON department_reports
BEGIN UPDATE indicator_cache_marks SET value = value + 1 WHERE name = 'org_version'; END;
CREATE TRIGGER indicator_org_dept_update AFTER UPDATE ON department_reports
BEGIN UPDATE indicator_cache_marks SET value = value + 1 WHERE name = 'org_version'; END;
CREATE TRIGGER indicator_org_dept_delete AFTER DELETE ON department_reports
BEGIN UPDATE indicator_cache_marks SET value = value + 1 WHERE name = 'org_version'; END;
