package demo

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sensitive"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// caseToday is the demo's today in the case tests: a Friday afternoon.
var caseToday = time.Date(2026, 2, 27, 7, 30, 0, 0, time.UTC)

// caseOptions is a small county with many cases per grid, so every story shows.
var caseOptions = Options{Seed: 11, Townships: 3, VillagesPerTownship: 4, GridsPerVillage: 3, CasesPerGrid: 60, SweepDays: 20,
	Password: storetest.Password, Today: caseToday}

// TestSeedCases seeds the small county with a year of cases on every dialect and
// checks the cases through the ordinary services: proportions, states, timelines
// that replay to the stored state, deadlines supervised, scope, the audit chain,
// the case figures and the sweeps; and that both dialects got the same cases.
func TestSeedCases(t *testing.T) {
	t.Parallel()
	digests := map[string]string{}
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			db := storetest.Open(t, d)
			res, err := Seed(storetest.System(), db, caseOptions)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %s", d, res)
			cases := allCases(t, db)
			if len(cases) != res.Cases || res.Cases != res.Grids*caseOptions.CasesPerGrid {
				t.Fatalf("%d cases stored, result says %d, for %d grids", len(cases), res.Cases, res.Grids)
			}
			checkProportions(t, cases)
			digests[d] = checkTimelines(t, db, cases)
			checkScope(t, db, cases)
			checkFigures(t, db, res)
			checkSweeps(t, db, res)
			v, err := sqlstore.NewAuditService(db).VerifyAudit(storetest.System())
			if err != nil || len(v.Broken) > 0 || v.Entries < res.Cases*5 {
				t.Fatalf("audit chain: %+v, %v", v, err)
			}
			if _, err := Seed(storetest.System(), db, caseOptions); zhili.ErrorCode(err) != zhili.ECONFLICT {
				t.Fatalf("second seed: want conflict, got %v", err)
			}
			if again := allCases(t, db); len(again) != len(cases) {
				t.Fatalf("the refused second seed changed the cases: %d, was %d", len(again), len(cases))
			}
		})
	}
	if len(digests) > 1 && digests["sqlite"] != digests["postgres"] {
		t.Fatalf("one seed gave different cases: %v", digests)
	}
}

func allCases(t *testing.T, db *sqlstore.DB) []*zhili.Case {
	t.Helper()
	var out []*zhili.Case
	for {
		page, total, err := sqlstore.NewCaseService(db).FindCases(storetest.System(), zhili.CaseFilter{Offset: len(out), Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page...)
		if len(out) >= total || len(page) == 0 {
			return out
		}
	}
}

// checkProportions checks the kinds' shares and that every state appears.
func checkProportions(t *testing.T, cases []*zhili.Case) {
	kinds := map[zhili.CaseKind]int{}
	states := map[zhili.CaseState]int{}
	for _, c := range cases {
		kinds[c.Kind]++
		states[c.State]++
	}
	n := float64(len(cases))
	if share := float64(kinds[zhili.KindDispute]) / n; share < 0.5 || share > 0.66 {
		t.Errorf("disputes are %.2f of the cases", share)
	}
	for _, k := range zhili.CaseKinds {
		if kinds[k.Kind] == 0 {
			t.Errorf("no %s cases", k.Kind)
		}
	}
	for _, s := range zhili.CaseStates {
		if states[s.State] == 0 {
			t.Errorf("no case is %s: %v", s.State, states)
		}
	}
	if share := float64(states[zhili.CaseClosed]) / n; share < 0.7 {
		t.Errorf("only %.2f of the cases are closed: %v", share, states)
	}
	t.Logf("kinds %v; states %v", kinds, states)
}

// checkTimelines replays every case's timeline through the workflow table and
// checks it ends in the stored state, in time order, with the step times the case
// row holds; it counts the stories and returns a digest of the cases.
func checkTimelines(t *testing.T, db *sqlstore.DB, cases []*zhili.Case) string {
	svc := sqlstore.NewCaseService(db)
	h := sha256.New()
	stories := map[string]int{}
	for _, c := range cases {
		events, err := svc.CaseTimeline(storetest.System(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) == 0 || events[0].Action != zhili.DoReport || !events[0].At.Equal(c.ReportedAt) {
			t.Fatalf("case %s does not begin with its report: %+v", c.No, events)
		}
		state, from := zhili.CaseState(""), zhili.CaseState("")
		at := map[zhili.CaseAction]time.Time{}
		for k, e := range events {
			if k > 0 && e.At.Before(events[k-1].At) {
				t.Fatalf("case %s: event %d (%s) before the one before it", c.No, k, e.Action)
			}
			if e.FromState != state && k > 0 {
				t.Fatalf("case %s: %s from %s, but the case was %s", c.No, e.Action, e.FromState, state)
			}
			if k > 0 {
				next, ok := zhili.NextState(e.Action, state, from)
				if !ok || next != e.ToState {
					t.Fatalf("case %s: %s from %s to %s is not a move of the workflow", c.No, e.Action, state, e.ToState)
				}
			}
			if e.Action == zhili.DoSuspend {
				from = state
			}
			state = e.ToState
			at[e.Action] = e.At
			stories[string(e.Action)]++
		}
		if state != c.State {
			t.Fatalf("case %s is %s but its timeline ends %s", c.No, c.State, state)
		}
		if c.State == zhili.CaseClosed {
			for _, step := range []zhili.CaseAction{zhili.DoAccept, zhili.DoResolve, zhili.DoVerify, zhili.DoVisit, zhili.DoClose} {
				if at[step].IsZero() {
					t.Fatalf("closed case %s has no %s event", c.No, step)
				}
			}
			if !at[zhili.DoResolve].Before(at[zhili.DoVerify]) || !at[zhili.DoVerify].Before(at[zhili.DoVisit]) || !at[zhili.DoVisit].Before(at[zhili.DoClose]) {
				t.Fatalf("closed case %s: steps out of order %v", c.No, at)
			}
			if !c.ResolvedAt.Equal(at[zhili.DoResolve]) || !c.ClosedAt.Equal(at[zhili.DoClose]) || c.Satisfaction < 1 || c.Method == "" {
				t.Fatalf("closed case %s: row %+v does not match its timeline", c.No, c)
			}
			if c.VisitedAt.Sub(*c.ResolvedAt) > 10*24*time.Hour {
				stories["visited late"]++
			}
		}
		if c.State.Open() && c.State != zhili.CaseSuspended && c.Due == nil {
			t.Fatalf("open case %s has no deadline", c.No)
		}
		if c.Due != nil && c.Due.Before(caseToday.Add(-10*time.Minute)) && at[zhili.DoSupervise].Before(*c.Due) {
			t.Fatalf("case %s is overdue since %s but was not supervised", c.No, c.Due)
		}
		if c.State == zhili.CaseDuplicate && c.DuplicateOf == 0 {
			t.Fatalf("duplicate %s names no case", c.No)
		}
		if c.Kind == zhili.KindLaborComplaint && c.State.Resolved() && (c.WorkersPaid > c.Workers || c.WagesRecovered > c.Amount) {
			t.Fatalf("labour complaint %s: %d of %d workers paid, %d of %d fen", c.No, c.WorkersPaid, c.Workers, c.WagesRecovered, c.Amount)
		}
		fmt.Fprintf(h, "%s %s %s %s %d %s\n", c.No, c.Kind, c.Category, c.State, len(events), c.Title)
	}
	for _, s := range []string{"escalate", "return", "suspend", "resume", "request_extension", "decide_extension", "supervise",
		"link_duplicate", "reject", "visited late"} {
		if stories[s] == 0 {
			t.Errorf("no case has a %s step: %v", s, stories)
		}
	}
	t.Logf("steps: %v", stories)
	return fmt.Sprintf("%x", h.Sum(nil))
}

// checkScope checks every case lies in a grid under the region of the unit that
// holds it (or of the unit that supervises it, for a county department) and that
// a township operator sees only the cases of the township.
func checkScope(t *testing.T, db *sqlstore.DB, cases []*zhili.Case) {
	path := map[int64]string{}
	level := map[int64]zhili.RegionLevel{}
	for _, r := range allRegions(t, db) {
		path[r.ID], level[r.ID] = r.Path, r.Level
	}
	units, _, err := sqlstore.NewUnitService(db).FindUnits(storetest.System(), zhili.UnitFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	unitRegion := map[int64]int64{}
	for _, u := range units {
		unitRegion[u.ID] = u.RegionID
	}
	perTown := map[string]int{}
	for _, c := range cases {
		if level[c.RegionID] != zhili.LevelGrid {
			t.Fatalf("case %s is not in a grid", c.No)
		}
		p := path[c.RegionID]
		if !strings.HasPrefix(p, path[unitRegion[c.HolderUnitID]]) || !strings.HasPrefix(p, path[unitRegion[c.SupervisorUnitID]]) {
			t.Fatalf("case %s in %s is held by unit %d or supervised by %d outside it", c.No, p, c.HolderUnitID, c.SupervisorUnitID)
		}
		perTown[strings.Join(strings.Split(p, "/")[:3], "/")]++
	}
	var u *zhili.User
	users, _, err := sqlstore.NewUserService(db).FindUsers(storetest.System(), zhili.UserFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range users {
		if x.Username == "shimen" {
			u = x
		}
	}
	town, err := sqlstore.NewRegionService(db).FindRegionByCode(storetest.System(), "419901101000")
	if err != nil {
		t.Fatal(err)
	}
	ctx := storetest.As(t, db, &zhili.Actor{UserID: u.ID, Username: u.Username, Role: u.Role, UnitID: u.UnitID, ScopeRegionID: town.ID})
	_, seen, err := sqlstore.NewCaseService(db).FindCases(ctx, zhili.CaseFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if want := perTown[strings.TrimSuffix(town.Path, "/")]; seen != want || want == 0 {
		t.Fatalf("石门镇's operator sees %d cases; %d lie in 石门镇", seen, want)
	}
	// Parties read masked, and reveal to valid ID numbers and phones.
	revealed := 0
	for _, c := range cases[:50] {
		masked, err := sqlstore.NewCaseService(db).CaseParties(storetest.System(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		parties, err := sqlstore.NewCaseService(db).RevealParties(storetest.System(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for k, p := range parties {
			if p.Org {
				continue
			}
			if sensitive.ValidIDNumber(p.IDNumber) != nil || sensitive.ValidPhone(p.Phone) != nil ||
				masked[k].IDNumberMasked != sensitive.MaskIDNumber(p.IDNumber) || masked[k].PhoneMasked != sensitive.MaskPhone(p.Phone) || masked[k].PhoneMasked == p.Phone {
				t.Fatalf("case %s party %+v, masked %+v", c.No, p, masked[k])
			}
			revealed++
		}
	}
	if revealed == 0 {
		t.Fatal("no party revealed")
	}
}

// checkFigures checks the case figures of FIGURES.md and the org counts are
// non-zero for the county over the demo year.
func checkFigures(t *testing.T, db *sqlstore.DB, res *Result) {
	ctx := storetest.System()
	from, to := zhili.Day(caseToday.AddDate(-1, 0, 0)), zhili.Day(caseToday)
	for _, f := range zhili.CaseCounts {
		fig, err := sqlstore.NewCaseService(db).Count(ctx, f.ID, res.County.ID, from, to)
		if err != nil {
			t.Fatal(err)
		}
		if fig.Value <= 0 {
			t.Errorf("figure %s is %d", f.ID, fig.Value)
		}
	}
	// 县城: the communities and the grids of the county seat's townships.
	seat := map[int64]bool{}
	communities, grids := 0, 0
	for _, r := range allRegions(t, db) {
		switch {
		case r.Level == zhili.LevelTownship && r.CountySeat:
			seat[r.ID] = true
		case r.Level == zhili.LevelVillage && r.CountySeat && r.Kind == zhili.KindCommunity:
			communities++
		}
	}
	for _, r := range allRegions(t, db) {
		if ids := strings.Split(strings.Trim(r.Path, "/"), "/"); r.Level == zhili.LevelGrid && len(ids) > 1 {
			var town int64
			fmt.Sscan(ids[1], &town)
			if seat[town] {
				grids++
			}
		}
	}
	if communities == 0 || grids == 0 {
		t.Errorf("the county seat has %d communities and %d grids", communities, grids)
	}
	for _, role := range []zhili.PositionRole{zhili.PositionCenterStaff, zhili.PositionGridMember, zhili.PositionLegalAdviser, zhili.PositionMediator} {
		n, err := sqlstore.NewPersonService(db).CountPeople(ctx, role, res.County.ID, to)
		if err != nil || n == 0 {
			t.Errorf("%s: %d, %v", role, n, err)
		}
	}
}

// checkSweeps checks grid members filed most sweeps, and some are missing.
func checkSweeps(t *testing.T, db *sqlstore.DB, res *Result) {
	yesterday := zhili.Day(caseToday.AddDate(0, 0, -1))
	missing, err := sqlstore.NewRhythmService(db).MissingChecks(storetest.System(), res.County.ID, yesterday)
	if err != nil {
		t.Fatal(err)
	}
	if len(missing) == 0 || len(missing) > res.Grids/4 {
		t.Fatalf("%d of %d grids missed their sweep on %s", len(missing), res.Grids, yesterday)
	}
	if res.Sweeps < res.Grids*caseOptions.SweepDays*3/4 {
		t.Fatalf("%d sweeps for %d grids over %d days", res.Sweeps, res.Grids, caseOptions.SweepDays)
	}
}
