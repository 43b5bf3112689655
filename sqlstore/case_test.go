package sqlstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// TestDisputeLifecycle is the seed's path: a grid member reports a dispute in a
// village, the township accepts it and escalates it to the county mediation centre,
// a mediator resolves it with an agreement, it is verified, visited on day 8 and
// closed; the timeline shows every step.
func TestDisputeLifecycle(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			clock := db.Clock.(*zhili.FixedClock)
			cases := sqlstore.NewCaseService(db)
			grid := f.Ctx(t, db, "gridA")
			c := &zhili.Case{Kind: zhili.KindDispute, Category: "neighbour", Title: "宅基地边界纠纷", RegionID: f.GridA.ID, People: 2}
			parties := []*zhili.Party{{Name: "张三", IDNumber: "11010519491231002X", Phone: "13812345678"}, {Name: "李四", Role: "respondent"}}
			if err := cases.ReportCase(grid, c, parties); err != nil {
				t.Fatal(err)
			}
			if c.State != zhili.CaseReported || c.HolderUnitID != f.Offices[f.VillageA.Code].ID || c.SupervisorUnitID != f.Offices[f.TownA.Code].ID {
				t.Fatalf("reported case: state %s holder %d supervisor %d", c.State, c.HolderUnitID, c.SupervisorUnitID)
			}
			step := func(who string, act zhili.CaseAct) *zhili.Case {
				t.Helper()
				out, err := cases.Act(f.Ctx(t, db, who), c.ID, act)
				if err != nil {
					t.Fatalf("%s %s: %v", who, act.Action, err)
				}
				return out
			}
			// The village escalates to the township, which accepts and escalates again.
			step("villageA", zhili.CaseAct{Action: zhili.DoEscalate, From: zhili.CaseReported, Note: "村级无法调解"})
			clock.Advance(time.Hour)
			step("townA", zhili.CaseAct{Action: zhili.DoAccept, From: zhili.CaseReported})
			up := step("townA", zhili.CaseAct{Action: zhili.DoAssign, From: zhili.CaseAccepted, UnitID: f.Centers[zhili.UnitMediationCenter].ID, Note: "交县矛调中心"})
			if up.HolderUnitID != f.Centers[zhili.UnitMediationCenter].ID || up.SupervisorUnitID != f.Offices[f.TownA.Code].ID {
				t.Fatalf("assigned: holder %d supervisor %d", up.HolderUnitID, up.SupervisorUnitID)
			}
			step("mediator", zhili.CaseAct{Action: zhili.DoStart, From: zhili.CaseAssigned})
			clock.Advance(24 * time.Hour)
			resolved := step("mediator", zhili.CaseAct{Action: zhili.DoResolve, From: zhili.CaseHandling, Method: "人民调解", Outcome: "双方达成协议", Agreement: true})
			if resolved.ResolvedAt == nil || !resolved.Agreement {
				t.Fatalf("resolved: %+v", resolved)
			}
			step("townA", zhili.CaseAct{Action: zhili.DoVerify, From: zhili.CaseResolved})
			clock.Advance(8 * 24 * time.Hour)
			step("townA", zhili.CaseAct{Action: zhili.DoVisit, From: zhili.CaseVerified, Satisfaction: 5})
			closed := step("townA", zhili.CaseAct{Action: zhili.DoClose, From: zhili.CaseVisited})
			if closed.State != zhili.CaseClosed || closed.Due != nil {
				t.Fatalf("closed: %s due %v", closed.State, closed.Due)
			}
			events, err := cases.CaseTimeline(f.Ctx(t, db, "leader"), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := []zhili.CaseAction{zhili.DoReport, zhili.DoEscalate, zhili.DoAccept, zhili.DoAssign, zhili.DoStart, zhili.DoResolve, zhili.DoVerify, zhili.DoVisit, zhili.DoClose}
			if len(events) != len(want) {
				t.Fatalf("timeline has %d events, want %d", len(events), len(want))
			}
			for i, e := range events {
				if e.Action != want[i] || e.UserName == "" {
					t.Errorf("event %d: %s by %q, want %s", i, e.Action, e.UserName, want[i])
				}
			}
			// Parties are masked; the township may reveal them, and that is audited.
			ps, err := cases.CaseParties(f.Ctx(t, db, "leader"), c.ID)
			if err != nil || len(ps) != 2 || ps[0].IDNumberMasked != "110***********002X" || ps[0].IDNumber != "" {
				t.Fatalf("masked parties: %v %+v", err, ps)
			}
			if _, err := cases.RevealParties(f.Ctx(t, db, "leader"), c.ID); zhili.ErrorCode(err) != zhili.EFORBIDDEN {
				t.Fatalf("leader revealed parties: %v", err)
			}
			ps, err = cases.RevealParties(f.Ctx(t, db, "townA"), c.ID)
			if err != nil || ps[0].IDNumber != "11010519491231002X" || ps[0].Phone != "13812345678" {
				t.Fatalf("revealed: %v %+v", err, ps)
			}
			// Township B cannot see the case at all.
			if _, err := cases.FindCase(f.Ctx(t, db, "townB"), c.ID); zhili.ErrorCode(err) != zhili.ENOTFOUND {
				t.Fatalf("township B: %v", err)
			}
			if _, err := cases.Act(f.Ctx(t, db, "townB"), c.ID, zhili.CaseAct{Action: zhili.DoComment, Note: "x"}); zhili.ErrorCode(err) != zhili.ENOTFOUND {
				t.Fatalf("township B acted: %v", err)
			}
		})
	}
}

// TestConcurrentTransitions: two actors accept the same case at once; exactly one
// wins, the other gets a conflict, and the timeline has one accept.
func TestConcurrentTransitions(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			cases := sqlstore.NewCaseService(db)
			for round := 0; round < 5; round++ {
				c := &zhili.Case{Kind: zhili.KindHazard, Category: "fire", Title: "楼道堆放杂物", RegionID: f.GridA.ID}
				if err := cases.ReportCase(f.Ctx(t, db, "gridA"), c, nil); err != nil {
					t.Fatal(err)
				}
				ctxs := []context.Context{f.Ctx(t, db, "villageA"), f.Ctx(t, db, "center")}
				errs := make([]error, 2)
				var wg sync.WaitGroup
				for i := range ctxs {
					wg.Add(1)
					go func(i int) {
						defer wg.Done()
						_, errs[i] = cases.Act(ctxs[i], c.ID, zhili.CaseAct{Action: zhili.DoAccept, From: zhili.CaseReported})
					}(i)
				}
				wg.Wait()
				ok, conflict := 0, 0
				for _, err := range errs {
					switch zhili.ErrorCode(err) {
					case "":
						ok++
					case zhili.ECONFLICT:
						conflict++
					default:
						t.Fatalf("unexpected error: %v", err)
					}
				}
				if ok != 1 || conflict != 1 {
					t.Fatalf("round %d: %d succeeded, %d conflicted", round, ok, conflict)
				}
				events, _ := cases.CaseTimeline(f.Ctx(t, db, "leader"), c.ID)
				if len(events) != 2 {
					t.Fatalf("round %d: %d events, want report and one accept", round, len(events))
				}
			}
		})
	}
}
