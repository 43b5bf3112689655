package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/zhili-project/zhili"
)

// TaskLinks lists the meeting and oversight records in the caller's scope whose
// task_id field names the task, newest first. The task itself must be in scope.
func (s *TaskService) TaskLinks(ctx context.Context, id int64) ([]*zhili.TaskLink, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.FindTask(ctx, id); err != nil {
		return nil, err
	}
	taskID, topic := "CAST(json_extract(l.data, '$.task_id') AS INTEGER)", "COALESCE(json_extract(l.data, '$.topic'), '')"
	if s.db.dialect.name() == "postgres" {
		taskID, topic = "(l.data::jsonb ->> 'task_id')::bigint", "COALESCE(l.data::jsonb ->> 'topic', '')"
	}
	labels := map[string]string{}
	var names []any
	for _, l := range zhili.TaskLedgers {
		labels[l.Name] = l.Label
		names = append(names, l.Name)
	}
	cond, args := scopeRegionID(a, "l.region_id")
	rows, err := s.db.query(ctx, `SELECT l.ledger, l.id, l.record_date, `+topic+`, r.name FROM ledger_records l JOIN regions r ON r.id = l.region_id
		WHERE l.ledger IN (`+placeholders(len(names))+`) AND l.deleted_at IS NULL AND `+taskID+` = ? AND `+cond+` ORDER BY l.record_date DESC, l.id DESC LIMIT 200`,
		append(append(names, id), args...)...)
	if err != nil {
		return nil, fmt.Errorf("task links: %w", err)
	}
	defer rows.Close()
	out := []*zhili.TaskLink{}
	for rows.Next() {
		var l zhili.TaskLink
		var t sql.NullString
		if err := rows.Scan(&l.Ledger, &l.RecordID, &l.Date, &t, &l.RegionName); err != nil {
			return nil, err
		}
		l.Topic, l.LedgerLabel = t.String, labels[l.Ledger]
		out = append(out, &l)
	}
	return out, rows.Err()
}
