-- Indicators (docs/indicators.md): the in-process column cache learns which cases
-- changed from this log, filled by a trigger in the same transaction as the
-- change. Writers run concurrently here, so instead of a counter (which would
-- serialise every case write) each row carries its transaction id: a reader
-- remembers its last snapshot and next reads the rows of every transaction that
-- snapshot did not see (xid >= xmax or in xip), so a transaction still open then
-- is never missed (re-reading a case is harmless). No primary key: a restored
-- copy may repeat rows. seq is SQLite's (0 here): both dialects have the same
-- columns, so a backup restores into either.

CREATE TABLE indicator_case_changes (
	seq     BIGINT NOT NULL DEFAULT 0,
	case_id BIGINT NOT NULL,
	xid     BIGINT NOT NULL,
	at      BIGINT NOT NULL
);
CREATE INDEX indicator_case_changes_xid ON indicator_case_changes(xid);
CREATE INDEX indicator_case_changes_at ON indicator_case_changes(at);

CREATE FUNCTION indicator_case_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		INSERT INTO indicator_case_changes (case_id, xid, at)
		VALUES (OLD.id, pg_current_xact_id()::text::bigint, extract(epoch FROM now())::bigint);
		RETURN OLD;
	END IF;
	INSERT INTO indicator_case_changes (case_id, xid, at)
	VALUES (NEW.id, pg_current_xact_id()::text::bigint, extract(epoch FROM now())::bigint);
	RETURN NEW;
END;
$$;

CREATE TRIGGER indicator_cases_insert AFTER INSERT ON cases
	FOR EACH ROW EXECUTE FUNCTION indicator_case_changed();
CREATE TRIGGER indicator_cases_update AFTER UPDATE OF region_id, kind, category, state, source, risk, reported_at, resolved_at,
	workers_paid, wages_recovered_fen, amount_fen, people, workers ON cases
	FOR EACH ROW EXECUTE FUNCTION indicator_case_changed();
CREATE TRIGGER indicator_cases_delete AFTER DELETE ON cases
	FOR EACH ROW EXECUTE FUNCTION indicator_case_changed();
