package http

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// tasksB holds, per test environment, a work-plan task owned by township B's
// office: the record the access rows of the task routes call.
var tasksB sync.Map

// taskB returns township B's task, setting it on first use.
func (e *testEnv) taskB() int64 {
	if v, ok := tasksB.Load(e); ok {
		return v.(int64)
	}
	t := &zhili.Task{Title: "东城街道矛盾纠纷大排查", OwnerUnitID: e.f.Offices[e.f.TownB.Code].ID, Due: "2026-03-20"}
	if err := sqlstore.NewTaskService(e.db).CreateTask(storetest.System(), t, ""); err != nil {
		panic(err)
	}
	tasksB.Store(e, t.ID)
	return t.ID
}

// TestTaskAPIAndPages sets a task through the API as the centre, reports on it
// through the page form as the owner township, and reads the history back.
func TestTaskAPIAndPages(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, d)
			center, townPage := e.login(t, "center"), e.pageUser(t, "townA")
			status, body := e.do(t, center, "POST", "/api/v1/tasks", map[string]any{
				"title": "青山镇平安建设专项督查", "owner_unit_id": e.f.Offices[e.f.TownA.Code].ID, "due": "2026-03-31", "note": "县领导小组交办"})
			if status != http.StatusCreated {
				t.Fatalf("create: %d %s", status, body)
			}
			var task zhili.Task
			json.Unmarshal(body, &task)
			// A bad date names the field.
			status, body = e.do(t, center, "POST", "/api/v1/tasks", map[string]any{"title": "x", "owner_unit_id": task.OwnerUnitID, "due": "31/03/2026"})
			if status != http.StatusBadRequest || !strings.Contains(string(body), `"due"`) {
				t.Fatalf("bad due: %d %s", status, body)
			}
			// The owner reports progress through the page's form and is sent back to the task.
			form := url.Values{"kind": {"progress"}, "state": {"open"}, "text": {"已完成镇村两级排查"}, "progress": {"60"}}
			status, _, hdr := post(t, townPage, fmt.Sprintf("%s/tasks/%d/notes", e.srv.URL, task.ID), form)
			if status != http.StatusSeeOther || hdr.Get("Location") != fmt.Sprintf("/tasks/%d", task.ID) {
				t.Fatalf("progress form: %d %v", status, hdr)
			}
			status, page, _ := get(t, townPage, fmt.Sprintf("%s/tasks/%d", e.srv.URL, task.ID))
			if status != http.StatusOK || !strings.Contains(page, "已完成镇村两级排查") || !strings.Contains(page, "60%") {
				t.Fatalf("task page: %d %.1500s", status, page)
			}
			// The same form posted again from a stale page after completion conflicts.
			if status, _ := e.do(t, e.login(t, "townA"), "POST", fmt.Sprintf("/api/v1/tasks/%d/notes", task.ID), map[string]any{"kind": "done", "state": "open"}); status != http.StatusOK {
				t.Fatalf("done: %d", status)
			}
			if status, _, _ = post(t, townPage, fmt.Sprintf("%s/tasks/%d/notes", e.srv.URL, task.ID), form); status != http.StatusConflict {
				t.Fatalf("stale form: %d", status)
			}
			status, body = e.do(t, center, "GET", fmt.Sprintf("/api/v1/tasks/%d", task.ID), nil)
			var got taskWithNotes
			json.Unmarshal(body, &got)
			if status != http.StatusOK || got.State != zhili.TaskDone || len(got.Notes) != 3 {
				t.Fatalf("get: %d %s", status, body)
			}
			// The list page shows it to the centre, with the form to set tasks.
			status, page, _ = get(t, e.pageUser(t, "center"), e.srv.URL+"/tasks?state=done")
			if status != http.StatusOK || !strings.Contains(page, "青山镇平安建设专项督查") || !strings.Contains(page, "下达任务") {
				t.Fatalf("list page: %d", status)
			}
		})
	}
}
