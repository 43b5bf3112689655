package http

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/zhili-project/zhili"
)

// taskFilter reads the list filters shared by the API and the page.
func (s *Server) taskFilter(r *http.Request, q url.Values) (zhili.TaskFilter, error) {
	var f zhili.TaskFilter
	if v := q.Get("state"); v != "" {
		st := zhili.TaskState(v)
		if st != zhili.TaskOpen && st != zhili.TaskDone && st != zhili.TaskCancelled {
			return f, zhili.Invalid("Unknown state.", zhili.FieldError{Field: "state", Code: "unknown_state", Reason: "open, done or cancelled"})
		}
		f.State = &st
	}
	if v := q.Get("owner_unit_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return f, zhili.Invalid("Bad unit id.", zhili.FieldError{Field: "owner_unit_id", Code: "malformed", Reason: "not a number"})
		}
		f.OwnerUnitID = &id
	}
	if code := q.Get("region"); code != "" {
		reg, err := s.Regions.FindRegionByCode(r.Context(), code)
		if err != nil {
			return f, err
		}
		f.Under = &reg.ID
	}
	f.DueFrom, f.DueTo = q.Get("due_from"), q.Get("due_to")
	f.Overdue = q.Get("overdue") == "1" || q.Get("overdue") == "true"
	return f, nil
}

func (s *Server) handleTaskList(w http.ResponseWriter, r *http.Request) {
	f, err := s.taskFilter(r, r.URL.Query())
	if err == nil {
		f.Offset, f.Limit, err = paging(r)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	items, total, err := s.Tasks.FindTasks(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listResponse[*zhili.Task]{Items: nonNil(items), Total: total, Offset: f.Offset, Limit: f.Limit})
}

// taskCreate is the body of POST /api/v1/tasks.
type taskCreate struct {
	Title       string `json:"title"`
	Detail      string `json:"detail"`
	OwnerUnitID int64  `json:"owner_unit_id"`
	Due         string `json:"due"`
	Note        string `json:"note"`
}

func (s *Server) handleTaskCreate(w http.ResponseWriter, r *http.Request) {
	var req taskCreate
	if err := decode(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	t := &zhili.Task{Title: req.Title, Detail: req.Detail, OwnerUnitID: req.OwnerUnitID, Due: req.Due}
	if err := s.Tasks.CreateTask(r.Context(), t, req.Note); err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, t)
}

// taskWithNotes is a task and its history, as GET /api/v1/tasks/{id} returns it.
type taskWithNotes struct {
	*zhili.Task
	Notes []*zhili.TaskNote `json:"notes"`
	// Links are the meetings and inspections that name the task.
	Links []*zhili.TaskLink `json:"links"`
}

func (s *Server) handleTaskGet(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	t, err := s.Tasks.FindTask(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	notes, err := s.Tasks.TaskNotes(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	links, err := s.Tasks.TaskLinks(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, taskWithNotes{Task: t, Notes: nonNil(notes), Links: links})
}

func (s *Server) handleTaskNote(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var in zhili.TaskNoteInput
	if err := decode(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	t, err := s.Tasks.AddTaskNote(r.Context(), id, in)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}
