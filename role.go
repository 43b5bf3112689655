package zhili

// Role is what an account may do. One role per account: the three administrators
// (三员分立) must be three separate accounts, and a single role per account makes
// that separation structural rather than a rule someone has to remember.
type Role string

// Account roles.
const (
	RoleSysadmin   Role = "sysadmin"          // 系统管理员: regions, units, accounts; no business data
	RoleSecadmin   Role = "secadmin"          // 安全管理员: roles, unlocks, resets; no business data
	RoleAuditor    Role = "auditor"           // 审计管理员: reads the audit log; no business data
	RoleLeader     Role = "leader"            // 领导: reads everything in scope
	RoleCenter     Role = "center_operator"   // 综治中心: triage, dispatch, supervise
	RoleTownship   Role = "township_operator" // 乡镇（街道）工作人员
	RoleVillage    Role = "village_operator"  // 村（社区）工作人员
	RoleGridMember Role = "grid_member"       // 网格员
	RoleMediator   Role = "mediator"          // 调解员 / 法律顾问
	RoleDepartment Role = "department_user"   // 部门用户
	RoleSupervisor Role = "supervisor"        // 人大/政协/督查: read-only
)

// Roles lists every role with its Chinese label, in display order.
var Roles = []struct {
	Role  Role
	Label string
}{
	{RoleSysadmin, "系统管理员"}, {RoleSecadmin, "安全管理员"}, {RoleAuditor, "审计管理员"},
	{RoleLeader, "领导"}, {RoleCenter, "综治中心工作人员"}, {RoleTownship, "乡镇（街道）工作人员"},
	{RoleVillage, "村（社区）工作人员"}, {RoleGridMember, "网格员"}, {RoleMediator, "调解员"},
	{RoleDepartment, "部门用户"}, {RoleSupervisor, "监督（只读）"},
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x.Role == r {
			return true
		}
	}
	return false
}

// Label is the role's Chinese name.
func (r Role) Label() string {
	for _, x := range Roles {
		if x.Role == r {
			return x.Label
		}
	}
	return string(r)
}

// IsAdmin reports whether r is one of the three administrators, who need a second
// factor and never see business data.
func (r Role) IsAdmin() bool {
	return r == RoleSysadmin || r == RoleSecadmin || r == RoleAuditor
}

// Action is something a role may be allowed to do.
type Action string

// Actions checked by the services. Reading regions and units is open to every
// business role; the data inside them is bounded by scope.
const (
	ActRegionRead    Action = "region.read"
	ActRegionWrite   Action = "region.write"
	ActUnitWrite     Action = "unit.write"
	ActPersonRead    Action = "person.read"
	ActPersonWrite   Action = "person.write"
	ActPersonReveal  Action = "person.reveal" // see unmasked ID numbers and phones
	ActUserRead      Action = "user.read"
	ActUserWrite     Action = "user.write"     // create accounts, disable them
	ActUserSecurity  Action = "user.security"  // change roles, unlock, reset passwords and second factors
	ActAuditRead     Action = "audit.read"     // read and verify the audit log
	ActBusinessRead  Action = "business.read"  // cases, ledgers, figures in scope
	ActBusinessWrite Action = "business.write" // report and act on cases, keep ledgers
	ActTaskAssign    Action = "task.assign"    // set, cancel and reopen work-plan tasks (下达任务)
	ActTaskSupervise Action = "task.supervise" // write supervision notes on tasks (督办意见)
	ActEventRead     Action = "event.read"     // follow the case event feed in scope (GET /api/v1/events)
	// ActPolicyRead and ActPolicyWrite read and set the login and password policy
	// (security_policy.go): the three administrators read it, the security
	// administrator alone sets it.
	ActPolicyRead  Action = "security_policy.read"
	ActPolicyWrite Action = "security_policy.write"
)

var (
	business = []Role{RoleLeader, RoleCenter, RoleTownship, RoleVillage, RoleGridMember,
		RoleMediator, RoleDepartment, RoleSupervisor}
	operators = []Role{RoleCenter, RoleTownship, RoleVillage}
)

// permissions is the one table of who may do what; role_test.go checks it row by row.
var permissions = map[Action][]Role{
	ActRegionRead:    append([]Role{RoleSysadmin, RoleSecadmin}, business...),
	ActRegionWrite:   {RoleSysadmin},
	ActUnitWrite:     {RoleSysadmin},
	ActPersonRead:    {RoleLeader, RoleCenter, RoleTownship, RoleVillage, RoleSupervisor, RoleMediator},
	ActPersonWrite:   operators,
	ActPersonReveal:  {RoleCenter, RoleTownship},
	ActUserRead:      {RoleSysadmin, RoleSecadmin},
	ActUserWrite:     {RoleSysadmin},
	ActUserSecurity:  {RoleSecadmin},
	ActAuditRead:     {RoleAuditor},
	ActBusinessRead:  business,
	ActBusinessWrite: {RoleCenter, RoleTownship, RoleVillage, RoleGridMember, RoleMediator, RoleDepartment},
	ActTaskAssign:    {RoleLeader, RoleCenter},
	ActTaskSupervise: {RoleLeader, RoleCenter, RoleSupervisor},
	ActEventRead:     business,
	ActPolicyRead:    {RoleSysadmin, RoleSecadmin, RoleAuditor},
	ActPolicyWrite:   {RoleSecadmin},
}

// Can reports whether role may perform act.
func Can(role Role, act Action) bool {
	for _, r := range permissions[act] {
		if r == role {
			return true
		}
	}
	return false
}
