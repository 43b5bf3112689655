package zhili

// DefaultCategories is the category tree each deployment starts with; a county edits
// it in the case_categories table. Codes are stable identifiers, labels are what
// users see.
var DefaultCategories = []Category{
	{KindDispute, "marriage_family", "婚姻家庭", ""}, {KindDispute, "neighbour", "邻里纠纷", ""},
	{KindDispute, "land_forest", "土地山林", ""}, {KindDispute, "labor", "劳资纠纷", ""},
	{KindDispute, "property", "物业纠纷", ""}, {KindDispute, "medical", "医疗纠纷", ""},
	{KindDispute, "expropriation", "征地拆迁", ""}, {KindDispute, "enterprise", "涉企纠纷", ""},
	{KindDispute, "consumer", "消费纠纷", ""}, {KindDispute, "traffic", "交通事故", ""},
	{KindDispute, "other", "其他纠纷", ""},
	{KindHazard, "fire", "消防安全", ""}, {KindHazard, "road", "道路交通", ""},
	{KindHazard, "building", "房屋建筑", ""}, {KindHazard, "gas", "燃气安全", ""},
	{KindHazard, "food", "食品安全", ""}, {KindHazard, "production", "安全生产", ""},
	{KindHazard, "venue", "重点场所", ""}, {KindHazard, "other", "其他隐患", ""},
	{KindEmergency, "natural", "自然灾害", ""}, {KindEmergency, "accident", "事故灾难", ""},
	{KindEmergency, "public_health", "公共卫生", ""}, {KindEmergency, "social_security", "社会安全", ""},
	{KindLivelihood, "water", "饮水安全", ""}, {KindLivelihood, "housing", "住房保障", ""},
	{KindLivelihood, "medical_aid", "医疗救助", ""}, {KindLivelihood, "education", "教育保障", ""},
	{KindLivelihood, "hardship", "生活困难", ""}, {KindLivelihood, "infrastructure", "基础设施", ""},
	{KindLivelihood, "other", "其他诉求", ""},
	{KindLaborComplaint, "wage_arrears", "拖欠工资", ""}, {KindLaborComplaint, "contract", "劳动合同", ""},
	{KindLaborComplaint, "social_insurance", "社会保险", ""}, {KindLaborComplaint, "other", "其他劳动保障", ""},
}
