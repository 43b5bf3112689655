package http

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/zhili-project/zhili"
)

// calendarPage is the data of the calendar and deadline page.
type calendarPage struct {
	Year    int
	Days    []*zhili.CalendarDay
	Rules   []ruleRow
	CanEdit bool
	Steps   any
	Levels  []levelOption
	// Values refills the form that failed.
	Values url.Values
}

// ruleRow is a deadline rule with its Chinese names.
type ruleRow struct {
	*zhili.DeadlineRule
	KindName, CategoryName, LevelName, StepName string
}

type levelOption struct {
	Level int
	Label string
}

// calendarMessages are the confirmations a redirect may ask the page to show;
// only these, so the query cannot put text on the page.
var calendarMessages = map[string]string{
	"days": "节假日设置已保存。", "day_deleted": "已删除该日期，恢复按周一至周五计算。",
	"rule": "办理时限已保存，此后开始的环节按新时限计算。", "rule_deleted": "已删除该时限规则。",
}

// calendarPageData loads the page for a year.
func (s *Server) calendarPageData(r *http.Request, year int) (*calendarPage, error) {
	ctx := r.Context()
	p := &calendarPage{Year: year, Steps: zhili.DeadlineSteps, Values: url.Values{}}
	y := strconv.Itoa(year)
	days, err := s.Calendar.CalendarDays(ctx, y+"-01-01", y+"-12-31")
	if err != nil {
		return nil, err
	}
	p.Days = days
	rules, err := s.Calendar.DeadlineRules(ctx)
	if err != nil {
		return nil, err
	}
	for _, rule := range rules {
		row := ruleRow{DeadlineRule: rule, KindName: "全部", CategoryName: "全部", LevelName: "全部", StepName: zhili.StepLabel(rule.Step)}
		if rule.Kind != "" {
			row.KindName = rule.Kind.Label()
		}
		if rule.Category != "" {
			row.CategoryName = categoryLabel(rule.Kind, rule.Category)
		}
		if rule.Level != 0 {
			row.LevelName = rule.Level.Label()
		}
		p.Rules = append(p.Rules, row)
	}
	// ?edit=ID fills the rule form with that rule, to change its days or note.
	if id, err := strconv.ParseInt(r.URL.Query().Get("edit"), 10, 64); err == nil {
		for _, rule := range rules {
			if rule.ID == id {
				p.Values = url.Values{"kind": {string(rule.Kind)}, "category": {rule.Category}, "level": {strconv.Itoa(int(rule.Level))},
					"step": {rule.Step}, "working_days": {strconv.Itoa(rule.Days)}, "note": {rule.Note}}
			}
		}
	}
	for _, l := range []zhili.RegionLevel{zhili.LevelCounty, zhili.LevelTownship, zhili.LevelVillage} {
		p.Levels = append(p.Levels, levelOption{int(l), l.Label()})
	}
	if a := zhili.ActorFromContext(ctx); a != nil {
		p.CanEdit = a.Role == zhili.RoleSysadmin || a.Role == zhili.RoleCenter
	}
	return p, nil
}

// pageYear reads the year parameter, defaulting to this year.
func (s *Server) pageYear(r *http.Request) int {
	y, _ := strconv.Atoi(s.today()[:4])
	if v, err := strconv.Atoi(r.FormValue("year")); err == nil && v >= 2000 && v <= 2100 {
		y = v
	}
	return y
}

func (s *Server) handleCalendarPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	p, err := s.calendarPageData(r, s.pageYear(r))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "rhythm_calendar.html", page{Title: "节假日与办理时限", Message: calendarMessages[r.URL.Query().Get("ok")], Data: p})
}

// calendarFailed shows the page again with the failed form's values and why.
func (s *Server) calendarFailed(w http.ResponseWriter, r *http.Request, err error) {
	code := zhili.ErrorCode(err)
	if code != zhili.EINVALID && code != zhili.EFORBIDDEN && code != zhili.ENOTFOUND {
		s.Error(w, r, err)
		return
	}
	p, perr := s.calendarPageData(r, s.pageYear(r))
	if perr != nil {
		s.Error(w, r, perr)
		return
	}
	p.Values = r.PostForm
	msg := rhythmError(err)
	switch code {
	case zhili.EFORBIDDEN:
		msg = "只有系统管理员或县级综治中心可以修改节假日和办理时限。"
	case zhili.ENOTFOUND:
		msg = "该日期或规则不存在（可能已被删除）。"
	}
	s.render(w, r, ErrorStatus(code), "rhythm_calendar.html", page{Title: "节假日与办理时限", Error: msg, Data: p})
}

func (s *Server) handleCalendarForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.Error(w, r, zhili.Invalid("Bad form."))
		return
	}
	days, err := parseCalendarForm(r)
	if err == nil {
		err = s.Calendar.SetCalendarDays(r.Context(), days)
	}
	if err != nil {
		s.calendarFailed(w, r, err)
		return
	}
	redirectWith(w, r, "/rhythm/calendar", "ok", "days")
}

func (s *Server) handleCalendarDeleteForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	r.ParseForm()
	if err := s.Calendar.DeleteCalendarDay(r.Context(), r.PathValue("day")); err != nil {
		s.calendarFailed(w, r, err)
		return
	}
	redirectWith(w, r, "/rhythm/calendar", "ok", "day_deleted")
}

func (s *Server) handleDeadlineForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.Error(w, r, zhili.Invalid("Bad form."))
		return
	}
	rule, err := ruleFromForm(r)
	if err == nil {
		err = s.Calendar.SetDeadlineRule(r.Context(), rule)
	}
	if err != nil {
		s.calendarFailed(w, r, err)
		return
	}
	redirectWith(w, r, "/rhythm/calendar", "ok", "rule")
}

func (s *Server) handleDeadlineDeleteForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	r.ParseForm()
	id, err := idParam(r, "id")
	if err == nil {
		err = s.Calendar.DeleteDeadlineRule(r.Context(), id)
	}
	if err != nil {
		s.calendarFailed(w, r, err)
		return
	}
	redirectWith(w, r, "/rhythm/calendar", "ok", "rule_deleted")
}
