package http

import "github.com/zhili-project/zhili"

// Permission names for the tables, from the one permissions table of role.go.
var (
	pRegionRead    = string(zhili.ActRegionRead)
	pRegionWrite   = string(zhili.ActRegionWrite)
	pUnitWrite     = string(zhili.ActUnitWrite)
	pPersonRead    = string(zhili.ActPersonRead)
	pPersonWrite   = string(zhili.ActPersonWrite)
	pPersonReveal  = string(zhili.ActPersonReveal)
	pUserRead      = string(zhili.ActUserRead)
	pUserWrite     = string(zhili.ActUserWrite)
	pUserSecurity  = string(zhili.ActUserSecurity)
	pAuditRead     = string(zhili.ActAuditRead)
	pBusinessRead  = string(zhili.ActBusinessRead)
	pBusinessWrite = string(zhili.ActBusinessWrite)
	pTaskAssign    = string(zhili.ActTaskAssign)
	pTaskSupervise = string(zhili.ActTaskSupervise)
	pPolicyRead    = string(zhili.ActPolicyRead)
	pPolicyWrite   = string(zhili.ActPolicyWrite)
)

// coreDocs: sign-in, the account, regions, units, people, accounts, the audit
// log and the document itself.
var coreDocs = map[string]apiDoc{
	"GET /api/v1/security-policy": {summary: "The login and password policy", zh: "安全策略", tag: "auth", perm: pPolicyRead,
		resp: securityPolicyAnswer{}, note: "The policy in force (defaults until set) and each field's allowed range."},
	"PUT /api/v1/security-policy": {summary: "Change the login and password policy", zh: "修改安全策略", tag: "auth", perm: pPolicyWrite,
		req: securityPolicyPatch{}, resp: securityPolicyAnswer{},
		note: "Fields left out keep their value. 400 names each field out of range with its range; nothing is stored. Audited (security.policy.set)."},
	"GET /api/v1/openapi.json": {summary: "This OpenAPI document", zh: "接口说明", tag: "meta", perm: permPublic,
		resp: openAPIObject{}, note: "Generated from the route table and the Go types; holds no data."},

	"POST /api/v1/login": {summary: "Sign in", zh: "登录", tag: "auth", perm: permPublic, req: loginRequest{}, resp: loginResponse{},
		note: "Sets the session cookie and answers its token for Authorization: Bearer. Administrators then pass the second factor."},
	"POST /api/v1/login/totp": {summary: "Pass the second factor", zh: "二次验证", tag: "auth", perm: permSelf, req: codeRequest{}, resp: okAnswer{}},
	"POST /api/v1/totp/enroll": {summary: "Enrol a second factor", zh: "绑定动态口令", tag: "auth", perm: permSelf, resp: totpEnrolled{},
		note: "Pending until confirmed; 409 once a factor is on."},
	"POST /api/v1/totp/confirm": {summary: "Confirm the enrolled factor", zh: "确认动态口令", tag: "auth", perm: permSelf, req: codeRequest{}, resp: okAnswer{}},
	"POST /api/v1/logout":       {summary: "Sign out", zh: "退出登录", tag: "auth", perm: permSelf, resp: okAnswer{}},
	"GET /api/v1/me":            {summary: "The caller's account and scope", zh: "当前账号", tag: "auth", perm: permLogin, resp: meResponse{}},
	"POST /api/v1/me/password": {summary: "Change one's own password", zh: "修改密码", tag: "auth", perm: permLogin, req: passwordChangeRequest{}, resp: okAnswer{},
		note: "Knowing the current password; the new one must meet the policy and differ from it (400 naming the field). Ends the account's other sessions and the must-change state of this one. Audited (password.change)."},

	"GET /api/v1/regions": {summary: "List regions", zh: "行政区划列表", tag: "regions", perm: pRegionRead, resp: listResponse[*zhili.Region]{},
		query: withPaging(qs("q", "name contains"), qi("level", "0 city … 4 grid"), qs("parent", "parent region code"),
			qs("under", "region code: its subtree"), qs("retired", "1: include retired regions"))},
	"POST /api/v1/regions": {summary: "Create a region", zh: "新增区划", tag: "regions", perm: pRegionWrite, req: regionCreate{}, resp: &zhili.Region{}, status: 201},
	"GET /api/v1/regions/{code}": {summary: "One region, with its boundary", zh: "区划详情", tag: "regions", perm: pRegionRead, resp: &zhili.Region{},
		pathStr: []string{"code"}},
	"PATCH /api/v1/regions/{code}": {summary: "Rename, move, re-kind or retire a region", zh: "修改区划", tag: "regions", perm: pRegionWrite,
		req: regionPatch{}, resp: &zhili.Region{}},
	"GET /api/v1/regions/{code}/history": {summary: "A region's changes", zh: "区划变更记录", tag: "regions", perm: pRegionRead,
		resp: itemsOf[*zhili.RegionEvent]{}},
	"GET /api/v1/locate": {summary: "The grid holding a point", zh: "坐标定位网格", tag: "regions", perm: pRegionRead, resp: locateAnswer{},
		query: []qparam{qs("lat", "latitude"), qs("lng", "longitude"), qs("crs", "wgs84 (default) or gcj02")},
		note:  "404 outside every grid of the caller's area."},

	"GET /api/v1/units": {summary: "List units", zh: "单位列表", tag: "units", perm: pRegionRead, resp: listResponse[*zhili.Unit]{},
		query: withPaging(qs("kind", "unit kind"), qs("under", "region code: its subtree"))},
	"POST /api/v1/units":     {summary: "Create a unit", zh: "新增单位", tag: "units", perm: pUnitWrite, req: unitCreate{}, resp: &zhili.Unit{}, status: 201},
	"GET /api/v1/units/{id}": {summary: "One unit", zh: "单位详情", tag: "units", perm: pRegionRead, resp: &zhili.Unit{}},

	"POST /api/v1/people": {summary: "Register a person", zh: "新增人员", tag: "people", perm: pPersonWrite, req: personCreate{}, resp: &zhili.Person{}, status: 201,
		note: "The ID number is checked (GB 11643) and stored encrypted."},
	"GET /api/v1/people/{id}": {summary: "One person, masked", zh: "人员详情（脱敏）", tag: "people", perm: pPersonRead, resp: &zhili.Person{}},
	"POST /api/v1/people/{id}/reveal": {summary: "A person's plaintext ID number and phone", zh: "查看敏感信息", tag: "people", perm: pPersonReveal,
		resp: revealed{}, note: "Audited as person.reveal."},
	"GET /api/v1/positions": {summary: "List positions", zh: "岗位列表", tag: "people", perm: pPersonRead, resp: listResponse[*zhili.Position]{},
		query: withPaging(qs("role", "position role"), qs("under", "region code: its subtree"), qs("on", "day YYYY-MM-DD: held on that day"))},
	"POST /api/v1/positions": {summary: "Appoint a person to a position", zh: "新增岗位", tag: "people", perm: pPersonWrite, req: positionCreate{},
		resp: &zhili.Position{}, status: 201},

	"GET /api/v1/users": {summary: "List accounts", zh: "账号列表", tag: "users", perm: pUserRead, resp: listResponse[*zhili.User]{},
		query: withPaging(qs("role", "account role"))},
	"POST /api/v1/users": {summary: "Create an account", zh: "新增账号", tag: "users", perm: pUserWrite, req: userCreate{}, resp: &zhili.User{}, status: 201},
	"GET /api/v1/users/{id}": {summary: "One account", zh: "账号详情", tag: "users", perm: pUserRead + " (or the account itself)",
		resp: &zhili.User{}},
	"PATCH /api/v1/users/{id}": {summary: "Change an account", zh: "修改账号", tag: "users", perm: pUserWrite + ", " + pUserSecurity + " or the account itself",
		req: userPatch{}, resp: &zhili.User{},
		note: "disabled: user.write; role, unlock, reset_totp: user.security; password with old_password: the account itself (or user.security)."},

	"GET /api/v1/audit": {summary: "Read the audit log", zh: "审计日志", tag: "audit", perm: pAuditRead, resp: listResponse[*zhili.AuditEntry]{},
		query: withPaging(qs("action", "e.g. login"), qi("user_id", "account id"), qs("object_type", ""), qs("object_id", ""),
			qs("from", "day YYYY-MM-DD"), qs("to", "day YYYY-MM-DD, inclusive"))},
	"GET /api/v1/audit/verify": {summary: "Verify the audit chain", zh: "审计链校验", tag: "audit", perm: pAuditRead, resp: auditVerified{}},
}
