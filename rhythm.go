package zhili

import (
	"context"
	"encoding/json"
	"time"
)

// ChinaTime is the zone every day, deadline and period is counted in (UTC+8, no
// daylight saving). A fixed zone needs no tzdata in the binary.
var ChinaTime = time.FixedZone("CST", 8*60*60)

// DayLayout formats calendar days ("2026-03-02").
const DayLayout = "2006-01-02"

// The deadline steps of a case; stepOf in the store maps states to them.
const (
	StepAccept = "accept" // 受理: from report to accept or reject
	StepHandle = "handle" // 办理: from accept or assignment to resolution
	StepVerify = "verify" // 核查: from resolution to verification
	StepVisit  = "visit"  // 回访: from resolution (not verification) to the return visit
)

// DeadlineSteps lists the steps with their Chinese labels.
var DeadlineSteps = []struct{ Step, Label string }{
	{StepAccept, "受理"}, {StepHandle, "办理"}, {StepVerify, "核查"}, {StepVisit, "回访"},
}

// StepLabel is a step's Chinese name.
func StepLabel(step string) string {
	for _, s := range DeadlineSteps {
		if s.Step == step {
			return s.Label
		}
	}
	return step
}

// CalendarStep reports whether a step's days are calendar days: 十日回访 counts ten
// days after resolution whatever the calendar says; every other step counts
// working days.
func CalendarStep(step string) bool { return step == StepVisit }

// VisitDays is the seed's 十日回访: a resolved case is visited within ten days.
const VisitDays = 10

// DispatchDays is the seed's 半月调度: cases open longer go to the dispatch list.
const DispatchDays = 15

// DeadlineRule is one row of the deadline table. Empty Kind or Category and zero
// Level match anything; the most specific matching rule wins (see Specificity).
type DeadlineRule struct {
	ID       int64       `json:"id"`
	Kind     CaseKind    `json:"kind,omitempty"`
	Category string      `json:"category,omitempty"` // needs Kind: codes are per kind
	Level    RegionLevel `json:"level,omitempty"`    // the holder unit's region: 1 county, 2 township, 3 village
	Step     string      `json:"step"`
	// Days is working days, or calendar days for the visit step (CalendarStep).
	Days int    `json:"working_days"`
	Note string `json:"note,omitempty"`
}

// Specificity orders rules: kind+category+level > kind+category > kind+level >
// kind > level > any.
func (r *DeadlineRule) Specificity() int {
	n := 0
	if r.Category != "" {
		n += 4
	}
	if r.Kind != "" {
		n += 2
	}
	if r.Level != 0 {
		n++
	}
	return n
}

// Matches reports whether the rule applies to a case of kind and category whose
// holder sits at level, for step.
func (r *DeadlineRule) Matches(kind CaseKind, category string, level RegionLevel, step string) bool {
	return r.Step == step && (r.Kind == "" || r.Kind == kind) &&
		(r.Category == "" || r.Category == category) && (r.Level == 0 || r.Level == level)
}

// BestRule returns the most specific rule that matches, or nil.
func BestRule(rules []*DeadlineRule, kind CaseKind, category string, level RegionLevel, step string) *DeadlineRule {
	var best *DeadlineRule
	for _, r := range rules {
		if r.Matches(kind, category, level, step) && (best == nil || r.Specificity() > best.Specificity()) {
			best = r
		}
	}
	return best
}

// CalendarDay is an exception to the week: a holiday on a weekday (Workday false)
// or a makeup working day (调休) on a weekend (Workday true).
type CalendarDay struct {
	Day     string `json:"day"` // "2026-10-01"
	Workday bool   `json:"workday"`
	Name    string `json:"name,omitempty"` // 国庆节, 国庆节调休上班
}

// Calendar says which days are working days: Monday to Friday unless listed as a
// holiday, and weekends listed as makeup days. It must hold every listed day the
// arithmetic may cross; the store loads it from the calendar table.
type Calendar struct{ days map[string]bool }

// NewCalendar builds a calendar from its listed days.
func NewCalendar(days []CalendarDay) *Calendar {
	c := &Calendar{days: make(map[string]bool, len(days))}
	for _, d := range days {
		c.days[d.Day] = d.Workday
	}
	return c
}

// IsWorkday reports whether the day holding t (China time) is a working day.
func (c *Calendar) IsWorkday(t time.Time) bool {
	t = t.In(ChinaTime)
	if w, ok := c.days[t.Format(DayLayout)]; ok {
		return w
	}
	return t.Weekday() != time.Saturday && t.Weekday() != time.Sunday
}

// maxScan bounds day-by-day walks, so a calendar that lists years of holidays in a
// row cannot loop for ever.
const maxScan = 3660

// StartOfDay is midnight China time of the day holding t.
func StartOfDay(t time.Time) time.Time {
	y, m, d := t.In(ChinaTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, ChinaTime)
}

// EndOfDay is 23:59:59 China time of the day holding t, in UTC: when a deadline
// on that day passes.
func EndOfDay(t time.Time) time.Time {
	y, m, d := t.In(ChinaTime).Date()
	return time.Date(y, m, d, 23, 59, 59, 0, ChinaTime).UTC()
}

// Day formats the China-time day holding t.
func Day(t time.Time) string { return t.In(ChinaTime).Format(DayLayout) }

// AddWorkingDays returns the end of the n-th working day after the day holding
// from (the start day itself never counts); n <= 0 gives the end of that day.
func (c *Calendar) AddWorkingDays(from time.Time, n int) time.Time {
	d := StartOfDay(from)
	for i := 0; n > 0 && i < maxScan; i++ {
		d = d.AddDate(0, 0, 1)
		if c.IsWorkday(d) {
			n--
		}
	}
	return EndOfDay(d)
}

// AddCalendarDays returns the end of the n-th day after the day holding from.
func (c *Calendar) AddCalendarDays(from time.Time, n int) time.Time {
	return EndOfDay(StartOfDay(from).AddDate(0, 0, n))
}

// Due is the deadline of a step of days starting at from: calendar days for the
// visit step, working days otherwise.
func (c *Calendar) Due(step string, from time.Time, days int) time.Time {
	if CalendarStep(step) {
		return c.AddCalendarDays(from, days)
	}
	return c.AddWorkingDays(from, days)
}

// DeadlineStatus is the warning colour of a case's current deadline.
type DeadlineStatus string

// Deadline statuses. Yellow means less than one working day is left: the deadline
// falls on the next working day or earlier. That rule needs nothing but the
// deadline, whereas "80% of the step elapsed" would need each step's start kept.
const (
	DeadlineNone   DeadlineStatus = ""       // no deadline runs
	DeadlineOK     DeadlineStatus = "ok"     // 正常
	DeadlineYellow DeadlineStatus = "yellow" // 黄牌预警: less than one working day left
	DeadlineRed    DeadlineStatus = "red"    // 红牌超期: passed
)

// Status classifies a deadline at now: red once passed; yellow once the last
// working day before the deadline's day has ended; ok before.
func (c *Calendar) Status(due *time.Time, now time.Time) DeadlineStatus {
	if due == nil {
		return DeadlineNone
	}
	if now.After(*due) {
		return DeadlineRed
	}
	d := StartOfDay(*due)
	for i := 0; i < maxScan; i++ {
		d = d.AddDate(0, 0, -1)
		if c.IsWorkday(d) {
			break
		}
	}
	if now.After(EndOfDay(d)) {
		return DeadlineYellow
	}
	return DeadlineOK
}

// CalendarService keeps the working calendar and the deadline table that cases
// take their deadlines from. Reading needs ActRegionRead; changes need a system
// administrator or a governance-centre operator at county level or above, return
// EFORBIDDEN otherwise, and apply to deadlines set from then on.
type CalendarService interface {
	// CalendarDays lists the listed days between from and to inclusive. EINVALID
	// for a malformed day.
	CalendarDays(ctx context.Context, from, to string) ([]*CalendarDay, error)
	// SetCalendarDays adds or replaces listed days, all or none. EINVALID names
	// each bad entry.
	SetCalendarDays(ctx context.Context, days []*CalendarDay) error
	// DeleteCalendarDay unlists a day, so the plain week rule applies to it again.
	// ENOTFOUND if it was not listed.
	DeleteCalendarDay(ctx context.Context, day string) error
	// Calendar returns the working calendar for deadline arithmetic and warnings.
	Calendar(ctx context.Context) (*Calendar, error)
	// DeadlineRules lists the deadline table, most general rules first.
	DeadlineRules(ctx context.Context) ([]*DeadlineRule, error)
	// SetDeadlineRule adds a rule or replaces the one with the same kind, category,
	// level and step. EINVALID names each bad field.
	SetDeadlineRule(ctx context.Context, r *DeadlineRule) error
	// DeleteDeadlineRule removes a rule. ENOTFOUND if there is none with this id.
	DeleteDeadlineRule(ctx context.Context, id int64) error
}

// DailyCheck is a grid member's daily sweep (日排查); Found zero is a zero-report.
type DailyCheck struct {
	ID         int64     `json:"id"`
	GridID     int64     `json:"grid_id"`
	UserID     int64     `json:"user_id"`
	Day        string    `json:"day"`
	Found      int       `json:"found"`
	ZeroReport bool      `json:"zero_report"`
	Note       string    `json:"note,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// MissingCheck is a grid with a grid member in post and no sweep filed for a day.
type MissingCheck struct {
	GridID     int64    `json:"grid_id"`
	GridCode   string   `json:"grid_code"`
	GridName   string   `json:"grid_name"`
	TownshipID int64    `json:"township_id,omitempty"`
	Township   string   `json:"township,omitempty"`
	Members    []string `json:"members"` // names of the grid members in post that day
}

// Bucket is one line of a breakdown: a category, a risk level, a place.
type Bucket struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

// RepeatParty is a person or organisation who is a party to several cases: the
// same ID number, matched by its blind index, never shown in full.
type RepeatParty struct {
	IDNumberMasked string   `json:"id_number_masked"`
	NameMasked     string   `json:"name_masked"`
	Cases          int      `json:"cases"`
	CaseNos        []string `json:"case_nos"`
}

// WeeklyReview is the 周研判 of a region (a township) for an ISO week.
type WeeklyReview struct {
	RegionID   int64     `json:"region_id"`
	RegionName string    `json:"region_name"`
	Week       string    `json:"week"` // "2026-W10"
	From       time.Time `json:"from"` // Monday 00:00 China time
	To         time.Time `json:"to"`   // the next Monday, exclusive
	New        int       `json:"new"`
	Resolved   int       `json:"resolved"`
	// Open counts cases reported before To that are open when the review is made.
	Open           int      `json:"open"`
	OpenByCategory []Bucket `json:"open_by_category"`
	OpenByRisk     []Bucket `json:"open_by_risk"`
	// HotSpots are the places (grids, or villages where no grid was given) with
	// the most new cases, at most five.
	HotSpots []Bucket `json:"hot_spots"`
	// RepeatParties are parties of the week's new cases who appear in two or more
	// cases of the region, ever.
	RepeatParties []RepeatParty `json:"repeat_parties"`
}

// DispatchItem is one case on the half-monthly dispatch list, with its timeline.
type DispatchItem struct {
	Case     *Case        `json:"case"`
	DaysOpen int          `json:"days_open"`
	Timeline []*CaseEvent `json:"timeline"`
}

// BulletinRow is one township's line of the monthly bulletin.
type BulletinRow struct {
	RegionID int64  `json:"region_id"`
	Name     string `json:"name"`
	New      int    `json:"new"`
	Resolved int    `json:"resolved"` // resolved in the month, whenever reported
	// ResolutionRate is the share of the month's new cases resolved now, 0–1.
	ResolutionRate float64 `json:"resolution_rate"`
	OverdueSteps   int     `json:"overdue_steps"` // deadlines that passed in the month
	VisitsOnTime   int     `json:"visits_on_time"`
	VisitsLate     int     `json:"visits_late"`
}

// OverdueCase names a case whose step deadline passed in the month (通报 by name).
type OverdueCase struct {
	CaseID      int64     `json:"case_id"`
	No          string    `json:"no"`
	Title       string    `json:"title"`
	Township    string    `json:"township"`
	HolderUnit  string    `json:"holder_unit"`
	Step        string    `json:"step"`
	DueAt       time.Time `json:"due_at"`
	DaysOverdue int       `json:"days_overdue"` // until the step ended, or the month's end
}

// MonthlyBulletin is the data of the 月督查通报 for a region and a month.
type MonthlyBulletin struct {
	RegionID   int64         `json:"region_id"`
	RegionName string        `json:"region_name"`
	Month      string        `json:"month"` // "2026-03"
	From       time.Time     `json:"from"`
	To         time.Time     `json:"to"`
	Rows       []BulletinRow `json:"rows"`
	Overdue    []OverdueCase `json:"overdue"`
}

// RhythmReport is a snapshot a scheduled job stored: Body is the JSON of the
// job's result (missing checks, weekly review, dispatch list, bulletin).
type RhythmReport struct {
	Job       string          `json:"job"`
	Period    string          `json:"period"`
	RegionID  int64           `json:"region_id"`
	Body      json.RawMessage `json:"body"`
	CreatedAt time.Time       `json:"created_at"`
}

// RhythmService runs the seed's rhythm: daily sweeps, the weekly review, return
// visits, the dispatch list and the monthly bulletin. Every list is bounded by the
// caller's scope: a region outside it is ENOTFOUND. Lists need ActBusinessRead
// (EFORBIDDEN otherwise).
type RhythmService interface {
	// FileDailyCheck records the caller's sweep of a grid for a day (today or
	// yesterday, China time). Needs ActBusinessWrite and a user account
	// (EFORBIDDEN); ENOTFOUND for a grid outside the caller's reach, EFORBIDDEN
	// for one in scope where the caller's person holds no grid-member post;
	// ECONFLICT if already filed; EINVALID for bad input.
	FileDailyCheck(ctx context.Context, gridID int64, day string, found int, note string) (*DailyCheck, error)
	// MissingChecks lists the grids under a region (usually a township) with a grid
	// member in post and no sweep filed that day. EINVALID for a bad day.
	MissingChecks(ctx context.Context, regionID int64, day string) ([]*MissingCheck, error)
	// WeeklyReview computes the 周研判 of a region for an ISO week ("2026-W10").
	// EINVALID for a bad week.
	WeeklyReview(ctx context.Context, regionID int64, week string) (*WeeklyReview, error)
	// OverdueVisits lists resolved or verified cases under a region whose visit
	// deadline (the end of the tenth day after resolution) ended before the day
	// of at, oldest resolution first.
	OverdueVisits(ctx context.Context, under int64, at time.Time) ([]*Case, error)
	// DispatchList lists open cases under a region reported more than fifteen
	// days before at (by China-time day), oldest first, each with its timeline.
	DispatchList(ctx context.Context, under int64, at time.Time) ([]*DispatchItem, error)
	// MonthlyBulletinData computes the bulletin of a region for a month
	// ("2026-03"). EINVALID for a bad month.
	MonthlyBulletinData(ctx context.Context, under int64, month string) (*MonthlyBulletin, error)
	// DeadlineStatus classifies a case's current deadline now.
	DeadlineStatus(ctx context.Context, c *Case) (DeadlineStatus, error)
	// RhythmReport returns a stored snapshot. ENOTFOUND if there is none in scope.
	RhythmReport(ctx context.Context, job, period string, regionID int64) (*RhythmReport, error)
}
