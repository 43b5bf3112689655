-- Reports from the public page (群众网上反映): the tracking code's SM3 hash (the code
-- itself is shown once and never stored), the optional contact phone (SM4,
-- masked copy for display) and the resident's own rating of the outcome.

CREATE TABLE public_reports (
	id             INTEGER PRIMARY KEY,
	code_hash      TEXT NOT NULL UNIQUE,
	case_id        INTEGER NOT NULL REFERENCES cases(id),
	contact_enc    TEXT NOT NULL DEFAULT '',
	contact_masked TEXT NOT NULL DEFAULT '',
	satisfaction   INTEGER NOT NULL DEFAULT 0,
	rating_note    TEXT NOT NULL DEFAULT '',
	rated_at       TEXT,
	created_at     TEXT NOT NULL
);
CREATE INDEX public_reports_case ON public_reports(case_id);
