-- The case event feed (docs/api.md#event-feed) reads the case timeline in seq
-- order. Writers leave seq NULL: a sequencer (sqlstore/events_seq.go) gives
-- committed events the next numbers in id order, one sequencer at a time (the
-- case_event_seq row is its lock), so seq only grows in commit order and a reader
-- after seq N never misses an event that commits late. Ids cannot serve: on
-- PostgreSQL a lower id may commit after a higher one has been read.

ALTER TABLE case_events ADD COLUMN seq INTEGER;
-- Existing events are sequenced now, in id order.
UPDATE case_events SET seq = id;
CREATE UNIQUE INDEX case_events_seq ON case_events(seq) WHERE seq IS NOT NULL;
-- The events still to sequence; writers pay for this one small index only.
CREATE INDEX case_events_unsequenced ON case_events(id) WHERE seq IS NULL;

-- The last seq given; the sequencer holds this row while it works.
CREATE TABLE case_event_seq (
	one   INTEGER PRIMARY KEY CHECK (one = 1),
	value INTEGER NOT NULL
);
INSERT INTO case_event_seq (one, value) VALUES (1, COALESCE((SELECT MAX(seq) FROM case_events), 0));
