package report_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/indicator"
	"github.com/zhili-project/zhili/report"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// fixedFigures are the figures no engine computes in this package's tests (the
// ledgers, department reports and organisation counts belong to the indicator
// engine); each gets a distinct value so a wrong binding shows.
func fixedFigures() report.Fixed {
	out := report.Fixed{}
	for i, id := range figureIDs {
		if _, ok := zhili.FindCaseCount(id); ok {
			continue
		}
		out[id] = report.Figure{Value: float64(100 + i), Unit: "个"}
	}
	out["finance.npl_recovered"] = report.Figure{Value: 123_456_789, Unit: "元"} // 1.2亿元
	out["assistance.amount"] = report.Figure{Value: 1_234_567.5, Unit: "元"}     // 123.5万元
	out["enforcement.amount"] = report.Figure{Value: 98_760_000, Unit: "分"}     // 987,600元: 98.8万元
	out["selfgov.organizations"] = report.Figure{Value: 47, Unit: "个"}          // 40多个
	out["housing.first_registration_rate"] = report.Figure{Value: 99.96, Unit: "％"}
	return out
}

// exchangeData enters 2026's cases: three disputes (two resolved), one labour
// complaint paying 3,567,800 元 to 12 workers, one in 2025 that must not count.
func exchangeData(t *testing.T, db *sqlstore.DB, f *storetest.Fixture) {
	b := newBook(t, db)
	d1 := b.report(zhili.KindDispute, "neighbour", "邻里纠纷一", f.GridA, "2026-01-05 09:00")
	b.resolve(d1, "2026-01-06 09:00", 0, 0)
	d2 := b.report(zhili.KindDispute, "neighbour", "邻里纠纷二", f.GridB, "2026-02-05 09:00")
	b.resolve(d2, "2026-02-06 09:00", 0, 0)
	b.report(zhili.KindDispute, "land_forest", "土地纠纷", f.GridA2, "2026-02-07 09:00")
	old := b.report(zhili.KindDispute, "neighbour", "去年的纠纷", f.GridA, "2025-12-30 09:00")
	b.resolve(old, "2025-12-31 09:00", 0, 0)
	w := b.report(zhili.KindLaborComplaint, "wage_arrears", "拖欠工资", f.GridB, "2026-02-10 09:00")
	b.resolve(w, "2026-02-20 09:00", 12, 356_780_000)
}

// TestExchangeMaterial renders the seed for the county over 2026: the case figures
// come from the database, the rest from a fixed table; every FIGURES.md figure is
// filled, nothing is left masked, and each figure links to its records.
func TestExchangeMaterial(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, dialect)
			f := storetest.NewFixture(t, db)
			exchangeData(t, db, f)
			r := renderer(db, report.Chain{caseFigures(db), fixedFigures()})
			r.Strict = true
			leader := f.Ctx(t, db, "leader")
			p := report.Params{Region: f.County.Code, From: "2026-01-01", To: "2026-12-31"}
			d, err := r.Render(leader, "exchange_material", p)
			if err != nil {
				t.Fatal(err)
			}
			text := d.Text()
			if strings.Contains(text, "*") || strings.Contains(text, "××") || len(d.Missing) > 0 {
				t.Fatalf("masked or missing figures left (%v):\n%s", d.Missing, text)
			}
			for _, want := range []string{
				"青山县加强社会治理交流材料\n", "近年来，青山县坚持", "抢抓河洛市列入", "平安青山建设（市域社会治理）", "“平安青山”建设",
				"驻村干部“1＋N”帮带机制", "一、高位推动", "四、靶向发力",
				"排查各类矛盾纠纷3件，化解2件，化解率66.6％", // truncated, never rounded up
				"为12名劳动者追讨工资350多万元", "受理劳动监察举报投诉案件1件",
				"清收金融机构不良贷款1.2亿元", "发放社会救助资金123.5万元", "执行到位金额98.8万元",
				"自治组织40多个", "首次登记化解率99％", "收入达到10万元以上",
			} {
				if !strings.Contains(text, want) {
					t.Errorf("text lacks %q", want)
				}
			}
			// Every FIGURES.md id is a placeholder with a value and a drill-down.
			seen := map[string]bool{}
			for _, ph := range d.Figures {
				base, _ := report.SplitID(ph.ID)
				seen[base] = true
				if ph.Value == nil || ph.URL == "" || ph.Missing {
					t.Errorf("figure %s: %+v", ph.ID, ph)
				}
			}
			for _, id := range figureIDs {
				if !seen[id] {
					t.Errorf("no figure %s in the document", id)
				}
			}
			// The link of a case figure opens exactly the records counted.
			counts := sqlstore.NewCaseService(db)
			for _, ph := range d.Figures {
				if ph.ID != zhili.CountDisputeTotal {
					continue
				}
				if !strings.HasPrefix(ph.URL, "/indicators/dispute.total/records?") || !strings.Contains(ph.URL, "region="+f.County.Code) ||
					!strings.Contains(ph.URL, "from=2026-01-01") || !strings.Contains(ph.URL, "to=2026-12-31") {
					t.Errorf("drill-down %s", ph.URL)
				}
				ids, err := counts.CountRecords(leader, ph.ID, f.County.ID, ph.From, ph.To)
				if err != nil || float64(len(ids)) != *ph.Value {
					t.Errorf("records behind %s: %v %v, value %v", ph.ID, ids, err, *ph.Value)
				}
			}
			// JSON lists the same figures; HTML links each one.
			var js bytes.Buffer
			if err := report.WriteJSON(&js, d); err != nil {
				t.Fatal(err)
			}
			var back struct {
				Figures []struct {
					ID    string   `json:"id"`
					Value *float64 `json:"value"`
					URL   string   `json:"url"`
				} `json:"figures"`
				Text string `json:"text"`
			}
			if err := json.Unmarshal(js.Bytes(), &back); err != nil || len(back.Figures) != len(d.Figures) || back.Text != text {
				t.Fatalf("json: %v, %d figures", err, len(back.Figures))
			}
			var html bytes.Buffer
			if err := report.WriteHTML(&html, d); err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(html.String(), `<a class="fig" href="/indicators/`); n != len(d.Figures) {
				t.Errorf("%d figure links in the HTML, want %d", n, len(d.Figures))
			}
			// A township sees the county's report as absent; the auditor may not render.
			_, err = r.Render(f.Ctx(t, db, "townA"), "exchange_material", p)
			code(t, "township renders the county", err, zhili.ENOTFOUND)
			_, err = r.Render(f.Ctx(t, db, "auditor"), "exchange_material", p)
			code(t, "auditor renders", err, zhili.EFORBIDDEN)
		})
	}
}

// TestRenderMissingAndBadInput: without an engine the figures it would give read
// "××" and are listed; strict rendering refuses; bad parameters name the field.
func TestRenderMissingAndBadInput(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, "sqlite")
	f := storetest.NewFixture(t, db)
	r := renderer(db, caseFigures(db))
	r.Settings = nil
	ctx := f.Ctx(t, db, "center")
	p := report.Params{Region: f.County.Code, From: "2026-01-01", To: "2026-12-31"}
	d, err := r.Render(ctx, "exchange_material", p)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(d.Missing, "org.special_groups") || !slices.Contains(d.Missing, "city_short") || slices.Contains(d.Missing, "dispute.total") {
		t.Errorf("missing %v", d.Missing)
	}
	if !strings.Contains(d.Text(), "设立××个专项组") || !strings.Contains(d.Text(), "排查各类矛盾纠纷0件") {
		t.Errorf("text:\n%s", d.Text())
	}
	r.Strict = true
	_, err = r.Render(ctx, "exchange_material", p)
	code(t, "strict render without the city's name", err, zhili.EINVALID)
	r.Settings = testSettings
	_, err = r.Render(ctx, "exchange_material", p)
	if err == nil || !strings.Contains(err.Error(), "unknown figure") {
		t.Errorf("strict render: %v", err)
	}
	for _, tc := range []struct {
		name  string
		p     report.Params
		field string
	}{
		{"no region", report.Params{From: "2026-01-01", To: "2026-01-31"}, "region"},
		{"bad from", report.Params{Region: f.County.Code, From: "2026-13-01", To: "2026-01-31"}, "from"},
		{"to before from", report.Params{Region: f.County.Code, From: "2026-02-01", To: "2026-01-31"}, "to"},
	} {
		_, err := r.Render(ctx, "monthly_bulletin", tc.p)
		code(t, tc.name, err, zhili.EINVALID)
		if fs := zhili.ErrorFields(err); len(fs) == 0 || fs[0].Field != tc.field {
			t.Errorf("%s: fields %v", tc.name, fs)
		}
	}
	_, err = r.Render(ctx, "no_such_report", p)
	code(t, "unknown template", err, zhili.ENOTFOUND)
	_, err = r.Render(ctx, "monthly_bulletin", report.Params{Region: "419901999000", From: "2026-01-01", To: "2026-01-31"})
	code(t, "unknown region", err, zhili.ENOTFOUND)
}

// TestExchangeMaterialFromEngine renders the seed with every figure from the
// indicator engine through report.IndicatorFigures: the ids' arguments are the
// engine's parameters, and the case figures agree with the case counts.
func TestExchangeMaterialFromEngine(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, "sqlite")
	f := storetest.NewFixture(t, db)
	exchangeData(t, db, f)
	cat := indicator.Default()
	r := renderer(db, report.IndicatorFigures{Indicators: indicator.NewEngine(cat, sqlstore.NewIndicatorStore(db, cat))})
	r.Strict = true
	d, err := r.Render(f.Ctx(t, db, "leader"), "exchange_material", report.Params{Region: f.County.Code, From: "2026-01-01", To: "2026-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"排查各类矛盾纠纷3件，化解2件，化解率66.6％", "为12名劳动者追讨工资350多万元", "在县城1个社区划分网格2个" /* 青山镇: 青山社区; 石桥村 and 青山社区 each have a grid */} {
		if !strings.Contains(d.Text(), want) {
			t.Errorf("text lacks %q:\n%s", want, d.Text())
		}
	}
	for _, ph := range d.Figures {
		if ph.ID == "grid.count(county_seat=true)" && !strings.Contains(ph.URL, "county_seat=true") {
			t.Errorf("drill-down drops the parameter: %s", ph.URL)
		}
	}
}
