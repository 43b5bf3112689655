package demo

import (
	"fmt"
	"strings"
	"time"

	"github.com/zhili-project/zhili"
)

// all makes the records of every ledger. Figures are invented for a county of
// about 200 villages; who keeps each ledger follows docs/ledgers.md: the county
// centre (zhongxin) the county's meetings, oversight and honours, the townships
// their party work, conventions, self-governance and village income, and the
// departments their own work.
func (g *ledgerGen) all() {
	g.countyLedgers()
	g.partyLedgers()
	g.selfGovLedgers()
	g.safetyLedgers()
	g.assistance()
	g.legalLedgers()
	g.creditDisclosures()
}

const centre = "zhongxin"

// countyLedgers: meetings, NPC and CPPCC oversight, honours.
func (g *ledgerGen) countyLedgers() {
	minutes := map[string]int{} // minutes numbers by kind of meeting
	meet := func(kind, topic string, pilot bool, n int, chair string) {
		for range n {
			minutes[kind]++
			g.add("meetings", centre, g.county, map[string]any{"date": g.day(), "kind": kind, "topic": topic, "pilot_related": pilot,
				"chair": chair, "attendees": g.between(15, 45), "minutes_no": fmt.Sprintf("纪要第%d号", minutes[kind])})
		}
	}
	secretary, magistrate := g.person(), g.person()
	meet("standing_committee", "研究市域社会治理现代化试点工作推进情况", true, g.between(7, 10), secretary)
	meet("standing_committee", "研究部署经济运行和重点项目建设", false, g.between(4, 8), secretary)
	meet("government_executive", "听取试点工作专项组进展汇报，研究保障措施", true, g.between(5, 8), magistrate)
	meet("government_executive", "研究财政预算执行和民生实事", false, g.between(6, 10), magistrate)
	meet("joint_four_leaderships", "县委、县人大、县政府、县政协\"四大家\"联席会议：试点工作推进", true, g.between(3, 5), secretary)
	meet("leading_group", "领导小组月度调度会", true, 11, magistrate)
	for _, body := range []string{"npc", "cppcc"} {
		topics := []string{"《人民调解法》贯彻实施情况", "社会治安防控体系建设", "基层网格化服务管理", "农民工工资支付保障", "校园及周边安全", "矛盾纠纷多元化解机制"}
		kinds := []string{"law_enforcement_inspection", "inspection_visit", "research"}
		for k := range g.between(4, 6) {
			sugg := g.between(4, 18)
			g.add("oversight", centre, g.county, map[string]any{"date": g.day(), "body": body, "kind": kinds[k%3], "topic": topics[g.rng.IntN(len(topics))],
				"suggestions": sugg, "rectified": sugg - g.rng.IntN(3)*g.rng.IntN(2), "lead": g.person()})
		}
	}
	// Honours: three villages in the ninth provincial batch of 民主法治示范村, more
	// at city and county level, a few 平安村. A batch is announced in one
	// document; the ninth this calendar year, so the cockpit's year to date
	// shows it.
	order, announced, docNo := g.rng.Perm(len(g.villages)), map[string]string{}, map[string]string{}
	honour := func(v place, kind, level string, batch int, title string) {
		key := kind + level + fmt.Sprint(batch)
		if announced[key] == "" {
			announced[key] = g.day()
			if batch == 9 {
				announced[key] = g.thisYear()
			}
			docNo[key] = "示范创建〔" + announced[key][:4] + "〕" + fmt.Sprint(g.between(3, 40)) + "号"
		}
		data := map[string]any{"date": announced[key], "kind": kind, "level": level, "title": title, "document_no": docNo[key]}
		if batch > 0 {
			data["batch"] = batch
		}
		g.add("honours", centre, v, data)
	}
	for k, i := range order {
		v := g.villages[i]
		switch {
		case k < 3:
			honour(v, "democracy_rule_of_law", "provincial", 9, "第九批全省民主法治示范村（社区）")
		case k < 9:
			honour(v, "democracy_rule_of_law", "city", 6, "市级民主法治示范村（社区）")
		case k < 20:
			honour(v, "democracy_rule_of_law", "county", 0, "县级民主法治示范村（社区）")
		case k < 26:
			honour(v, "safe_village", "county", 0, "平安村（社区）")
		}
	}
}

// partyLedgers: party service centres, practical deeds, pairings, commando
// teams, pioneer posts and the cadres sent down to the grass roots.
func (g *ledgerGen) partyLedgers() {
	leaders := make([]string, 36)
	for k := range leaders {
		leaders[k] = g.person()
	}
	for _, t := range g.towns {
		g.add("party_service_centers", t.account, t.place, map[string]any{"date": g.day(), "name": t.name + "党群服务中心",
			"standardized": true, "area": float64(g.between(600, 1800)), "staff": g.between(6, 15)})
		for k := range g.between(2, 4) {
			g.add("commando_teams", t.account, t.place, map[string]any{"date": g.day(), "name": fmt.Sprintf("%s党员突击队第%s分队", t.name, numeral(k+1)),
				"captain": g.person(), "members": g.between(8, 30), "task": pick(g.rng, []string{"防汛抢险", "矛盾纠纷排查", "人居环境整治", "疫病防控", "安全隐患排查"})})
		}
		for range g.between(2, 4) {
			g.add("pioneer_posts", t.account, t.place, map[string]any{"date": g.day(), "name": pick(g.rng, []string{"便民服务窗口", "信访接待岗", "综治调解岗", "网格服务岗"}) + "党员先锋岗",
				"holder": g.person(), "location": t.name + "便民服务中心"})
		}
		for _, v := range t.villages {
			g.add("party_service_centers", t.account, v, map[string]any{"date": g.day(), "name": v.name + "党群服务中心",
				"standardized": g.chance(0.45), "area": float64(g.between(150, 900)), "staff": g.between(2, 7)})
			// One or two cadres stationed in the village, and one county leader
			// paired with it for a village in three.
			cadres := []string{g.person()}
			if g.chance(0.4) {
				cadres = append(cadres, g.person())
			}
			for _, c := range cadres {
				g.add("pairings", t.account, v, map[string]any{"date": g.day(), "person": c, "role": "village_cadre",
					"unit": pick(g.rng, demoDepartments), "partner": v.name, "village": v.code, "active": g.chance(0.95)})
			}
			if g.chance(0.35) {
				g.add("pairings", t.account, v, map[string]any{"date": g.day(), "person": pick(g.rng, leaders), "role": "leader",
					"unit": "县级领导", "partner": v.name, "village": v.code, "active": true})
			}
			for range g.between(2, 6) {
				cat := pick(g.rng, []string{"livelihood", "livelihood", "industry", "infrastructure", "dispute", "other"})
				status := "done"
				if g.chance(0.12) {
					status = "in_progress"
				}
				g.add("practical_deeds", t.account, v, map[string]any{"date": g.day(), "title": pick(g.rng, deedTitles[cat]), "category": cat,
					"helper": pick(g.rng, cadres), "beneficiary": g.person() + "户", "status": status})
			}
			if g.chance(0.55) {
				g.add("pioneer_posts", t.account, v, map[string]any{"date": g.day(), "name": v.name + "党员先锋岗", "holder": g.person(), "location": v.name + "党群服务中心"})
			}
			// Sunk cadres: many more in the county seat's communities.
			n := g.between(1, 2)
			if v.kind == zhili.KindCommunity {
				n = g.between(6, 12)
			}
			for range n {
				role, unit := "party_cadre", pick(g.rng, demoDepartments)
				if g.chance(0.3) {
					role, unit = "community_worker", v.name+"居民委员会"
				}
				g.add("sunk_cadres", t.account, v, map[string]any{"date": g.day(), "person": g.person(), "role": role, "unit": unit,
					"duty": pick(g.rng, []string{"包抓网格", "入户走访", "矛盾纠纷排查", "政策宣传", "安全巡查"})})
			}
		}
	}
}

var deedTitles = map[string][]string{
	"livelihood":     {"协助办理低保申请", "为独居老人维修房屋", "协调解决饮水困难", "帮助办理医保报销", "为留守儿童联系助学"},
	"industry":       {"联系农产品销路", "协调小额贴息贷款", "引进食用菌种植技术", "帮助合作社申请项目资金"},
	"infrastructure": {"修缮村组道路", "安装路灯", "疏通排水沟渠", "修复灌溉机井"},
	"dispute":        {"调解宅基地界址纠纷", "协调土地流转纠纷", "化解邻里用水纠纷"},
	"other":          {"组织义诊进村", "开展移风易俗宣传", "协助完成人口普查登记"},
}

// selfGovLedgers: conventions in every village and community, self-governing
// organisations, and quarterly village collective income.
func (g *ledgerGen) selfGovLedgers() {
	orgKinds := []struct{ kind, name string }{{"ceremony_council", "红白理事会"}, {"deliberation", "村民议事会"}, {"mediation", "人民调解委员会"},
		{"elders_council", "乡贤参事会"}, {"volunteers", "志愿服务队"}, {"other", "禁赌禁毒会"}}
	var quarters []time.Time
	for _, m := range g.months() {
		if end := m.AddDate(0, 1, -1); m.Month()%3 == 0 && !end.After(g.last) && !end.Before(g.first) {
			quarters = append(quarters, end)
		}
	}
	for _, t := range g.towns {
		for _, v := range t.villages {
			kind, title := "village_rules", v.name+"村规民约"
			if v.kind == zhili.KindCommunity {
				kind, title = "residents_compact", v.name+"居民公约"
			}
			g.add("conventions", t.account, v, map[string]any{"date": g.day(), "kind": kind, "title": title, "revision": g.chance(0.6), "filed": true})
			for _, k := range g.rng.Perm(len(orgKinds))[:g.between(2, 5)] {
				g.add("selfgov_orgs", t.account, v, map[string]any{"date": g.day(), "name": v.name + orgKinds[k].name, "kind": orgKinds[k].kind,
					"members": g.between(5, 25), "head": g.person()})
			}
			if v.kind == zhili.KindCommunity {
				continue
			}
			// Income in fen: most villages earn 10万元 or more a year.
			yearly := int64(g.between(60_000, 500_000)) * 100
			if g.chance(0.2) {
				yearly = int64(g.between(20_000, 95_000)) * 100
			}
			for _, q := range quarters {
				income := yearly/4 + int64(g.rng.IntN(int(yearly/10)+1)) - yearly/20
				g.add("village_income", t.account, v, map[string]any{"year": q.Year(), "period_end": ymd(q), "income": income,
					"operating_income": income * int64(g.between(30, 90)) / 100,
					"main_source":      pick(g.rng, []string{"土地流转", "光伏电站收益", "集体厂房租赁", "农产品加工", "乡村旅游"})})
			}
		}
	}
}

// safetyLedgers: video channels, school alarms, smart communities (the police),
// housing registration (the housing bureau).
func (g *ledgerGen) safetyLedgers() {
	for k := range g.between(12, 18) {
		g.add("video_resources", "gongan", g.county, map[string]any{"date": g.day(), "location": pick(g.rng, []string{"县城主干道", "高速出入口", "汽车站", "火车站广场", "县人民医院", "商业步行街"}) + fmt.Sprintf("%d号点位", k+1),
			"level": "county", "channels": g.between(24, 96), "networked": true})
	}
	for _, t := range g.towns {
		station := t.name + "派出所"
		g.add("video_resources", "gongan", t.place, map[string]any{"date": g.day(), "location": t.name + "政府驻地及集镇", "level": "township", "channels": g.between(30, 90), "networked": true})
		for _, v := range t.villages {
			g.add("video_resources", "gongan", v, map[string]any{"date": g.day(), "location": v.name + "主要路口", "level": "village", "channels": g.between(4, 16), "networked": g.chance(0.96)})
			if g.chance(0.15) {
				g.add("video_resources", "gongan", v, map[string]any{"date": g.day(), "location": v.name + "沿街商户", "level": "social", "channels": g.between(8, 40), "networked": g.chance(0.8)})
			}
			if v.kind == zhili.KindVillage && g.chance(0.4) {
				g.add("school_alarms", "jiaoyu", v, map[string]any{"date": g.day(), "school": short(v.name) + "小学", "school_kind": "primary",
					"linked": g.chance(0.97), "police_station": station})
			}
			if g.chance(0.3) {
				g.add("school_alarms", "jiaoyu", v, map[string]any{"date": g.day(), "school": v.name + "幼儿园", "school_kind": "kindergarten",
					"linked": g.chance(0.95), "police_station": station})
			}
			if v.kind == zhili.KindCommunity && g.chance(0.6) {
				pop := g.between(900, 5200)
				g.add("smart_communities", "gongan", v, map[string]any{"date": g.day(), "name": short(v.name) + pick(g.rng, []string{"小区", "花园", "家园", "苑"}),
					"population": pop, "households": pop / 3, "accepted": g.chance(0.9)})
			}
		}
		g.add("school_alarms", "jiaoyu", t.place, map[string]any{"date": g.day(), "school": t.name + "中学", "school_kind": "secondary", "linked": true, "police_station": station})
		g.add("school_alarms", "jiaoyu", t.place, map[string]any{"date": g.day(), "school": t.name + "中心小学", "school_kind": "primary", "linked": true, "police_station": station})
		n := g.between(2, 5)
		if t.seat {
			n = g.between(8, 14)
		}
		for k := range n {
			difficult := g.chance(0.85)
			done := difficult && g.chance(0.7)
			data := map[string]any{"date": g.day(), "project": t.name + pick(g.rng, []string{"安置小区", "商住楼", "职工家属院", "农贸市场商住楼"}) + fmt.Sprintf("%d期", k+1),
				"units": g.between(24, 420), "difficult": difficult, "first_registration_done": done}
			if difficult {
				data["cause"] = pick(g.rng, []string{"missing_permits", "developer_default", "tax_arrears", "other"})
			}
			if done {
				data["done_on"] = g.day()
			}
			g.add("housing_registration", "zhujian", t.place, data)
		}
	}
}

// assistance: the civil affairs bureau's payouts, quarterly for subsistence and
// extreme poverty, once for temporary and medical assistance; money in fen.
func (g *ledgerGen) assistance() {
	var quarters []time.Time
	for _, m := range g.months() {
		if m.Month()%3 == 1 {
			quarters = append(quarters, m)
		}
	}
	for _, v := range g.villages {
		for range g.between(2, 5) {
			who := g.person()
			switch r := g.rng.Float64(); {
			case r < 0.6:
				for _, q := range quarters {
					g.add("assistance_payouts", "minzheng", v, map[string]any{"date": g.inMonth(q), "recipient": who, "kind": "subsistence",
						"amount": int64(g.between(1200, 2400)) * 100, "payer": "县民政局"})
				}
			case r < 0.75:
				for _, q := range quarters {
					g.add("assistance_payouts", "minzheng", v, map[string]any{"date": g.inMonth(q), "recipient": who, "kind": "extreme_poverty",
						"amount": int64(g.between(2400, 3600)) * 100, "payer": "县民政局"})
				}
			default:
				kind := pick(g.rng, []string{"temporary", "medical", "other"})
				g.add("assistance_payouts", "minzheng", v, map[string]any{"date": g.day(), "recipient": who, "kind": kind,
					"amount": int64(g.between(500, 8000)) * 100, "payer": "县民政局"})
			}
		}
	}
}

// legalLedgers: the justice bureau's 法律明白人, publicity, consultations,
// culture squares and boards, the government's advisers and trainings.
func (g *ledgerGen) legalLedgers() {
	const sifa = "sifa"
	for _, t := range g.towns {
		g.add("culture_squares", sifa, t.place, map[string]any{"date": g.day(), "kind": "square", "name": t.name + "法治文化广场",
			"location": t.name + "政府驻地", "area": float64(g.between(800, 3000))})
		for _, m := range g.months() {
			for range g.between(2, 4) {
				g.add("legal_publicity", sifa, t.place, map[string]any{"date": g.inMonth(m), "kind": "event",
					"title": pick(g.rng, []string{"\"八五\"普法进村入户", "民法典宣传月", "防范电信网络诈骗宣传", "国家安全日宣传", "宪法宣传周", "农民工维权普法"}),
					"venue": t.name + "集镇", "participants": g.between(80, 600), "materials": g.between(200, 1500)})
			}
			if g.chance(0.6) {
				g.add("legal_publicity", sifa, t.place, map[string]any{"date": g.inMonth(m), "kind": "lecture",
					"title": pick(g.rng, []string{"民法典婚姻家庭编解读", "土地承包法律知识", "劳动合同与工资保障", "人民调解实务"}),
					"venue": t.name + "党群服务中心", "participants": g.between(40, 200)})
			}
		}
		for _, v := range t.villages {
			for range 3 {
				g.add("legal_literates", sifa, v, map[string]any{"date": g.day(), "person": g.person(), "training_hours": float64(g.between(8, 32)), "certified": g.chance(0.9)})
			}
			if g.chance(0.7) {
				g.add("culture_squares", sifa, v, map[string]any{"date": g.day(), "kind": "board", "name": v.name + "法治宣传栏", "location": v.name + "党群服务中心"})
			}
			for q := 0; q < 2; q++ {
				g.add("legal_consultations", sifa, v, map[string]any{"date": g.day(), "people": g.between(10, 60),
					"topic":   pick(g.rng, []string{"marriage_family", "land", "labor", "contract", "neighbour", "other"}),
					"channel": pick(g.rng, []string{"in_person", "in_person", "phone", "online"})})
			}
		}
	}
	engaged := g.thisYear() // the county government's advisers are engaged together, for the year
	for range g.between(4, 6) {
		g.add("government_advisers", sifa, g.county, map[string]any{"date": engaged, "person": g.person(), "engaged_by": "county_government",
			"firm": pick(g.rng, []string{"青山天平律师事务所", "青山正衡律师事务所", "河洛明德律师事务所"}), "standing": true})
	}
	for range 6 {
		g.add("government_advisers", sifa, g.county, map[string]any{"date": g.day(), "person": g.person(), "engaged_by": pick(g.rng, []string{"department", "township"}),
			"firm": "青山天平律师事务所", "standing": g.chance(0.5)})
	}
	train := func(n int, title, audience, mode string, backbone bool, lo, hi int) {
		for range n {
			g.add("trainings", sifa, g.county, map[string]any{"date": g.day(), "title": title, "audience": audience, "mode": mode, "backbone": backbone,
				"trainees": g.between(lo, hi), "hours": float64(g.between(2, 16)), "organizer": "县司法局"})
		}
	}
	train(g.between(5, 7), "行政执法人员网络专题培训", "law_enforcement", "online", false, 180, 520)
	train(g.between(3, 4), "乡镇（街道）综合行政执法业务骨干培训", "law_enforcement", "offline", true, 40, 110)
	train(len(g.towns), "网格员业务能力提升培训", "grid_members", "offline", false, 40, 90)
	train(3, "人民调解员业务培训", "mediators", "offline", false, 60, 150)
}

// creditDisclosures: the market regulator's 双公示 entries, licences and
// penalties, a few a working day.
func (g *ledgerGen) creditDisclosures() {
	subjects := []string{"商贸有限公司", "建材经营部", "便民超市", "餐饮店", "农资门市部", "药房", "汽车修理厂", "养殖专业合作社"}
	year := g.first.Format("2006")
	for k := range 45*len(g.towns) + g.between(0, 60) {
		kind, doc := "licence", "青市监许〔"+year+"〕"
		if g.chance(0.3) {
			kind, doc = "penalty", "青市监罚〔"+year+"〕"
		}
		g.add("credit_disclosures", "shichang", g.county, map[string]any{"date": g.day(), "kind": kind, "department": "青山县市场监督管理局",
			"subject": "青山县" + short(g.towns[g.rng.IntN(len(g.towns))].name) + pick(g.rng, villageHeads) + pick(g.rng, subjects), "document_no": doc + fmt.Sprint(k+1) + "号"})
	}
}

// short drops a place name's kind: 石门镇 → 石门, 新华社区 → 新华, 张庄村 → 张庄.
func short(name string) string {
	for _, suffix := range []string{"街道", "社区", "镇", "乡", "村"} {
		if s, ok := strings.CutSuffix(name, suffix); ok && s != "" {
			return s
		}
	}
	return name
}
