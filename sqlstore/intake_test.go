package sqlstore_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// TestIntakeBatch gathers good and bad reports into one batch: the good ones are
// all written and acknowledged, each bad one fails alone with its own error, and
// the audit chain has one entry per written case and verifies.
func TestIntakeBatch(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		intake := sqlstore.NewIntakeCaseService(db)
		before := confAuditCount(t, db)
		type job struct {
			ctx    context.Context
			c      *zhili.Case
			field  string // the field a refusal names; "" for a good report
			during bool   // validation refuses it before it joins a batch
		}
		var jobs []*job
		for i := range 30 {
			who, region := "gridA", f.GridA
			if i%3 == 0 {
				who, region = "townB", f.GridB
			}
			jobs = append(jobs, &job{ctx: f.Ctx(t, db, who), c: &zhili.Case{Kind: zhili.KindHazard, Category: "fire", Title: confName("隐患", i), RegionID: region.ID}})
		}
		for i := range 5 { // outside the reporter's area: refused inside the batch
			jobs = append(jobs, &job{ctx: f.Ctx(t, db, "gridA"), field: "region_id",
				c: &zhili.Case{Kind: zhili.KindDispute, Category: "neighbour", Title: confName("越界", i), RegionID: f.GridB.ID}})
		}
		jobs = append(jobs, &job{ctx: f.Ctx(t, db, "gridA"), field: "title", during: true,
			c: &zhili.Case{Kind: zhili.KindHazard, Category: "fire", RegionID: f.GridA.ID}})
		parties := []*zhili.Party{{Name: "张三", IDNumber: "11010519491231002X", Phone: "13812345678"}}
		jobs[1].c.Kind, jobs[1].c.Category = zhili.KindDispute, "neighbour"

		release := intake.HoldIntake()
		errs := make([]error, len(jobs))
		var wg sync.WaitGroup
		for i, j := range jobs {
			wg.Go(func() {
				var ps []*zhili.Party
				if i == 1 {
					ps = parties
				}
				errs[i] = intake.ReportCase(j.ctx, j.c, ps)
			})
		}
		waitFor(t, func() bool { return intake.PendingIntake() == len(jobs)-1 })
		release()
		wg.Wait()
		written := 0
		for i, j := range jobs {
			if j.field != "" {
				confCode(t, errs[i], zhili.EINVALID)
				confField(t, errs[i], j.field)
				continue
			}
			if errs[i] != nil || j.c.ID == 0 || j.c.No == "" || j.c.State != zhili.CaseReported {
				t.Fatalf("report %d: %v %+v", i, errs[i], j.c)
			}
			written++
		}
		_, total, err := intake.FindCases(storetest.System(), zhili.CaseFilter{Limit: 1})
		if err != nil || total != written {
			t.Fatalf("%d cases stored (%v), %d acknowledged", total, err, written)
		}
		if got := confAuditCount(t, db); got != before+written {
			t.Errorf("audit entries %d → %d, want %d more", before, got, written)
		}
		if v := confVerify(t, db); !v.OK() {
			t.Errorf("audit chain broken: %+v", v.Broken)
		}
		ps, err := intake.RevealParties(f.Ctx(t, db, "townA"), jobs[1].c.ID)
		if err != nil || len(ps) != 1 || ps[0].IDNumber != "11010519491231002X" {
			t.Errorf("parties of a batched report: %v %+v", err, ps)
		}
	})
}

// waitFor polls until cond holds; it synchronises, it does not time anything.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for i := 0; !cond(); i++ {
		if i > 10000 {
			t.Fatal("condition never held")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestIntakeMatchesDirect reports the same case through CaseService and through
// the group commit and compares what each wrote: the case, its timeline, its
// parties and its audit entry must not differ but for ids and numbers.
func TestIntakeMatchesDirect(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		direct, intake := sqlstore.NewCaseService(db), sqlstore.NewIntakeCaseService(db)
		clock := confClock(t, db)
		clock.T = clock.T.Add(123456789 * time.Nanosecond) // stored to the microsecond
		for _, who := range []string{"gridA", "townA", "center"} {
			report := func(svc zhili.CaseService) *zhili.Case {
				lng, lat := 113.605, 34.705
				c := &zhili.Case{Kind: zhili.KindLaborComplaint, Category: "wage_arrears", Title: "拖欠工资", Detail: "十名工人", Source: zhili.SourceWalkIn,
					Risk: zhili.RiskMedium, RegionID: f.GridA.ID, Address: "石桥村", Lng: &lng, Lat: &lat, People: 10, Amount: 12345600, Workers: 10}
				parties := []*zhili.Party{{Name: "王五", Phone: "13812345678"}, {Name: "某建筑公司", Role: "respondent", Org: true}}
				if err := svc.ReportCase(f.Ctx(t, db, who), c, parties); err != nil {
					t.Fatalf("%s: %v", who, err)
				}
				got, err := direct.FindCase(storetest.System(), c.ID)
				if err != nil {
					t.Fatal(err)
				}
				// The HTTP API answers with the case as ReportCase filled it.
				if filled, read := intakeJSON(t, c), intakeJSON(t, got); filled != read {
					t.Errorf("%s: ReportCase filled\n%s\nbut FindCase reads\n%s", who, filled, read)
				}
				return got
			}
			a, b := report(direct), report(intake)
			a.ID, a.No, b.ID, b.No = 0, "", 0, ""
			if ja, jb := intakeJSON(t, a), intakeJSON(t, b); ja != jb {
				t.Errorf("%s: cases differ:\ndirect %s\nintake %s", who, ja, jb)
			}
		}
		all, _, err := direct.FindCases(storetest.System(), zhili.CaseFilter{})
		if err != nil || len(all) != 6 {
			t.Fatalf("%d cases: %v", len(all), err)
		}
		for i := 0; i < len(all); i += 2 { // newest first: intake, then direct
			b, a := all[i].ID, all[i+1].ID
			ea, _ := direct.CaseTimeline(storetest.System(), a)
			eb, _ := direct.CaseTimeline(storetest.System(), b)
			pa, _ := direct.CaseParties(storetest.System(), a)
			pb, _ := direct.CaseParties(storetest.System(), b)
			for _, e := range append(ea, eb...) {
				e.ID, e.CaseID = 0, 0
			}
			for _, p := range append(pa, pb...) {
				p.ID, p.CaseID = 0, 0
			}
			if intakeJSON(t, ea) != intakeJSON(t, eb) || intakeJSON(t, pa) != intakeJSON(t, pb) {
				t.Errorf("timelines or parties differ:\n%s %s\n%s %s", intakeJSON(t, ea), intakeJSON(t, pa), intakeJSON(t, eb), intakeJSON(t, pb))
			}
		}
		entries, _, err := sqlstore.NewAuditService(db).FindAudit(storetest.System(), zhili.AuditFilter{Action: "case.report"})
		if err != nil || len(entries) != 6 {
			t.Fatalf("%d report entries: %v", len(entries), err)
		}
		for i := 0; i < len(entries); i += 2 {
			a, b := entries[i+1], entries[i]
			if a.Username != b.Username || a.UserID != b.UserID || a.IP != b.IP || a.ObjectType != b.ObjectType ||
				len(a.Detail) != len(b.Detail) || !a.At.Equal(b.At) {
				t.Errorf("audit entries differ:\n%+v\n%+v", a, b)
			}
		}
		if v := confVerify(t, db); !v.OK() {
			t.Errorf("audit chain broken: %+v", v.Broken)
		}
		// FindCase answers alike on both, in scope and out of it.
		for _, who := range []string{"leader", "townA", "townB", "auditor"} {
			for _, c := range all[:2] {
				a, errA := direct.FindCase(f.Ctx(t, db, who), c.ID)
				b, errB := intake.FindCase(f.Ctx(t, db, who), c.ID)
				if intakeJSON(t, a) != intakeJSON(t, b) || zhili.ErrorCode(errA) != zhili.ErrorCode(errB) {
					t.Errorf("FindCase as %s: %v %v / %v %v", who, a, errA, b, errB)
				}
			}
		}
		_, err = intake.FindCase(storetest.System(), 999999)
		confCode(t, err, zhili.ENOTFOUND)
	})
}

// intakeJSON renders v for comparison.
func intakeJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
