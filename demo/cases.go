package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
)

// Shares of the stories cases take besides the full flow.
const (
	shareDuplicate  = 0.025 // linked as a duplicate of an earlier case nearby
	shareReject     = 0.012 // not accepted
	shareStall      = 0.02  // stuck at a step, long overdue
	shareLateAccept = 0.05
	shareEscalate   = 0.07 // of the cases a village holds
	shareReturn     = 0.12 // of those assigned to a department
	shareSuspend    = 0.025
	shareExtend     = 0.05
	shareLateHandle = 0.11
	shareLateVerify = 0.04
	shareLateVisit  = 0.09 // visited more than ten days after resolution
)

// simulate plans the year of cases before today and runs each through the
// workflow.
func (w *writer) simulate(ctx context.Context, today time.Time, opt Options, rng *rand.Rand) (*sim, error) {
	start := today.AddDate(-1, 0, 0)
	rules, cal, err := w.db.DemoDeadlines(ctx, start.AddDate(0, 0, -10))
	if err != nil {
		return nil, err
	}
	cats, err := sqlstore.NewCaseService(w.db).CaseCategories(ctx, nil)
	if err != nil {
		return nil, err
	}
	s := &sim{w: w, today: today, rules: rules, cal: cal, scheduler: zhili.SystemActor("scheduler")}
	var grids []*node
	var weights []float64
	w.walk(func(n *node) {
		if n.Level == zhili.LevelGrid {
			grids = append(grids, n)
			weight := 1.0
			switch {
			case n.Kind == zhili.KindDedicated:
				weight = 0.5
			case n.parent.Kind == zhili.KindCommunity:
				weight = 1.6
			}
			weights = append(weights, weight)
		}
	})
	n := max(0, len(grids)*opt.CasesPerGrid)
	times := make([]time.Time, 0, n)
	days := int(today.Sub(start).Hours() / 24)
	for len(times) < n {
		day := zhili.StartOfDay(start).AddDate(0, 0, rng.IntN(days+1))
		if !cal.IsWorkday(day) && rng.Float64() > 0.35 {
			continue
		}
		t := day.Add(8*time.Hour + time.Duration(rng.IntN(10*3600))*time.Second).UTC()
		if t.After(start) && t.Before(today) {
			times = append(times, t)
		}
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	gen := &names{rng: rng, used: map[string]bool{}}
	recent := map[*node][]*simCase{} // by village, for duplicates
	for _, t := range times {
		id, err := w.b.NextID(ctx, "cases")
		if err != nil {
			return nil, err
		}
		grid := grids[pickWeighted(rng, weights)]
		c := s.report(id, t, grid, cats, gen, rng)
		s.cases = append(s.cases, c)
		var dup *simCase
		if rng.Float64() < shareDuplicate {
			for _, o := range slices.Backward(recent[grid.parent]) {
				if o.Kind == c.Kind && o.State != zhili.CaseDuplicate && t.Sub(o.ReportedAt) < 20*24*time.Hour {
					dup = o
					break
				}
			}
		}
		s.story(c, dup, rng)
		recent[grid.parent] = append(recent[grid.parent], c)
	}
	return s, nil
}

func pickWeighted(rng *rand.Rand, weights []float64) int {
	sum := 0.0
	for _, x := range weights {
		sum += x
	}
	x := rng.Float64() * sum
	for k, v := range weights {
		if x -= v; x < 0 {
			return k
		}
	}
	return len(weights) - 1
}

// report makes a case reported at t in grid, with its parties and first event.
func (s *sim) report(id int64, t time.Time, grid *node, cats []zhili.Category, gen *names, rng *rand.Rand) *simCase {
	w := s.w
	village, town := grid.parent, grid.parent.parent
	kind := kindShare[len(kindShare)-1].kind
	x := rng.Float64()
	for _, k := range kindShare {
		if x -= k.share; x < 0 {
			kind = k.kind
			break
		}
	}
	var codes []string
	var cw []float64
	for _, cat := range cats {
		if cat.Kind == kind {
			codes = append(codes, cat.Code)
			weight, ok := categoryWeight[string(kind)+"/"+cat.Code]
			if !ok {
				weight = 1
			}
			cw = append(cw, weight)
		}
	}
	category := codes[pickWeighted(rng, cw)]
	c := &simCase{grid: grid, supervised: map[string]bool{}}
	c.ID, c.No, c.Kind, c.Category = id, fmt.Sprintf("%d-%06d", t.Year(), id), kind, category
	c.Title = title(rng, kind, category, village)
	c.RegionID, c.ReportedAt, c.UpdatedAt = w.regionID[grid.Code], t, t
	c.Address = fmt.Sprintf("%s%s", town.Name, village.Name)
	if village.Kind == zhili.KindCommunity {
		c.Address += fmt.Sprintf("%d号楼", 1+rng.IntN(30))
	} else {
		c.Address += fmt.Sprintf("第%s村民组", numeral(1+rng.IntN(8)))
	}
	if p, ok := pointIn(grid.geom, rng); ok {
		c.Lng, c.Lat = &p[0], &p[1]
	}
	switch x := rng.Float64(); {
	case x < 0.8:
		c.Risk = zhili.RiskLow
	case x < 0.95:
		c.Risk = zhili.RiskMedium
	case x < 0.995:
		c.Risk = zhili.RiskHigh
	default:
		c.Risk = zhili.RiskMajor
	}
	// The channel, and so the reporter and the unit that first holds the case.
	office, centre := w.unit["office:"+village.Code], w.unit["gc:"+town.Code]
	var reporter *zhili.Actor
	switch x := rng.Float64(); {
	case kind == zhili.KindLaborComplaint && x < 0.6, kind != zhili.KindLaborComplaint && kind != zhili.KindEmergency && x < 0.15:
		c.Source, c.holder, reporter = zhili.SourceWalkIn, w.unit["office:"+town.Code], w.unit["office:"+town.Code].actor
	case kind == zhili.KindLaborComplaint, x < 0.28:
		c.Source, c.holder, reporter = zhili.SourceHotline, centre, centre.actor
	case x < 0.37:
		c.Source, c.holder, reporter = zhili.SourcePublic, centre, centre.actor
	case x < 0.42 && kind != zhili.KindEmergency:
		dept := deptFor(kind, category)
		if dept == "" {
			dept = "police"
		}
		c.Source, c.holder, reporter = zhili.SourceDepartment, office, w.unit["dept:"+dept].actor
	default:
		c.Source, c.holder, reporter = zhili.SourceGrid, office, office.actor
		if m := s.memberOn(grid, t); m != nil {
			reporter = m
		}
	}
	c.supervisor = s.supervisorOf(c.holder)
	// People involved, money at stake and the parties.
	applicant := func(role string) *zhili.Party {
		name, male := gen.person()
		return &zhili.Party{Role: role, Name: name, IDNumber: gen.idNumber(male), Phone: gen.phone()}
	}
	switch kind {
	case zhili.KindDispute:
		c.People = 2 + rng.IntN(4)
		c.parties = []*zhili.Party{applicant("applicant"), applicant("respondent")}
		if slices.Contains([]string{"labor", "traffic", "consumer", "property", "land_forest", "expropriation", "enterprise", "other"}, category) {
			c.Amount = int64(500+rng.IntN(80000)) * 100
		}
	case zhili.KindLaborComplaint:
		c.Workers = 1 + int(rng.ExpFloat64()*2.5)
		c.People = c.Workers
		c.Amount = int64(c.Workers) * int64(3000+rng.IntN(12000)) * 100
		c.parties = []*zhili.Party{applicant("applicant"), {Role: "respondent", Name: employers[rng.IntN(len(employers))], Org: true}}
	case zhili.KindEmergency:
		c.People = 1 + rng.IntN(20)
		c.parties = []*zhili.Party{applicant("other")}
	default:
		c.People = 1 + rng.IntN(3)
		if rng.IntN(2) == 0 {
			c.parties = []*zhili.Party{applicant("applicant")}
		}
	}
	c.Detail = fmt.Sprintf("%s。涉及%d人，请予处理。", c.Title, c.People)
	c.State = zhili.CaseReported
	c.dueStep = zhili.StepAccept
	c.Due = s.deadline(c, c.holder, zhili.StepAccept, t)
	c.ReportedBy = reporter.UserID
	s.add(c, &event{at: t, action: zhili.DoReport, to: zhili.CaseReported, actor: reporter, note: c.Title,
		detail: map[string]any{"no": c.No, "kind": c.Kind, "region_id": c.RegionID, "parties": len(c.parties)}})
	return c
}

// memberOn is the account of a grid member in post in grid on t's day, or nil.
func (s *sim) memberOn(grid *node, t time.Time) *zhili.Actor {
	day := zhili.Day(t)
	for _, m := range s.w.members[grid] {
		if m.start <= day {
			return m.actor
		}
	}
	return nil
}

// pointIn returns a point inside a grid's boundary, near its middle.
func pointIn(g orb.MultiPolygon, rng *rand.Rand) (orb.Point, bool) {
	if len(g) == 0 || len(g[0]) == 0 {
		return orb.Point{}, false
	}
	c, _ := planar.CentroidArea(g[0][0])
	b := g.Bound()
	for range 20 {
		p := orb.Point{c[0] + (rng.Float64()-0.5)*0.5*(b.Max[0]-b.Min[0]), c[1] + (rng.Float64()-0.5)*0.5*(b.Max[1]-b.Min[1])}
		if planar.MultiPolygonContains(g, p) {
			return orb.Point{round6(p[0]), round6(p[1])}, true
		}
	}
	return orb.Point{}, false
}

// onTime is a working moment between from and the last working hour before due.
func (s *sim) onTime(from time.Time, due *time.Time, rng *rand.Rand, spread float64) time.Time {
	if due == nil {
		return s.workTime(from, workDays(rng.Float64()*3))
	}
	latest := s.lastWorkBefore(*due)
	if !latest.After(from) {
		return from.Add(time.Duration(5+rng.IntN(50)) * time.Minute)
	}
	at := s.workTime(from.Add(time.Duration(rng.Float64()*spread*float64(latest.Sub(from)))), 0)
	// A moment moved out of the night would start the working day on the dot:
	// let the first hour of work pass some way.
	if later := s.workTime(at, time.Duration(rng.IntN(5400))*time.Second); !later.After(latest) {
		at = later
	}
	return at
}

// late is a working moment some days after due.
func (s *sim) late(due *time.Time, rng *rand.Rand, from time.Time) time.Time {
	if due == nil {
		return s.workTime(from, workDays(2+rng.Float64()*6))
	}
	return s.workTime(*due, workDays(0.3+rng.Float64()*6))
}
