package zhili

import (
	"context"
	"time"
)

// TaskState is where a work-plan task (工作任务) stands. The allowed moves are
// TaskTransitions; each is compare-and-set in the store.
type TaskState string

// Task states.
const (
	// TaskOpen (进行中): a new task, or one reopened; the owner reports progress on it.
	// Leaves by being completed or cancelled.
	TaskOpen TaskState = "open"
	// TaskDone (已完成): the owner reported it done (progress 100). Leaves only by
	// being reopened by the assigning side.
	TaskDone TaskState = "done"
	// TaskCancelled (已撤销): withdrawn by the assigning side; reopening brings it back.
	TaskCancelled TaskState = "cancelled"
)

// Label is the state's Chinese name.
func (s TaskState) Label() string {
	switch s {
	case TaskOpen:
		return "进行中"
	case TaskDone:
		return "已完成"
	case TaskCancelled:
		return "已撤销"
	}
	return string(s)
}

// TaskNoteKind says what a line of a task's history is.
type TaskNoteKind string

// Kinds of task notes.
const (
	TaskNoteCreated     TaskNoteKind = "created"     // 下达任务
	TaskNoteProgress    TaskNoteKind = "progress"    // 进展报告, by the owner
	TaskNoteSupervision TaskNoteKind = "supervision" // 督办意见, by a leader, the centre or a supervisor
	TaskNoteDone        TaskNoteKind = "done"        // 办结, by the owner
	TaskNoteCancelled   TaskNoteKind = "cancelled"   // 撤销, by the assigning side
	TaskNoteReopened    TaskNoteKind = "reopened"    // 重新打开, by the assigning side
)

// Label is the note kind's Chinese name.
func (k TaskNoteKind) Label() string {
	switch k {
	case TaskNoteCreated:
		return "下达任务"
	case TaskNoteProgress:
		return "进展报告"
	case TaskNoteSupervision:
		return "督办意见"
	case TaskNoteDone:
		return "办结"
	case TaskNoteCancelled:
		return "撤销"
	case TaskNoteReopened:
		return "重新打开"
	}
	return string(k)
}

// TaskTransitions is the one table of task state moves: the note kind that makes
// the move, the state it starts from and the state it ends in. Progress and
// supervision notes keep the state (open only).
var TaskTransitions = []struct {
	Note     TaskNoteKind
	From, To TaskState
}{
	{TaskNoteProgress, TaskOpen, TaskOpen},
	{TaskNoteSupervision, TaskOpen, TaskOpen},
	{TaskNoteDone, TaskOpen, TaskDone},
	{TaskNoteCancelled, TaskOpen, TaskCancelled},
	{TaskNoteReopened, TaskDone, TaskOpen},
	{TaskNoteReopened, TaskCancelled, TaskOpen},
}

// NextTaskState returns the state a note moves a task to from state from, and
// false when that note is not allowed there.
func NextTaskState(from TaskState, note TaskNoteKind) (TaskState, bool) {
	for _, t := range TaskTransitions {
		if t.Note == note && t.From == from {
			return t.To, true
		}
	}
	return "", false
}

// Task is one item of the leading group's work plan (督查督办): what is to be done,
// by which unit, by when, and how far it has come.
type Task struct {
	ID     int64  `json:"id"`
	Title  string `json:"title"`
	Detail string `json:"detail,omitempty"`
	// OwnerUnitID is the unit responsible (a special group, department or township
	// office); the task lies in that unit's region, which bounds who sees it.
	OwnerUnitID   int64  `json:"owner_unit_id"`
	OwnerUnitName string `json:"owner_unit_name"`
	RegionID      int64  `json:"region_id"`
	// AssignedByUnitID is the unit that set the task; it may cancel and reopen it.
	AssignedByUnitID   int64  `json:"assigned_by_unit_id"`
	AssignedByUnitName string `json:"assigned_by_unit_name"`
	// Due is the deadline, a China calendar day ("2026-06-30").
	Due      string    `json:"due"`
	State    TaskState `json:"state"`
	Progress int       `json:"progress"` // 0–100, from the latest progress report
	// Overdue is computed when read: open and past its due day.
	Overdue   bool       `json:"overdue"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	DoneAt    *time.Time `json:"done_at,omitempty"`
}

// TaskNote is one line of a task's history.
type TaskNote struct {
	ID       int64        `json:"id"`
	TaskID   int64        `json:"task_id"`
	Kind     TaskNoteKind `json:"kind"`
	Text     string       `json:"text"`
	Progress int          `json:"progress"`
	UserID   int64        `json:"user_id,omitempty"`
	UserName string       `json:"user_name"`
	UnitName string       `json:"unit_name,omitempty"`
	At       time.Time    `json:"at"`
}

// TaskLink is a ledger record that names the task: a meeting that discussed it or an
// oversight inspection that looked at it (their field task_id).
type TaskLink struct {
	Ledger      string `json:"ledger"`
	LedgerLabel string `json:"ledger_label"`
	RecordID    int64  `json:"record_id"`
	Date        string `json:"date"`
	Topic       string `json:"topic"`
	RegionName  string `json:"region_name"`
}

// TaskLedgers are the ledgers whose records may name a task in their task_id field.
var TaskLedgers = []struct{ Name, Label string }{{"meetings", "会议"}, {"oversight", "人大政协监督"}}

// TaskFilter selects tasks; zero fields do not filter.
type TaskFilter struct {
	ID          *int64
	State       *TaskState
	OwnerUnitID *int64
	// Under limits to tasks whose region lies in this region's subtree.
	Under *int64
	// DueFrom and DueTo bound the due day, inclusive ("2026-06-01").
	DueFrom, DueTo string
	// Overdue keeps open tasks whose due day has passed.
	Overdue       bool
	Offset, Limit int
}

// TaskNoteInput is a note to add: its kind, text and, for progress, the percentage.
type TaskNoteInput struct {
	Kind     TaskNoteKind `json:"kind"`
	Text     string       `json:"text"`
	Progress int          `json:"progress"`
	// State is the state the caller saw; the move is refused with ECONFLICT if the
	// task has moved on since.
	State TaskState `json:"state"`
}

// TaskService keeps the work plan's tasks, within the caller's scope.
type TaskService interface {
	// CreateTask sets a task for a unit in scope. EINVALID names the bad field;
	// EFORBIDDEN unless the role may assign tasks.
	CreateTask(ctx context.Context, t *Task, note string) error
	// FindTask returns a task in scope. ENOTFOUND if absent or out of scope.
	FindTask(ctx context.Context, id int64) (*Task, error)
	// FindTasks lists tasks in scope, the nearest deadline first, and the total.
	FindTasks(ctx context.Context, f TaskFilter) ([]*Task, int, error)
	// TaskLinks lists the meetings and inspections in scope that name the task.
	TaskLinks(ctx context.Context, id int64) ([]*TaskLink, error)
	// TaskNotes returns a task's history, oldest first.
	TaskNotes(ctx context.Context, id int64) ([]*TaskNote, error)
	// AddTaskNote reports progress, supervises, completes, cancels or reopens a task.
	// ECONFLICT when the task is no longer in in.State; EFORBIDDEN when the caller's
	// side may not add this kind of note.
	AddTaskNote(ctx context.Context, id int64, in TaskNoteInput) (*Task, error)
}
