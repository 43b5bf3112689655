package http

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zhili-project/zhili"
)

// sweepPage is the data of the phone page of the daily sweep (日排查): one card
// per grid with a one-tap zero-report, and the day's cases in the caller's area.
type sweepPage struct {
	Day   string
	Grids []*sweepGrid
	Cases []*zhili.Case
	// Open names the grid whose "found" form failed, to show it open again.
	Open  string
	Found string
	Note  string
}

// sweepGrid is one grid card: filed or not, and by whom.
type sweepGrid struct {
	Code, Name string
	Filed      []*zhili.FiledCheck
}

// sweepData loads the grids the caller may sweep (the store's rule: a grid
// member's posts, or every grid in the area for an account without a person),
// today's sweeps and today's cases. A role that may not file sees no cards.
func (s *Server) sweepData(r *http.Request, a *zhili.Actor) (*sweepPage, error) {
	ctx := r.Context()
	q, err := s.rhythmReader()
	if err != nil {
		return nil, err
	}
	p := &sweepPage{Day: s.today()}
	grids, err := q.SweepGrids(ctx, p.Day)
	if err != nil && zhili.ErrorCode(err) != zhili.EFORBIDDEN {
		return nil, err
	}
	byID := map[int64]*sweepGrid{}
	for _, g := range grids {
		sg := &sweepGrid{Code: g.Code, Name: g.Name}
		byID[g.ID] = sg
		p.Grids = append(p.Grids, sg)
	}
	filed, err := q.DailyChecks(ctx, a.ScopeRegionID, p.Day)
	if err != nil {
		return nil, err
	}
	for _, c := range filed {
		if g := byID[c.GridID]; g != nil {
			g.Filed = append(g.Filed, c)
		}
	}
	start, _ := time.ParseInLocation(zhili.DayLayout, p.Day, zhili.ChinaTime)
	p.Cases, _, err = s.Cases.FindCases(ctx, zhili.CaseFilter{Under: &a.ScopeRegionID, ReportedFrom: &start, Limit: 50})
	return p, err
}

func (s *Server) handleSweepPage(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requirePage(w, r)
	if !ok {
		return
	}
	p, err := s.sweepData(r, a)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var msg string
	if r.URL.Query().Get("ok") == "1" {
		msg = "今日排查已提交。"
	}
	s.render(w, r, http.StatusOK, "sweep_mobile.html", page{Title: "日排查", Message: msg, Data: p})
}

func (s *Server) handleSweepForm(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requirePage(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.Error(w, r, zhili.Invalid("Bad form."))
		return
	}
	req := dailyCheckFile{GridCode: r.FormValue("grid_code"), Note: r.FormValue("note")}
	found := strings.TrimSpace(r.FormValue("found"))
	var err error
	if found != "" {
		if req.Found, err = strconv.Atoi(found); err != nil {
			err = zhili.Invalid("Bad number.", zhili.FieldError{Field: "found", Code: "malformed", Reason: "found is a whole number"})
		}
	}
	if err == nil {
		_, err = s.fileDailyCheck(r.Context(), req)
	}
	if err == nil {
		http.Redirect(w, r, "/m/sweep?ok=1", http.StatusSeeOther)
		return
	}
	p, perr := s.sweepData(r, a)
	if perr != nil {
		s.Error(w, r, perr)
		return
	}
	p.Open, p.Found, p.Note = req.GridCode, found, req.Note
	s.render(w, r, ErrorStatus(zhili.ErrorCode(err)), "sweep_mobile.html", page{Title: "日排查", Error: sweepError(err), Data: p})
}

// sweepError says in Chinese why a sweep was not filed.
func sweepError(err error) string {
	switch zhili.ErrorCode(err) {
	case zhili.ECONFLICT:
		return "您今天已经提交过该网格的排查，无需重复提交。"
	case zhili.EFORBIDDEN:
		return "您在该网格没有网格员职务，或您的角色不能提交排查。"
	case zhili.ENOTFOUND:
		return "找不到该网格，或它不在您的辖区内。"
	}
	return rhythmError(err)
}

// rhythmFields name the rhythm's parameters in Chinese.
var rhythmFields = map[string]string{
	"grid_code": "网格", "day": "日期", "found": "发现问题数", "note": "说明", "on": "截至日期", "week": "周次",
	"month": "月份", "until": "截止日期", "name": "名称", "working_days": "时限（工作日）", "step": "环节",
	"kind": "事件类型", "category": "事件类别", "level": "层级", "days": "日期",
}

// rhythmError is zhError with the rhythm's field names.
func rhythmError(err error) string {
	if zhili.ErrorCode(err) != zhili.EINVALID {
		msg, _ := zhError(err)
		return msg
	}
	var parts []string
	for _, f := range zhili.ErrorFields(err) {
		label, ok := rhythmFields[f.Field]
		if !ok {
			label = rhythmFields["days"]
		}
		reason, ok := codeReasons[f.Code]
		if !ok {
			reason = "无效"
		}
		if part := label + reason; !slices.Contains(parts, part) {
			parts = append(parts, part)
		}
	}
	if len(parts) == 0 {
		return "填写有误，请检查后重试。"
	}
	return "填写有误：" + strings.Join(parts, "；") + "。"
}
