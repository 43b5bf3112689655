-- The rhythm: the deadline table and the working calendar that cases take their
-- deadlines from; supervision of passed deadlines; daily sweeps; and the scheduled
-- jobs' claims and snapshots. Times are UTC text, days 'YYYY-MM-DD' (China time).

-- Deadline rules: '' kind or category and level 0 match anything; the most
-- specific matching rule wins. working_days counts working days, except for the
-- visit step, which counts calendar days after resolution (十日回访).
CREATE TABLE deadline_rules (
	id           INTEGER PRIMARY KEY,
	kind         TEXT NOT NULL DEFAULT '',
	category     TEXT NOT NULL DEFAULT '',
	level        INTEGER NOT NULL DEFAULT 0,
	step         TEXT NOT NULL,
	working_days INTEGER NOT NULL,
	note         TEXT NOT NULL DEFAULT '',
	UNIQUE (kind, category, level, step)
);
INSERT INTO deadline_rules (kind, category, level, step, working_days, note) VALUES
	('', '', 0, 'accept', 1, '受理：1个工作日'),
	('', '', 0, 'handle', 15, '办理：未指定层级时15个工作日'),
	('', '', 1, 'handle', 15, '办理：县级15个工作日'),
	('', '', 2, 'handle', 10, '办理：乡镇（街道）10个工作日'),
	('', '', 3, 'handle', 5, '办理：村（社区）5个工作日'),
	('dispute', 'expropriation', 1, 'handle', 20, '征地拆迁纠纷：县级+5'),
	('dispute', 'expropriation', 2, 'handle', 15, '征地拆迁纠纷：乡镇+5'),
	('dispute', 'expropriation', 3, 'handle', 10, '征地拆迁纠纷：村级+5'),
	('dispute', 'enterprise', 1, 'handle', 20, '涉企纠纷：县级+5'),
	('dispute', 'enterprise', 2, 'handle', 15, '涉企纠纷：乡镇+5'),
	('dispute', 'enterprise', 3, 'handle', 10, '涉企纠纷：村级+5'),
	('emergency', '', 0, 'handle', 3, '突发事件：3个工作日内处置完毕'),
	('', '', 0, 'verify', 3, '核查：3个工作日'),
	('', '', 0, 'visit', 10, '十日回访：化解后10个自然日');

-- The working calendar: exceptions to Monday–Friday. workday = 0 lists a holiday,
-- workday = 1 a makeup working day (调休) on a weekend.
CREATE TABLE calendar_days (
	day        TEXT PRIMARY KEY,
	workday    INTEGER NOT NULL,
	name       TEXT NOT NULL DEFAULT '',
	updated_at TEXT NOT NULL
);

-- Every passed deadline, once: the supervision job's record and the assessment's
-- count of overdue steps, charged to the unit that held the step.
CREATE TABLE case_overdue (
	id             INTEGER PRIMARY KEY,
	case_id        INTEGER NOT NULL REFERENCES cases(id),
	step           TEXT NOT NULL,
	due_at         TEXT NOT NULL,
	noticed_at     TEXT NOT NULL,
	holder_unit_id INTEGER NOT NULL REFERENCES units(id),
	UNIQUE (case_id, step, due_at)
);
CREATE INDEX case_overdue_due ON case_overdue(due_at);
CREATE INDEX case_overdue_holder ON case_overdue(holder_unit_id, due_at);

-- 日排查: one row per grid member, grid and day; found = 0 is a zero-report.
CREATE TABLE daily_checks (
	id          INTEGER PRIMARY KEY,
	grid_id     INTEGER NOT NULL REFERENCES regions(id),
	user_id     INTEGER NOT NULL REFERENCES users(id),
	day         TEXT NOT NULL,
	found       INTEGER NOT NULL DEFAULT 0,
	zero_report INTEGER NOT NULL DEFAULT 0,
	note        TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	UNIQUE (grid_id, user_id, day)
);
CREATE INDEX daily_checks_day ON daily_checks(day, grid_id);

-- Scheduled jobs: an instance claims a period by inserting its row in the same
-- transaction as the job's effects, so each (job, period) happens once however
-- many instances run.
CREATE TABLE job_runs (
	job          TEXT NOT NULL,
	period       TEXT NOT NULL,
	period_start TEXT NOT NULL,
	instance     TEXT NOT NULL DEFAULT '',
	started_at   TEXT NOT NULL,
	finished_at  TEXT,
	error        TEXT NOT NULL DEFAULT '',
	attempts     INTEGER NOT NULL DEFAULT 1,
	PRIMARY KEY (job, period)
);
CREATE INDEX job_runs_start ON job_runs(job, period_start);

-- Snapshots the jobs store: the morning's missing sweeps, the weekly review, the
-- dispatch list and the monthly bulletin, as JSON.
CREATE TABLE rhythm_reports (
	id         INTEGER PRIMARY KEY,
	job        TEXT NOT NULL,
	period     TEXT NOT NULL,
	region_id  INTEGER NOT NULL REFERENCES regions(id),
	body       TEXT NOT NULL,
	created_at TEXT NOT NULL,
	UNIQUE (job, period, region_id)
);
