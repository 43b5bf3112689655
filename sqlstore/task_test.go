package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/ledger"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// TestTaskLifecycle follows a work-plan task from the centre to township A and back:
// progress, supervision, completion, reopening; each side only does its part, a
// stale move conflicts, and township B never sees the task.
func TestTaskLifecycle(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			clock := db.Clock.(*zhili.FixedClock)
			tasks := sqlstore.NewTaskService(db)
			center, townA, townB := f.Ctx(t, db, "center"), f.Ctx(t, db, "townA"), f.Ctx(t, db, "townB")

			task := &zhili.Task{Title: "完成矛盾纠纷排查整治专项行动", OwnerUnitID: f.Offices[f.TownA.Code].ID, Due: "2026-03-10"}
			if err := tasks.CreateTask(center, task, "按县领导小组部署"); err != nil {
				t.Fatal(err)
			}
			if task.ID == 0 || task.State != zhili.TaskOpen || task.RegionID != f.TownA.ID || task.AssignedByUnitName == "" {
				t.Fatalf("created %+v", task)
			}
			// Township A's own user reports progress; B gets not-found, as for a ghost.
			if _, err := tasks.FindTask(townB, task.ID); zhili.ErrorCode(err) != zhili.ENOTFOUND {
				t.Fatalf("townB reads A's task: %v", err)
			}
			if _, err := tasks.AddTaskNote(townB, task.ID, zhili.TaskNoteInput{Kind: zhili.TaskNoteProgress, Text: "x", Progress: 10, State: zhili.TaskOpen}); zhili.ErrorCode(err) != zhili.ENOTFOUND {
				t.Fatalf("townB reports on A's task: %v", err)
			}
			if list, _, _ := tasks.FindTasks(townB, zhili.TaskFilter{}); len(list) != 0 {
				t.Fatalf("townB lists %d tasks", len(list))
			}
			if _, err := tasks.AddTaskNote(center, task.ID, zhili.TaskNoteInput{Kind: zhili.TaskNoteProgress, Text: "x", Progress: 10, State: zhili.TaskOpen}); zhili.ErrorCode(err) != zhili.EFORBIDDEN {
				t.Fatalf("centre reports progress for the owner: %v", err)
			}
			got, err := tasks.AddTaskNote(townA, task.ID, zhili.TaskNoteInput{Kind: zhili.TaskNoteProgress, Text: "已排查12个村", Progress: 40, State: zhili.TaskOpen})
			if err != nil || got.Progress != 40 {
				t.Fatalf("progress: %v %+v", err, got)
			}
			if _, err := tasks.AddTaskNote(townA, task.ID, zhili.TaskNoteInput{Kind: zhili.TaskNoteProgress, Text: "x", Progress: 140, State: zhili.TaskOpen}); zhili.ErrorCode(err) != zhili.EINVALID {
				t.Fatalf("progress 140: %v", err)
			}
			if _, err := tasks.AddTaskNote(townA, task.ID, zhili.TaskNoteInput{Kind: zhili.TaskNoteSupervision, Text: "x", State: zhili.TaskOpen}); zhili.ErrorCode(err) != zhili.EFORBIDDEN {
				t.Fatalf("owner supervises itself: %v", err)
			}

			// Past the deadline the task is overdue, and the supervisor (人大) writes a note.
			clock.Advance(10 * 24 * time.Hour)
			over, total, err := tasks.FindTasks(center, zhili.TaskFilter{Overdue: true})
			if err != nil || total != 1 || !over[0].Overdue {
				t.Fatalf("overdue: %v %d %+v", err, total, over)
			}
			if _, err := tasks.AddTaskNote(f.Ctx(t, db, "supervisor"), task.ID, zhili.TaskNoteInput{Kind: zhili.TaskNoteSupervision, Text: "请于本周内办结", State: zhili.TaskOpen}); err != nil {
				t.Fatal(err)
			}
			done, err := tasks.AddTaskNote(townA, task.ID, zhili.TaskNoteInput{Kind: zhili.TaskNoteDone, Text: "已全部办结", State: zhili.TaskOpen})
			if err != nil || done.State != zhili.TaskDone || done.Progress != 100 || done.DoneAt == nil || done.Overdue {
				t.Fatalf("done: %v %+v", err, done)
			}
			// A second "done" from a page loaded before: conflict, nothing written.
			if _, err := tasks.AddTaskNote(townA, task.ID, zhili.TaskNoteInput{Kind: zhili.TaskNoteDone, State: zhili.TaskOpen}); zhili.ErrorCode(err) != zhili.ECONFLICT {
				t.Fatalf("stale done: %v", err)
			}
			if _, err := tasks.AddTaskNote(townA, task.ID, zhili.TaskNoteInput{Kind: zhili.TaskNoteReopened, State: zhili.TaskDone}); zhili.ErrorCode(err) != zhili.EFORBIDDEN {
				t.Fatalf("owner reopens: %v", err)
			}
			re, err := tasks.AddTaskNote(center, task.ID, zhili.TaskNoteInput{Kind: zhili.TaskNoteReopened, Text: "材料不全", State: zhili.TaskDone})
			if err != nil || re.State != zhili.TaskOpen || re.DoneAt != nil {
				t.Fatalf("reopen: %v %+v", err, re)
			}
			notes, err := tasks.TaskNotes(center, task.ID)
			if err != nil {
				t.Fatal(err)
			}
			var kinds []zhili.TaskNoteKind
			for _, n := range notes {
				kinds = append(kinds, n.Kind)
			}
			want := []zhili.TaskNoteKind{zhili.TaskNoteCreated, zhili.TaskNoteProgress, zhili.TaskNoteSupervision, zhili.TaskNoteDone, zhili.TaskNoteReopened}
			if len(kinds) != len(want) {
				t.Fatalf("notes %v, want %v", kinds, want)
			}
			for i := range want {
				if kinds[i] != want[i] {
					t.Fatalf("notes %v, want %v", kinds, want)
				}
			}
			if notes[1].UnitName != f.Offices[f.TownA.Code].Name || notes[1].Progress != 40 {
				t.Fatalf("progress note %+v", notes[1])
			}
		})
	}
}

// TestTaskCreateRefusesBadInput names each bad field and writes nothing.
func TestTaskCreateRefusesBadInput(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			tasks := sqlstore.NewTaskService(db)
			center := f.Ctx(t, db, "center")
			err := tasks.CreateTask(center, &zhili.Task{Title: " ", Due: "2026-02-30"}, "")
			var e *zhili.Error
			if !errors.As(err, &e) || e.Code != zhili.EINVALID || len(e.Fields) != 3 {
				t.Fatalf("bad task: %v", err)
			}
			// A township operator may not set tasks, and the centre may not set one for
			// a unit that does not exist.
			if err := tasks.CreateTask(f.Ctx(t, db, "townA"), &zhili.Task{Title: "t", OwnerUnitID: f.Offices[f.TownA.Code].ID, Due: "2026-03-10"}, ""); zhili.ErrorCode(err) != zhili.EFORBIDDEN {
				t.Fatalf("township sets a task: %v", err)
			}
			if err := tasks.CreateTask(center, &zhili.Task{Title: "t", OwnerUnitID: 99999, Due: "2026-03-10"}, ""); zhili.ErrorCode(err) != zhili.EINVALID {
				t.Fatalf("ghost owner: %v", err)
			}
			if _, total, err := tasks.FindTasks(center, zhili.TaskFilter{}); err != nil || total != 0 {
				t.Fatalf("after refusals: %d tasks, %v", total, err)
			}
			if _, _, err := tasks.FindTasks(center, zhili.TaskFilter{DueFrom: "tomorrow"}); zhili.ErrorCode(err) != zhili.EINVALID {
				t.Fatalf("bad filter date: %v", err)
			}
		})
	}
}

// TestTaskTransitionsTable checks the one table of task moves.
func TestTaskTransitionsTable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		from zhili.TaskState
		note zhili.TaskNoteKind
		to   zhili.TaskState
		ok   bool
	}{
		{zhili.TaskOpen, zhili.TaskNoteProgress, zhili.TaskOpen, true},
		{zhili.TaskOpen, zhili.TaskNoteDone, zhili.TaskDone, true},
		{zhili.TaskOpen, zhili.TaskNoteCancelled, zhili.TaskCancelled, true},
		{zhili.TaskDone, zhili.TaskNoteReopened, zhili.TaskOpen, true},
		{zhili.TaskCancelled, zhili.TaskNoteReopened, zhili.TaskOpen, true},
		{zhili.TaskDone, zhili.TaskNoteProgress, "", false},
		{zhili.TaskCancelled, zhili.TaskNoteDone, "", false},
		{zhili.TaskOpen, zhili.TaskNoteReopened, "", false},
		{zhili.TaskDone, zhili.TaskNoteSupervision, "", false},
	}
	for _, c := range cases {
		to, ok := zhili.NextTaskState(c.from, c.note)
		if to != c.to || ok != c.ok {
			t.Errorf("%s + %s = %s %v, want %s %v", c.from, c.note, to, ok, c.to, c.ok)
		}
	}
}

// TestTaskLinks finds the meetings that discussed a task through their task_id
// field, within the reader's scope only.
func TestTaskLinks(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			tasks := sqlstore.NewTaskService(db)
			center := f.Ctx(t, db, "center")
			task := &zhili.Task{Title: "推进综治中心规范化建设", OwnerUnitID: f.Centers[zhili.UnitGovernanceCenter].ID, Due: "2026-06-30"}
			if err := tasks.CreateTask(center, task, ""); err != nil {
				t.Fatal(err)
			}
			ledgers := sqlstore.NewLedgerService(db, ledger.Default())
			meeting := func(ctx context.Context, region *zhili.Region, topic string, taskID int64) {
				t.Helper()
				r := &zhili.LedgerRecord{Ledger: "meetings", RegionID: region.ID, Data: map[string]any{"date": "2026-03-01", "kind": "leading_group",
					"topic": topic, "pilot_related": true, "task_id": taskID}}
				if err := ledgers.CreateLedgerRecord(ctx, r); err != nil {
					t.Fatal(err)
				}
			}
			meeting(center, f.County, "研究综治中心建设", task.ID)
			meeting(f.Ctx(t, db, "townB"), f.TownB, "东城街道部署综治中心建设", task.ID)
			meeting(center, f.County, "另一议题", task.ID+1000)
			links, err := tasks.TaskLinks(center, task.ID)
			if err != nil || len(links) != 2 || links[0].Ledger != "meetings" || links[0].LedgerLabel != "会议" {
				t.Fatalf("centre's links: %v %+v", err, links)
			}
			// The centre sees the county's meeting and township B's. Township B does not
			// see the task at all (its owner, the centre, is county-level): not found.
			if _, err := tasks.TaskLinks(f.Ctx(t, db, "townB"), task.ID); zhili.ErrorCode(err) != zhili.ENOTFOUND {
				t.Fatalf("townB: %v", err)
			}
		})
	}
}
