package report

import (
	"context"
	"fmt"
	"strings"

	"github.com/zhili-project/zhili"
)

// weekLabel is the ISO week of the report's first day: "2026-W10".
func (e *renderEnv) weekLabel() string {
	y, w := e.from.ISOWeek()
	return zhiliWeek(y, w)
}

func zhiliWeek(y, w int) string { return fmt.Sprintf("%04d-W%02d", y, w) }

func weeklyTownships(ctx context.Context, e *renderEnv) (*Table, error) {
	towns, err := e.townships(ctx)
	if err != nil {
		return nil, err
	}
	at := e.asOf()
	t := &Table{Columns: []string{"乡镇（街道）", "本周新增", "本周化解", "在办", "超过十五日未办结", "逾期未回访"}}
	for _, town := range towns {
		w, err := e.r.Rhythm.WeeklyReview(ctx, town.ID, e.weekLabel())
		if err != nil {
			return nil, err
		}
		dispatch, err := e.r.Rhythm.DispatchList(ctx, town.ID, at)
		if err != nil {
			return nil, err
		}
		visits, err := e.r.Rhythm.OverdueVisits(ctx, town.ID, at)
		if err != nil {
			return nil, err
		}
		t.Rows = append(t.Rows, []Cell{{Text: town.Name}, intCell(w.New), intCell(w.Resolved), intCell(w.Open),
			intCell(len(dispatch)), intCell(len(visits))})
	}
	return t, nil
}

func weeklyDispatch(ctx context.Context, e *renderEnv) (*Table, error) {
	items, err := e.r.Rhythm.DispatchList(ctx, e.region.ID, e.asOf())
	if err != nil {
		return nil, err
	}
	t := &Table{Columns: []string{"事件编号", "事件", "发生地", "承办单位", "上报日期", "已办天数"}}
	for _, it := range items {
		c := it.Case
		t.Rows = append(t.Rows, []Cell{caseCell(c.ID, c.No), {Text: c.Title}, {Text: c.RegionName}, {Text: c.HolderName},
			{Text: cst(&c.ReportedAt)}, intCell(it.DaysOpen)})
	}
	return t, nil
}

// review is the weekly review of the report's region, once per rendering.
func (e *renderEnv) review(ctx context.Context) (*zhili.WeeklyReview, error) {
	if e.weekly != nil {
		return e.weekly, nil
	}
	w, err := e.r.Rhythm.WeeklyReview(ctx, e.region.ID, e.weekLabel())
	e.weekly = w
	return w, err
}

func weeklyRisks(ctx context.Context, e *renderEnv) (*Table, error) {
	w, err := e.review(ctx)
	if err != nil {
		return nil, err
	}
	t := &Table{Columns: []string{"风险等级", "在办事件"}}
	for _, b := range w.OpenByRisk {
		t.Rows = append(t.Rows, []Cell{{Text: b.Label}, intCell(b.Count)})
	}
	for _, b := range w.OpenByCategory {
		t.Rows = append(t.Rows, []Cell{{Text: "其中：" + b.Label}, intCell(b.Count)})
	}
	return t, nil
}

func weeklyRepeatParties(ctx context.Context, e *renderEnv) (*Table, error) {
	w, err := e.review(ctx)
	if err != nil {
		return nil, err
	}
	t := &Table{Columns: []string{"当事人", "证件号码", "涉及事件数", "事件编号"}}
	for _, p := range w.RepeatParties {
		t.Rows = append(t.Rows, []Cell{{Text: p.NameMasked}, {Text: p.IDNumberMasked}, intCell(p.Cases), {Text: strings.Join(p.CaseNos, "、")}})
	}
	return t, nil
}
