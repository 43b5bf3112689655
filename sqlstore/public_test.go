package sqlstore_test

import (
	"strings"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// TestPublicReport follows a resident's report: placed in its grid by GPS, entered as
// a public case with its photo, tracked by code (showing no person's data), rated
// once after resolution; bad input changes nothing.
func TestPublicReport(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, d)
			f := storetest.NewFixture(t, db)
			pub := sqlstore.NewPublicService(db, sqlstore.NewLocateService(db))
			ctx := storetest.System()
			lat, lng := 34.705, 113.605 // inside 石桥村第一网格 (GridA)
			png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)

			// Bad input: every bad field named, nothing written.
			_, _, err := pub.SubmitPublic(ctx, &zhili.PublicReport{Kind: zhili.KindHazard, Category: "nope", Title: "", RegionCode: "123", Contact: "12345",
				Photo: []byte("#!/bin/sh"), PhotoName: "x.sh", PhotoType: "text/plain"})
			fields := map[string]bool{}
			for _, fe := range zhili.ErrorFields(err) {
				fields[fe.Field] = true
			}
			for _, want := range []string{"category", "title", "region_code", "contact"} {
				if !fields[want] {
					t.Errorf("no error for %s: %v", want, err)
				}
			}
			if _, total, _ := sqlstore.NewCaseService(db).FindCases(ctx, zhili.CaseFilter{}); total != 0 {
				t.Fatalf("a refused report left %d cases", total)
			}

			code, no, err := pub.SubmitPublic(ctx, &zhili.PublicReport{Kind: zhili.KindHazard, Category: "fire", Title: "楼道堆放杂物堵塞消防通道",
				Detail: "三楼楼道", Lat: &lat, Lng: &lng, Contact: "13812345678", Photo: png, PhotoName: "现场.png", PhotoType: "image/png"})
			if err != nil {
				t.Fatal(err)
			}
			if len(code) != 14 || no == "" {
				t.Fatalf("code %q no %q", code, no)
			}
			cases := sqlstore.NewCaseService(db)
			list, _, _ := cases.FindCases(ctx, zhili.CaseFilter{})
			if len(list) != 1 || list[0].RegionID != f.GridA.ID || list[0].Source != zhili.SourcePublic || list[0].HolderUnitID != f.Offices[f.VillageA.Code].ID {
				t.Fatalf("case %+v", list)
			}
			c := list[0]
			if atts, _ := cases.Attachments(ctx, c.ID); len(atts) != 1 {
				t.Fatalf("attachments %d", len(atts))
			}

			st, err := pub.TrackPublic(ctx, strings.ToLower(strings.ReplaceAll(code, "-", ""))) // typed loosely
			if err != nil || st.Stage != "已提交，等待受理" || st.CanRate || len(st.Steps) != 1 {
				t.Fatalf("track: %v %+v", err, st)
			}
			if _, err := pub.TrackPublic(ctx, "AAAA-BBBB-CCCC"); zhili.ErrorCode(err) != zhili.ENOTFOUND {
				t.Fatalf("unknown code: %v", err)
			}
			if _, err := pub.RatePublic(ctx, code, 5, ""); zhili.ErrorCode(err) != zhili.ECONFLICT {
				t.Fatalf("rating before resolution: %v", err)
			}

			village := f.Ctx(t, db, "villageA")
			if _, err := cases.Act(village, c.ID, zhili.CaseAct{Action: zhili.DoAccept, From: zhili.CaseReported}); err != nil {
				t.Fatal(err)
			}
			if _, err := cases.Act(village, c.ID, zhili.CaseAct{Action: zhili.DoResolve, From: zhili.CaseAccepted, Method: "整改完成", Outcome: "杂物已清理，业主张三已签字"}); err != nil {
				t.Fatal(err)
			}
			st, err = pub.TrackPublic(ctx, code)
			if err != nil || st.Stage != "已办结" || !st.CanRate || len(st.Steps) != 3 {
				t.Fatalf("after resolution: %v %+v", err, st)
			}
			if _, err := pub.RatePublic(ctx, code, 6, ""); zhili.ErrorCode(err) != zhili.EINVALID {
				t.Fatalf("rating 6: %v", err)
			}
			st, err = pub.RatePublic(ctx, code, 4, "处理及时")
			if err != nil || st.Satisfaction != 4 || st.CanRate || st.RatedAt == nil {
				t.Fatalf("rate: %v %+v", err, st)
			}
			if _, err := pub.RatePublic(ctx, code, 1, ""); zhili.ErrorCode(err) != zhili.ECONFLICT {
				t.Fatalf("second rating: %v", err)
			}
		})
	}
}
