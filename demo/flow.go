package demo

import (
	"fmt"
	"time"

	"github.com/zhili-project/zhili"
)

// simCase is a case as the workflow services would hold it, moved by do with the
// same rules (sqlstore case_apply.go) and recording the same events.
type simCase struct {
	zhili.Case
	parties            []*zhili.Party
	holder, supervisor *unitInfo
	dueStep            string
	extension          int
	grid               *node
	last               time.Time // the time of the latest event
	stopped            bool      // no more events: the story ended or reached today
	supervised         map[string]bool
	events             []*event
}

// event is one timeline event with its audit entry, or a sweep's audit entry.
type event struct {
	at       time.Time
	seq      int // creation order, to keep a case's same-time events in order
	c        *simCase
	action   zhili.CaseAction
	from, to zhili.CaseState
	actor    *zhili.Actor
	note     string
	detail   any // the audit detail
	overdue  *overdue
	sweep    *sweep
}

// overdue is a case_overdue row.
type overdue struct {
	step   string
	due    time.Time
	holder int64
}

// sim runs the county's year of cases.
type sim struct {
	w         *writer
	today     time.Time
	rules     []*zhili.DeadlineRule
	cal       *zhili.Calendar
	scheduler *zhili.Actor
	cases     []*simCase
	events    []*event
	seq       int
}

// deadline is when a step starting at from ends for c held by unit, as
// Tx.deadline computes it; nil when no rule applies.
func (s *sim) deadline(c *simCase, unit *unitInfo, step string, from time.Time) *time.Time {
	r := zhili.BestRule(s.rules, c.Kind, c.Category, unit.region.Level, step)
	if r == nil || step == "" {
		return nil
	}
	due := s.cal.Due(step, from, r.Days)
	return &due
}

// stepOf names the deadline that runs in a state (sqlstore stepOf).
func stepOf(st zhili.CaseState) string {
	switch st {
	case zhili.CaseReported:
		return zhili.StepAccept
	case zhili.CaseAccepted, zhili.CaseAssigned, zhili.CaseHandling:
		return zhili.StepHandle
	case zhili.CaseResolved:
		return zhili.StepVerify
	case zhili.CaseVerified:
		return zhili.StepVisit
	}
	return ""
}

func (s *sim) restart(c *simCase, at time.Time) {
	c.dueStep = stepOf(c.State)
	c.Due = s.deadline(c, c.holder, c.dueStep, at)
}

// supervisorOf is the office one level above a unit's region, or the unit itself
// at the top; a centre is supervised by its own region's office (sqlstore).
func (s *sim) supervisorOf(u *unitInfo) *unitInfo {
	r := u.region
	if u.kind == zhili.UnitOffice || u.kind == zhili.UnitDepartment {
		if r.parent == nil {
			return u
		}
		r = r.parent
	}
	return s.w.unit["office:"+r.Code]
}

// slot is when the ten-minute supervision job first sees a deadline passed.
func slot(due time.Time) time.Time { return due.Truncate(10 * time.Minute).Add(10 * time.Minute) }

// add appends an event to c's timeline and the county's.
func (s *sim) add(c *simCase, e *event) {
	s.seq++
	e.seq, e.c = s.seq, c
	c.events = append(c.events, e)
	s.events = append(s.events, e)
	c.last = e.at
}

// superviseUntil records, as the supervision job would, the current deadline of c
// if it passed before until (and before today).
func (s *sim) superviseUntil(c *simCase, until time.Time) {
	if c.Due == nil || c.dueStep == "" {
		return
	}
	// The job sees the deadline at its first run after it passed and after the
	// step began (a deadline can be set already passed: a visit due ten days
	// after a resolution verified late).
	at := slot(*c.Due)
	if !at.After(c.last) {
		at = slot(c.last)
	}
	key := c.dueStep + sqlTS(*c.Due)
	if at.After(until) || at.After(s.today) || c.supervised[key] {
		return
	}
	c.supervised[key] = true
	due := c.Due.In(zhili.ChinaTime).Format("2006-01-02 15:04")
	note := fmt.Sprintf("超期自动督办：%s期限（%s）已过，请%s抓紧办理。", zhili.StepLabel(c.dueStep), due, c.holder.name)
	s.add(c, &event{at: at, action: zhili.DoSupervise, from: c.State, to: c.State, actor: s.scheduler, note: note,
		overdue: &overdue{step: c.dueStep, due: *c.Due, holder: c.holder.id}})
}

// do takes one action at time at, as actor, unless the story has reached today.
// It reports whether the action was taken.
func (s *sim) do(c *simCase, at time.Time, actor *zhili.Actor, act zhili.CaseAct) bool {
	if c.stopped {
		return false
	}
	if !at.After(c.last) {
		at = c.last.Add(time.Duration(1+len(c.events)) * time.Minute)
	}
	if at.After(s.today) {
		c.stopped = true
		return false
	}
	s.superviseUntil(c, at)
	from := c.State
	next, ok := zhili.NextState(act.Action, c.State, c.SuspendedFrom)
	if !ok {
		panic(fmt.Sprintf("demo: case %d cannot %s from %s", c.ID, act.Action, c.State))
	}
	c.State = next
	t := at
	switch act.Action {
	case zhili.DoAccept:
		c.AcceptedAt = &t
		s.restart(c, at)
	case zhili.DoReject, zhili.DoVisit, zhili.DoClose, zhili.DoLinkDuplicate, zhili.DoSuspend:
		c.Due, c.dueStep = nil, ""
		switch act.Action {
		case zhili.DoVisit:
			c.Satisfaction, c.VisitedAt = act.Satisfaction, &t
		case zhili.DoClose:
			c.ClosedAt = &t
		case zhili.DoLinkDuplicate:
			c.DuplicateOf = act.DuplicateOf
		case zhili.DoSuspend:
			c.SuspendedFrom = from
		}
	case zhili.DoAssign:
		c.supervisor, c.holder = c.holder, s.w.unitByID[act.UnitID]
		s.restart(c, at)
	case zhili.DoStart:
		if c.Due == nil {
			s.restart(c, at)
		}
	case zhili.DoResolve:
		c.Method, c.Outcome, c.Agreement = act.Method, act.Outcome, act.Agreement
		if c.Kind == zhili.KindLaborComplaint {
			c.WorkersPaid, c.WagesRecovered = act.WorkersPaid, act.WagesRecovered
		}
		c.ResolvedAt = &t
		s.restart(c, at)
	case zhili.DoVerify:
		c.VerifiedAt = &t
		c.dueStep = zhili.StepVisit
		c.Due = s.deadline(c, c.holder, zhili.StepVisit, *c.ResolvedAt)
	case zhili.DoEscalate:
		target := s.supervisorOf(c.holder)
		if gc := s.w.unit["center:"+string(zhili.UnitGovernanceCenter)]; c.Risk == zhili.RiskMajor && gc != c.holder {
			target = gc // 越级上报: a major risk goes straight to the county centre
		}
		c.holder, c.supervisor, c.AcceptedAt = target, s.supervisorOf(target), nil
		s.restart(c, at)
	case zhili.DoReturn:
		c.holder, c.supervisor = c.supervisor, s.supervisorOf(c.supervisor)
		s.restart(c, at)
	case zhili.DoResume:
		c.SuspendedFrom = ""
		s.restart(c, at)
	case zhili.DoRequestExtension:
		c.extension = act.ExtensionDays
	case zhili.DoDecideExtension:
		if act.Approve && c.Due != nil {
			due := s.cal.AddWorkingDays(*c.Due, c.extension)
			c.Due = &due
		}
		c.extension = 0
	}
	c.UpdatedAt = at
	s.add(c, &event{at: at, action: act.Action, from: from, to: next, actor: actor, note: act.EventNote(),
		detail: map[string]any{"from": from, "to": next}})
	return true
}

// finish ends a case's story: the supervision job records the deadline that has
// passed by today.
func (s *sim) finish(c *simCase) {
	c.stopped = true
	s.superviseUntil(c, s.today)
}

// Working hours, China time: 08:30–12:00 and 14:30–17:30 on working days.
var workPeriods = [][2]time.Duration{{8*time.Hour + 30*time.Minute, 12 * time.Hour}, {14*time.Hour + 30*time.Minute, 17*time.Hour + 30*time.Minute}}

// workTime moves t forward by d of working time (d = 0 moves it into working time).
func (s *sim) workTime(t time.Time, d time.Duration) time.Time {
	for i := 0; i < 4000; i++ {
		day := zhili.StartOfDay(t)
		if s.cal.IsWorkday(day) {
			for _, p := range workPeriods {
				start, end := day.Add(p[0]), day.Add(p[1])
				if t.Before(start) {
					t = start
				}
				if t.Before(end) {
					if left := end.Sub(t); d < left {
						return t.Add(d).UTC()
					} else {
						d -= left
						t = end
					}
				}
			}
		}
		t = day.AddDate(0, 0, 1)
	}
	return t.UTC()
}

// lastWorkBefore is the end of the last working period that ends by t.
func (s *sim) lastWorkBefore(t time.Time) time.Time {
	day := zhili.StartOfDay(t)
	for i := 0; i < 60; i++ {
		if s.cal.IsWorkday(day) {
			for k := len(workPeriods) - 1; k >= 0; k-- {
				if end := day.Add(workPeriods[k][1]); !end.After(t) {
					return end.UTC()
				}
			}
		}
		day = day.AddDate(0, 0, -1)
	}
	return t
}

// workDays is n working days of working time.
func workDays(n float64) time.Duration { return time.Duration(n * 6.5 * float64(time.Hour)) }

func sqlTS(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }
