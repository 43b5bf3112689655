package sqlstore_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/report"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// TestScheduledReportsAnnounced: on Monday 2 March the report jobs issue last
// week's dispatch sheet and February's bulletin for the county and each
// township, archive them, and tell each region's accounts; a second run issues
// nothing more. Each account reads and marks only its own notices.
func TestScheduledReportsAnnounced(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			rhReport(t, db, f, "gridA", f.GridA, "一号")
			s := sqlstore.NewScheduler(db)
			s.Window = 8 * 24 * time.Hour
			s.EnableReports()
			for i := 0; i < 2; i++ {
				if err := s.RunDue(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			list, total, err := sqlstore.NewReportArchiveService(db).FindArchives(f.Ctx(t, db, "center"), report.ArchiveFilter{Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]*report.Archive{}
			for _, a := range list {
				got[a.Template+" "+a.RegionCode+" "+a.From] = a
			}
			if total != 6 {
				t.Fatalf("archived %d reports, want 6: %v", total, got)
			}
			for _, code := range []string{f.County.Code, f.TownA.Code, f.TownB.Code} {
				for _, k := range []string{"weekly_dispatch " + code + " 2026-02-23", "monthly_bulletin " + code + " 2026-02-01"} {
					if a := got[k]; a == nil || a.Format != "docx" || a.Size == 0 || a.SM3 == "" {
						t.Errorf("%s: %+v", k, a)
					}
				}
			}
			notices := sqlstore.NewNoticeService(db)
			town := f.Ctx(t, db, "townA")
			mine, unread, err := notices.Notices(town, false, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if unread != 2 || len(mine) != 2 {
				t.Fatalf("township A's notices: %d unread, %+v", unread, mine)
			}
			for _, n := range mine {
				a := got[map[bool]string{true: "weekly_dispatch", false: "monthly_bulletin"}[strings.Contains(n.Title, "周调度")]+" "+f.TownA.Code+" "+
					map[bool]string{true: "2026-02-23", false: "2026-02-01"}[strings.Contains(n.Title, "周调度")]]
				if a == nil || n.ArchiveID != a.ID || n.URL != "/reports/archive/"+itoa(a.ID) || !strings.Contains(n.Title, "青山镇") {
					t.Errorf("notice %+v does not point at township A's archive %+v", n, a)
				}
			}
			if _, unread, _ := notices.Notices(f.Ctx(t, db, "leader"), true, 0, 0); unread != 2 {
				t.Errorf("the county leader has %d unread, want the county's two", unread)
			}
			if _, unread, _ := notices.Notices(f.Ctx(t, db, "gridA"), false, 0, 0); unread != 0 {
				t.Errorf("a grid member got %d notices", unread)
			}
			_, err = notices.MarkRead(f.Ctx(t, db, "townB"), mine[0].ID)
			rhCode(t, "another's notice", err, zhili.ENOTFOUND)
			if n, err := notices.MarkRead(town, mine[0].ID); err != nil || n != 1 {
				t.Fatalf("mark read: %d %v", n, err)
			}
			if _, unread, _ := notices.Notices(town, true, 0, 0); unread != 1 {
				t.Fatalf("after reading one: %d unread", unread)
			}
			if n, err := notices.MarkRead(town, 0); err != nil || n != 1 {
				t.Fatalf("mark all read: %d %v", n, err)
			}
			_, _, err = notices.Notices(storetest.System(), false, 0, 0)
			rhCode(t, "the system has no notices", err, zhili.EFORBIDDEN)
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
