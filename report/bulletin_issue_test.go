package report_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/report"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// dispute enters a dispute with the people involved and the amount at stake (fen).
func (b *book) dispute(category, title string, region *zhili.Region, when string, people int, fen int64) *zhili.Case {
	b.t.Helper()
	b.at(when)
	c := &zhili.Case{Kind: zhili.KindDispute, Category: category, Title: title, RegionID: region.ID, People: people, Amount: fen}
	if err := b.cases.ReportCase(storetest.System(), c, nil); err != nil {
		b.t.Fatalf("report %s: %v", title, err)
	}
	return c
}

// settle accepts and resolves a case by method, with or without an agreement.
func (b *book) settle(c *zhili.Case, when, method, outcome string, agreement bool) {
	b.t.Helper()
	b.act(c, when, zhili.CaseAct{Action: zhili.DoAccept})
	b.act(c, when, zhili.CaseAct{Action: zhili.DoResolve, Method: method, Outcome: outcome, Agreement: agreement})
}

// disputeData is the dispute bulletin's data set. March 2026: township A (青山镇)
// has A1–A4, township B (东城街道) B1–B4; A5 is rejected and does not count.
// February has F1 (resolved) and F2; April has P1, after the period. Resolved in
// March: A1 人民调解 with an agreement, A2 行政调解, A3 司法调解, B1 诉调对接 with an
// agreement, B2 人民调解, B4 当事人和解; A4 and B3 stay open. The typical cases by
// people, then amount: B1 (30), A3 (12, 12万元), A2 (12, 5万元), B4 (5), A1 (3), B2 (2).
func disputeData(t *testing.T, db *sqlstore.DB, f *storetest.Fixture) rhythmCases {
	b := newBook(t, db)
	cs := rhythmCases{}
	add := func(name, category string, grid *zhili.Region, when string, people int, fen int64) *zhili.Case {
		cs[name] = b.dispute(category, name+"号纠纷", grid, when, people, fen)
		return cs[name]
	}
	b.settle(add("F1", "neighbour", f.GridA, "2026-02-03 09:00", 2, 0), "2026-02-04 09:00", "人民调解", "已化解", false)
	add("F2", "neighbour", f.GridB, "2026-02-10 09:00", 2, 0)
	add("A1", "neighbour", f.GridA, "2026-03-02 09:00", 3, 0)
	add("A2", "land_forest", f.GridA2, "2026-03-03 09:00", 12, 5_000_000)
	add("A3", "land_forest", f.GridA, "2026-03-04 09:00", 12, 12_000_000)
	add("A4", "marriage_family", f.GridA, "2026-03-05 09:00", 2, 0)
	add("A5", "neighbour", f.GridA, "2026-03-05 10:00", 2, 0)
	add("B1", "labor", f.GridB, "2026-03-06 09:00", 30, 80_000_000)
	add("B2", "neighbour", f.GridB, "2026-03-07 09:00", 2, 0)
	add("B3", "neighbour", f.GridB, "2026-03-08 09:00", 2, 0)
	add("B4", "property", f.GridB, "2026-03-09 09:00", 5, 0)
	b.settle(cs["A1"], "2026-03-10 09:00", "人民调解", "双方达成调解协议", true)
	b.settle(cs["A2"], "2026-03-11 09:00", "行政调解", "重新确权，已化解", false)
	b.settle(cs["A3"], "2026-03-12 09:00", "司法调解", "法院确认调解协议", false)
	b.settle(cs["B1"], "2026-03-13 09:00", "诉调对接", "分期支付工资", true)
	b.settle(cs["B2"], "2026-03-14 09:00", "人民调解", "已化解", false)
	b.settle(cs["B4"], "2026-03-15 09:00", "当事人和解", "当事人自行和解", false)
	b.act(cs["A4"], "2026-03-16 09:00", zhili.CaseAct{Action: zhili.DoAccept})
	b.act(cs["A5"], "2026-03-16 09:00", zhili.CaseAct{Action: zhili.DoReject, Note: "不属于受理范围"})
	b.settle(add("P1", "neighbour", f.GridA, "2026-04-02 09:00", 50, 0), "2026-04-02 10:00", "人民调解", "已化解", false)
	b.at("2026-04-10 12:00")
	return cs
}

// issueFigures are the figures no case count gives.
var issueFigures = report.Fixed{"mediation.mediators": {Value: 36, Unit: "名"}, "legal.consultations": {Value: 1200, Unit: "人"}}

// TestBulletinIssue renders the dispute bulletin for March and checks each
// table row by row, the figures with last period and the year, the links, and a
// township's own bulletin.
func TestBulletinIssue(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, dialect)
			f := storetest.NewFixture(t, db)
			cs := disputeData(t, db, f)
			r := renderer(db, report.Chain{caseFigures(db), issueFigures})
			r.Strict = true
			d, err := r.Render(f.Ctx(t, db, "leader"), "bulletin_issue", report.Params{Region: f.County.Code, From: "2026-03-01", To: "2026-03-31"})
			if err != nil {
				t.Fatal(err)
			}
			if d.From != "2026-03-01" || d.To != "2026-03-31" || d.Title != "青山县社会治理专刊（矛盾纠纷多元化解）" || d.Label != "矛盾纠纷多元化解专刊" {
				t.Fatalf("period %s–%s, title %s, label %s", d.From, d.To, d.Title, d.Label)
			}
			for src, want := range map[string]string{
				"dispute.total": "8", "dispute.resolved": "6", "dispute.resolution_rate dp=1": "75.0",
				"dispute.total period=prev": "2", "dispute.resolved period=prev": "1", "dispute.resolution_rate dp=1 period=prev": "50.0",
				"dispute.total period=year": "10", "dispute.resolved period=year": "7", "dispute.resolution_rate dp=1 period=year": "70.0",
				"mediation.mediators": "36", "legal.consultations": "1200",
			} {
				if got := figure(t, d, src); got != want {
					t.Errorf("{{%s}} = %s, want %s", src, got, want)
				}
			}
			for _, ph := range d.Figures { // whole months: the period before is February
				if strings.HasSuffix(ph.Source, "period=prev") && (ph.From != "2026-02-01" || ph.To != "2026-02-28") {
					t.Errorf("{{%s}} over %s–%s, want February", ph.Source, ph.From, ph.To)
				}
			}
			want := map[string][]string{
				"disputes.townships": {"东城街道\t4\t3\t75.0\t1\t0\t0\t2", "青山镇\t4\t3\t75.0\t1\t1\t1\t0", "合计\t8\t6\t75.0\t2\t1\t1\t2"},
				"disputes.categories": {"邻里纠纷\t3\t37.5\t2\t66.6", "土地山林\t2\t25.0\t2\t100.0", "婚姻家庭\t1\t12.5\t0\t0.0",
					"劳资纠纷\t1\t12.5\t1\t100.0", "物业纠纷\t1\t12.5\t1\t100.0", "合计\t8\t100.0\t6\t75.0"},
				"disputes.methods": {"人民调解\t2\t33.3\t1", "行政调解\t1\t16.6\t0", "司法调解\t1\t16.6\t0", "诉调对接\t1\t16.6\t1",
					"当事人和解\t1\t16.6\t0", "合计\t6\t100.0\t2"},
				"disputes.typical": {
					cs["B1"].No + "\tB1号纠纷\t东城街道\t劳资纠纷\t30\t80.00\t诉调对接\t分期支付工资（签订调解协议）",
					cs["A3"].No + "\tA3号纠纷\t青山镇\t土地山林\t12\t12.00\t司法调解\t法院确认调解协议",
					cs["A2"].No + "\tA2号纠纷\t青山镇\t土地山林\t12\t5.00\t行政调解\t重新确权，已化解",
					cs["B4"].No + "\tB4号纠纷\t东城街道\t物业纠纷\t5\t—\t当事人和解\t当事人自行和解",
					cs["A1"].No + "\tA1号纠纷\t青山镇\t邻里纠纷\t3\t—\t人民调解\t双方达成调解协议（签订调解协议）",
				},
			}
			for name, w := range want {
				if got := rows(table(t, d, name)); !slices.Equal(got, w) {
					t.Errorf("%s:\n got %q\nwant %q", name, got, w)
				}
			}
			// Each typical case links to its page, in the HTML too.
			html, err := report.Encode(d, "html")
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range []string{"B1", "A3", "A2", "B4", "A1"} {
				link := fmt.Sprintf(`<a href="/cases/%d">%s</a>`, cs[n].ID, cs[n].No)
				if !strings.Contains(string(html), link) {
					t.Errorf("the HTML lacks %s", link)
				}
			}
			if strings.Contains(string(html), fmt.Sprintf(`/cases/%d"`, cs["B2"].ID)) {
				t.Error("B2, the sixth, is offered though five are asked for")
			}
			if !strings.Contains(string(html), `href="/indicators/dispute.total/records?from=2026-02-01&amp;region=419901000000&amp;to=2026-02-28"`) {
				t.Error("last period's dispute.total does not link to February's records")
			}

			// Township A's bulletin has its own row, no 合计, none of B's cases.
			d, err = r.Render(f.Ctx(t, db, "townA"), "bulletin_issue", report.Params{Region: f.TownA.Code, From: "2026-03-01", To: "2026-03-31"})
			if err != nil {
				t.Fatal(err)
			}
			if got := rows(table(t, d, "disputes.townships")); !slices.Equal(got, []string{"青山镇\t4\t3\t75.0\t1\t1\t1\t0"}) || strings.Contains(d.Text(), "东城") {
				t.Errorf("township A's bulletin: %q\n%s", got, d.Text())
			}
			if got := len(table(t, d, "disputes.typical").Rows); got != 3 {
				t.Errorf("township A offers %d typical cases, want A3, A2, A1", got)
			}
			_, err = r.Render(f.Ctx(t, db, "townB"), "bulletin_issue", report.Params{Region: f.TownA.Code, From: "2026-03-01", To: "2026-03-31"})
			code(t, "township B renders township A's bulletin", err, zhili.ENOTFOUND)
		})
	}
}

// TestBulletinIssuePrevDays: a period that is not whole months compares with
// as many days just before it.
func TestBulletinIssuePrevDays(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, "sqlite")
	f := storetest.NewFixture(t, db)
	disputeData(t, db, f)
	d, err := renderer(db, report.Chain{caseFigures(db), issueFigures}).Render(f.Ctx(t, db, "leader"), "bulletin_issue",
		report.Params{Region: f.County.Code, From: "2026-03-06", To: "2026-03-15"})
	if err != nil {
		t.Fatal(err)
	}
	for _, ph := range d.Figures {
		if strings.HasSuffix(ph.Source, "period=prev") && (ph.From != "2026-02-24" || ph.To != "2026-03-05") {
			t.Errorf("{{%s}} over %s–%s, want 2026-02-24–2026-03-05", ph.Source, ph.From, ph.To)
		}
	}
	// 6–15 March: B1–B4; the ten days before: A1–A5 less the rejected A5.
	if got := []string{figure(t, d, "dispute.total"), figure(t, d, "dispute.total period=prev")}; !slices.Equal(got, []string{"4", "4"}) {
		t.Errorf("disputes this period and last: %v", got)
	}
	if got := rows(table(t, d, "disputes.townships")); !slices.Equal(got, []string{"东城街道\t4\t3\t75.0\t1\t0\t0\t2", "青山镇\t0\t0\t—\t0\t0\t0\t0", "合计\t4\t3\t75.0\t1\t0\t0\t2"}) {
		t.Errorf("townships %q", got)
	}
}

// TestBulletinIssueDocx renders the bulletin as .docx and reads it back through
// LibreOffice: the title, the headings, the tables' cells and every paragraph.
func TestBulletinIssueDocx(t *testing.T) {
	lo := office(t)
	db := storetest.Open(t, "sqlite")
	f := storetest.NewFixture(t, db)
	cs := disputeData(t, db, f)
	r := renderer(db, report.Chain{caseFigures(db), issueFigures})
	r.Strict = true
	d, err := r.Render(f.Ctx(t, db, "leader"), "bulletin_issue", report.Params{Region: f.County.Code, From: "2026-03-01", To: "2026-03-31"})
	if err != nil {
		t.Fatal(err)
	}
	text := officeText(t, lo, d)
	for _, want := range []string{"青山县社会治理专刊（矛盾纠纷多元化解）", "一、总体情况", "二、分乡镇（街道）排查化解情况", "五、典型案例",
		"本期共排查各类矛盾纠纷8件（上期2件），化解6件（上期1件），化解率75.0％（上期50.0％）", "各乡镇（街道）矛盾纠纷排查化解情况",
		"邻里纠纷", "当事人和解", cs["B1"].No, "分期支付工资（签订调解协议）"} {
		if !strings.Contains(text, want) {
			t.Errorf("LibreOffice's text lacks %q", want)
		}
	}
	inOrder(t, text, d)
}
