package sqlstore_test

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
)

func TestDepartmentToken(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		e := newDeptEnv(t, d)
		tokens := sqlstore.NewDepartmentTokenService(e.db)
		police := e.f.Users["department"].UnitID
		t.Run("only the system administrator issues, for departments", func(t *testing.T) {
			for _, who := range []string{"secadmin", "leader", "department", "townA"} {
				_, _, err := tokens.CreateDepartmentToken(e.ctx(t, who), police, "x")
				confCode(t, err, zhili.EFORBIDDEN)
			}
			_, _, err := tokens.CreateDepartmentToken(e.ctx(t, "sysadmin"), e.f.Offices[e.f.TownA.Code].ID, "not a department")
			confField(t, err, "unit_id")
			_, _, err = tokens.CreateDepartmentToken(e.ctx(t, "sysadmin"), police, " ")
			confField(t, err, "name")
		})
		tok, secret, err := tokens.CreateDepartmentToken(e.ctx(t, "sysadmin"), police, "公安警综平台")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, zhili.DepartmentTokenPrefix) || len(secret) != len(zhili.DepartmentTokenPrefix)+43 {
			t.Fatalf("secret %q", secret)
		}
		t.Run("only the hash is stored", func(t *testing.T) {
			var stored string
			q := `SELECT token_hash FROM department_tokens WHERE id = $1`
			if d == "sqlite" {
				q = `SELECT token_hash FROM department_tokens WHERE id = ?1`
			}
			if err := confRaw(t, e.db).QueryRow(q, tok.ID).Scan(&stored); err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256([]byte(secret))
			if stored != hex.EncodeToString(sum[:]) || strings.Contains(stored, secret[4:]) {
				t.Fatalf("stored %q", stored)
			}
		})
		audits := confAuditCount(t, e.db)
		a, _, err := tokens.AuthenticateDepartmentToken(e.ctx(t, "sysadmin"), secret, "10.0.0.9", "POST /api/v1/department-reports", true)
		if err != nil {
			t.Fatal(err)
		}
		if a.Role != zhili.RoleDepartment || a.UnitID != police || a.ScopeRegionID != e.f.County.ID || a.UserID != 0 {
			t.Fatalf("token actor = %+v", a)
		}
		t.Run("the token submits as its unit, and says so", func(t *testing.T) {
			ctx := zhili.NewContextWithDepartmentToken(zhili.NewContextWithActor(t.Context(), a), tok.ID)
			rs, err := e.reports.SubmitDepartmentReports(ctx, []zhili.DepartmentFigure{fig("crime.solved", e.f.TownA.Code, "2026-02", 3)}, zhili.DepartmentSubmit{Via: "api"})
			if err != nil {
				t.Fatal(err)
			}
			if rs[0].TokenID != tok.ID || rs[0].SubmittedBy != 0 || rs[0].Submitter != "token:公安警综平台" || rs[0].UnitID != police {
				t.Fatalf("report = %+v", rs[0])
			}
		})
		_, _, err = tokens.AuthenticateDepartmentToken(e.ctx(t, "sysadmin"), secret, "10.0.0.9", "GET /api/v1/cases", false)
		confCode(t, err, zhili.EFORBIDDEN)
		_, _, err = tokens.AuthenticateDepartmentToken(e.ctx(t, "sysadmin"), secret+"x", "10.0.0.9", "GET /api/v1/department-reports", true)
		confCode(t, err, zhili.EUNAUTHORIZED)
		// use, submit, refused, unknown: four entries.
		if n := confAuditCount(t, e.db); n != audits+4 {
			t.Errorf("audit grew by %d, want 4", n-audits)
		}
		t.Run("revoked tokens stop working", func(t *testing.T) {
			confCode(t, tokens.RevokeDepartmentToken(e.ctx(t, "secadmin"), tok.ID), zhili.EFORBIDDEN)
			if err := tokens.RevokeDepartmentToken(e.ctx(t, "sysadmin"), tok.ID); err != nil {
				t.Fatal(err)
			}
			confCode(t, tokens.RevokeDepartmentToken(e.ctx(t, "sysadmin"), tok.ID), zhili.ECONFLICT)
			confCode(t, tokens.RevokeDepartmentToken(e.ctx(t, "sysadmin"), 999999), zhili.ENOTFOUND)
			_, _, err := tokens.AuthenticateDepartmentToken(e.ctx(t, "sysadmin"), secret, "10.0.0.9", "GET /api/v1/department-reports", true)
			confCode(t, err, zhili.EUNAUTHORIZED)
			list, err := tokens.FindDepartmentTokens(e.ctx(t, "secadmin"))
			if err != nil || len(list) != 1 || list[0].RevokedAt == nil || list[0].LastUsedAt == nil {
				t.Fatalf("tokens = %+v, %v", list, err)
			}
		})
	})
}
