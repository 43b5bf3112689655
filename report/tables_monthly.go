package report

import (
	"context"
	"math"
	"slices"
	"strings"

	"github.com/zhili-project/zhili"
)

// bulletin reads the month's bulletin (offset 0) or an earlier month's, once per
// rendering.
func (e *renderEnv) bulletin(ctx context.Context, offset int) (*zhili.MonthlyBulletin, error) {
	month := e.from.AddDate(0, offset, 0).Format("2006-01")
	if e.bulletins == nil {
		e.bulletins = map[string]*zhili.MonthlyBulletin{}
	}
	if b, ok := e.bulletins[month]; ok {
		return b, nil
	}
	b, err := e.r.Rhythm.MonthlyBulletinData(ctx, e.region.ID, month)
	if err != nil {
		return nil, err
	}
	e.bulletins[month] = b
	return b, nil
}

// pct writes a 0–1 share as a percentage with one decimal, truncated.
func pct(share float64) Cell {
	return num(math.Floor(share*1000+1e-9)/10, 1)
}

func monthlyTownships(ctx context.Context, e *renderEnv) (*Table, error) {
	b, err := e.bulletin(ctx, 0)
	if err != nil {
		return nil, err
	}
	t := &Table{Columns: []string{"乡镇（街道）", "新增事件", "化解", "化解率（％）", "超期环节", "按期回访", "逾期回访"}}
	for _, r := range b.Rows {
		t.Rows = append(t.Rows, []Cell{{Text: r.Name}, intCell(r.New), intCell(r.Resolved), pct(r.ResolutionRate),
			intCell(r.OverdueSteps), intCell(r.VisitsOnTime), intCell(r.VisitsLate)})
	}
	t.Note = "化解率为本月新增事件中已化解的比例；超期环节为本月到期而未按期办理的环节数。"
	return t, nil
}

// rankRows orders the townships of a bulletin: resolution rate high to low,
// then fewer overdue steps, then more new cases, then by name. The county's own
// row (本级) is not ranked.
func rankRows(b *zhili.MonthlyBulletin) []zhili.BulletinRow {
	var rows []zhili.BulletinRow
	for _, r := range b.Rows {
		if r.RegionID != b.RegionID || len(b.Rows) == 1 {
			rows = append(rows, r)
		}
	}
	slices.SortStableFunc(rows, func(x, y zhili.BulletinRow) int {
		switch {
		case x.ResolutionRate != y.ResolutionRate:
			if x.ResolutionRate > y.ResolutionRate {
				return -1
			}
			return 1
		case x.OverdueSteps != y.OverdueSteps:
			return x.OverdueSteps - y.OverdueSteps
		case x.New != y.New:
			return y.New - x.New
		}
		return strings.Compare(x.Name, y.Name)
	})
	return rows
}

func monthlyRanking(ctx context.Context, e *renderEnv) (*Table, error) {
	b, err := e.bulletin(ctx, 0)
	if err != nil {
		return nil, err
	}
	t := &Table{Columns: []string{"名次", "乡镇（街道）", "化解率（％）", "超期环节", "新增事件"}}
	rank := 0
	var prev *zhili.BulletinRow
	for i, r := range rankRows(b) {
		if prev == nil || r.ResolutionRate != prev.ResolutionRate || r.OverdueSteps != prev.OverdueSteps {
			rank = i + 1 // ties share a place
		}
		prev = &r
		t.Rows = append(t.Rows, []Cell{intCell(rank), {Text: r.Name}, pct(r.ResolutionRate), intCell(r.OverdueSteps), intCell(r.New)})
	}
	t.Note = "按化解率从高到低排名；化解率相同的，超期环节少者在前，二者均相同的并列。"
	return t, nil
}

func monthlyCompare(ctx context.Context, e *renderEnv) (*Table, error) {
	cur, err := e.bulletin(ctx, 0)
	if err != nil {
		return nil, err
	}
	prev, err := e.bulletin(ctx, -1)
	if err != nil {
		return nil, err
	}
	last := map[int64]zhili.BulletinRow{}
	for _, r := range prev.Rows {
		last[r.RegionID] = r
	}
	t := &Table{Columns: []string{"乡镇（街道）", "本月新增", "上月新增", "增减", "本月化解率（％）", "上月化解率（％）", "增减（百分点）"}}
	for _, r := range cur.Rows {
		p := last[r.RegionID]
		now, before := pct(r.ResolutionRate), pct(p.ResolutionRate)
		t.Rows = append(t.Rows, []Cell{{Text: r.Name}, intCell(r.New), intCell(p.New), signed(float64(r.New-p.New), 0),
			now, before, signed(*now.Num-*before.Num, 1)})
	}
	return t, nil
}

// signed writes a change with its sign: +3, -1.5, 0.
func signed(v float64, dp int) Cell {
	c := num(v, dp)
	if v > 0 {
		c.Text = "+" + c.Text
	}
	return c
}

func monthlyOverdue(ctx context.Context, e *renderEnv) (*Table, error) {
	b, err := e.bulletin(ctx, 0)
	if err != nil {
		return nil, err
	}
	t := &Table{Columns: []string{"事件编号", "事件", "乡镇（街道）", "承办单位", "超期环节", "办理期限", "超期天数"}}
	for _, o := range b.Overdue {
		due := o.DueAt
		t.Rows = append(t.Rows, []Cell{caseCell(o.CaseID, o.No), {Text: o.Title}, {Text: o.Township}, {Text: o.HolderUnit},
			{Text: zhili.StepLabel(o.Step)}, {Text: cst(&due)}, intCell(o.DaysOverdue)})
	}
	return t, nil
}

func monthlyMissedVisits(ctx context.Context, e *renderEnv) (*Table, error) {
	cases, err := e.r.Rhythm.OverdueVisits(ctx, e.region.ID, e.asOf())
	if err != nil {
		return nil, err
	}
	return visitTable(cases), nil
}

// visitTable lists resolved cases whose ten-day return visit is overdue.
func visitTable(cases []*zhili.Case) *Table {
	t := &Table{Columns: []string{"事件编号", "事件", "发生地", "承办单位", "化解日期", "回访期限"}}
	for _, c := range cases {
		var due string
		if c.ResolvedAt != nil {
			d := zhili.StartOfDay(*c.ResolvedAt).AddDate(0, 0, zhili.VisitDays)
			due = cst(&d)
		}
		t.Rows = append(t.Rows, []Cell{caseCell(c.ID, c.No), {Text: c.Title}, {Text: c.RegionName}, {Text: c.HolderName},
			{Text: cst(c.ResolvedAt)}, {Text: due}})
	}
	return t
}
