package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/zhili-project/zhili"
)

// kindShare is each kind's share of the year's cases: disputes the majority, as in
// a county's 排查 figures.
var kindShare = []struct {
	kind  zhili.CaseKind
	share float64
}{
	{zhili.KindDispute, 0.58}, {zhili.KindHazard, 0.17}, {zhili.KindLivelihood, 0.14},
	{zhili.KindLaborComplaint, 0.07}, {zhili.KindEmergency, 0.04},
}

// categoryWeight weights the categories of a kind; unlisted ones weigh 1.
var categoryWeight = map[string]float64{
	"dispute/neighbour": 5, "dispute/marriage_family": 4, "dispute/land_forest": 3.5, "dispute/labor": 2.5,
	"dispute/property": 2, "dispute/traffic": 2, "dispute/consumer": 1.5, "dispute/expropriation": 1,
	"dispute/enterprise": 0.8, "dispute/medical": 0.5, "dispute/other": 1,
	"hazard/fire": 4, "hazard/road": 2.5, "hazard/building": 2, "hazard/gas": 2, "hazard/production": 1.5, "hazard/food": 1,
	"livelihood/hardship": 3, "livelihood/infrastructure": 3, "livelihood/water": 2, "livelihood/medical_aid": 1.5,
	"labor_complaint/wage_arrears": 8, "labor_complaint/social_insurance": 1.5, "labor_complaint/contract": 1,
	"emergency/accident": 3, "emergency/natural": 2, "emergency/social_security": 2,
}

// titles are what a reporter writes, per kind/category; %s is the village.
var titles = map[string][]string{
	"dispute/neighbour":                {"%s两户村民因宅基地边界发生争执", "%s邻里因排水沟堵塞引发纠纷", "%s楼上漏水致楼下受损引发邻里矛盾", "%s村民因院墙滴水问题发生口角"},
	"dispute/marriage_family":          {"%s夫妻因家庭琐事矛盾激化", "%s兄弟因老人赡养问题发生纠纷", "%s村民离婚后子女抚养费纠纷", "%s家庭因房产分割产生矛盾"},
	"dispute/land_forest":              {"%s村民承包地边界纠纷", "%s两组因林地权属发生争议", "%s土地流转租金纠纷", "%s村民因地头树木归属发生争执"},
	"dispute/labor":                    {"%s务工人员与包工头工资结算纠纷", "%s雇工受伤赔偿纠纷", "%s装修工人工钱纠纷"},
	"dispute/property":                 {"%s小区业主与物业公司物业费纠纷", "%s小区停车位管理纠纷", "%s小区电梯维修费用分摊纠纷"},
	"dispute/traffic":                  {"%s路口两车刮擦赔偿纠纷", "%s电动车与行人相撞赔偿纠纷", "%s农用车倒车撞损围墙纠纷"},
	"dispute/consumer":                 {"%s群众购买家电质量纠纷", "%s预付卡退费纠纷", "%s农资质量纠纷"},
	"dispute/expropriation":            {"%s道路拓宽征地补偿纠纷", "%s地上附着物补偿争议"},
	"dispute/enterprise":               {"%s企业与周边村民用地纠纷", "%s企业货款拖欠纠纷"},
	"dispute/medical":                  {"%s患者家属与卫生室医疗纠纷"},
	"dispute/other":                    {"%s村民借款纠纷", "%s合伙养殖利润分配纠纷"},
	"hazard/fire":                      {"%s电动车楼道充电存在火灾隐患", "%s沿街门店消防通道堵塞", "%s柴草堆放靠近民房"},
	"hazard/road":                      {"%s路段缺少减速带和警示标志", "%s桥梁护栏损坏"},
	"hazard/building":                  {"%s危旧房屋墙体开裂", "%s广告牌松动存在坠落风险"},
	"hazard/gas":                       {"%s餐馆液化气瓶未加装安全装置", "%s燃气管道外露锈蚀"},
	"hazard/food":                      {"%s无证小作坊卫生条件差"},
	"hazard/production":                {"%s小加工厂安全防护缺失", "%s建筑工地塔吊作业不规范"},
	"hazard/venue":                     {"%s学校周边摊贩占道", "%s农贸市场通道拥堵"},
	"hazard/other":                     {"%s坑塘无防护栏", "%s废弃机井未封堵"},
	"emergency/natural":                {"%s强降雨致农田积水", "%s大风刮倒树木阻断道路"},
	"emergency/accident":               {"%s民房失火", "%s道路发生交通事故致人受伤"},
	"emergency/public_health":          {"%s多名群众疑似食物中毒"},
	"emergency/social_security":        {"%s群众聚集讨要工程款", "%s两村群众因灌溉用水发生冲突"},
	"livelihood/water":                 {"%s自来水停水多日", "%s饮水井水质浑浊"},
	"livelihood/housing":               {"%s困难户房屋漏雨需维修"},
	"livelihood/medical_aid":           {"%s重病患者申请医疗救助"},
	"livelihood/education":             {"%s留守儿童入学困难"},
	"livelihood/hardship":              {"%s独居老人生活困难申请救助", "%s残疾人家庭生活困难"},
	"livelihood/infrastructure":        {"%s路灯损坏夜间出行不便", "%s生产路损毁影响通行", "%s排水沟淤堵"},
	"livelihood/other":                 {"%s群众反映公交站点设置不便"},
	"labor_complaint/wage_arrears":     {"%s建筑工地拖欠农民工工资", "%s加工厂拖欠员工工资", "%s餐饮店拖欠员工工资"},
	"labor_complaint/contract":         {"%s企业未与员工签订劳动合同"},
	"labor_complaint/social_insurance": {"%s企业未为员工缴纳社会保险"},
	"labor_complaint/other":            {"%s企业超时加班"},
}

// title picks a title for a case of kind and category at a village; in a
// community the 村民 are 居民.
func title(rng *rand.Rand, kind zhili.CaseKind, category string, village *node) string {
	list := titles[string(kind)+"/"+category]
	if len(list) == 0 {
		return village.Name + kind.Label() + "问题"
	}
	t := fmt.Sprintf(list[rng.IntN(len(list))], village.Name)
	if village.Kind == zhili.KindCommunity {
		t = strings.ReplaceAll(strings.ReplaceAll(t, "村民", "居民"), "村组", "楼栋")
	}
	return t
}

// resolution is how a case of a kind is resolved: a method of
// zhili.ResolutionMethods, an outcome, and whether a mediation agreement is signed.
func resolution(rng *rand.Rand, kind zhili.CaseKind) (method, outcome string, agreement bool) {
	switch kind {
	case zhili.KindDispute:
		switch x := rng.Float64(); {
		case x < 0.55:
			return "人民调解", "经调解双方达成一致，当场履行", true
		case x < 0.7:
			return "行政调解", "经行政调解双方达成协议", rng.IntN(2) == 0
		case x < 0.8:
			return "当事人和解", "双方自行和解，矛盾化解", false
		case x < 0.9:
			return "诉调对接", "引导至法院诉前调解，已达成调解协议", true
		default:
			return "司法调解", "经司法调解结案", true
		}
	case zhili.KindHazard:
		return "整改完成", "已督促责任人整改到位，复查合格", false
	case zhili.KindEmergency:
		return "现场处置", "已妥善处置，无次生事件", false
	case zhili.KindLivelihood:
		return "协调解决", "已协调有关单位解决群众诉求", false
	}
	return "行政处理", "已责令用人单位整改并支付", false
}

// notes for the steps that need one.
var (
	returnNotes   = []string{"不属于本单位职责范围，退回重新交办", "涉及村级调处，退回属地办理"}
	suspendNotes  = []string{"当事人已起诉，等待法院判决", "等待伤情鉴定结果", "当事人外出务工，暂无法联系"}
	escalateNotes = []string{"涉及多方利益，超出村级调处能力，提请上级协调", "当事人情绪激烈，村级多次调解未果"}
	rejectNotes   = []string{"不属于受理范围，已告知当事人通过诉讼途径解决", "反映事项已由法院生效判决处理"}
	extendNotes   = []string{"当事人意见分歧较大，需进一步调解", "需等待相关部门核实情况"}
)

// employers of labour complaints.
var employers = []string{"青山县宏达建筑工程有限公司", "青山县顺发食品加工厂", "青山县鑫源服装有限公司", "青山县福满楼餐饮店",
	"青山县恒信物流有限公司", "青山县绿源农业开发有限公司", "青山县天成建材有限公司", "青山县华美装饰工程有限公司"}

// deptFor is the department a case of kind and category is assigned to, or "".
func deptFor(kind zhili.CaseKind, category string) string {
	switch kind {
	case zhili.KindLaborComplaint:
		return "labor"
	case zhili.KindDispute:
		switch category {
		case "labor":
			return "labor"
		case "traffic":
			return "police"
		case "property":
			return "housing"
		}
		return "justice"
	case zhili.KindHazard:
		switch category {
		case "building", "gas", "fire":
			return "housing"
		case "road", "venue":
			return "police"
		}
	case zhili.KindEmergency:
		if category == "social_security" {
			return "police"
		}
	case zhili.KindLivelihood:
		switch category {
		case "hardship", "medical_aid", "housing":
			return "civil_affairs"
		case "education":
			return "education"
		case "water", "infrastructure":
			return "housing"
		}
	}
	return ""
}
