package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhili-project/zhili"
)

// TaskService keeps the work plan's tasks (工作任务 / 督办). A task lies in its owner
// unit's region, so scope works as for every other record: a township sees the
// tasks of its own units, the county sees all.
type TaskService struct{ db *DB }

// NewTaskService returns the task service of db.
func NewTaskService(db *DB) *TaskService { return &TaskService{db: db} }

var _ zhili.TaskService = (*TaskService)(nil)

const taskColumns = `t.id, t.title, t.detail, t.owner_unit_id, o.name, t.region_id, t.assigned_by_unit_id, b.name,
	t.due_on, t.state, t.progress, t.created_at, t.updated_at, t.done_at`

const taskFrom = ` FROM tasks t JOIN units o ON o.id = t.owner_unit_id JOIN units b ON b.id = t.assigned_by_unit_id`

func scanTask(row interface{ Scan(...any) error }, today string) (*zhili.Task, error) {
	var t zhili.Task
	var created, updated string
	var done sql.NullString
	if err := row.Scan(&t.ID, &t.Title, &t.Detail, &t.OwnerUnitID, &t.OwnerUnitName, &t.RegionID, &t.AssignedByUnitID,
		&t.AssignedByUnitName, &t.Due, &t.State, &t.Progress, &created, &updated, &done); err != nil {
		return nil, err
	}
	t.CreatedAt, t.UpdatedAt, t.DoneAt = parseTS(created), parseTS(updated), parseNullTS(done)
	t.Overdue = t.State == zhili.TaskOpen && t.Due < today
	return &t, nil
}

// today is the China calendar day of the store's clock.
func (s *TaskService) today() string {
	return s.db.Clock.Now().In(zhili.ChinaTime).Format(zhili.DayLayout)
}

// FindTask returns a task in scope.
func (s *TaskService) FindTask(ctx context.Context, id int64) (*zhili.Task, error) {
	ts, _, err := s.FindTasks(ctx, zhili.TaskFilter{ID: &id, Limit: 1})
	if err != nil {
		return nil, err
	} else if len(ts) == 0 {
		return nil, zhili.Errorf(zhili.ENOTFOUND, "Task not found.")
	}
	return ts[0], nil
}

// FindTasks lists tasks in scope, the nearest deadline first.
func (s *TaskService) FindTasks(ctx context.Context, f zhili.TaskFilter) ([]*zhili.Task, int, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, 0, err
	}
	if err := a.Require(zhili.ActBusinessRead); err != nil {
		return nil, 0, err
	}
	for _, d := range []struct{ field, v string }{{"due_from", f.DueFrom}, {"due_to", f.DueTo}} {
		if d.v != "" {
			if _, err := time.Parse(zhili.DayLayout, d.v); err != nil {
				return nil, 0, zhili.Invalid("The date is not valid.", zhili.FieldError{Field: d.field, Code: "bad_date", Reason: "use YYYY-MM-DD"})
			}
		}
	}
	today := s.today()
	cond, args := scopeRegionID(a, "t.region_id")
	conds := []string{cond}
	add := func(c string, v ...any) { conds = append(conds, c); args = append(args, v...) }
	if f.ID != nil {
		add("t.id = ?", *f.ID)
	}
	if f.State != nil {
		add("t.state = ?", string(*f.State))
	}
	if f.OwnerUnitID != nil {
		add("t.owner_unit_id = ?", *f.OwnerUnitID)
	}
	if f.Under != nil {
		var path string
		if err := s.db.queryRow(ctx, `SELECT path FROM regions WHERE id = ?`, *f.Under).Scan(&path); err != nil {
			return nil, 0, nil
		}
		c, v := underRegion("t.region_id", path)
		add(c, v...)
	}
	if f.DueFrom != "" {
		add("t.due_on >= ?", f.DueFrom)
	}
	if f.DueTo != "" {
		add("t.due_on <= ?", f.DueTo)
	}
	if f.Overdue {
		add("t.state = ? AND t.due_on < ?", string(zhili.TaskOpen), today)
	}
	w := strings.Join(conds, " AND ")
	var total int
	if err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM tasks t WHERE `+w, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count tasks: %w", err)
	}
	rows, err := s.db.query(ctx, `SELECT `+taskColumns+taskFrom+` WHERE `+w+` ORDER BY t.due_on, t.id`+limit(f.Offset, f.Limit), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find tasks: %w", err)
	}
	defer rows.Close()
	var out []*zhili.Task
	for rows.Next() {
		t, err := scanTask(rows, today)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, t)
	}
	return out, total, rows.Err()
}

// CreateTask sets a task for a unit in the caller's scope; the caller's unit is the
// assigning side.
func (s *TaskService) CreateTask(ctx context.Context, t *zhili.Task, note string) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := a.Require(zhili.ActTaskAssign); err != nil {
		return err
	}
	t.Title, t.Detail, note = strings.TrimSpace(t.Title), strings.TrimSpace(t.Detail), strings.TrimSpace(note)
	var bad []zhili.FieldError
	if t.Title == "" {
		bad = append(bad, zhili.FieldError{Field: "title", Code: "required", Reason: "任务名称必填"})
	} else if utf8.RuneCountInString(t.Title) > 200 {
		bad = append(bad, zhili.FieldError{Field: "title", Code: "too_long", Reason: "任务名称不超过200字"})
	}
	if _, err := time.Parse(zhili.DayLayout, t.Due); err != nil {
		bad = append(bad, zhili.FieldError{Field: "due", Code: "bad_date", Reason: "办结时限须为日期 YYYY-MM-DD"})
	}
	if t.OwnerUnitID == 0 {
		bad = append(bad, zhili.FieldError{Field: "owner_unit_id", Code: "required", Reason: "责任单位必填"})
	}
	if len(bad) > 0 {
		return zhili.Invalid("The task is not valid.", bad...)
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	cond, args := scopeRegions(a, "r")
	var retired sql.NullString
	err = tx.queryRow(ctx, `SELECT u.region_id, u.retired_at FROM units u JOIN regions r ON r.id = u.region_id WHERE u.id = ? AND `+cond,
		append([]any{t.OwnerUnitID}, args...)...).Scan(&t.RegionID, &retired)
	if errors.Is(err, sql.ErrNoRows) || retired.Valid {
		return zhili.Invalid("The owner unit does not exist.", zhili.FieldError{Field: "owner_unit_id", Code: "unknown_unit", Reason: "责任单位不存在或不在本级范围内"})
	} else if err != nil {
		return fmt.Errorf("owner unit: %w", err)
	}
	t.AssignedByUnitID = a.UnitID
	if a.System {
		t.AssignedByUnitID = t.OwnerUnitID
	}
	t.State, t.Progress, t.CreatedAt, t.UpdatedAt = zhili.TaskOpen, 0, tx.now, tx.now
	if err := tx.queryRow(ctx, `INSERT INTO tasks (title, detail, owner_unit_id, region_id, assigned_by_unit_id, due_on, state, progress, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?) RETURNING id`, t.Title, t.Detail, t.OwnerUnitID, t.RegionID, t.AssignedByUnitID, t.Due,
		string(t.State), nullID(a.UserID), ts(tx.now), ts(tx.now)).Scan(&t.ID); err != nil {
		return fmt.Errorf("insert task: %w", err)
	}
	if err := tx.taskNote(ctx, a, t.ID, zhili.TaskNoteCreated, note, 0); err != nil {
		return err
	}
	if err := tx.audit(ctx, a, "task.create", "task", t.ID, map[string]any{"title": t.Title, "owner_unit_id": t.OwnerUnitID, "due": t.Due}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	got, err := s.FindTask(ctx, t.ID)
	if err == nil {
		*t = *got
	}
	return err
}

// TaskNotes returns a task's history, oldest first.
func (s *TaskService) TaskNotes(ctx context.Context, id int64) ([]*zhili.TaskNote, error) {
	if _, err := s.FindTask(ctx, id); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT id, task_id, kind, text, progress, COALESCE(user_id, 0), user_name, unit_name, at
		FROM task_notes WHERE task_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("task notes: %w", err)
	}
	defer rows.Close()
	var out []*zhili.TaskNote
	for rows.Next() {
		var n zhili.TaskNote
		var at string
		if err := rows.Scan(&n.ID, &n.TaskID, &n.Kind, &n.Text, &n.Progress, &n.UserID, &n.UserName, &n.UnitName, &at); err != nil {
			return nil, err
		}
		n.At = parseTS(at)
		out = append(out, &n)
	}
	return out, rows.Err()
}

func (tx *Tx) taskNote(ctx context.Context, a *zhili.Actor, taskID int64, kind zhili.TaskNoteKind, text string, progress int) error {
	var unit string
	if a.UnitID != 0 {
		_ = tx.queryRow(ctx, `SELECT name FROM units WHERE id = ?`, a.UnitID).Scan(&unit)
	}
	if _, err := tx.exec(ctx, `INSERT INTO task_notes (task_id, kind, text, progress, user_id, user_name, unit_name, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		taskID, string(kind), text, progress, nullID(a.UserID), a.Username, unit, ts(tx.now)); err != nil {
		return fmt.Errorf("task note: %w", err)
	}
	return nil
}
