package http

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/zhili-project/zhili"
)

// menuItem is one entry of the left menu. The menu, the breadcrumbs and the
// region selector are all drawn from the menu slice below, so putting a new
// page in the menu is one line there.
type menuItem struct {
	// Group is the module heading the entry sits under; groups show in the order
	// of their first entry.
	Group string
	Label string // the Chinese label, from the glossary
	// Href is the page. It also claims the pages under it: /cases highlights
	// /cases/12 too, unless a longer entry (/cases/new) matches.
	Href string
	// Need is the permission the entry needs (role.go); "" means any signed-in user.
	Need zhili.Action
	// Roles, when set, narrows the entry to these roles.
	Roles []zhili.Role
	// Region is the query parameter through which the page takes a region code
	// (e.g. "under"): picking a region in the selector reloads the page with it.
	// Without it the selector opens the region's own page, /regions/{code}.
	Region string
	// Also lists further path prefixes that highlight this entry.
	Also []string
}

// menu is the left menu, in display order. One line per page.
var menu = []menuItem{
	{Group: "工作台", Label: "驾驶舱", Href: "/cockpit", Need: zhili.ActBusinessRead, Roles: leaders, Region: "region"},
	{Group: "工作台", Label: "待办事项", Href: "/queue", Need: zhili.ActBusinessRead},
	{Group: "工作台", Label: "工作任务", Href: "/tasks", Need: zhili.ActBusinessRead},
	{Group: "工作台", Label: "通知", Href: "/notices", Need: zhili.ActBusinessRead},
	{Group: "事件办理", Label: "事件列表", Href: "/cases", Need: zhili.ActBusinessRead, Region: "under"},
	{Group: "事件办理", Label: "上报事件", Href: "/cases/new", Need: zhili.ActBusinessWrite},
	{Group: "事件办理", Label: "手机上报", Href: "/m/report", Roles: []zhili.Role{zhili.RoleGridMember}},
	{Group: "事件办理", Label: "日排查", Href: "/m/sweep", Roles: []zhili.Role{zhili.RoleGridMember}},
	{Group: "工作节奏", Label: "日排查未报", Href: "/rhythm/missing", Need: zhili.ActBusinessRead, Roles: overseers, Region: "under"},
	{Group: "工作节奏", Label: "周研判", Href: "/rhythm/weekly", Need: zhili.ActBusinessRead, Roles: overseers, Region: "under"},
	{Group: "工作节奏", Label: "十日回访超期", Href: "/rhythm/visits", Need: zhili.ActBusinessRead, Roles: overseers, Region: "under"},
	{Group: "工作节奏", Label: "半月调度", Href: "/rhythm/dispatch", Need: zhili.ActBusinessRead, Roles: overseers, Region: "under"},
	{Group: "工作节奏", Label: "月督查通报", Href: "/rhythm/bulletin", Need: zhili.ActBusinessRead, Roles: overseers, Region: "under"},
	{Group: "工作节奏", Label: "节假日与办理时限", Href: "/rhythm/calendar", Need: zhili.ActRegionRead},
	{Group: "台账与报送", Label: "台账", Href: "/ledgers", Need: zhili.ActBusinessRead},
	{Group: "台账与报送", Label: "部门报送", Href: "/department-reports", Need: zhili.ActBusinessRead},
	{Group: "统计分析", Label: "指标", Href: "/indicators", Need: zhili.ActBusinessRead, Region: "region"},
	{Group: "统计分析", Label: "考核排名", Href: "/assessments", Need: zhili.ActBusinessRead,
		Roles: []zhili.Role{zhili.RoleLeader, zhili.RoleCenter, zhili.RoleTownship, zhili.RoleDepartment, zhili.RoleSupervisor}, Region: "region"},
	{Group: "统计分析", Label: "报告与存档", Href: "/reports", Need: zhili.ActBusinessRead},
	{Group: "基础数据", Label: "区划与网格", Href: "/", Need: zhili.ActRegionRead, Also: []string{"/regions/"}},
	{Group: "系统管理", Label: "用户管理", Href: "/admin/users", Need: zhili.ActUserRead},
	{Group: "系统管理", Label: "部门接口令牌", Href: "/admin/department-tokens", Need: zhili.ActUserRead},
	{Group: "系统管理", Label: "安全策略", Href: "/admin/security-policy", Need: zhili.ActPolicyRead},
	{Group: "系统管理", Label: "定时任务运行记录", Href: "/rhythm/jobs", Roles: []zhili.Role{zhili.RoleSysadmin, zhili.RoleCenter}},
	{Group: "系统管理", Label: "审计日志", Href: "/admin/audit", Need: zhili.ActAuditRead},
}

// leaders see the region's figures first: the cockpit opens their menu.
var leaders = []zhili.Role{zhili.RoleLeader, zhili.RoleCenter, zhili.RoleTownship, zhili.RoleSupervisor}

// overseers follow the working rhythm of an area: sweeps filed, reviews,
// visits, dispatch lists and bulletins.
var overseers = []zhili.Role{zhili.RoleLeader, zhili.RoleCenter, zhili.RoleTownship, zhili.RoleVillage, zhili.RoleSupervisor}

// allows reports whether role may see the entry.
func (m menuItem) allows(role zhili.Role) bool {
	if m.Need != "" && !zhili.Can(role, m.Need) {
		return false
	}
	return len(m.Roles) == 0 || slices.Contains(m.Roles, role)
}

// match returns how well path matches the entry: the length of the matched
// prefix, or -1.
func (m menuItem) match(path string) int {
	href, _, _ := strings.Cut(m.Href, "?")
	best := -1
	if path == href {
		return len(href) + 1 // an exact match beats a prefix of the same length
	}
	if href != "/" && strings.HasPrefix(path, href+"/") {
		best = len(href)
	}
	for _, p := range m.Also {
		if strings.HasPrefix(path, p) && len(p) > best {
			best = len(p)
		}
	}
	return best
}

// navGroup is a module of the menu with the entries the user may open.
type navGroup struct {
	Label string
	Items []navLink
}

// navLink is one menu entry as drawn; Current marks the page being shown.
type navLink struct {
	Label, Href string
	Current     bool
}

// crumb is one step of the breadcrumbs; the last has no link.
type crumb struct {
	Label, Href string
}

// nav is what the layout draws around a page: the menu, the breadcrumbs and the
// region selector.
type nav struct {
	Groups []navGroup
	Crumbs []crumb
	// Scope is the root of the region selector: the user's own region. The
	// selector offers nothing outside it (the store refuses it anyway).
	Scope *zhili.Region
	// Regions is the path from Scope down to the region the page shows, Scope
	// alone when the page shows no particular region.
	Regions []*zhili.Region
	// RegionParam is how the page takes a region code; see menuItem.Region.
	RegionParam string
}

// currentItem returns the index of the entry that best matches path, or -1.
func currentItem(path string) int {
	cur, best := -1, -1
	for i, m := range menu {
		if n := m.match(path); n > best {
			cur, best = i, n
		}
	}
	return cur
}

// navFor builds the layout's navigation for the signed-in user of r, or nil for
// visitors and administrators who still owe their second factor.
func (s *Server) navFor(r *http.Request, p page) *nav {
	a := zhili.ActorFromContext(r.Context())
	if a == nil || a.Role == "" {
		return nil
	}
	if sess := sessionOf(r); sess != nil && sess.NeedTOTP {
		return nil
	}
	n := &nav{}
	cur := currentItem(r.URL.Path)
	if cur >= 0 && !menu[cur].allows(a.Role) {
		cur = -1
	}
	for i, m := range menu {
		if !m.allows(a.Role) {
			continue
		}
		if len(n.Groups) == 0 || n.Groups[len(n.Groups)-1].Label != m.Group {
			n.Groups = append(n.Groups, navGroup{Label: m.Group})
		}
		g := &n.Groups[len(n.Groups)-1]
		g.Items = append(g.Items, navLink{Label: m.Label, Href: m.Href, Current: i == cur})
	}
	// Entries of one group may be apart in the slice; join them under the first.
	n.Groups = joinGroups(n.Groups)

	if cur >= 0 {
		m := menu[cur]
		n.Crumbs = append(n.Crumbs, crumb{Label: m.Group})
		if r.URL.Path == m.Href && m.Label == p.Title {
			n.Crumbs = append(n.Crumbs, crumb{Label: m.Label})
		} else {
			n.Crumbs = append(n.Crumbs, crumb{Label: m.Label, Href: m.Href})
			for _, c := range p.Crumbs {
				// A page that names its menu entry as its first step (it may
				// have been outside the menu once) does not repeat it.
				if c.Label != m.Label {
					n.Crumbs = append(n.Crumbs, c)
				}
			}
			if p.Title != "" && p.Title != m.Label {
				n.Crumbs = append(n.Crumbs, crumb{Label: p.Title})
			}
		}
		n.RegionParam = m.Region
	}
	if zhili.Can(a.Role, zhili.ActRegionRead) {
		s.regionTrail(r, n, a)
	}
	return n
}

// joinGroups merges groups of the same label, keeping the order of first use.
func joinGroups(gs []navGroup) []navGroup {
	var out []navGroup
	for _, g := range gs {
		i := slices.IndexFunc(out, func(o navGroup) bool { return o.Label == g.Label })
		if i < 0 {
			out = append(out, g)
			continue
		}
		out[i].Items = append(out[i].Items, g.Items...)
	}
	return out
}

// regionTrail fills the selector: the user's scope and, when the page shows a
// region inside it (by its query parameter or as /regions/{code}), the path
// down to that region.
func (s *Server) regionTrail(r *http.Request, n *nav, a *zhili.Actor) {
	ctx := r.Context()
	scope, err := s.Regions.FindRegion(ctx, a.ScopeRegionID)
	if err != nil {
		return
	}
	n.Scope, n.Regions = scope, []*zhili.Region{scope}
	code := ""
	if n.RegionParam != "" {
		code = r.URL.Query().Get(n.RegionParam)
	} else if strings.HasPrefix(r.URL.Path, "/regions/") {
		code = r.PathValue("code")
	}
	if code == "" || code == scope.Code {
		return
	}
	sel, err := s.Regions.FindRegionByCode(ctx, code)
	if err != nil || !strings.HasPrefix(sel.Path, scope.Path) {
		return
	}
	// The path lists ids from the root; keep those below the scope.
	below := strings.Split(strings.Trim(strings.TrimPrefix(sel.Path, scope.Path), "/"), "/")
	for _, part := range below {
		id, err := strconv.ParseInt(part, 10, 64)
		if err != nil {
			return
		}
		reg := sel
		if id != sel.ID {
			if reg, err = s.Regions.FindRegion(ctx, id); err != nil {
				return
			}
		}
		n.Regions = append(n.Regions, reg)
	}
}
