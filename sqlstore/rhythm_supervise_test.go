package sqlstore_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// TestSupervision: the warning turns yellow on the last working day and red when
// the deadline passes; supervision then records the overdue step once, with a
// timeline event, however often (and however concurrently) it runs; the next
// step's deadline is supervised on its own.
func TestSupervision(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			clock, rh, cases := db.Clock.(*zhili.FixedClock), sqlstore.NewRhythmService(db), sqlstore.NewCaseService(db)
			r := rhRaw(t, db)
			sys := storetest.System()
			c := rhReport(t, db, f, "gridA", f.GridA, "超期测试") // Monday 17:00: accept by Tuesday's end
			status := func(want zhili.DeadlineStatus) {
				t.Helper()
				fresh, err := cases.FindCase(f.Ctx(t, db, "townA"), c.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got, err := rh.DeadlineStatus(f.Ctx(t, db, "townA"), fresh); err != nil || got != want {
					t.Fatalf("at %s: status %q (%v), want %q", clock.Now().In(zhili.ChinaTime), got, err, want)
				}
			}
			supervise := func(want int) {
				t.Helper()
				if n, err := rh.Supervise(sys); err != nil || n != want {
					t.Fatalf("supervise at %s: %d (%v), want %d", clock.Now().In(zhili.ChinaTime), n, err, want)
				}
			}
			status(zhili.DeadlineOK)
			supervise(0)
			clock.Advance(17 * time.Hour) // Tuesday 10:00
			status(zhili.DeadlineYellow)
			supervise(0)
			clock.Advance(14 * time.Hour) // Wednesday 00:00
			status(zhili.DeadlineRed)
			supervise(1)
			supervise(0)

			holder := f.Offices[f.VillageA.Code].ID
			if n := rhCount(t, r, fmt.Sprintf(`SELECT COUNT(*) FROM case_overdue WHERE case_id = %d AND step = 'accept' AND holder_unit_id = %d`, c.ID, holder)); n != 1 {
				t.Fatalf("case_overdue rows: %d", n)
			}
			events, err := cases.CaseTimeline(f.Ctx(t, db, "townA"), c.ID)
			if err != nil || len(events) != 2 || events[1].Action != zhili.DoSupervise || !strings.HasPrefix(events[1].Note, "超期自动督办：受理期限") ||
				events[1].FromState != zhili.CaseReported || events[1].ToState != zhili.CaseReported {
				t.Fatalf("timeline: %v %+v", err, events[len(events)-1])
			}
			_, err = rh.Supervise(f.Ctx(t, db, "center"))
			rhCode(t, "a person runs automatic supervision", err, zhili.EFORBIDDEN)

			// Accepted late on Wednesday: the handle step (5 working days) runs to
			// Wednesday 11th; once that passes, it is supervised too, once, even with
			// several runs at the same moment.
			if _, err := cases.Act(f.Ctx(t, db, "villageA"), c.ID, zhili.CaseAct{Action: zhili.DoAccept, From: zhili.CaseReported}); err != nil {
				t.Fatal(err)
			}
			clock.Advance(8 * rhDay)
			status(zhili.DeadlineRed)
			var wg sync.WaitGroup
			total, errs := make([]int, 4), make([]error, 4)
			for i := range total {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					total[i], errs[i] = rh.Supervise(sys)
				}(i)
			}
			wg.Wait()
			sum := 0
			for i, n := range total {
				if errs[i] != nil {
					t.Fatal(errs[i])
				}
				sum += n
			}
			if sum != 1 {
				t.Fatalf("concurrent supervision recorded %d", sum)
			}
			if n := rhCount(t, r, fmt.Sprintf(`SELECT COUNT(*) FROM case_overdue WHERE case_id = %d`, c.ID)); n != 2 {
				t.Fatalf("case_overdue rows: %d, want accept and handle", n)
			}
			if n := rhCount(t, r, fmt.Sprintf(`SELECT COUNT(*) FROM case_events WHERE case_id = %d AND action = 'supervise'`, c.ID)); n != 2 {
				t.Fatalf("supervise events: %d", n)
			}
		})
	}
}
