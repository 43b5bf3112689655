package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/zhili-project/zhili"
)

// mayNote says whether the actor's side may add this kind of note to t: the owner
// unit reports progress and completes; the assigning side (a role that sets tasks)
// cancels and reopens; leaders, the centre and supervisors write supervision notes.
func mayNote(a *zhili.Actor, t *zhili.Task, kind zhili.TaskNoteKind) error {
	if a.System {
		return nil
	}
	switch kind {
	case zhili.TaskNoteProgress, zhili.TaskNoteDone:
		if a.Can(zhili.ActBusinessWrite) && a.UnitID == t.OwnerUnitID {
			return nil
		}
		return zhili.Errorf(zhili.EFORBIDDEN, "Only the owner unit reports progress on a task.")
	case zhili.TaskNoteSupervision:
		return a.Require(zhili.ActTaskSupervise)
	case zhili.TaskNoteCancelled, zhili.TaskNoteReopened:
		return a.Require(zhili.ActTaskAssign)
	}
	return zhili.Invalid("Unknown note kind.", zhili.FieldError{Field: "kind", Code: "unknown_kind", Reason: fmt.Sprintf("unknown note kind %q", kind)})
}

// AddTaskNote adds a note and makes the state move it implies, compare-and-set on
// the state the caller saw.
func (s *TaskService) AddTaskNote(ctx context.Context, id int64, in zhili.TaskNoteInput) (*zhili.Task, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	t, err := s.FindTask(ctx, id) // scope: out of scope is not found
	if err != nil {
		return nil, err
	}
	in.Text = strings.TrimSpace(in.Text)
	var bad []zhili.FieldError
	if in.Kind == zhili.TaskNoteCreated {
		bad = append(bad, zhili.FieldError{Field: "kind", Code: "unknown_kind", Reason: "a task is created once"})
	}
	if (in.Kind == zhili.TaskNoteProgress || in.Kind == zhili.TaskNoteSupervision) && in.Text == "" {
		bad = append(bad, zhili.FieldError{Field: "text", Code: "required", Reason: "内容必填"})
	}
	if utf8.RuneCountInString(in.Text) > 2000 {
		bad = append(bad, zhili.FieldError{Field: "text", Code: "too_long", Reason: "内容不超过2000字"})
	}
	if in.Kind == zhili.TaskNoteDone {
		in.Progress = 100
	}
	if in.Kind == zhili.TaskNoteProgress && (in.Progress < 0 || in.Progress > 100) {
		bad = append(bad, zhili.FieldError{Field: "progress", Code: "out_of_range", Reason: "进度为0–100"})
	}
	if in.State == "" {
		bad = append(bad, zhili.FieldError{Field: "state", Code: "required", Reason: "the state you saw, for the compare-and-set"})
	}
	if len(bad) > 0 {
		return nil, zhili.Invalid("The note is not valid.", bad...)
	}
	if err := mayNote(a, t, in.Kind); err != nil {
		return nil, err
	}
	to, ok := zhili.NextTaskState(in.State, in.Kind)
	if !ok {
		if _, fromCurrent := zhili.NextTaskState(t.State, in.Kind); fromCurrent || in.State != t.State {
			return nil, zhili.Errorf(zhili.ECONFLICT, "The task is %s now; reload it.", t.State.Label())
		}
		return nil, zhili.Errorf(zhili.ECONFLICT, "A task that is %s cannot take this note.", t.State.Label())
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	set, args := "state = ?, updated_at = ?", []any{string(to), ts(tx.now)}
	switch in.Kind {
	case zhili.TaskNoteProgress, zhili.TaskNoteDone:
		set, args = set+", progress = ?", append(args, in.Progress)
	}
	switch to {
	case zhili.TaskDone:
		set, args = set+", done_at = ?", append(args, ts(tx.now))
	case zhili.TaskOpen:
		set += ", done_at = NULL"
	}
	res, err := tx.exec(ctx, `UPDATE tasks SET `+set+` WHERE id = ? AND state = ?`, append(args, id, string(in.State))...)
	if err != nil {
		return nil, fmt.Errorf("update task: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, zhili.Errorf(zhili.ECONFLICT, "The task has changed since you loaded it; reload it.")
	}
	if err := tx.taskNote(ctx, a, id, in.Kind, in.Text, in.Progress); err != nil {
		return nil, err
	}
	if err := tx.audit(ctx, a, "task."+string(in.Kind), "task", id, map[string]any{"from": in.State, "to": to, "progress": in.Progress}); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return s.FindTask(ctx, id)
}
