package sqlstore_test

import (
	"slices"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// TestCaseSides checks who may act on a case reported in township B, which B's
// office holds and the county office supervises. The leader and the supervisor
// role sit in the county office, the supervising unit, without business.write:
// the leader still comments and supervises (督办) as an overseer; the supervisor
// role, no overseer, may not write at all.
func TestCaseSides(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			cases := sqlstore.NewCaseService(db)
			c := &zhili.Case{Kind: zhili.KindHazard, Category: "fire", Title: "消防通道堵塞", RegionID: f.TownB.ID}
			if err := cases.ReportCase(f.Ctx(t, db, "townB"), c, nil); err != nil {
				t.Fatal(err)
			}
			if c.HolderUnitID != f.Offices[f.TownB.Code].ID || c.SupervisorUnitID != f.Offices[f.County.Code].ID {
				t.Fatalf("holder %d supervisor %d, want B's office and the county office", c.HolderUnitID, c.SupervisorUnitID)
			}
			for _, tc := range []struct {
				who    string
				action zhili.CaseAction
				want   string
			}{
				{"leader", zhili.DoComment, ""},
				{"leader", zhili.DoSupervise, ""},
				{"leader", zhili.DoAccept, zhili.EFORBIDDEN},        // the holder's step
				{"leader", zhili.DoLinkDuplicate, zhili.EFORBIDDEN}, // the supervising unit's, needs business.write
				{"supervisor", zhili.DoComment, zhili.EFORBIDDEN},
				{"supervisor", zhili.DoSupervise, zhili.EFORBIDDEN},
				{"townB", zhili.DoComment, ""},
				{"townB", zhili.DoSupervise, zhili.EFORBIDDEN}, // holds the case, oversees nothing
				{"center", zhili.DoSupervise, ""},
				{"townA", zhili.DoComment, zhili.ENOTFOUND}, // out of scope
			} {
				ctx := f.Ctx(t, db, tc.who)
				allowed, _ := cases.AllowedActions(ctx, c.ID)
				_, err := cases.Act(ctx, c.ID, zhili.CaseAct{Action: tc.action, Note: "请于本周内处理"})
				if got := zhili.ErrorCode(err); got != tc.want {
					t.Errorf("%s %s: %q (%v), want %q", tc.who, tc.action, got, err, tc.want)
				}
				if tc.want != zhili.ENOTFOUND && slices.Contains(allowed, tc.action) != (tc.want == "") {
					t.Errorf("%s: allowed actions %v disagree with %s", tc.who, allowed, tc.action)
				}
			}
			events, err := cases.CaseTimeline(f.Ctx(t, db, "leader"), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			var byLeader []zhili.CaseAction
			for _, e := range events {
				if e.UserID == f.Users["leader"].ID {
					byLeader = append(byLeader, e.Action)
				}
			}
			if !slices.Equal(byLeader, []zhili.CaseAction{zhili.DoComment, zhili.DoSupervise}) {
				t.Errorf("leader's events %v, want comment and supervise", byLeader)
			}
		})
	}
}
