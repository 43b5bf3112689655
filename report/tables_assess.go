package report

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/assess"
)

// The assessment's tables (季点评, docs/assessment.md) and the work plan's tasks
// (督查督办) for the weekly and monthly reports.

// Schemes the assess.* tables show.
const (
	townshipScheme   = "township_quarterly"
	departmentScheme = "department_quarterly"
)

// assessment scores a scheme for the period holding the report's first day,
// once per rendering.
func (e *renderEnv) assessment(ctx context.Context, scheme string) (*assess.Result, error) {
	if e.r.Assess == nil {
		return nil, fmt.Errorf("no assessment service to compute it")
	}
	if e.assessed == nil {
		e.assessed = map[string]*assess.Result{}
	}
	if r, ok := e.assessed[scheme]; ok {
		return r, nil
	}
	sc, err := e.r.Assess.Scheme(ctx, scheme)
	if err != nil {
		return nil, err
	}
	label := e.from.Format("2006-01")
	if sc.Period == "quarter" {
		label = fmt.Sprintf("%d-Q%d", e.from.Year(), (int(e.from.Month())-1)/3+1)
	}
	r, err := e.r.Assess.Assess(ctx, scheme, label, e.region.Code)
	if err != nil {
		return nil, err
	}
	e.assessed[scheme] = r
	return r, nil
}

func score(v float64) Cell { return Cell{Text: strconv.FormatFloat(v, 'f', -1, 64), Num: &v} }

// rankingTable lists every unit's rank, total and the score of each item.
func rankingTable(ctx context.Context, e *renderEnv, scheme, unitCol string) (*Table, error) {
	r, err := e.assessment(ctx, scheme)
	if err != nil {
		return nil, err
	}
	sc, err := e.r.Assess.Scheme(ctx, scheme)
	if err != nil {
		return nil, err
	}
	t := &Table{Columns: []string{"名次", unitCol, "得分"}}
	for _, it := range sc.Items {
		t.Columns = append(t.Columns, fmt.Sprintf("%s（%s分）", it.Label, strconv.FormatFloat(it.Weight, 'f', -1, 64)))
	}
	for _, u := range r.Units {
		row := []Cell{intCell(u.Rank), {Text: u.Unit.Name}, score(u.Score)}
		if u.Idle {
			row[0] = Cell{Text: "未参评"}
		}
		for i := range sc.Items {
			if i < len(u.Lines) {
				row = append(row, score(u.Lines[i].Score))
			} else {
				row = append(row, Cell{Text: "—"})
			}
		}
		t.Rows = append(t.Rows, row)
	}
	t.Title = fmt.Sprintf("%s（%s）得分排名", r.Label, r.Period)
	t.Note = fmt.Sprintf("满分%s分；得分相同的并列；本期无可考核事项的单位不参评。评分细则见考核方案《%s》。", strconv.FormatFloat(r.BaseScore, 'f', -1, 64), r.Label)
	return t, nil
}

func assessRanking(ctx context.Context, e *renderEnv) (*Table, error) {
	return rankingTable(ctx, e, townshipScheme, "乡镇（街道）")
}

func assessDepartments(ctx context.Context, e *renderEnv) (*Table, error) {
	return rankingTable(ctx, e, departmentScheme, "部门")
}

// assessLists is the 红榜 and 黑榜.
func assessLists(ctx context.Context, e *renderEnv) (*Table, error) {
	r, err := e.assessment(ctx, townshipScheme)
	if err != nil {
		return nil, err
	}
	t := &Table{Columns: []string{"榜单", "名次", "乡镇（街道）", "得分"}}
	for _, l := range []struct {
		name  string
		units []assess.UnitScore
	}{{"红榜", r.RedList}, {"黑榜", r.BlackList}} {
		for _, u := range l.units {
			t.Rows = append(t.Rows, []Cell{{Text: l.name}, intCell(u.Rank), {Text: u.Unit.Name}, score(u.Score)})
		}
	}
	t.Note = "红榜为得分最高的单位，黑榜为得分最低的单位，各不超过参评单位的一半。"
	return t, nil
}

// assessLines explains every unit's lost points item by item, down to the
// records: each case, grid or ledger month on its own row with its link.
func assessLines(ctx context.Context, e *renderEnv) (*Table, error) {
	r, err := e.assessment(ctx, townshipScheme)
	if err != nil {
		return nil, err
	}
	t := &Table{Columns: []string{"乡镇（街道）", "考核项目", "情况", "得分", "说明"}}
	for _, u := range r.Units {
		if u.Hidden {
			continue
		}
		for _, l := range u.Lines {
			if l.Lost == 0 && len(l.Measure.Records) == 0 {
				continue
			}
			t.Rows = append(t.Rows, []Cell{{Text: u.Unit.Name}, {Text: l.Label}, {Text: l.Measure.Text, URL: l.Measure.URL},
				score(l.Score), {Text: l.Reason}})
			for _, rec := range l.Measure.Records {
				t.Rows = append(t.Rows, []Cell{{Text: u.Unit.Name}, {Text: l.Label}, {Text: rec.Text, URL: rec.URL}, {}, {Text: recordNote(l)}})
			}
		}
	}
	t.Title = "失分情况及明细"
	t.Note = "每一失分项下逐条列出相关记录（事件编号链接到事件，网格链接到漏报清单，台账链接到台账）。"
	return t, nil
}

func recordNote(l assess.Line) string {
	if l.PerRecord > 0 {
		return "扣" + strconv.FormatFloat(l.PerRecord, 'f', -1, 64) + "分"
	}
	return "明细"
}

// periodTasks lists the work plan's tasks under the report's region that are
// overdue, or due within the report's period, with owner and progress.
func periodTasks(ctx context.Context, e *renderEnv) (*Table, error) {
	if e.r.Tasks == nil { // a renderer without the work plan: say so in the table
		return &Table{Columns: []string{"任务", "责任单位", "完成期限", "进度（％）", "状态"}, Note: "本报告未接入工作任务数据。"}, nil
	}
	under := e.region.ID
	overdue, _, err := e.r.Tasks.FindTasks(ctx, zhili.TaskFilter{Under: &under, Overdue: true, Limit: 500})
	if err != nil {
		return nil, err
	}
	due, _, err := e.r.Tasks.FindTasks(ctx, zhili.TaskFilter{Under: &under, DueFrom: Day(e.from), DueTo: Day(e.to), Limit: 500})
	if err != nil {
		return nil, err
	}
	t := &Table{Columns: []string{"任务", "责任单位", "完成期限", "进度（％）", "状态"}}
	seen := map[int64]bool{}
	for _, list := range [][]*zhili.Task{overdue, due} {
		for _, k := range list {
			if seen[k.ID] {
				continue
			}
			seen[k.ID] = true
			state := k.State.Label()
			if k.Overdue {
				state = "超期未完成"
			}
			t.Rows = append(t.Rows, []Cell{{Text: k.Title, URL: "/tasks/" + strconv.FormatInt(k.ID, 10)}, {Text: k.OwnerUnitName},
				{Text: k.Due}, intCell(k.Progress), {Text: state}})
		}
	}
	t.Note = "列出已超期未完成的任务和本期到期的任务；进度为责任单位最近一次报告的进度。"
	return t, nil
}

// quarterName is the quarter of a month in Chinese: 一 to 四.
func quarterName(month int) string {
	return strings.Split("一,二,三,四", ",")[(month-1)/3]
}
