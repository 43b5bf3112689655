package sqlstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// evReport reports a case through the direct (one transaction) path.
func evReport(t *testing.T, ctx context.Context, db *sqlstore.DB, region *zhili.Region, title string, parties ...*zhili.Party) *zhili.Case {
	t.Helper()
	c := &zhili.Case{Kind: zhili.KindDispute, Category: "neighbour", Title: title, RegionID: region.ID}
	if err := sqlstore.NewCaseService(db).ReportCase(ctx, c, parties); err != nil {
		t.Fatalf("report %s: %v", title, err)
	}
	return c
}

// evRead reads one page of the feed, failing the test on error.
func evRead(t *testing.T, ctx context.Context, ev *sqlstore.EventService, after int64, limit int) *zhili.EventPage {
	t.Helper()
	p, err := ev.Events(ctx, after, limit)
	if err != nil {
		t.Fatalf("events after %d: %v", after, err)
	}
	return p
}

// evFollow reads pages from after until an empty one, as a client would.
func evFollow(t *testing.T, ctx context.Context, ev *sqlstore.EventService, after int64, limit int) ([]*zhili.Event, int64) {
	t.Helper()
	var out []*zhili.Event
	for range 1000 {
		p := evRead(t, ctx, ev, after, limit)
		out = append(out, p.Items...)
		if p.Next < after {
			t.Fatalf("cursor went back from %d to %d", after, p.Next)
		}
		after = p.Next
		if len(p.Items) == 0 {
			return out, after
		}
	}
	t.Fatal("the feed never ends")
	return nil, 0
}

func evTypes(items []*zhili.Event) []string {
	var out []string
	for _, e := range items {
		out = append(out, e.Type)
	}
	return out
}

// TestEventFeedOrder: the direct path, the group-commit intake and an action all
// show up in seq order, with the case's facts and nothing personal.
func TestEventFeedOrder(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			ev := sqlstore.NewEventService(db)
			center := f.Ctx(t, db, "center")
			c1 := evReport(t, f.Ctx(t, db, "gridA"), db, f.GridA, "张三宅基地纠纷",
				&zhili.Party{Name: "张三", IDNumber: "11010519491231002X", Phone: "13812345678"})
			c2 := &zhili.Case{Kind: zhili.KindHazard, Category: "fire", Title: "河东村楼道堆物", RegionID: f.GridB.ID}
			if err := sqlstore.NewIntakeCaseService(db).ReportCase(f.Ctx(t, db, "townB"), c2, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := sqlstore.NewCaseService(db).Act(f.Ctx(t, db, "villageA"), c1.ID,
				zhili.CaseAct{Action: zhili.DoAccept, From: zhili.CaseReported, Note: "机密备注"}); err != nil {
				t.Fatal(err)
			}
			page := evRead(t, center, ev, 0, 100)
			if got, want := evTypes(page.Items), []string{"case.reported", "case.reported", "case.accepted"}; !slices.Equal(got, want) {
				t.Fatalf("types %v, want %v", got, want)
			}
			for i, e := range page.Items {
				if i > 0 && e.Seq <= page.Items[i-1].Seq {
					t.Fatalf("seq %d after %d", e.Seq, page.Items[i-1].Seq)
				}
			}
			acc := page.Items[2]
			if acc.CaseID != c1.ID || acc.CaseNo != c1.No || acc.Kind != zhili.KindDispute || acc.Category != "neighbour" ||
				acc.State != zhili.CaseAccepted || acc.FromState != zhili.CaseReported || acc.RegionCode != f.GridA.Code ||
				acc.Unit != f.Offices[f.VillageA.Code].Name || !acc.At.Equal(db.Clock.Now()) {
				t.Fatalf("accepted event: %+v", acc)
			}
			if e := page.Items[1]; e.CaseID != c2.ID || e.RegionCode != f.GridB.Code || e.FromState != "" || e.State != zhili.CaseReported {
				t.Fatalf("intake event: %+v", e)
			}
			body, _ := json.Marshal(page)
			for _, secret := range []string{"张三", "13812345678", "1101051949", "机密备注", "宅基地", "gridA", "villageA", "townB"} {
				if strings.Contains(string(body), secret) {
					t.Errorf("the feed shows %q: %s", secret, body)
				}
			}
			if page.Next != acc.Seq {
				t.Fatalf("next %d, want the last seq %d", page.Next, acc.Seq)
			}
			if p := evRead(t, center, ev, page.Next, 100); len(p.Items) != 0 || p.Next != page.Next {
				t.Fatalf("after the end: %d items, next %d", len(p.Items), p.Next)
			}
			// Page by page gives the same events.
			items, _ := evFollow(t, center, ev, 0, 1)
			if len(items) != 3 || items[0].Seq != page.Items[0].Seq || items[2].Seq != acc.Seq {
				t.Fatalf("one by one: %v", evTypes(items))
			}
		})
	}
}

// TestEventFeedLateCommit: an event that commits after a later one was read is
// still delivered to the reader whose cursor is past the later one.
func TestEventFeedLateCommit(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			ev := sqlstore.NewEventService(db)
			center := f.Ctx(t, db, "center")
			c := evReport(t, center, db, f.GridA, "路面塌陷")
			_, cursor := evFollow(t, center, ev, 0, 100)

			// A hole in the ids, filled late: id 100 is read first, then id 50 commits.
			if err := db.InsertEventWithID(context.Background(), 100, c.ID); err != nil {
				t.Fatal(err)
			}
			items, cursor := evFollow(t, center, ev, cursor, 100)
			if len(items) != 1 {
				t.Fatalf("id 100: %d events", len(items))
			}
			if err := db.InsertEventWithID(context.Background(), 50, c.ID); err != nil {
				t.Fatal(err)
			}
			items, cursor = evFollow(t, center, ev, cursor, 100)
			if len(items) != 1 || items[0].Type != "case.commented" {
				t.Fatalf("late id 50: %v", evTypes(items))
			}
			if d != "postgres" {
				return // SQLite has one writer: no transaction can be overtaken
			}
			// Two real transactions: the first takes its id, the second commits and
			// is read, then the first commits.
			slowID, commit, rollback, err := db.BeginEvent(center, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			defer rollback()
			if _, err := sqlstore.NewCaseService(db).Act(center, c.ID, zhili.CaseAct{Action: zhili.DoComment, Note: "后提交者先到"}); err != nil {
				t.Fatal(err)
			}
			items, cursor = evFollow(t, center, ev, cursor, 100)
			if len(items) != 1 {
				t.Fatalf("fast transaction: %d events", len(items))
			}
			if err := commit(); err != nil {
				t.Fatal(err)
			}
			seqs, err := db.EventSeqs(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			fastID := int64(0)
			for id, seq := range seqs {
				if seq == items[0].Seq {
					fastID = id
				}
			}
			if slowID >= fastID {
				t.Fatalf("not overtaken: slow id %d, fast id %d", slowID, fastID)
			}
			items, _ = evFollow(t, center, ev, cursor, 100)
			if len(items) != 1 || items[0].Seq <= cursor {
				t.Fatalf("the slow transaction's event after cursor %d: %+v", cursor, items)
			}
		})
	}
}

// TestEventFeedScope: a township sees the events of its own cases only, and its
// cursor still moves past the others'.
func TestEventFeedScope(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			ev := sqlstore.NewEventService(db)
			a := evReport(t, f.Ctx(t, db, "gridA"), db, f.GridA, "石桥村纠纷")
			b := evReport(t, f.Ctx(t, db, "townB"), db, f.GridB, "河东村纠纷")
			b2 := evReport(t, f.Ctx(t, db, "townB"), db, f.GridB, "河东村纠纷二")
			for who, want := range map[string][]int64{"townA": {a.ID}, "villageA": {a.ID}, "gridA": {a.ID},
				"townB": {b.ID, b2.ID}, "leader": {a.ID, b.ID, b2.ID}, "department": {a.ID, b.ID, b2.ID}} {
				page := evRead(t, f.Ctx(t, db, who), ev, 0, 100)
				var got []int64
				for _, e := range page.Items {
					got = append(got, e.CaseID)
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s sees cases %v, want %v", who, got, want)
				}
				if page.Next < 3 {
					t.Errorf("%s: next %d does not pass the other township's events", who, page.Next)
				}
			}
		})
	}
}

// TestEventFeedBadQuery: bad cursors and limits name their field; roles without
// event.read are refused.
func TestEventFeedBadQuery(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			ev := sqlstore.NewEventService(db)
			center := f.Ctx(t, db, "center")
			for _, q := range []struct {
				after int64
				limit int
				field string
			}{{-1, 10, "after"}, {0, 0, "limit"}, {0, 1001, "limit"}, {5, -3, "limit"}} {
				_, err := ev.Events(center, q.after, q.limit)
				fields := zhili.ErrorFields(err)
				if zhili.ErrorCode(err) != zhili.EINVALID || len(fields) != 1 || fields[0].Field != q.field {
					t.Errorf("after %d limit %d: %v %v, want invalid %s", q.after, q.limit, err, fields, q.field)
				}
			}
			for _, who := range []string{"sysadmin", "secadmin", "auditor"} {
				if _, err := ev.Events(f.Ctx(t, db, who), 0, 10); zhili.ErrorCode(err) != zhili.EFORBIDDEN {
					t.Errorf("%s: %v, want forbidden", who, err)
				}
			}
			if _, err := ev.Events(context.Background(), 0, 10); zhili.ErrorCode(err) != zhili.EUNAUTHORIZED {
				t.Errorf("no actor: %v", err)
			}
		})
	}
}

// TestEventSequencerConcurrent: writers on two instances, a sequencer loop on each and
// a reader following the feed all at once. Every event gets one seq, the seqs are
// 1…N without gaps or repeats, and the reader, never going back, sees all N.
func TestEventSequencerConcurrent(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			other := rhSecond(t, db) // schedule_test.go: a second instance
			center := f.Ctx(t, db, "center")
			c := evReport(t, center, db, f.GridA, "并发测试")
			const writers, each = 4, 25
			total := 1 + writers*each
			evs := []*sqlstore.EventService{sqlstore.NewEventService(db), sqlstore.NewEventService(other)}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			for _, e := range evs {
				e.Start(ctx, 5*time.Millisecond)
				defer e.Stop()
			}
			var wg sync.WaitGroup
			errs := make(chan error, writers*each)
			for w := range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					cases := sqlstore.NewCaseService([]*sqlstore.DB{db, other}[w%2])
					for i := range each {
						if _, err := cases.Act(center, c.ID, zhili.CaseAct{Action: zhili.DoComment, Note: fmt.Sprint(w, "-", i)}); err != nil {
							errs <- err
						}
					}
				}()
			}
			seen := map[int64]bool{}
			var after int64
			deadline := time.Now().Add(60 * time.Second)
			for len(seen) < total && time.Now().Before(deadline) {
				p, err := evs[1].Events(center, after, 7)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range p.Items {
					if e.Seq <= after || seen[e.Seq] {
						t.Fatalf("seq %d again, or not after the cursor %d", e.Seq, after)
					}
					seen[e.Seq] = true
					after = e.Seq
				}
				after = p.Next
				if len(p.Items) == 0 {
					time.Sleep(2 * time.Millisecond)
				}
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			if len(seen) != total {
				t.Fatalf("the reader saw %d events of %d", len(seen), total)
			}
			seqs, err := db.EventSeqs(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			var all []int64
			for _, s := range seqs {
				all = append(all, s)
			}
			slices.Sort(all)
			for i, s := range all {
				if s != int64(i+1) {
					t.Fatalf("seqs %v: want 1…%d", all, total)
				}
			}
		})
	}
}

// TestEventFeedEpochAfterRestore: every page names the feed's epoch; a database
// restored from a backup answers a new one (its seqs after the backup are handed
// out again), so readers know to start over.
func TestEventFeedEpochAfterRestore(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			src := storetest.Open(t, d)
			f := storetest.NewFixture(t, src)
			center := f.Ctx(t, src, "center")
			evReport(t, f.Ctx(t, src, "gridA"), src, f.GridA, "楼道堆物")
			first := evRead(t, center, sqlstore.NewEventService(src), 0, 100)
			if len(first.Epoch) != 16 || evRead(t, center, sqlstore.NewEventService(src), 0, 100).Epoch != first.Epoch {
				t.Fatalf("epoch %q, want 16 hex digits, the same on every page", first.Epoch)
			}
			var buf bytes.Buffer
			if _, err := src.Backup(storetest.System(), &buf); err != nil {
				t.Fatal(err)
			}
			dst := storetest.Open(t, d)
			dst.Cipher = src.Cipher
			if _, err := dst.Restore(storetest.System(), &buf); err != nil {
				t.Fatal(err)
			}
			again := evRead(t, f.Ctx(t, dst, "center"), sqlstore.NewEventService(dst), 0, 100)
			if again.Epoch == "" || again.Epoch == first.Epoch || len(again.Items) != len(first.Items) {
				t.Fatalf("after the restore: epoch %q (before %q), %d events (before %d)", again.Epoch, first.Epoch, len(again.Items), len(first.Items))
			}
		})
	}
}
