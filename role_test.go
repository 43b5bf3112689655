package zhili_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/zhili-project/zhili"
)

// TestPermissions spells out the permission table row by row, so any change to who
// may do what shows up here as a reviewed diff.
func TestPermissions(t *testing.T) {
	t.Parallel()
	all := []zhili.Role{}
	for _, r := range zhili.Roles {
		all = append(all, r.Role)
	}
	want := map[zhili.Action][]zhili.Role{
		zhili.ActRegionRead: {zhili.RoleSysadmin, zhili.RoleSecadmin, zhili.RoleLeader, zhili.RoleCenter, zhili.RoleTownship,
			zhili.RoleVillage, zhili.RoleGridMember, zhili.RoleMediator, zhili.RoleDepartment, zhili.RoleSupervisor},
		zhili.ActRegionWrite:  {zhili.RoleSysadmin},
		zhili.ActUnitWrite:    {zhili.RoleSysadmin},
		zhili.ActPersonRead:   {zhili.RoleLeader, zhili.RoleCenter, zhili.RoleTownship, zhili.RoleVillage, zhili.RoleSupervisor, zhili.RoleMediator},
		zhili.ActPersonWrite:  {zhili.RoleCenter, zhili.RoleTownship, zhili.RoleVillage},
		zhili.ActPersonReveal: {zhili.RoleCenter, zhili.RoleTownship},
		zhili.ActUserRead:     {zhili.RoleSysadmin, zhili.RoleSecadmin},
		zhili.ActUserWrite:    {zhili.RoleSysadmin},
		zhili.ActUserSecurity: {zhili.RoleSecadmin},
		zhili.ActAuditRead:    {zhili.RoleAuditor},
		zhili.ActBusinessRead: {zhili.RoleLeader, zhili.RoleCenter, zhili.RoleTownship, zhili.RoleVillage, zhili.RoleGridMember,
			zhili.RoleMediator, zhili.RoleDepartment, zhili.RoleSupervisor},
		zhili.ActBusinessWrite: {zhili.RoleCenter, zhili.RoleTownship, zhili.RoleVillage, zhili.RoleGridMember, zhili.RoleMediator, zhili.RoleDepartment},
		zhili.ActTaskAssign:    {zhili.RoleLeader, zhili.RoleCenter},
		zhili.ActTaskSupervise: {zhili.RoleLeader, zhili.RoleCenter, zhili.RoleSupervisor},
		zhili.ActEventRead: {zhili.RoleLeader, zhili.RoleCenter, zhili.RoleTownship, zhili.RoleVillage, zhili.RoleGridMember,
			zhili.RoleMediator, zhili.RoleDepartment, zhili.RoleSupervisor},
		zhili.ActPolicyRead:  {zhili.RoleSysadmin, zhili.RoleSecadmin, zhili.RoleAuditor},
		zhili.ActPolicyWrite: {zhili.RoleSecadmin},
	}
	for act, roles := range want {
		allowed := map[zhili.Role]bool{}
		for _, r := range roles {
			allowed[r] = true
		}
		for _, r := range all {
			t.Run(fmt.Sprintf("%s/%s", act, r), func(t *testing.T) {
				if got := zhili.Can(r, act); got != allowed[r] {
					t.Fatalf("Can(%s, %s) = %v, want %v", r, act, got, allowed[r])
				}
			})
		}
	}
}

// TestAdministratorsSeeNoBusinessData is the three-administrator rule (三员分立).
func TestAdministratorsSeeNoBusinessData(t *testing.T) {
	t.Parallel()
	for _, r := range []zhili.Role{zhili.RoleSysadmin, zhili.RoleSecadmin, zhili.RoleAuditor} {
		for _, act := range []zhili.Action{zhili.ActBusinessRead, zhili.ActBusinessWrite, zhili.ActPersonRead, zhili.ActPersonReveal, zhili.ActEventRead} {
			if zhili.Can(r, act) {
				t.Errorf("%s may %s", r, act)
			}
		}
	}
	// And no administrator holds another's duty.
	duties := map[zhili.Role]zhili.Action{zhili.RoleSysadmin: zhili.ActUserWrite, zhili.RoleSecadmin: zhili.ActUserSecurity, zhili.RoleAuditor: zhili.ActAuditRead}
	for holder, duty := range duties {
		for other := range duties {
			if other != holder && zhili.Can(other, duty) {
				t.Errorf("%s may %s, which is %s's duty", other, duty, holder)
			}
		}
	}
}

func TestActorScope(t *testing.T) {
	t.Parallel()
	a := &zhili.Actor{Role: zhili.RoleTownship, ScopePath: "/1/5/"}
	for path, want := range map[string]bool{"/1/5/": true, "/1/5/23/": true, "/1/50/": false, "/1/": false, "/1/6/5/": false} {
		if got := a.InScope(path); got != want {
			t.Errorf("InScope(%q) = %v, want %v", path, got, want)
		}
	}
	var none *zhili.Actor
	if none.Can(zhili.ActRegionRead) || none.InScope("/1/") {
		t.Error("a nil actor may do something")
	}
	if err := none.Require(zhili.ActRegionRead); zhili.ErrorCode(err) != zhili.EUNAUTHORIZED {
		t.Errorf("nil actor: %v", err)
	}
	if err := a.Require(zhili.ActAuditRead); zhili.ErrorCode(err) != zhili.EFORBIDDEN {
		t.Errorf("township reading audit: %v", err)
	}
	if !zhili.SystemActor("cli").Can(zhili.ActAuditRead) || !zhili.SystemActor("cli").InScope("/9/") {
		t.Error("the system actor is bounded")
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("import: %w", zhili.Invalid("bad file", zhili.FieldError{Row: 5000, Column: "code", Field: "code", Code: "malformed", Reason: "not digits"}))
	if zhili.ErrorCode(err) != zhili.EINVALID || zhili.ErrorMessage(err) != "bad file" {
		t.Fatalf("wrapped error lost its code: %v", err)
	}
	if f := zhili.ErrorFields(err); len(f) != 1 || f[0].String() != "row 5000, code: not digits" {
		t.Fatalf("fields: %v", f)
	}
	if zhili.ErrorCode(errors.New("boom")) != zhili.EINTERNAL || zhili.ErrorMessage(errors.New("secret detail")) != "Internal error." {
		t.Fatal("a plain error is shown to users")
	}
}
