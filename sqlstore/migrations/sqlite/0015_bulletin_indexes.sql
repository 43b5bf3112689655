-- The monthly bulletin (月督查通报) counts a month's cases per township: new
-- (with how many of them are resolved), resolved and visited in the month. Each
-- count walks the regions of the subtree and, per region, one of these indexes'
-- range of the month, without reading the cases table: at ten million cases the
-- bulletin otherwise read every case of the subtree (docs/reports.md, "Speed").
-- cases_state_resolved serves its list of missed return visits (resolved or
-- verified cases resolved before a cutoff), which otherwise read every resolved
-- case of the database.
DROP INDEX cases_region;
CREATE INDEX cases_region ON cases(region_id, reported_at, state);
CREATE INDEX cases_region_resolved ON cases(region_id, resolved_at);
CREATE INDEX cases_region_visited ON cases(region_id, visited_at, resolved_at);
CREATE INDEX cases_state_resolved ON cases(state, resolved_at);
