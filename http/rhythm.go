package http

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/zhili-project/zhili"
)

// The rhythm's API: daily sweeps (日排查), the lists of the seed's cadence and the
// snapshots the scheduler keeps. Every list takes under=REGION_CODE (default: the
// caller's own area); the store bounds it by scope, so a region outside the
// caller's area answers 404 exactly like one that does not exist.

// rhythmReader returns the reading side of the rhythm service; the store
// implements it on the same value as RhythmService.
func (s *Server) rhythmReader() (zhili.RhythmReader, error) {
	if q, ok := s.Rhythm.(zhili.RhythmReader); ok {
		return q, nil
	}
	return nil, fmt.Errorf("rhythm service %T does not implement zhili.RhythmReader", s.Rhythm)
}

// today is the current China-time day on the store's clock, falling back to the
// wall clock for a service that does not tell it.
func (s *Server) today() string {
	if q, err := s.rhythmReader(); err == nil {
		return q.Today()
	}
	return zhili.Day(time.Now())
}

// underRegion resolves the under parameter to a region id: the named region if
// the caller can see it (ENOTFOUND otherwise), else the caller's own area.
func (s *Server) underRegion(ctx context.Context, code string) (*zhili.Region, error) {
	if code != "" {
		return s.Regions.FindRegionByCode(ctx, code)
	}
	a := zhili.ActorFromContext(ctx)
	if a == nil {
		return nil, zhili.Errorf(zhili.EUNAUTHORIZED, "Login required.")
	}
	return s.Regions.FindRegion(ctx, a.ScopeRegionID)
}

// dayParam reads a day parameter ("2026-03-02"), defaulting to today.
func (s *Server) dayParam(v, name string) (string, time.Time, error) {
	if v == "" {
		v = s.today()
	}
	t, err := time.ParseInLocation(zhili.DayLayout, v, zhili.ChinaTime)
	if err != nil {
		return "", time.Time{}, zhili.Invalid("Bad date.", zhili.FieldError{Field: name, Code: "malformed", Reason: fmt.Sprintf("%q is not a date like 2026-03-02", v)})
	}
	// Noon: the lists count whole China-time days, and noon is inside the day.
	return v, t.Add(12 * time.Hour), nil
}

// lastWeek is the ISO week before the one holding day: the week a Monday
// morning's 周研判 looks back on.
func lastWeek(day string) string {
	t, _ := time.ParseInLocation(zhili.DayLayout, day, zhili.ChinaTime)
	y, w := t.AddDate(0, 0, -7).ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// lastMonth is the month before the one holding day: the month a bulletin
// reports on.
func lastMonth(day string) string {
	t, _ := time.ParseInLocation(zhili.DayLayout, day, zhili.ChinaTime)
	return time.Date(t.Year(), t.Month()-1, 1, 12, 0, 0, 0, zhili.ChinaTime).Format("2006-01")
}

// dailyCheckFile is the body of POST /api/v1/daily-checks. Found 0 is a
// zero-report (零报告); day defaults to today.
type dailyCheckFile struct {
	GridCode string `json:"grid_code"`
	Day      string `json:"day"`
	Found    int    `json:"found"`
	Note     string `json:"note"`
}

// fileDailyCheck resolves the grid and files the sweep; shared by the API and
// the phone page.
func (s *Server) fileDailyCheck(ctx context.Context, req dailyCheckFile) (*zhili.DailyCheck, error) {
	if strings.TrimSpace(req.GridCode) == "" {
		return nil, zhili.Invalid("Name the grid.", zhili.FieldError{Field: "grid_code", Code: "required", Reason: "give the grid's code"})
	}
	grid, err := s.Regions.FindRegionByCode(ctx, strings.TrimSpace(req.GridCode))
	if err != nil {
		return nil, err
	}
	if req.Day == "" {
		req.Day = s.today()
	}
	return s.Rhythm.FileDailyCheck(ctx, grid.ID, req.Day, req.Found, req.Note)
}

func (s *Server) handleDailyCheckFile(w http.ResponseWriter, r *http.Request) {
	var req dailyCheckFile
	if err := decode(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	c, err := s.fileDailyCheck(r.Context(), req)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

// handleDailyCheckList lists the sweeps filed on a day under a region.
func (s *Server) handleDailyCheckList(w http.ResponseWriter, r *http.Request) {
	q, err := s.rhythmReader()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	dayList(s, "day", func(ctx context.Context, region int64, day string, _ time.Time) ([]*zhili.FiledCheck, error) {
		return q.DailyChecks(ctx, region, day)
	})(w, r)
}

// dayList answers one of the rhythm's lists that take a region (under) and a day
// (the query parameter param, default today): {param: day, region_code, items}.
func dayList[T any](s *Server, param string, list func(ctx context.Context, region int64, day string, at time.Time) ([]T, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		day, at, err := s.dayParam(r.URL.Query().Get(param), param)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		reg, err := s.underRegion(r.Context(), r.URL.Query().Get("under"))
		if err != nil {
			s.Error(w, r, err)
			return
		}
		items, err := list(r.Context(), reg.ID, day, at)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{param: day, "region_code": reg.Code, "items": nonNil(items)})
	}
}

// handleMissingChecks lists the grids without a sweep filed on day (漏报).
func (s *Server) handleMissingChecks(w http.ResponseWriter, r *http.Request) {
	dayList(s, "day", func(ctx context.Context, region int64, day string, _ time.Time) ([]*zhili.MissingCheck, error) {
		return s.Rhythm.MissingChecks(ctx, region, day)
	})(w, r)
}

func (s *Server) handleWeeklyReview(w http.ResponseWriter, r *http.Request) {
	week := r.URL.Query().Get("week")
	if week == "" {
		week = lastWeek(s.today())
	}
	reg, err := s.underRegion(r.Context(), r.URL.Query().Get("under"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	rev, err := s.Rhythm.WeeklyReview(r.Context(), reg.ID, week)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rev)
}

// handleOverdueVisits lists the resolved cases whose ten-day return visit is overdue on a day.
func (s *Server) handleOverdueVisits(w http.ResponseWriter, r *http.Request) {
	dayList(s, "on", func(ctx context.Context, region int64, _ string, at time.Time) ([]*zhili.Case, error) {
		return s.Rhythm.OverdueVisits(ctx, region, at)
	})(w, r)
}

// handleDispatchList lists the cases open more than fifteen days on a day (半月调度).
func (s *Server) handleDispatchList(w http.ResponseWriter, r *http.Request) {
	dayList(s, "on", func(ctx context.Context, region int64, _ string, at time.Time) ([]*zhili.DispatchItem, error) {
		return s.Rhythm.DispatchList(ctx, region, at)
	})(w, r)
}

func (s *Server) handleMonthlyBulletin(w http.ResponseWriter, r *http.Request) {
	month := r.URL.Query().Get("month")
	if month == "" {
		month = lastMonth(s.today())
	}
	reg, err := s.underRegion(r.Context(), r.URL.Query().Get("under"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	b, err := s.Rhythm.MonthlyBulletinData(r.Context(), reg.ID, month)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, b)
}

// handleRhythmReport answers a snapshot the scheduler stored: what the morning
// saw, as opposed to the live lists above.
func (s *Server) handleRhythmReport(w http.ResponseWriter, r *http.Request) {
	reg, err := s.underRegion(r.Context(), r.URL.Query().Get("under"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	rep, err := s.Rhythm.RhythmReport(r.Context(), r.PathValue("job"), r.PathValue("period"), reg.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

func (s *Server) handleJobRuns(w http.ResponseWriter, r *http.Request) {
	q, err := s.rhythmReader()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	limit, err := intParam(r.URL.Query().Get("limit"), "limit", 100)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	runs, err := q.JobRuns(r.Context(), r.URL.Query().Get("job"), limit)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": nonNil(runs)})
}
