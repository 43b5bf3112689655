package http

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/zhili-project/zhili"
)

// rhythmPageRoutes registers the pages of the rhythm: the phone sweep, the lists,
// the calendar and the scheduler's runs.
func (s *Server) rhythmPageRoutes() {
	s.mux.HandleFunc("GET /m/sweep", s.handleSweepPage)
	s.mux.HandleFunc("POST /m/sweep", s.handleSweepForm)
	s.mux.HandleFunc("GET /rhythm/missing", s.handleMissingPage)
	s.mux.HandleFunc("GET /rhythm/weekly", s.handleWeeklyPage)
	s.mux.HandleFunc("GET /rhythm/visits", s.handleVisitsPage)
	s.mux.HandleFunc("GET /rhythm/dispatch", s.handleDispatchPage)
	s.mux.HandleFunc("GET /rhythm/bulletin", s.handleBulletinPage)
	s.mux.HandleFunc("GET /rhythm/calendar", s.handleCalendarPage)
	s.mux.HandleFunc("POST /rhythm/calendar", s.handleCalendarForm)
	s.mux.HandleFunc("POST /rhythm/calendar/{day}/delete", s.handleCalendarDeleteForm)
	s.mux.HandleFunc("POST /rhythm/deadlines", s.handleDeadlineForm)
	s.mux.HandleFunc("POST /rhythm/deadlines/{id}/delete", s.handleDeadlineDeleteForm)
	s.mux.HandleFunc("GET /rhythm/jobs", s.handleJobRunsPage)
}

// rhythmFilter is the region and period picker every list page shows.
type rhythmFilter struct {
	Action  string // the page's own path
	Under   string // the chosen region's code
	Region  *zhili.Region
	Regions []*zhili.Region // the caller's area and the townships under it
	// Field and Value are the period input: day, on, week or month.
	Field, Value, Label, Input string
}

// rhythmList is the data of a list page: the picker and the list.
type rhythmList struct {
	Filter rhythmFilter
	Items  any
	Extra  any
}

// listFilter reads under and the period parameter of a list page; it answers
// with an error page itself when it fails and returns false.
func (s *Server) listFilter(w http.ResponseWriter, r *http.Request, action, field, label, input, def string) (rhythmFilter, bool) {
	a, ok := s.requirePage(w, r)
	if !ok {
		return rhythmFilter{}, false
	}
	ctx := r.Context()
	f := rhythmFilter{Action: action, Field: field, Label: label, Input: input, Value: r.URL.Query().Get(field)}
	if f.Value == "" {
		f.Value = def
	}
	reg, err := s.underRegion(ctx, r.URL.Query().Get("under"))
	if err != nil {
		s.Error(w, r, err)
		return f, false
	}
	f.Region, f.Under = reg, reg.Code
	if scope, err := s.Regions.FindRegion(ctx, a.ScopeRegionID); err == nil {
		f.Regions = append(f.Regions, scope)
		if scope.Level < zhili.LevelTownship {
			lvl := zhili.LevelTownship
			towns, _, _ := s.Regions.FindRegions(ctx, zhili.RegionFilter{Under: &scope.ID, Level: &lvl, Limit: 300})
			f.Regions = append(f.Regions, towns...)
		}
	}
	return f, true
}

// listError shows a list page with a bad parameter's message, or the error page
// for anything else.
func (s *Server) listError(w http.ResponseWriter, r *http.Request, name, title string, f rhythmFilter, err error) {
	if zhili.ErrorCode(err) != zhili.EINVALID {
		s.Error(w, r, err)
		return
	}
	msg := rhythmError(err)
	s.render(w, r, http.StatusBadRequest, name, page{Title: title, Error: msg, Data: rhythmList{Filter: f}})
}

// dayAt is noon of a China-time day, or an EINVALID naming field.
func dayAt(day, field string) (time.Time, error) {
	t, err := time.ParseInLocation(zhili.DayLayout, day, zhili.ChinaTime)
	if err != nil {
		return t, zhili.Invalid("Bad date.", zhili.FieldError{Field: field, Code: "malformed", Reason: fmt.Sprintf("%q is not a date like 2026-03-02", day)})
	}
	return t.Add(12 * time.Hour), nil
}

// missingPage is the data of the missing-sweeps page: who has not filed, and
// what was filed.
type missingPage struct {
	Missing []*zhili.MissingCheck
	Filed   []*zhili.FiledCheck
	Zero    int
}

func (s *Server) handleMissingPage(w http.ResponseWriter, r *http.Request) {
	const title = "日排查未报"
	f, ok := s.listFilter(w, r, "/rhythm/missing", "day", "日期", "date", s.today())
	if !ok {
		return
	}
	q, err := s.rhythmReader()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var p missingPage
	p.Missing, err = s.Rhythm.MissingChecks(r.Context(), f.Region.ID, f.Value)
	if err == nil {
		p.Filed, err = q.DailyChecks(r.Context(), f.Region.ID, f.Value)
	}
	if err != nil {
		s.listError(w, r, "rhythm_missing.html", title, f, err)
		return
	}
	for _, c := range p.Filed {
		if c.ZeroReport {
			p.Zero++
		}
	}
	s.render(w, r, http.StatusOK, "rhythm_missing.html", page{Title: title, Data: rhythmList{Filter: f, Items: p}})
}

func (s *Server) handleWeeklyPage(w http.ResponseWriter, r *http.Request) {
	const title = "周研判"
	f, ok := s.listFilter(w, r, "/rhythm/weekly", "week", "周次", "week", lastWeek(s.today()))
	if !ok {
		return
	}
	rev, err := s.Rhythm.WeeklyReview(r.Context(), f.Region.ID, f.Value)
	if err != nil {
		s.listError(w, r, "rhythm_weekly.html", title, f, err)
		return
	}
	s.render(w, r, http.StatusOK, "rhythm_weekly.html", page{Title: title, Data: rhythmList{Filter: f, Items: rev}})
}

// visitRow is an overdue visit with how long ago the case was resolved.
type visitRow struct {
	*zhili.Case
	DaysSince int    // days from resolution to the list's day
	DueDay    string // the last day of the ten
}

func (s *Server) handleVisitsPage(w http.ResponseWriter, r *http.Request) {
	const title = "十日回访超期"
	f, ok := s.listFilter(w, r, "/rhythm/visits", "on", "截至日期", "date", s.today())
	if !ok {
		return
	}
	at, err := dayAt(f.Value, "on")
	var cases []*zhili.Case
	if err == nil {
		cases, err = s.Rhythm.OverdueVisits(r.Context(), f.Region.ID, at)
	}
	if err != nil {
		s.listError(w, r, "rhythm_visits.html", title, f, err)
		return
	}
	rows := make([]visitRow, 0, len(cases))
	for _, c := range cases {
		row := visitRow{Case: c}
		if c.ResolvedAt != nil {
			row.DaysSince = int(zhili.StartOfDay(at).Sub(zhili.StartOfDay(*c.ResolvedAt)).Hours() / 24)
			row.DueDay = zhili.Day(zhili.StartOfDay(*c.ResolvedAt).AddDate(0, 0, zhili.VisitDays))
		}
		rows = append(rows, row)
	}
	s.render(w, r, http.StatusOK, "rhythm_visits.html", page{Title: title, Data: rhythmList{Filter: f, Items: rows}})
}

func (s *Server) handleDispatchPage(w http.ResponseWriter, r *http.Request) {
	const title = "半月调度"
	f, ok := s.listFilter(w, r, "/rhythm/dispatch", "on", "截至日期", "date", s.today())
	if !ok {
		return
	}
	at, err := dayAt(f.Value, "on")
	var items []*zhili.DispatchItem
	if err == nil {
		items, err = s.Rhythm.DispatchList(r.Context(), f.Region.ID, at)
	}
	if err != nil {
		s.listError(w, r, "rhythm_dispatch.html", title, f, err)
		return
	}
	s.render(w, r, http.StatusOK, "rhythm_dispatch.html", page{Title: title, Data: rhythmList{Filter: f, Items: items}})
}

// bulletinRow is a township's line with its rate formatted.
type bulletinRow struct {
	zhili.BulletinRow
	Rate string
}

// overdueRow is a case overdue in the month, with the step's Chinese name.
type overdueRow struct {
	zhili.OverdueCase
	StepName string
}

func (s *Server) handleBulletinPage(w http.ResponseWriter, r *http.Request) {
	const title = "月督查通报数据"
	f, ok := s.listFilter(w, r, "/rhythm/bulletin", "month", "月份", "month", lastMonth(s.today()))
	if !ok {
		return
	}
	b, err := s.Rhythm.MonthlyBulletinData(r.Context(), f.Region.ID, f.Value)
	if err != nil {
		s.listError(w, r, "rhythm_bulletin.html", title, f, err)
		return
	}
	rows := make([]bulletinRow, 0, len(b.Rows))
	for _, row := range b.Rows {
		rate := "—"
		if row.New > 0 {
			rate = fmt.Sprintf("%.1f%%", row.ResolutionRate*100)
		}
		rows = append(rows, bulletinRow{row, rate})
	}
	overdue := make([]overdueRow, 0, len(b.Overdue))
	for _, o := range b.Overdue {
		overdue = append(overdue, overdueRow{o, zhili.StepLabel(o.Step)})
	}
	s.render(w, r, http.StatusOK, "rhythm_bulletin.html", page{Title: title, Data: rhythmList{Filter: f, Items: rows, Extra: overdue}})
}

func (s *Server) handleJobRunsPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requirePage(w, r); !ok {
		return
	}
	q, err := s.rhythmReader()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	job := r.URL.Query().Get("job")
	runs, err := q.JobRuns(r.Context(), job, 200)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "rhythm_jobs.html", page{Title: "定时任务运行记录", Data: map[string]any{"Job": job, "Runs": runs,
		"Jobs": []string{"supervise", "daily_checks", "weekly_review", "dispatch_list", "monthly_bulletin"}}})
}

// redirectWith sends the browser back to path with a message for the next page.
func redirectWith(w http.ResponseWriter, r *http.Request, path, key, value string) {
	http.Redirect(w, r, path+"?"+url.Values{key: {value}}.Encode(), http.StatusSeeOther)
}
