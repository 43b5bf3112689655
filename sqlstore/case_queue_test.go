package sqlstore_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// queueOf returns the ids and reasons in name's queue.
func queueOf(t *testing.T, cases *sqlstore.CaseService, ctx context.Context, f zhili.QueueFilter) map[int64]*zhili.QueueItem {
	t.Helper()
	items, total, err := cases.Queue(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if total != len(items) {
		t.Fatalf("queue total %d, %d items", total, len(items))
	}
	out := map[int64]*zhili.QueueItem{}
	for _, it := range items {
		out[it.ID] = it
	}
	return out
}

// TestQueue follows a case through the queues: the holder's until it is resolved,
// then the supervisor's; overseers see it only once it is overdue; an extension
// request waits in the supervisor's queue; the other township sees nothing.
func TestQueue(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			clock := db.Clock.(*zhili.FixedClock)
			cases := sqlstore.NewCaseService(db)
			ctx := func(name string) context.Context { return f.Ctx(t, db, name) }
			c := &zhili.Case{Kind: zhili.KindHazard, Category: "fire", Title: "楼道堆放杂物", RegionID: f.GridA.ID}
			if err := cases.ReportCase(ctx("gridA"), c, nil); err != nil {
				t.Fatal(err)
			}
			// Reported Monday 17:00 China time, due by the end of Tuesday: no card yet,
			// yellow on Tuesday (the last working day before the deadline has ended),
			// red after it.
			q := queueOf(t, cases, ctx("villageA"), zhili.QueueFilter{})
			if it := q[c.ID]; it == nil || it.Reason != zhili.QueueHold || it.Warning != zhili.WarnNone {
				t.Fatalf("village queue after report: %+v", it)
			}
			clock.Advance(10 * time.Hour)
			if it := queueOf(t, cases, ctx("villageA"), zhili.QueueFilter{Warning: zhili.WarnYellow})[c.ID]; it == nil || it.Warning != zhili.WarnYellow {
				t.Fatalf("village yellow queue: %+v", it)
			}
			for _, who := range []string{"townA", "townB", "leader", "center", "supervisor"} {
				if q := queueOf(t, cases, ctx(who), zhili.QueueFilter{}); q[c.ID] != nil {
					t.Fatalf("%s has the fresh case in its queue", who)
				}
			}
			if _, _, err := cases.Queue(ctx("auditor"), zhili.QueueFilter{}); zhili.ErrorCode(err) != zhili.EFORBIDDEN {
				t.Fatalf("auditor queue: %v", err)
			}

			clock.Advance(25 * time.Hour)
			if it := queueOf(t, cases, ctx("villageA"), zhili.QueueFilter{Warning: zhili.WarnRed})[c.ID]; it == nil || it.Warning != zhili.WarnRed {
				t.Fatalf("village red queue: %+v", it)
			}
			if it := queueOf(t, cases, ctx("villageA"), zhili.QueueFilter{Warning: zhili.WarnYellow})[c.ID]; it != nil {
				t.Fatal("an overdue case is in the yellow queue")
			}
			for _, who := range []string{"leader", "center", "supervisor"} {
				if it := queueOf(t, cases, ctx(who), zhili.QueueFilter{})[c.ID]; it == nil || it.Reason != zhili.QueueOverdue {
					t.Fatalf("%s queue once overdue: %+v", who, it)
				}
			}
			if q := queueOf(t, cases, ctx("townB"), zhili.QueueFilter{}); len(q) != 0 {
				t.Fatalf("township B's queue: %v", q)
			}

			for _, act := range []zhili.CaseAct{{Action: zhili.DoAccept, From: zhili.CaseReported},
				{Action: zhili.DoResolve, From: zhili.CaseAccepted, Method: "现场处置", Outcome: "已清理"}} {
				if _, err := cases.Act(ctx("villageA"), c.ID, act); err != nil {
					t.Fatal(err)
				}
			}
			if q := queueOf(t, cases, ctx("villageA"), zhili.QueueFilter{}); q[c.ID] != nil {
				t.Fatal("resolved case still in the holder's queue")
			}
			if it := queueOf(t, cases, ctx("townA"), zhili.QueueFilter{})[c.ID]; it == nil || it.Reason != zhili.QueueSupervise {
				t.Fatalf("township queue after resolve: %+v", it)
			}

			c2 := &zhili.Case{Kind: zhili.KindDispute, Category: "neighbour", Title: "邻里噪音", RegionID: f.GridA.ID}
			if err := cases.ReportCase(ctx("gridA"), c2, nil); err != nil {
				t.Fatal(err)
			}
			for _, act := range []zhili.CaseAct{{Action: zhili.DoAccept}, {Action: zhili.DoRequestExtension, ExtensionDays: 5}} {
				if _, err := cases.Act(ctx("villageA"), c2.ID, act); err != nil {
					t.Fatal(err)
				}
			}
			if it := queueOf(t, cases, ctx("townA"), zhili.QueueFilter{})[c2.ID]; it == nil || it.Reason != zhili.QueueExtension {
				t.Fatalf("township queue with an extension request: %+v", it)
			}
			kind := zhili.KindHazard
			if q := queueOf(t, cases, ctx("townA"), zhili.QueueFilter{Kind: &kind}); q[c2.ID] != nil || q[c.ID] == nil {
				t.Fatalf("kind filter: %v", q)
			}
		})
	}
}

func TestSavedSearches(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			cases := sqlstore.NewCaseService(db)
			townA, townB := f.Ctx(t, db, "townA"), f.Ctx(t, db, "townB")
			ss := &zhili.SavedSearch{Name: " 超期纠纷 ", Query: "?state=reported,accepted&kind=dispute&overdue=1&q="}
			if err := cases.CreateSavedSearch(townA, ss); err != nil {
				t.Fatal(err)
			}
			if ss.Name != "超期纠纷" || ss.Query != "kind=dispute&overdue=1&state=reported%2Caccepted" || ss.ID == 0 {
				t.Fatalf("saved: %+v", ss)
			}
			if err := cases.CreateSavedSearch(townA, &zhili.SavedSearch{Name: "超期纠纷", Query: "kind=hazard"}); zhili.ErrorCode(err) != zhili.ECONFLICT {
				t.Fatalf("duplicate name: %v", err)
			}
			err := cases.CreateSavedSearch(townA, &zhili.SavedSearch{Name: "", Query: "colour=red"})
			if zhili.ErrorCode(err) != zhili.EINVALID || len(zhili.ErrorFields(err)) != 2 {
				t.Fatalf("bad search: %v", err)
			}
			if err := cases.CreateSavedSearch(f.Ctx(t, db, "sysadmin"), &zhili.SavedSearch{Name: "x"}); zhili.ErrorCode(err) != zhili.EFORBIDDEN {
				t.Fatalf("sysadmin: %v", err)
			}
			if list, err := cases.SavedSearches(townB); err != nil || len(list) != 0 {
				t.Fatalf("township B sees %v %v", list, err)
			}
			if err := cases.DeleteSavedSearch(townB, ss.ID); zhili.ErrorCode(err) != zhili.ENOTFOUND {
				t.Fatalf("township B deleted A's search: %v", err)
			}
			if list, err := cases.SavedSearches(townA); err != nil || len(list) != 1 || list[0].Query != ss.Query {
				t.Fatalf("list: %v %v", list, err)
			}
			if err := cases.DeleteSavedSearch(townA, ss.ID); err != nil {
				t.Fatal(err)
			}
			if err := cases.DeleteSavedSearch(townA, ss.ID); zhili.ErrorCode(err) != zhili.ENOTFOUND {
				t.Fatalf("second delete: %v", err)
			}
		})
	}
}

// TestBulkAssign: every case is assigned in one go, or none is.
func TestBulkAssign(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			cases := sqlstore.NewCaseService(db)
			townA := f.Ctx(t, db, "townA")
			report := func(accept bool) int64 {
				c := &zhili.Case{Kind: zhili.KindDispute, Category: "neighbour", Title: "纠纷", RegionID: f.GridA.ID}
				if err := cases.ReportCase(townA, c, nil); err != nil {
					t.Fatal(err)
				}
				if accept {
					if _, err := cases.Act(townA, c.ID, zhili.CaseAct{Action: zhili.DoAccept}); err != nil {
						t.Fatal(err)
					}
				}
				return c.ID
			}
			village := f.Offices[f.VillageA.Code].ID
			a, b, stale := report(true), report(true), report(false)
			state := func(id int64) zhili.CaseState {
				c, err := cases.FindCase(townA, id)
				if err != nil {
					t.Fatal(err)
				}
				return c.State
			}

			_, err := cases.BulkAssign(townA, []int64{a, stale, b, 999999}, village, "批量交办")
			if zhili.ErrorCode(err) != zhili.ECONFLICT {
				t.Fatalf("bulk with a reported case: %v", err)
			}
			fs := zhili.ErrorFields(err)
			if len(fs) != 2 || fs[0].Field != "case_ids[1]" || fs[1].Field != "case_ids[3]" || fs[1].Code != zhili.ENOTFOUND {
				t.Fatalf("fields: %+v", fs)
			}
			if state(a) != zhili.CaseAccepted || state(b) != zhili.CaseAccepted {
				t.Fatal("a failed bulk assignment assigned some cases")
			}
			if _, err := cases.BulkAssign(f.Ctx(t, db, "townB"), []int64{a}, village, ""); zhili.ErrorCode(err) != zhili.ENOTFOUND {
				t.Fatalf("township B: %v", err)
			}
			if _, err := cases.BulkAssign(f.Ctx(t, db, "leader"), []int64{a}, village, ""); zhili.ErrorCode(err) != zhili.EFORBIDDEN {
				t.Fatalf("leader: %v", err)
			}
			if _, err := cases.BulkAssign(townA, []int64{a, a}, 0, ""); zhili.ErrorCode(err) != zhili.EINVALID || len(zhili.ErrorFields(err)) != 2 {
				t.Fatalf("duplicate ids, no unit: %v", err)
			}
			many := make([]int64, zhili.MaxBulkAssign+1)
			for i := range many {
				many[i] = int64(i + 1)
			}
			if _, err := cases.BulkAssign(townA, many, village, ""); zhili.ErrorCode(err) != zhili.EINVALID {
				t.Fatalf("too many: %v", err)
			}
			if _, err := cases.BulkAssign(townA, []int64{a}, f.Offices[f.TownB.Code].ID, ""); zhili.ErrorCode(err) != zhili.EINVALID {
				t.Fatalf("target across the county: %v", err)
			}

			out, err := cases.BulkAssign(townA, []int64{a, b}, village, "批量交办")
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range out {
				if c.State != zhili.CaseAssigned || c.HolderUnitID != village || c.SupervisorUnitID != f.Offices[f.TownA.Code].ID {
					t.Fatalf("assigned: %+v", c)
				}
			}
			events, err := cases.CaseTimeline(townA, b)
			if err != nil || len(events) != 3 || events[2].Action != zhili.DoAssign || events[2].Note != "批量交办" {
				t.Fatalf("timeline: %v %+v", err, events)
			}
		})
	}
}

func TestCaseCategoriesAndTargets(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, "sqlite")
	f := storetest.NewFixture(t, db)
	cases := sqlstore.NewCaseService(db)
	townA := f.Ctx(t, db, "townA")
	all, err := cases.CaseCategories(townA, nil)
	if err != nil || len(all) != len(zhili.DefaultCategories) || all[0].Kind != zhili.KindDispute {
		t.Fatalf("categories: %v %d", err, len(all))
	}
	kind := zhili.KindHazard
	hz, err := cases.CaseCategories(townA, &kind)
	if err != nil || len(hz) == 0 || hz[len(hz)-1].Code != "other" {
		t.Fatalf("hazard categories: %v %+v", err, hz)
	}
	if _, err := cases.CaseCategories(f.Ctx(t, db, "auditor"), nil); zhili.ErrorCode(err) != zhili.EFORBIDDEN {
		t.Fatalf("auditor: %v", err)
	}

	c := &zhili.Case{Kind: zhili.KindDispute, Category: "neighbour", Title: "纠纷", RegionID: f.VillageA.ID}
	if err := cases.ReportCase(townA, c, nil); err != nil {
		t.Fatal(err)
	}
	units, err := cases.CaseTargets(townA, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, u := range units {
		ids = append(ids, u.ID)
	}
	for _, want := range []int64{f.Offices[f.VillageA.Code].ID, f.Offices[f.County.Code].ID, f.Centers[zhili.UnitMediationCenter].ID} {
		if !slices.Contains(ids, want) {
			t.Errorf("targets lack unit %d: %v", want, ids)
		}
	}
	for _, not := range []int64{f.Offices[f.TownA.Code].ID, f.Offices[f.TownB.Code].ID, f.Offices[f.CommunityA.Code].ID} {
		if slices.Contains(ids, not) {
			t.Errorf("targets include unit %d: %v", not, ids)
		}
	}
	if _, err := cases.CaseTargets(f.Ctx(t, db, "townB"), c.ID); zhili.ErrorCode(err) != zhili.ENOTFOUND {
		t.Fatalf("township B targets: %v", err)
	}
}

// TestBulkAssignConcurrent: single actions on the same cases while a bulk
// assignment runs do not deadlock it. The bulk assignment succeeds; a comment
// either lands or, having read the case before it was assigned, conflicts.
func TestBulkAssignConcurrent(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			cases := sqlstore.NewCaseService(db)
			townA := f.Ctx(t, db, "townA")
			for round := 0; round < 5; round++ {
				ids := make([]int64, 6)
				for i := range ids {
					c := &zhili.Case{Kind: zhili.KindHazard, Category: "fire", Title: "隐患", RegionID: f.GridA.ID}
					if err := cases.ReportCase(townA, c, nil); err != nil {
						t.Fatal(err)
					}
					if _, err := cases.Act(townA, c.ID, zhili.CaseAct{Action: zhili.DoAccept}); err != nil {
						t.Fatal(err)
					}
					ids[i] = c.ID
				}
				var wg sync.WaitGroup
				var bulkErr error
				errs := make(chan error, len(ids))
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, bulkErr = cases.BulkAssign(townA, ids, f.Offices[f.VillageA.Code].ID, "")
				}()
				for i := len(ids) - 1; i >= 0; i-- {
					wg.Add(1)
					go func(id int64) {
						defer wg.Done()
						_, err := cases.Act(townA, id, zhili.CaseAct{Action: zhili.DoComment, Note: "跟进"})
						errs <- err
					}(ids[i])
				}
				wg.Wait()
				close(errs)
				if bulkErr != nil {
					t.Fatalf("round %d: bulk assignment: %v", round, bulkErr)
				}
				for err := range errs {
					if err != nil && zhili.ErrorCode(err) != zhili.ECONFLICT {
						t.Fatalf("round %d: comment: %v", round, err)
					}
				}
			}
		})
	}
}
