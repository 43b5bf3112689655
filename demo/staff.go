package demo

import (
	"time"

	"github.com/zhili-project/zhili"
)

// unitSpec is a planned unit; key names it within the plan ("office:CODE",
// "gc:CODE", "center:KIND", "lead", "group:N", "dept:CODE").
type unitSpec struct {
	key    string
	kind   zhili.UnitKind
	name   string
	region *node
	parent string // the leading group's key, for a special group
	code   string
}

// personSpec is a planned person and the positions they hold or held.
type personSpec struct {
	name, idNumber, phone string
	home                  *node // the region the person is registered in
	positions             []positionSpec
}

// positionSpec is a planned position: in a unit (by key) or at a region.
type positionSpec struct {
	role       zhili.PositionRole
	place      *node
	unit       string
	start, end string
}

// accountSpec is a planned demo account.
type accountSpec struct {
	username, name string
	role           zhili.Role
	unit           string
	person         *personSpec
}

// The leading group and its special groups.
const leadingGroup = "平安青山建设（市域社会治理）工作领导小组"

var specialGroups = []string{"矛盾纠纷化解专项组", "社会治安防控专项组", "公共安全专项组", "网格化管理专项组",
	"法治建设专项组", "基层治理专项组", "智治支撑专项组", "宣传引导专项组"}

// departments are the county departments that receive cases, by code.
var departments = []struct{ code, name string }{
	{"police", "公安局"}, {"court", "人民法院"}, {"procuratorate", "人民检察院"}, {"justice", "司法局"},
	{"labor", "人力资源和社会保障局"}, {"civil_affairs", "民政局"}, {"housing", "住房和城乡建设局"},
	{"finance", "金融工作办公室"}, {"education", "教育局"},
}

// Turnover: the share of posts whose first holder left and was replaced.
const (
	turnoverGrid     = 0.06
	turnoverVillage  = 0.04
	turnoverLiterate = 0.05
)

// staff plans the units, the people in their posts and the demo accounts.
func (p *plan) staff() {
	unit := func(key string, kind zhili.UnitKind, name string, region *node, parent, code string) {
		p.units = append(p.units, &unitSpec{key: key, kind: kind, name: name, region: region, parent: parent, code: code})
	}
	c := p.county
	unit("office:"+c.Code, zhili.UnitOffice, CountyName+"人民政府", c, "", "")
	centres := []zhili.UnitKind{zhili.UnitGovernanceCenter, zhili.UnitMediationCenter, zhili.UnitLegalServiceCenter}
	for _, k := range centres {
		unit("center:"+string(k), k, CountyName+k.Label(), c, "", "")
	}
	unit("lead", zhili.UnitLeadingGroup, leadingGroup, c, "", "")
	for k, g := range specialGroups {
		unit("group:"+numeral(k+1), zhili.UnitSpecialGroup, g, c, "lead", "")
	}
	for _, d := range departments {
		unit("dept:"+d.code, zhili.UnitDepartment, CountyName+d.name, c, "", d.code)
	}
	unit("npc", zhili.UnitDepartment, CountyName+"人大常委会", c, "", "npc")
	for _, tn := range p.towns {
		office := tn.Name + "人民政府"
		if tn.Kind == zhili.KindStreet {
			office = tn.Name + "办事处"
		}
		unit("office:"+tn.Code, zhili.UnitOffice, office, tn, "", "")
		unit("gc:"+tn.Code, zhili.UnitGovernanceCenter, tn.Name+"综治中心", tn, "", "")
		for _, v := range tn.children {
			office := v.Name + "村民委员会"
			if v.Kind == zhili.KindCommunity {
				office = v.Name + "居民委员会"
			}
			unit("office:"+v.Code, zhili.UnitOffice, office, v, "", "")
		}
	}

	// County: the centres' staff, mediators at the mediation centre, the groups.
	staffOf := map[string][]*personSpec{}
	for _, k := range centres {
		for range 10 {
			key := "center:" + string(k)
			staffOf[key] = append(staffOf[key], p.post(zhili.PositionCenterStaff, nil, key, c, 0))
		}
	}
	var countyMediators []*personSpec
	for range 6 {
		countyMediators = append(countyMediators, p.post(zhili.PositionMediator, nil, "center:"+string(zhili.UnitMediationCenter), c, 0))
	}
	chief := p.post(zhili.PositionGroupLeader, nil, "lead", c, 0)
	for k := range specialGroups {
		key := "group:" + numeral(k+1)
		head := p.post(zhili.PositionGroupLeader, nil, key, c, 0)
		head.positions = append(head.positions, positionSpec{role: zhili.PositionGroupMember, unit: "lead", start: head.positions[0].start})
		for range 4 {
			p.post(zhili.PositionGroupMember, nil, key, c, 0)
		}
	}
	for range 4 {
		p.post(zhili.PositionGroupMember, nil, "lead", c, 0)
	}

	// Townships, villages and grids.
	for _, tn := range p.towns {
		for range 3 {
			p.post(zhili.PositionCenterStaff, nil, "gc:"+tn.Code, tn, 0)
		}
		for range 2 {
			p.post(zhili.PositionMediator, nil, "gc:"+tn.Code, tn, 0)
		}
		var adviser *personSpec
		left := 0
		for _, v := range tn.children {
			p.post(zhili.PositionGridLeader, v, "", v, turnoverVillage)
			p.post(zhili.PositionMediator, v, "", v, turnoverVillage)
			for range 3 {
				p.post(zhili.PositionLegalLiterate, v, "", v, turnoverLiterate)
			}
			// A lawyer advises two to four neighbouring villages.
			if left == 0 {
				adviser, left = p.person(tn), 2+p.rng.IntN(3)
			}
			adviser.positions = append(adviser.positions, positionSpec{role: zhili.PositionLegalAdviser, place: v,
				start: ymd(p.names.day(firstDay, lastDay))})
			left--
			for _, g := range v.children {
				p.post(zhili.PositionGridMember, g, "", v, turnoverGrid)
				if second := 0.08 + 0.1*b2f(v.Kind == zhili.KindCommunity); g.Kind == zhili.KindComprehensive && p.rng.Float64() < second {
					p.post(zhili.PositionGridMember, g, "", v, 0)
				}
			}
		}
	}
	p.planAccounts(chief, staffOf["center:"+string(zhili.UnitGovernanceCenter)][0], countyMediators[0])
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// person plans a new person registered in home.
func (p *plan) person(home *node) *personSpec {
	name, male := p.names.person()
	ps := &personSpec{name: name, idNumber: p.names.idNumber(male), phone: p.names.phone(), home: home}
	p.people = append(p.people, ps)
	return ps
}

// post fills a post with a new person and returns the holder today. With
// probability left the first holder left and a successor took over, so counts
// as of a day before the change differ from counts after it.
func (p *plan) post(role zhili.PositionRole, place *node, unit string, home *node, left float64) *personSpec {
	at := positionSpec{role: role, place: place, unit: unit}
	if p.rng.Float64() < left {
		old := p.person(home)
		start := p.names.day(firstDay, time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC))
		end := p.names.day(start.AddDate(0, 4, 0), time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC))
		was := at
		was.start, was.end = ymd(start), ymd(end)
		old.positions = append(old.positions, was)
		at.start = ymd(end.AddDate(0, 0, 1+p.rng.IntN(30)))
	} else {
		at.start = ymd(p.names.day(firstDay, lastDay))
	}
	cur := p.person(home)
	cur.positions = append(cur.positions, at)
	return cur
}

// planAccounts plans one demo account per role, each in a sensible unit; the
// grid member's and the mediator's accounts belong to people in post.
func (p *plan) planAccounts(chief, operator, mediator *personSpec) {
	add := func(username, name string, role zhili.Role, unit string, person *personSpec) {
		if name == "" {
			name, _ = p.names.person()
		}
		if person != nil {
			name = person.name
		}
		p.accounts = append(p.accounts, &accountSpec{username: username, name: name, role: role, unit: unit, person: person})
	}
	county := "office:" + CountyCode
	add("admin", "系统管理员", zhili.RoleSysadmin, county, nil)
	add("secadmin", "安全管理员", zhili.RoleSecadmin, county, nil)
	add("auditor", "审计管理员", zhili.RoleAuditor, county, nil)
	add("leader", "", zhili.RoleLeader, county, chief)
	add("zhongxin", "", zhili.RoleCenter, "center:"+string(zhili.UnitGovernanceCenter), operator)
	// The village operator works in the first village (not community) of the
	// second township, or of the first if it has none.
	var village *node
	for _, tw := range townships[:min(2, p.opt.Townships)] {
		for _, tn := range p.towns {
			if tn.town.name != tw.name {
				continue
			}
			add(tw.pinyin, "", zhili.RoleTownship, "office:"+tn.Code, nil)
			for _, v := range tn.children {
				if v.Kind == zhili.KindVillage && (village == nil || village.parent != tn) {
					village = v
				}
			}
		}
	}
	if village == nil {
		village = p.towns[0].children[0]
	}
	add("cunwei", "", zhili.RoleVillage, "office:"+village.Code, nil)
	var member *personSpec
	for _, ps := range p.people {
		for _, at := range ps.positions {
			if member == nil && at.role == zhili.PositionGridMember && at.place == village.children[0] && at.end == "" {
				member = ps
			}
		}
	}
	add("wangge", "", zhili.RoleGridMember, "office:"+village.Code, member)
	add("tiaojie", "", zhili.RoleMediator, "center:"+string(zhili.UnitMediationCenter), mediator)
	add("gongan", "", zhili.RoleDepartment, "dept:police", nil)
	add("renda", "", zhili.RoleSupervisor, "npc", nil)
}
