package http

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/zhili-project/zhili"
)

// The working calendar (节假日) and the deadline table (办理时限). Everyone with a
// region role reads them; the system administrator and the county governance
// centre change them (the store says who).

// calendarRange reads from and to, defaulting to the year holding today.
func (s *Server) calendarRange(r *http.Request) (from, to string) {
	year := s.today()[:4]
	from, to = r.URL.Query().Get("from"), r.URL.Query().Get("to")
	if from == "" {
		from = year + "-01-01"
	}
	if to == "" {
		to = year + "-12-31"
	}
	return from, to
}

func (s *Server) handleCalendarList(w http.ResponseWriter, r *http.Request) {
	from, to := s.calendarRange(r)
	days, err := s.Calendar.CalendarDays(r.Context(), from, to)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": from, "to": to, "items": nonNil(days)})
}

// calendarSet is the body of PUT /api/v1/calendar: days to add or replace, all
// or none.
type calendarSet struct {
	Days []*zhili.CalendarDay `json:"days"`
}

func (s *Server) handleCalendarSet(w http.ResponseWriter, r *http.Request) {
	var req calendarSet
	if err := decode(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.Calendar.SetCalendarDays(r.Context(), req.Days); err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": req.Days})
}

func (s *Server) handleCalendarDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.Calendar.DeleteCalendarDay(r.Context(), r.PathValue("day")); err != nil {
		s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleDeadlineRuleList(w http.ResponseWriter, r *http.Request) {
	rules, err := s.Calendar.DeadlineRules(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": nonNil(rules)})
}

func (s *Server) handleDeadlineRuleSet(w http.ResponseWriter, r *http.Request) {
	var rule zhili.DeadlineRule
	if err := decode(w, r, &rule); err != nil {
		s.Error(w, r, err)
		return
	}
	rule.ID = 0 // the key is kind, category, level and step
	if err := s.Calendar.SetDeadlineRule(r.Context(), &rule); err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rule)
}

func (s *Server) handleDeadlineRuleDelete(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r, "id")
	if err == nil {
		err = s.Calendar.DeleteDeadlineRule(r.Context(), id)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// parseCalendarForm reads the calendar page's add form: a day, or a range of days
// from day to until, with the same kind and name.
func parseCalendarForm(r *http.Request) ([]*zhili.CalendarDay, error) {
	day, until, name := r.FormValue("day"), r.FormValue("until"), r.FormValue("name")
	workday := r.FormValue("workday") == "true"
	from, err := time.Parse(zhili.DayLayout, day)
	if err != nil {
		return nil, zhili.Invalid("Bad date.", zhili.FieldError{Field: "day", Code: "malformed", Reason: fmt.Sprintf("%q is not a date like 2026-10-01", day)})
	}
	to := from
	if until != "" {
		if to, err = time.Parse(zhili.DayLayout, until); err != nil || to.Before(from) || to.Sub(from) > 60*24*time.Hour {
			return nil, zhili.Invalid("Bad date.", zhili.FieldError{Field: "until", Code: "out_of_range", Reason: "until is a date on or after day, at most 60 days later"})
		}
	}
	var days []*zhili.CalendarDay
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		days = append(days, &zhili.CalendarDay{Day: d.Format(zhili.DayLayout), Workday: workday, Name: name})
	}
	return days, nil
}

// ruleFromForm reads the deadline page's form.
func ruleFromForm(r *http.Request) (*zhili.DeadlineRule, error) {
	rule := &zhili.DeadlineRule{Kind: zhili.CaseKind(r.FormValue("kind")), Category: r.FormValue("category"), Step: r.FormValue("step"), Note: r.FormValue("note")}
	var bad []zhili.FieldError
	if v := r.FormValue("level"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			bad = append(bad, zhili.FieldError{Field: "level", Code: "malformed", Reason: "level is a number"})
		}
		rule.Level = zhili.RegionLevel(n)
	}
	n, err := strconv.Atoi(r.FormValue("working_days"))
	if err != nil {
		bad = append(bad, zhili.FieldError{Field: "working_days", Code: "malformed", Reason: "working_days is a whole number"})
	}
	rule.Days = n
	if len(bad) > 0 {
		return nil, zhili.Invalid("The deadline rule is not valid.", bad...)
	}
	return rule, nil
}
