package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
)

// demoTask is one work-plan task (工作任务) the leading group sets: its owner (a
// unit key of Fill.Units, or "town:N" for the N-th township's office), the
// account that reports for the owner ("" for a special group, which is only
// supervised), when it was set and its due day in days before today (negative:
// after today), and how it ends.
type demoTask struct {
	title, detail string
	owner         string
	setAgo, due   int
	progress      []string // progress reports, in order
	end           string   // "done", "open" (in progress or overdue) or "cancelled"
	supervise     string   // a supervision note by the leader, if any
}

var demoTasks = []demoTask{
	{"制定常态化开展城乡矛盾纠纷排查化解行动实施方案", "明确日排查、周研判、十日回访、半月调度、月督查通报工作机制。", "group:一", 330, 300, nil, "open", "请于本周内报送方案送审稿。"},
	{"推进\"雪亮工程\"县乡村三级视频联网", "完成乡镇、村级视频点位建设并接入县级平台。", "dept:police", 320, 140,
		[]string{"已完成县级平台扩容和12个乡镇点位勘察。", "乡镇点位建设完成，村级点位完成七成。"}, "done", ""},
	{"开展治安打击整治\"百日行动\"", "对酒吧、KTV、旅馆酒店等重点场所开展清查。", "group:二", 260, 160, nil, "open", "行动已过时限，请专项组报送总结。"},
	{"完成中小学幼儿园一键式报警联网", "全县中小学、幼儿园一键式报警与公安网联网。", "dept:police", 240, 60,
		[]string{"完成学校点位摸排，已联网六成。"}, "open", "请加快进度，确保年底前全部联网。"},
	{"落实社会救助兜底保障政策", "按季度发放低保、特困供养资金，做好临时救助。", "dept:civil_affairs", 300, 30,
		[]string{"一季度、二季度资金已足额发放。", "三季度资金已发放，开展冬春救助摸底。"}, "done", ""},
	{"化解房屋\"登记难\"问题", "摸排登记难房屋，分类推进首次登记。", "dept:housing", 280, 40,
		[]string{"已完成摸排建档。", "首次登记化解过半，剩余项目制定一项目一方案。"}, "open", "年底前首次登记化解率须达到七成以上。"},
	{"清收金融机构不良贷款", "会同法院、金融机构开展不良贷款清收。", "dept:finance", 270, 90,
		[]string{"已召开清收推进会，建立台账。", "已清收过亿元。"}, "done", ""},
	{"深化\"八五\"普法和法律明白人培养工程", "每村培养不少于3名法律明白人，开展法治文化阵地建设。", "dept:justice", 250, -35,
		[]string{"已完成法律明白人遴选和首轮培训。"}, "open", ""},
	{"建立健全村规民约、居民公约", "各村（社区）完成村规民约、居民公约修订备案。", "town:0", 310, 150,
		[]string{"各村已完成初稿。", "已全部完成修订并报乡镇备案。"}, "done", ""},
	{"推进党员干部下沉一线包抓网格", "组织党员干部、社区工作人员下沉网格。", "town:1", 230, 20,
		[]string{"已安排下沉人员，正在对接网格。"}, "open", "请尽快完成人员对接并报送名单。"},
	{"打造\"智慧安防\"小区", "老旧小区加装门禁、视频和人脸识别设备。", "town:2", 200, 50,
		[]string{"已完成方案设计。", "首批小区设备安装完成。"}, "done", ""},
	{"规范村级集体经济收支管理", "建立村级集体经济收入台账，按季度报送。", "town:0", 120, -60,
		[]string{"已建立台账模板并完成培训。"}, "open", ""},
}

// fillTasks sets the leading group's tasks as the leader (acting for the
// leading group), with the owners' progress reports, completions and the
// leader's supervision notes, each dated in the year before today.
func fillTasks(ctx context.Context, f *Fill) error {
	leader, ok := f.Accounts["leader"]
	if !ok {
		return fmt.Errorf("no demo account leader")
	}
	lead := *leader
	lead.UnitID = f.Units["lead"]
	townLevel := zhili.LevelTownship
	towns, _, err := sqlstore.NewRegionService(f.DB).FindRegions(ctx, zhili.RegionFilter{Level: &townLevel, Limit: 1000})
	if err != nil {
		return err
	}
	pinyin := map[string]string{}
	for _, t := range townships {
		pinyin[t.name] = t.pinyin
	}
	svc := sqlstore.NewTaskService(f.DB)
	clock, saved := &zhili.FixedClock{}, f.DB.Clock
	f.DB.Clock = clock
	defer func() { f.DB.Clock = saved }()
	today := zhili.StartOfDay(f.Today)
	at := func(daysAgo int, hour int) time.Time {
		t := today.AddDate(0, 0, -daysAgo).Add(time.Duration(hour) * time.Hour).UTC()
		if !t.Before(f.Today) {
			t = f.Today.Add(-time.Hour)
		}
		return t
	}
	for _, dt := range demoTasks {
		owner, account := dt.owner, ""
		if len(owner) > 5 && owner[:5] == "town:" {
			k := int(owner[5] - '0')
			if k >= len(towns) {
				continue
			}
			owner, account = "office:"+towns[k].Code, pinyin[towns[k].Name]
		} else if owner[:5] == "dept:" {
			account = deptUsernames[owner[5:]]
		}
		unitID, ok := f.Units[owner]
		if !ok {
			return fmt.Errorf("task %s: no unit %s", dt.title, owner)
		}
		clock.T = at(dt.setAgo, 10)
		t := &zhili.Task{Title: dt.title, Detail: dt.detail, OwnerUnitID: unitID,
			Due: today.AddDate(0, 0, -dt.due).In(zhili.ChinaTime).Format(zhili.DayLayout)}
		lctx := zhili.NewContextWithActor(ctx, &lead)
		if err := svc.CreateTask(lctx, t, "请按时限完成并报送进展。"); err != nil {
			return fmt.Errorf("task %s: %w", dt.title, err)
		}
		octx := lctx
		if account != "" {
			a, ok := f.Accounts[account]
			if !ok {
				return fmt.Errorf("task %s: no account %s", dt.title, account)
			}
			octx = zhili.NewContextWithActor(ctx, a)
		}
		// Reports are spread over the time between setting and the due day.
		span := max(dt.setAgo-max(dt.due, 2), len(dt.progress)+2)
		for k, text := range dt.progress {
			clock.T = at(dt.setAgo-span*(k+1)/(len(dt.progress)+2), 16)
			if _, err := svc.AddTaskNote(octx, t.ID, zhili.TaskNoteInput{Kind: zhili.TaskNoteProgress, Text: text,
				Progress: (k + 1) * 80 / (len(dt.progress) + 1), State: zhili.TaskOpen}); err != nil {
				return fmt.Errorf("task %s progress: %w", dt.title, err)
			}
		}
		if dt.supervise != "" {
			// Five days after the due day, or a few days ago for a task not yet due.
			clock.T = at(max(dt.due-5, 3), 9)
			if _, err := svc.AddTaskNote(lctx, t.ID, zhili.TaskNoteInput{Kind: zhili.TaskNoteSupervision, Text: dt.supervise, State: zhili.TaskOpen}); err != nil {
				return fmt.Errorf("task %s supervision: %w", dt.title, err)
			}
		}
		if dt.end == "done" && account != "" {
			clock.T = at(dt.due+1, 17)
			if _, err := svc.AddTaskNote(octx, t.ID, zhili.TaskNoteInput{Kind: zhili.TaskNoteDone, Text: "已按要求完成。", State: zhili.TaskOpen}); err != nil {
				return fmt.Errorf("task %s done: %w", dt.title, err)
			}
		}
	}
	return nil
}
