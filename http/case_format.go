package http

import (
	"fmt"
	"html/template"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zhili-project/zhili"
)

// displayZone is the zone pages show times in: China Standard Time (Asia/Shanghai,
// UTC+8 all year), fixed so that no tzdata is needed.
var displayZone = time.FixedZone("CST", 8*60*60)

// caseFuncs are the template functions of the case, queue and menu templates.
var caseFuncs = template.FuncMap{
	// can reports whether role may perform an action such as "business.write".
	"can":           func(r zhili.Role, act string) bool { return zhili.Can(r, zhili.Action(act)) },
	"caseKindLabel": func(k zhili.CaseKind) string { return k.Label() },
	"stateLabel":    func(s zhili.CaseState) string { return s.Label() },
	"actionLabel":   func(a zhili.CaseAction) string { return a.Label() },
	"riskLabel":     riskLabel,
	"sourceLabel":   sourceLabel,
	"categoryLabel": categoryLabel,
	"partyRole":     partyRoleLabel,
	"caseKinds":     func() any { return zhili.CaseKinds },
	"caseStates":    func() any { return zhili.CaseStates },
	"caseSources":   func() any { return zhili.CaseSources },
	"risks":         func() any { return zhili.Risks },
	// queryURL marks a stored, already encoded query string as safe in a link.
	"queryURL": func(q string) template.URL { return template.URL(q) },
	"deref": func(p *float64) float64 {
		if p == nil {
			return 0
		}
		return *p
	},
	"cst":  cst,
	"yuan": yuan,
}

// cst formats a time (or *time.Time; nil is "—") in China time, to the minute.
func cst(v any) string {
	switch t := v.(type) {
	case time.Time:
		if t.IsZero() {
			return "—"
		}
		return t.In(displayZone).Format("2006-01-02 15:04")
	case *time.Time:
		if t == nil {
			return "—"
		}
		return cst(*t)
	}
	return "—"
}

// yuan formats an amount in fen as yuan with two decimals.
func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// parseYuan reads an amount in yuan ("12", "12.5", "12.34") as fen.
func parseYuan(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 || whole == "" {
		return 0, false
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 || w > 1e12 {
		return 0, false
	}
	f := int64(0)
	if frac != "" {
		if f, err = strconv.ParseInt(frac+strings.Repeat("0", 2-len(frac)), 10, 64); err != nil || f < 0 {
			return 0, false
		}
	}
	return w*100 + f, true
}

func riskLabel(r zhili.Risk) string {
	for _, x := range zhili.Risks {
		if x.Risk == r {
			return x.Label
		}
	}
	return string(r)
}

func sourceLabel(s zhili.CaseSource) string {
	for _, x := range zhili.CaseSources {
		if x.Source == s {
			return x.Label
		}
	}
	return string(s)
}

// categoryLabel names a category from the default tree; a county's own codes show
// as they are.
func categoryLabel(k zhili.CaseKind, code string) string {
	for _, c := range zhili.DefaultCategories {
		if c.Kind == k && c.Code == code {
			return c.Label
		}
	}
	return code
}

func partyRoleLabel(role string) string {
	switch role {
	case "applicant":
		return "申请人"
	case "respondent":
		return "被申请人"
	}
	return "其他"
}

// fieldLabels name the fields of case forms in Chinese.
var fieldLabels = map[string]string{
	"kind": "事件类型", "category": "事件类别", "title": "标题", "detail": "详细情况", "source": "来源", "risk": "风险等级",
	"region_id": "发生地点", "region_code": "发生地点", "lat": "位置", "lng": "位置", "crs": "坐标系", "address": "详细地址",
	"people": "涉及人数", "amount_fen": "涉及金额", "workers": "涉及劳动者人数", "note": "说明", "unit_id": "承办单位",
	"method": "化解方式", "outcome": "化解结果", "satisfaction": "满意度", "extension_days": "延期天数", "approve": "审批意见",
	"duplicate_of": "重复事件", "workers_paid": "已支付人数", "wages_recovered_fen": "追回工资", "action": "操作",
	"name": "名称", "query": "筛选条件", "state": "状态", "under": "区域", "reported_from": "上报日期起", "reported_to": "上报日期止",
	"offset": "分页", "limit": "每页条数", "case_ids": "事件", "role": "身份", "id_number": "证件号码", "phone": "电话",
}

// codeReasons say in Chinese what a field error's machine code means.
var codeReasons = map[string]string{
	"required": "必须填写", "too_long": "内容过长", "out_of_range": "超出允许范围", "malformed": "格式不正确",
	"unknown_unit": "单位不存在", "bad_target": "该单位不能承办此事件（须为事件所在地的上级或下级单位，且不是当前承办单位）",
	"unknown_case": "找不到该事件（或它本身已被合并）", "unknown_region": "不存在或不在您的辖区内",
	"unknown_kind": "不是有效的选项", "unknown_category": "不属于所选事件类型", "unknown_source": "不是有效的选项",
	"unknown_risk": "不是有效的选项", "unknown_role": "不是有效的选项", "unknown_state": "不是有效的状态",
	"no_grid": "该位置不在您辖区内的任何网格中，请手动选择地点", "unknown_crs": "坐标系无效", "unknown_action": "未知操作",
	"duplicate": "重复", "too_many": "数量过多", "unknown_param": "不是有效的筛选条件",
}

var partyField = regexp.MustCompile(`^parties\[(\d+)\]\.(\w+)$`)

// fieldLabel names a field, including a party's ("当事人2 证件号码").
func fieldLabel(field string) string {
	if m := partyField.FindStringSubmatch(field); m != nil {
		n, _ := strconv.Atoi(m[1])
		return fmt.Sprintf("当事人%d %s", n+1, fieldLabels[m[2]])
	}
	if l, ok := fieldLabels[field]; ok {
		return l
	}
	return field
}

// zhError turns a service error into a Chinese summary for a page and the Chinese
// reason of each bad field, keyed by the form's field name.
func zhError(err error) (string, map[string]string) {
	fields := map[string]string{}
	for _, f := range zhili.ErrorFields(err) {
		reason, ok := codeReasons[f.Code]
		if !ok {
			reason = "无效"
		}
		if _, seen := fields[f.Field]; !seen {
			fields[f.Field] = fieldLabel(f.Field) + reason
		}
	}
	switch zhili.ErrorCode(err) {
	case zhili.EINVALID:
		msg := "填写有误，请检查标出的项目。"
		if len(fields) > 0 {
			var parts []string
			for _, f := range zhili.ErrorFields(err) {
				if r := fields[f.Field]; r != "" && !slices.Contains(parts, r) {
					parts = append(parts, r)
				}
			}
			msg = "填写有误：" + strings.Join(parts, "；") + "。"
		}
		return msg, fields
	case zhili.ECONFLICT:
		return "事件状态已经变化（可能有人刚刚处理过），请查看最新状态后重试。", fields
	case zhili.EFORBIDDEN:
		return "您的角色或单位无权执行此操作。", fields
	case zhili.ENOTFOUND:
		return "找不到该事件，或它不在您的辖区内。", fields
	case zhili.EUNAUTHORIZED:
		return "请先登录。", fields
	}
	return "系统错误，请稍后重试。", fields
}
