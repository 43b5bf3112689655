package report

import (
	"context"
	"fmt"
	"time"

	"github.com/zhili-project/zhili"
)

// tableSource computes one named table for a rendering.
type tableSource struct {
	title string
	build func(ctx context.Context, e *renderEnv) (*Table, error)
}

// tableSources are the tables a template may place with {{table NAME}}.
var tableSources = buildTableSources()

func buildTableSources() map[string]tableSource {
	out := map[string]tableSource{}
	for name, s := range map[string]tableSource{
		"monthly.townships":     {"各乡镇（街道）事件办理情况", monthlyTownships},
		"monthly.ranking":       {"各乡镇（街道）排名", monthlyRanking},
		"monthly.compare":       {"与上月比较", monthlyCompare},
		"monthly.overdue":       {"超期事件通报", monthlyOverdue},
		"monthly.missed_visits": {"逾期未回访事件", monthlyMissedVisits},
		"weekly.townships":      {"各乡镇（街道）本周情况", weeklyTownships},
		"weekly.dispatch":       {"半月调度事件清单（超过十五日未办结）", weeklyDispatch},
		"weekly.risks":          {"在办事件风险等级分布", weeklyRisks},
		"weekly.repeat_parties": {"多次涉事当事人", weeklyRepeatParties},
		"tasks.period":          {"工作任务推进情况", periodTasks},         // tables_assess.go
		"assess.ranking":        {"乡镇（街道）考核得分排名", assessRanking},   // tables_assess.go
		"assess.departments":    {"县直部门考核得分排名", assessDepartments}, // tables_assess.go
		"assess.lists":          {"红黑榜", assessLists},              // tables_assess.go
		"assess.lines":          {"失分情况及明细", assessLines},          // tables_assess.go

		// tables_disputes.go: the dispute special bulletin (专刊)
		"disputes.townships":  {"各乡镇（街道）矛盾纠纷排查化解情况", disputeTownships},
		"disputes.categories": {"矛盾纠纷类型分布", disputeCategories},
		"disputes.methods":    {"矛盾纠纷化解方式", disputeMethods},
		"disputes.typical":    {"典型案例（备选）", disputeTypical},
	} {
		out[name] = s
	}
	for name, s := range out { // the title goes with every build
		build := s.build
		title := s.title
		s.build = func(ctx context.Context, e *renderEnv) (*Table, error) {
			if e.r.Rhythm == nil {
				return nil, fmt.Errorf("no rhythm service to compute it")
			}
			t, err := build(ctx, e)
			if err == nil && t.Title == "" {
				t.Title = title
			}
			return t, err
		}
		out[name] = s
	}
	return out
}

// asOf is the instant lists are made at: the end of the period's last day, or
// now when the period has not ended.
func (e *renderEnv) asOf() time.Time {
	end := e.to.AddDate(0, 0, 1).Add(-time.Second)
	if e.now.Before(end) {
		return e.now
	}
	return end
}

// townships lists the townships under the report's region (the region itself at
// township level or below), in code order.
func (e *renderEnv) townships(ctx context.Context) ([]*zhili.Region, error) {
	if e.region.Level >= zhili.LevelTownship {
		return []*zhili.Region{e.region}, nil
	}
	lvl := zhili.LevelTownship
	regs, _, err := e.r.Regions.FindRegions(ctx, zhili.RegionFilter{Under: &e.region.ID, Level: &lvl, Limit: 1000})
	if err != nil {
		return nil, fmt.Errorf("townships: %w", err)
	}
	return regs, nil
}

// caseCell links a case number to the case page.
func caseCell(id int64, no string) Cell {
	return Cell{Text: no, URL: fmt.Sprintf("/cases/%d", id)}
}

// cst formats an instant as a China-time day.
func cst(t *time.Time) string {
	if t == nil {
		return ""
	}
	return Day(*t)
}
