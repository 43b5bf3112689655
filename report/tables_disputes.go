package report

import (
	"context"
	"fmt"

	"github.com/zhili-project/zhili"
)

// The disputes.* tables of the dispute special bulletin (矛盾纠纷多元化解专刊,
// templates/bulletin_issue.tmpl). They share one zhili.DisputeReport, whose
// counts are those of dispute.total and dispute.resolved, so each table adds up to
// the figures of the text.

// defaultTypical is how many typical cases the disputes.typical table offers when
// the template sets no `var typical_cases`.
const defaultTypical = 5

// disputeReport is the report's dispute data, once per rendering.
func (e *renderEnv) disputeReport(ctx context.Context) (*zhili.DisputeReport, error) {
	if e.disputes != nil {
		return e.disputes, nil
	}
	if e.r.Disputes == nil {
		return nil, fmt.Errorf("no dispute report service to compute it")
	}
	n := defaultTypical
	if v, ok := e.tmpl.vars["typical_cases"]; ok {
		n = int(v)
	}
	d, err := e.r.Disputes.DisputeReport(ctx, e.region.ID, Day(e.from), Day(e.to), n)
	if err != nil {
		return nil, err
	}
	e.disputes = d
	return d, nil
}

// rateCell is num/den as a percentage with one decimal, truncated as the
// figures are (zhili.RateTenths); "—" when there is nothing to divide.
func rateCell(n, den int) Cell {
	if den <= 0 {
		return Cell{Text: "—"}
	}
	return num(float64(zhili.RateTenths(int64(n), int64(den)))/10, 1)
}

func disputeTownships(ctx context.Context, e *renderEnv) (*Table, error) {
	d, err := e.disputeReport(ctx)
	if err != nil {
		return nil, err
	}
	cols := []string{"乡镇（街道）", "排查纠纷（件）", "化解（件）", "化解率（％）"}
	for _, ch := range zhili.MediationChannels {
		cols = append(cols, ch)
	}
	t := &Table{Columns: append(cols, "其他方式")}
	var sum zhili.DisputeTownship
	sum.ByMethod = map[string]int{}
	for _, r := range d.Townships {
		t.Rows = append(t.Rows, townshipRow(r.Name, r))
		sum.Total, sum.Resolved = sum.Total+r.Total, sum.Resolved+r.Resolved
		for m, n := range r.ByMethod {
			sum.ByMethod[m] += n
		}
	}
	if len(d.Townships) > 1 {
		t.Rows = append(t.Rows, townshipRow("合计", sum))
	}
	t.Note = "排查纠纷为本期上报的矛盾纠纷（不含不予受理和重复上报的），化解为其中现已化解的；人民调解、行政调解、司法调解为“三调联动”渠道，" +
		"其他方式含诉调对接、当事人和解、行政处理、协调解决等。"
	return t, nil
}

// townshipRow is one line of disputes.townships: the counts, then the resolved
// ones by channel, the rest under 其他方式.
func townshipRow(name string, r zhili.DisputeTownship) []Cell {
	row := []Cell{{Text: name}, intCell(r.Total), intCell(r.Resolved), rateCell(r.Resolved, r.Total)}
	other := r.Resolved
	for _, ch := range zhili.MediationChannels {
		row = append(row, intCell(r.ByMethod[ch]))
		other -= r.ByMethod[ch]
	}
	return append(row, intCell(other))
}

func disputeCategories(ctx context.Context, e *renderEnv) (*Table, error) {
	d, err := e.disputeReport(ctx)
	if err != nil {
		return nil, err
	}
	t := &Table{Columns: []string{"纠纷类型", "排查（件）", "占比（％）", "化解（件）", "化解率（％）"}}
	for _, c := range d.Categories {
		t.Rows = append(t.Rows, []Cell{{Text: c.Label}, intCell(c.Total), rateCell(c.Total, d.Total), intCell(c.Resolved), rateCell(c.Resolved, c.Total)})
	}
	if len(d.Categories) > 0 {
		t.Rows = append(t.Rows, []Cell{{Text: "合计"}, intCell(d.Total), rateCell(d.Total, d.Total), intCell(d.Resolved), rateCell(d.Resolved, d.Total)})
	}
	t.Note = "按排查件数从多到少排列；占比为该类纠纷占本期排查纠纷的比例。"
	return t, nil
}

func disputeMethods(ctx context.Context, e *renderEnv) (*Table, error) {
	d, err := e.disputeReport(ctx)
	if err != nil {
		return nil, err
	}
	t := &Table{Columns: []string{"化解方式", "化解（件）", "占比（％）", "其中签订调解协议（件）"}}
	agreements := 0
	for _, m := range d.Methods {
		name := m.Method
		if name == "" {
			name = "未注明"
		}
		t.Rows = append(t.Rows, []Cell{{Text: name}, intCell(m.Resolved), rateCell(m.Resolved, d.Resolved), intCell(m.Agreements)})
		agreements += m.Agreements
	}
	if len(d.Methods) > 0 {
		t.Rows = append(t.Rows, []Cell{{Text: "合计"}, intCell(d.Resolved), rateCell(d.Resolved, d.Resolved), intCell(agreements)})
	}
	t.Note = "本期排查的矛盾纠纷中现已化解的，按办结时登记的化解方式统计。"
	return t, nil
}

func disputeTypical(ctx context.Context, e *renderEnv) (*Table, error) {
	d, err := e.disputeReport(ctx)
	if err != nil {
		return nil, err
	}
	t := &Table{Columns: []string{"事件编号", "事件", "乡镇（街道）", "纠纷类型", "涉及人数", "涉及金额（万元）", "化解方式", "化解结果"}}
	for _, c := range d.Typical {
		amount := Cell{Text: "—"}
		if c.AmountFen != 0 {
			amount = num(float64(c.AmountFen)/1e6, 2)
		}
		outcome := c.Outcome
		if c.Agreement {
			outcome += "（签订调解协议）"
		}
		t.Rows = append(t.Rows, []Cell{caseCell(c.CaseID, c.No), {Text: c.Title}, {Text: c.Township}, {Text: c.Category},
			intCell(c.People), amount, {Text: c.Method}, {Text: outcome}})
	}
	t.Note = "从本期排查、现已化解的矛盾纠纷中，按涉及人数从多到少、涉及金额从大到小（再按化解先后）选取，供编辑选用典型案例。"
	return t, nil
}
