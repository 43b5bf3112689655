-- The case figures (docs/cases.md) count by kind and by the day a case was
-- resolved; reported_at already has (kind, reported_at) in 0002.

CREATE INDEX cases_kind_resolved ON cases(kind, resolved_at);
