package http

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/zhili-project/zhili"
)

func (s *Server) taskPageRoutes() {
	s.mux.HandleFunc("GET /tasks", s.handleTaskListPage)
	s.mux.HandleFunc("POST /tasks", s.handleTaskCreateForm)
	s.mux.HandleFunc("GET /tasks/{id}", s.handleTaskPage)
	s.mux.HandleFunc("POST /tasks/{id}/notes", s.handleTaskNoteForm)
}

// taskListPage is the data of the work-plan page.
type taskListPage struct {
	Items      []*zhili.Task
	Total      int
	Filters    url.Values
	Prev, Next string
	// Owners are the units a task may be given to, for the create form; empty when
	// the user may not set tasks.
	Owners []*zhili.Unit
	Values url.Values
	Errs   map[string]string
}

// taskOwnerKinds are the units that own work-plan tasks: groups, departments,
// centres and the offices of townships and villages.
var taskOwnerKinds = map[zhili.UnitKind]bool{zhili.UnitSpecialGroup: true, zhili.UnitDepartment: true, zhili.UnitOffice: true,
	zhili.UnitGovernanceCenter: true, zhili.UnitMediationCenter: true, zhili.UnitLegalServiceCenter: true}

func (s *Server) taskList(r *http.Request, a *zhili.Actor, p *taskListPage) error {
	q := r.URL.Query()
	p.Filters = url.Values{}
	for _, k := range []string{"state", "overdue", "region", "due_from", "due_to"} {
		if v := q.Get(k); v != "" {
			p.Filters.Set(k, v)
		}
	}
	f, err := s.taskFilter(r, q)
	if err != nil {
		return err
	}
	if f.Offset, err = intParam(q.Get("offset"), "offset", 0); err != nil {
		return err
	}
	f.Limit = pageSize
	if p.Items, p.Total, err = s.Tasks.FindTasks(r.Context(), f); err != nil {
		return err
	}
	link := func(offset int) string {
		v := url.Values{}
		for k := range p.Filters {
			v.Set(k, p.Filters.Get(k))
		}
		v.Set("offset", strconv.Itoa(offset))
		return "/tasks?" + v.Encode()
	}
	if f.Offset > 0 {
		p.Prev = link(max(f.Offset-pageSize, 0))
	}
	if f.Offset+pageSize < p.Total {
		p.Next = link(f.Offset + pageSize)
	}
	if a.Can(zhili.ActTaskAssign) {
		units, _, err := s.Units.FindUnits(r.Context(), zhili.UnitFilter{Limit: 1000})
		if err != nil {
			return err
		}
		for _, u := range units {
			if taskOwnerKinds[u.Kind] && u.Retired == nil {
				p.Owners = append(p.Owners, u)
			}
		}
	}
	return nil
}

func (s *Server) handleTaskListPage(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requirePage(w, r)
	if !ok {
		return
	}
	p := taskListPage{Values: url.Values{}, Errs: map[string]string{}}
	if err := s.taskList(r, a, &p); err != nil {
		if zhili.ErrorCode(err) != zhili.EINVALID {
			s.Error(w, r, err)
			return
		}
		msg, errs := zhError(err)
		p.Errs = errs
		s.render(w, r, http.StatusBadRequest, "task_list.html", page{Title: "工作任务", Error: msg, Data: p})
		return
	}
	s.render(w, r, http.StatusOK, "task_list.html", page{Title: "工作任务", Data: p})
}

func (s *Server) handleTaskCreateForm(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requirePage(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "表单无法解析。")
		return
	}
	owner, _ := strconv.ParseInt(r.PostForm.Get("owner_unit_id"), 10, 64)
	t := &zhili.Task{Title: r.PostForm.Get("title"), Detail: r.PostForm.Get("detail"), OwnerUnitID: owner, Due: r.PostForm.Get("due")}
	err := s.Tasks.CreateTask(r.Context(), t, r.PostForm.Get("note"))
	if err == nil {
		http.Redirect(w, r, "/tasks/"+strconv.FormatInt(t.ID, 10), http.StatusSeeOther)
		return
	}
	if c := zhili.ErrorCode(err); c != zhili.EINVALID && c != zhili.EFORBIDDEN {
		s.Error(w, r, err)
		return
	}
	p := taskListPage{Values: r.PostForm, Errs: map[string]string{}}
	if lerr := s.taskList(r, a, &p); lerr != nil {
		s.Error(w, r, lerr)
		return
	}
	msg := "您的角色无权下达任务。"
	if zhili.ErrorCode(err) == zhili.EINVALID {
		msg = "填写有误，请检查标出的项目。"
		for _, f := range zhili.ErrorFields(err) {
			p.Errs[f.Field] = f.Reason
		}
	}
	s.render(w, r, http.StatusBadRequest, "task_list.html", page{Title: "工作任务", Error: msg, Data: p})
}

// taskPage is the data of one task's page.
type taskPage struct {
	Task  *zhili.Task
	Notes []*zhili.TaskNote
	Links []*zhili.TaskLink
	// May lists the notes the user may add now.
	May  map[zhili.TaskNoteKind]bool
	Errs map[string]string
}

func (s *Server) handleTaskPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.taskPage(w, r, id, http.StatusOK, "", nil)
}

func (s *Server) taskPage(w http.ResponseWriter, r *http.Request, id int64, status int, msg string, errs map[string]string) {
	a := zhili.ActorFromContext(r.Context())
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
	p := taskPage{Task: t, Notes: notes, Links: links, May: map[zhili.TaskNoteKind]bool{}, Errs: errs}
	for _, tr := range zhili.TaskTransitions {
		if tr.From != t.State {
			continue
		}
		switch tr.Note {
		case zhili.TaskNoteProgress, zhili.TaskNoteDone:
			p.May[tr.Note] = a.Can(zhili.ActBusinessWrite) && a.UnitID == t.OwnerUnitID
		case zhili.TaskNoteSupervision:
			p.May[tr.Note] = a.Can(zhili.ActTaskSupervise)
		default:
			p.May[tr.Note] = a.Can(zhili.ActTaskAssign)
		}
	}
	s.render(w, r, status, "task_view.html", page{Title: t.Title, Error: msg, Data: p})
}

func (s *Server) handleTaskNoteForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	id, err := idParam(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "表单无法解析。")
		return
	}
	progress, _ := strconv.Atoi(r.PostForm.Get("progress"))
	in := zhili.TaskNoteInput{Kind: zhili.TaskNoteKind(r.PostForm.Get("kind")), Text: r.PostForm.Get("text"),
		Progress: progress, State: zhili.TaskState(r.PostForm.Get("state"))}
	_, err = s.Tasks.AddTaskNote(r.Context(), id, in)
	switch zhili.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/tasks/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	case zhili.EINVALID:
		errs := map[string]string{}
		for _, f := range zhili.ErrorFields(err) {
			errs[f.Field] = f.Reason
		}
		s.taskPage(w, r, id, http.StatusBadRequest, "填写有误，请检查标出的项目。", errs)
	case zhili.ECONFLICT:
		s.taskPage(w, r, id, http.StatusConflict, "任务状态已经变化（可能有人刚刚处理过），请查看最新状态后重试。", nil)
	case zhili.EFORBIDDEN:
		s.taskPage(w, r, id, http.StatusForbidden, "您的角色或单位无权执行此操作。", nil)
	default:
		s.Error(w, r, err)
	}
}
