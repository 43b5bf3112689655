package http

import (
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/zhili-project/zhili"
)

// TestMenuEntriesArePages checks every menu line: a page is registered at its
// address, it names a known permission or role, and its group and label are set.
func TestMenuEntriesArePages(t *testing.T) {
	s := NewServer()
	for _, m := range menu {
		if m.Group == "" || m.Label == "" {
			t.Errorf("%s: group and label are required", m.Href)
		}
		_, pattern := s.mux.Handler(httptest.NewRequest("GET", m.Href, nil))
		if pattern == "" || pattern == "/api/" {
			t.Errorf("%s (%s): no page is registered there", m.Label, m.Href)
		}
		for _, r := range m.Roles {
			if !r.Valid() {
				t.Errorf("%s: unknown role %q", m.Label, r)
			}
		}
		if m.Need != "" && !slices.ContainsFunc(zhili.Roles, func(r struct {
			Role  zhili.Role
			Label string
		}) bool {
			return zhili.Can(r.Role, m.Need)
		}) {
			t.Errorf("%s: no role has %q", m.Label, m.Need)
		}
	}
}

// TestMenuHighlight checks which entry a page highlights: the longest match wins.
func TestMenuHighlight(t *testing.T) {
	for path, want := range map[string]string{
		"/cases":                            "/cases",
		"/cases/12":                         "/cases",
		"/cases/new":                        "/cases/new",
		"/queue":                            "/queue",
		"/":                                 "/",
		"/regions/419":                      "/",
		"/login":                            "",
		"/casesx":                           "",
		"/ledgers/meetings/records/3":       "/ledgers",
		"/indicators/dispute.total/records": "/indicators",
		"/department-reports/4":             "/department-reports",
		"/rhythm/jobs":                      "/rhythm/jobs",
		"/tasks/7":                          "/tasks",
		"/m/sweep":                          "/m/sweep",
	} {
		got := ""
		if i := currentItem(path); i >= 0 {
			got = menu[i].Href
		}
		if got != want {
			t.Errorf("%s highlights %q, want %q", path, got, want)
		}
	}
}

// TestMenuByRole checks that each role sees the entries of its permissions:
// administrators no business pages, the auditor only the audit log.
func TestMenuByRole(t *testing.T) {
	see := func(role zhili.Role) []string {
		var out []string
		for _, m := range menu {
			if m.allows(role) {
				out = append(out, m.Href)
			}
		}
		return out
	}
	// The auditor also reads the security policy it audits (security_policy.go).
	if got := see(zhili.RoleAuditor); !slices.Equal(got, []string{"/admin/security-policy", "/admin/audit"}) {
		t.Errorf("auditor sees %v", got)
	}
	for _, role := range []zhili.Role{zhili.RoleSysadmin, zhili.RoleSecadmin} {
		if got := see(role); slices.Contains(got, "/cases") || !slices.Contains(got, "/admin/users") {
			t.Errorf("%s sees %v", role, got)
		}
	}
	if got := see(zhili.RoleGridMember); !slices.Contains(got, "/m/report") || slices.Contains(got, "/admin/users") {
		t.Errorf("grid member sees %v", got)
	}
	if got := see(zhili.RoleSupervisor); slices.Contains(got, "/cases/new") || !slices.Contains(got, "/cases") {
		t.Errorf("supervisor sees %v", got)
	}
	// The cockpit opens the menu of those who steer an area.
	for _, role := range []zhili.Role{zhili.RoleLeader, zhili.RoleCenter} {
		if got := see(role); len(got) == 0 || got[0] != "/cockpit" {
			t.Errorf("%s's menu starts with %v", role, got)
		}
	}
	if got := see(zhili.RoleGridMember); !slices.Contains(got, "/m/sweep") || slices.Contains(got, "/rhythm/weekly") {
		t.Errorf("grid member sees %v", got)
	}
	if got := see(zhili.RoleSysadmin); !slices.Contains(got, "/rhythm/jobs") || !slices.Contains(got, "/admin/department-tokens") ||
		slices.Contains(got, "/cockpit") || slices.Contains(got, "/ledgers") {
		t.Errorf("sysadmin sees %v", got)
	}
	if got := see(zhili.RoleTownship); slices.Contains(got, "/rhythm/jobs") || !slices.Contains(got, "/rhythm/calendar") {
		t.Errorf("township sees %v", got)
	}
}
