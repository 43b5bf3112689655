-- The work plan's tasks (工作任务 / 督办): owner unit, deadline, progress and the
-- history of progress reports and supervision notes. Days are 'YYYY-MM-DD' (China
-- time); times UTC text.

CREATE TABLE tasks (
	id                  INTEGER PRIMARY KEY,
	title               TEXT NOT NULL,
	detail              TEXT NOT NULL DEFAULT '',
	owner_unit_id       INTEGER NOT NULL REFERENCES units(id),
	region_id           INTEGER NOT NULL REFERENCES regions(id),
	assigned_by_unit_id INTEGER NOT NULL REFERENCES units(id),
	due_on              TEXT NOT NULL,
	state               TEXT NOT NULL,
	progress            INTEGER NOT NULL DEFAULT 0,
	created_by          INTEGER,
	created_at          TEXT NOT NULL,
	updated_at          TEXT NOT NULL,
	done_at             TEXT
);
CREATE INDEX tasks_region_due ON tasks(region_id, due_on);
CREATE INDEX tasks_owner ON tasks(owner_unit_id, state);
CREATE INDEX tasks_state_due ON tasks(state, due_on);

CREATE TABLE task_notes (
	id        INTEGER PRIMARY KEY,
	task_id   INTEGER NOT NULL REFERENCES tasks(id),
	kind      TEXT NOT NULL,
	text      TEXT NOT NULL DEFAULT '',
	progress  INTEGER NOT NULL DEFAULT 0,
	user_id   INTEGER,
	user_name TEXT NOT NULL,
	unit_name TEXT NOT NULL DEFAULT '',
	at        TEXT NOT NULL
);
CREATE INDEX task_notes_task ON task_notes(task_id, id);
