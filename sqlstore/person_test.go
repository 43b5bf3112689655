package sqlstore_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// A valid ID number (Beijing, born 1980-01-01) and a mobile number.
var (
	confGoodID    = confIDNumber("11010119800101123")
	confGoodPhone = "13812345678"
)

func TestCreatePersonRejectsBadFields(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		ctx := f.Ctx(t, db, "townA")
		people := sqlstore.NewPersonService(db)
		for _, tc := range []struct {
			name   string
			p      zhili.Person
			fields []string
		}{
			{"wrong check digit is invalid id_number", zhili.Person{Name: "张三", RegionID: f.VillageA.ID, IDNumber: confBadCheck(confGoodID)}, []string{"id_number"}},
			{"17 digits is invalid id_number", zhili.Person{Name: "张三", RegionID: f.VillageA.ID, IDNumber: confGoodID[:17]}, []string{"id_number"}},
			{"impossible birth date is invalid id_number", zhili.Person{Name: "张三", RegionID: f.VillageA.ID, IDNumber: confIDNumber("11010119801341123")}, []string{"id_number"}},
			{"ten-digit mobile is invalid phone", zhili.Person{Name: "张三", RegionID: f.VillageA.ID, Phone: "1381234567"}, []string{"phone"}},
			{"+86 prefix is invalid phone", zhili.Person{Name: "张三", RegionID: f.VillageA.ID, Phone: "+8613812345678"}, []string{"phone"}},
			{"both bad names both", zhili.Person{Name: "张三", RegionID: f.VillageA.ID, IDNumber: confBadCheck(confGoodID), Phone: "12345"}, []string{"id_number", "phone"}},
			{"blank name is invalid name", zhili.Person{Name: " ", RegionID: f.VillageA.ID}, []string{"name"}},
			{"unknown region is invalid region", zhili.Person{Name: "张三", RegionID: 999999}, []string{"region_id"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p := tc.p
				err := people.CreatePerson(ctx, &p)
				confCode(t, err, zhili.EINVALID)
				for _, field := range tc.fields {
					confField(t, err, field)
				}
				if p.ID != 0 {
					t.Fatalf("rejected person got id %d", p.ID)
				}
				if msg := err.Error(); strings.Contains(msg, confGoodID[:17]) || (tc.p.Phone != "" && strings.Contains(msg, tc.p.Phone)) {
					t.Fatalf("error quotes the sensitive value: %s", msg)
				}
			})
		}
	})
}

// The stored person shows only masked forms; the township operator may reveal the
// plaintext, and the reveal is audited without the plaintext.
func TestPersonSensitiveFields(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		people := sqlstore.NewPersonService(db)
		p := &zhili.Person{Name: "李四", RegionID: f.GridA.ID, IDNumber: " " + strings.ToLower(confGoodID) + " ", Phone: confGoodPhone}
		if err := people.CreatePerson(f.Ctx(t, db, "villageA"), p); err != nil {
			t.Fatal(err)
		}
		wantIDMask := confGoodID[:3] + strings.Repeat("*", 11) + confGoodID[14:]
		const wantPhoneMask = "138****5678"

		for _, who := range []string{"townA", "villageA", "leader", "center", "supervisor", "mediator"} {
			t.Run(who+" sees masked forms only", func(t *testing.T) {
				got, err := people.FindPerson(f.Ctx(t, db, who), p.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.IDNumberMasked != wantIDMask || got.PhoneMasked != wantPhoneMask {
					t.Fatalf("masked %q %q, want %q %q", got.IDNumberMasked, got.PhoneMasked, wantIDMask, wantPhoneMask)
				}
				if got.IDNumber != "" || got.Phone != "" {
					t.Fatalf("FindPerson returned plaintext %q %q", got.IDNumber, got.Phone)
				}
			})
		}

		auditor := f.Ctx(t, db, "auditor")
		audit := sqlstore.NewAuditService(db)
		t.Run("township operator reveals plaintext and is audited", func(t *testing.T) {
			got, err := people.RevealPerson(f.Ctx(t, db, "townA"), p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.IDNumber != confGoodID || got.Phone != confGoodPhone {
				t.Fatalf("revealed %q %q, want %q %q", got.IDNumber, got.Phone, confGoodID, confGoodPhone)
			}
			es, n, err := audit.FindAudit(auditor, zhili.AuditFilter{Action: "person.reveal"})
			if err != nil {
				t.Fatal(err)
			}
			if n != 1 || es[0].UserID != f.Users["townA"].ID || es[0].ObjectType != "person" || es[0].ObjectID != confItoa(p.ID) {
				t.Fatalf("reveal entries: %d %+v", n, es)
			}
		})
		for _, who := range []string{"villageA", "leader", "supervisor", "mediator", "gridA", "sysadmin", "auditor"} {
			t.Run(who+" may not reveal", func(t *testing.T) {
				_, err := people.RevealPerson(f.Ctx(t, db, who), p.ID)
				confCode(t, err, zhili.EFORBIDDEN)
			})
		}
		t.Run("no audit entry holds the plaintext", func(t *testing.T) {
			es, _, err := audit.FindAudit(auditor, zhili.AuditFilter{Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range es {
				for _, secret := range []string{confGoodID, confGoodID[6:14], confGoodPhone, p.Name} {
					if strings.Contains(e.Detail, secret) || strings.Contains(e.ObjectID, secret) {
						t.Errorf("audit entry %d (%s) holds %q: %s", e.ID, e.Action, secret, e.Detail)
					}
				}
			}
		})
		t.Run("the database holds no plaintext", func(t *testing.T) {
			raw := confRaw(t, db)
			var idEnc, phoneEnc, idMasked string
			if err := raw.QueryRow(`SELECT id_number_enc, phone_enc, id_number_masked FROM people`).Scan(&idEnc, &phoneEnc, &idMasked); err != nil {
				t.Fatal(err)
			}
			if idEnc == "" || phoneEnc == "" || strings.Contains(idEnc, confGoodID) || strings.Contains(phoneEnc, confGoodPhone) || idMasked != wantIDMask {
				t.Fatalf("stored %q %q %q", idEnc, phoneEnc, idMasked)
			}
		})
	})
}

// Positions hold from start to end inclusive; counts as of a day see only those.
func TestPositionSpansAndCounts(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		ctx := f.Ctx(t, db, "townA")
		people := sqlstore.NewPersonService(db)
		p := &zhili.Person{Name: "赵六", RegionID: f.VillageA.ID}
		if err := people.CreatePerson(ctx, p); err != nil {
			t.Fatal(err)
		}
		// Two spans in two grids of township A for one person: counted once.
		pos := &zhili.Position{PersonID: p.ID, Role: zhili.PositionGridMember, RegionID: f.GridA.ID, Start: "2026-01-01", End: "2026-06-30"}
		if err := people.CreatePosition(ctx, pos); err != nil {
			t.Fatal(err)
		}
		pos2 := &zhili.Position{PersonID: p.ID, Role: zhili.PositionGridMember, RegionID: f.GridA2.ID, Start: "2026-03-01"}
		if err := people.CreatePosition(ctx, pos2); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name  string
			under *zhili.Region
			on    string
			want  int
		}{
			{"day before start counts nobody", f.GridA, "2025-12-31", 0},
			{"first day counts", f.GridA, "2026-01-01", 1},
			{"within counts", f.GridA, "2026-04-15", 1},
			{"last day counts", f.GridA, "2026-06-30", 1},
			{"day after end counts nobody", f.GridA, "2026-07-01", 0},
			{"open position counts later", f.GridA2, "2027-01-01", 1},
			{"two posts under the township count once", f.TownA, "2026-04-15", 1},
			{"county counts the same person once", f.County, "2026-04-15", 1},
			{"other township counts nobody", f.TownB, "2026-04-15", 0},
		} {
			t.Run(tc.name, func(t *testing.T) {
				n, err := people.CountPeople(f.Ctx(t, db, "leader"), zhili.PositionGridMember, tc.under.ID, tc.on)
				if err != nil {
					t.Fatal(err)
				}
				if n != tc.want {
					t.Fatalf("CountPeople(%s, %s) = %d, want %d", tc.under.Name, tc.on, n, tc.want)
				}
				ps, total, err := people.FindPositions(f.Ctx(t, db, "leader"), zhili.PositionFilter{Under: &tc.under.ID, On: tc.on})
				if err != nil {
					t.Fatal(err)
				}
				if (total > 0) != (tc.want > 0) || len(ps) != total {
					t.Fatalf("FindPositions(%s, %s) = %d (total %d) for count %d", tc.under.Name, tc.on, len(ps), total, tc.want)
				}
			})
		}
		t.Run("other roles count nobody", func(t *testing.T) {
			n, err := people.CountPeople(ctx, zhili.PositionMediator, f.TownA.ID, "2026-04-15")
			if err != nil || n != 0 {
				t.Fatalf("mediators = %d, %v", n, err)
			}
		})
		t.Run("bad day is invalid", func(t *testing.T) {
			_, err := people.CountPeople(ctx, zhili.PositionGridMember, f.TownA.ID, "2026-13-01")
			confCode(t, err, zhili.EINVALID)
		})
		for _, tc := range []struct {
			name  string
			p     zhili.Position
			field string
		}{
			{"end before start is invalid end", zhili.Position{PersonID: p.ID, Role: zhili.PositionGridMember, RegionID: f.GridA.ID, Start: "2026-05-01", End: "2026-04-30"}, "end"},
			{"bad start is invalid start", zhili.Position{PersonID: p.ID, Role: zhili.PositionGridMember, RegionID: f.GridA.ID, Start: "2026/05/01"}, "start"},
			{"unknown role is invalid role", zhili.Position{PersonID: p.ID, Role: "boss", RegionID: f.GridA.ID, Start: "2026-05-01"}, "role"},
			{"unknown person is invalid person", zhili.Position{PersonID: 999999, Role: zhili.PositionGridMember, RegionID: f.GridA.ID, Start: "2026-05-01"}, "person_id"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				pp := tc.p
				err := people.CreatePosition(ctx, &pp)
				confCode(t, err, zhili.EINVALID)
				confField(t, err, tc.field)
			})
		}
	})
}

// EndPosition is a compare-and-set on the position being open: the second end,
// sequential or concurrent, is ENOTFOUND.
func TestEndPositionOnce(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		ctx := f.Ctx(t, db, "townA")
		people := sqlstore.NewPersonService(db)
		p := &zhili.Person{Name: "钱七", RegionID: f.VillageA.ID}
		if err := people.CreatePerson(ctx, p); err != nil {
			t.Fatal(err)
		}
		newPos := func() *zhili.Position {
			pos := &zhili.Position{PersonID: p.ID, Role: zhili.PositionMediator, RegionID: f.VillageA.ID, Start: "2026-02-01"}
			if err := people.CreatePosition(ctx, pos); err != nil {
				t.Fatal(err)
			}
			return pos
		}
		pos := newPos()
		t.Run("end before start is not found", func(t *testing.T) {
			confCode(t, people.EndPosition(ctx, pos.ID, "2026-01-31"), zhili.ENOTFOUND)
		})
		t.Run("first end succeeds", func(t *testing.T) {
			confCode(t, people.EndPosition(ctx, pos.ID, "2026-03-31"), "")
		})
		t.Run("second end is not found", func(t *testing.T) {
			confCode(t, people.EndPosition(ctx, pos.ID, "2026-04-30"), zhili.ENOTFOUND)
			ps, _, err := people.FindPositions(ctx, zhili.PositionFilter{PersonID: &p.ID})
			if err != nil || len(ps) != 1 || ps[0].End != "2026-03-31" {
				t.Fatalf("position after second end: %+v, %v", ps, err)
			}
		})
		t.Run("concurrent ends: exactly one wins", func(t *testing.T) {
			for range 5 {
				pos := newPos()
				var wg sync.WaitGroup
				errs := make([]error, 4)
				for i := range errs {
					wg.Go(func() { errs[i] = people.EndPosition(ctx, pos.ID, "2026-05-0"+confItoa(int64(i+1))) })
				}
				wg.Wait()
				won := 0
				for _, err := range errs {
					switch zhili.ErrorCode(err) {
					case "":
						won++
					case zhili.ENOTFOUND:
					default:
						t.Fatalf("concurrent end: %v", err)
					}
				}
				if won != 1 {
					t.Fatalf("%d concurrent ends succeeded, want 1", won)
				}
			}
			if v := confVerify(t, db); !v.OK() {
				t.Fatalf("audit chain: %+v", v.Broken)
			}
		})
	})
}
