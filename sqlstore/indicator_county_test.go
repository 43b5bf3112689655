package sqlstore_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/indicator"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// countyDefs are a county's own indicators: fire hazards reported, and their
// share of the hazards rectified (a ratio of a county and a built-in indicator).
const countyDefs = `[
 {"id": "county.hazard_fire", "label": "火灾隐患", "source": "case",
  "filter": [{"field": "kind", "eq": "hazard"}, {"field": "category", "eq": "fire"}],
  "date": "reported_at", "agg": "count", "unit": "件", "format": "int"},
 {"id": "county.fire_share", "label": "火灾隐患占整改隐患", "agg": "ratio", "num": "county.hazard_fire", "den": "hazard.rectified",
  "unit": "％", "format": "percent1"}]`

// fireSQL counts March's fire hazards under region r by hand-written SQL, and
// lists their ids.
func fireSQL(t *testing.T, db *sqlstore.DB, r *zhili.Region) (int64, []int64) {
	t.Helper()
	const where = ` FROM cases c JOIN regions r ON r.id = c.region_id WHERE c.kind = 'hazard' AND c.category = 'fire'
		AND c.reported_at >= '2026-02-28T16:00:00' AND c.reported_at < '2026-03-31T16:00:00' AND r.path LIKE ?`
	n, err := db.QueryIntForTest(context.Background(), `SELECT COUNT(*)`+where, r.Path+"%")
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for last := int64(0); ; {
		id, err := db.QueryIntForTest(context.Background(), `SELECT COALESCE(MIN(c.id), 0)`+where+` AND c.id > ?`, r.Path+"%", last)
		if err != nil {
			t.Fatal(err)
		}
		if id == 0 {
			return n, ids
		}
		ids, last = append(ids, id), id
	}
}

// TestIndicatorCounty defines county indicators, computes them against SQL
// with their drill-down, refuses bad definitions, clashes and other roles with
// nothing stored, follows the change on a second instance, and removes them.
func TestIndicatorCounty(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		b := cntData(t, db, f)
		sys := storetest.System()
		eng1, st1 := indEngine(db)
		eng2, st2 := indEngine(db) // a second instance on the same database
		for _, st := range []*sqlstore.IndicatorStore{st1, st2} {
			if err := st.Refresh(sys); err != nil {
				t.Fatal(err)
			}
		}
		leader := f.Ctx(t, db, "leader")
		infos, err := st1.DefineIndicators(leader, []byte(countyDefs), false)
		if err != nil || len(infos) != 2 || infos[0].Origin != indicator.OriginCounty {
			t.Fatalf("define: %v %+v", err, infos)
		}
		check := func(eng *indicator.Engine, when string) {
			t.Helper()
			for _, r := range []*zhili.Region{f.County, f.TownA, f.TownB} {
				want, ids := fireSQL(t, db, r)
				q := zhili.IndicatorQuery{ID: "county.hazard_fire", Region: r.Code, From: "2026-03-01", To: "2026-03-31"}
				v, err := eng.Indicator(leader, q)
				if err != nil || v.Raw != want {
					t.Fatalf("%s: county.hazard_fire under %s = %+v (%v), want %d", when, r.Name, v, err, want)
				}
				recs, total, err := eng.IndicatorRecords(leader, q, 1, 50)
				var got []int64
				for _, rec := range recs {
					got = append(got, rec.ID)
				}
				if err != nil || total != int(want) || !slices.Equal(got, ids) {
					t.Fatalf("%s: records under %s %v (%d, %v), want %v", when, r.Name, got, total, err, ids)
				}
				den, err := eng.Indicator(leader, zhili.IndicatorQuery{ID: "hazard.rectified", Region: r.Code, From: "2026-03-01", To: "2026-03-31"})
				if err != nil {
					t.Fatal(err)
				}
				ratio, err := eng.Indicator(leader, zhili.IndicatorQuery{ID: "county.fire_share", Region: r.Code, From: "2026-03-01", To: "2026-03-31"})
				if err != nil || ratio.Num != want || ratio.Den != den.Raw {
					t.Fatalf("%s: ratio under %s %+v (%v), want %d / %d", when, r.Name, ratio, err, want, den.Raw)
				}
			}
		}
		if n, _ := fireSQL(t, db, f.County); n == 0 {
			t.Fatal("the data set has no fire hazard in March")
		}
		// Before a refresh both instances answer by SQL, then from the rebuilt cache.
		check(eng1, "instance 1, by SQL")
		check(eng2, "instance 2, by SQL")
		if st1.CachedIndicator("county.hazard_fire") {
			t.Fatal("cached before the rebuild")
		}
		for _, st := range []*sqlstore.IndicatorStore{st1, st2} {
			if err := st.Refresh(sys); err != nil {
				t.Fatal(err)
			}
			if !st.CachedIndicator("county.hazard_fire") {
				t.Fatal("not cached after Refresh")
			}
		}
		check(eng1, "instance 1, cached")
		check(eng2, "instance 2, cached")
		// A new fire hazard is followed incrementally by the new measure.
		b.report("F9", zhili.KindHazard, "fire", f.GridB, "2026-03-20 10:00:00", 0)
		check(eng2, "after a new case")
		// The catalogue lists them with their origin.
		var origins []string
		for _, in := range eng2.Indicators() {
			if strings.HasPrefix(in.ID, "county.") || in.ID == "dispute.total" {
				origins = append(origins, in.ID+"="+in.Origin)
			}
		}
		if strings.Join(origins, " ") != "dispute.total=builtin county.hazard_fire=county county.fire_share=county" {
			t.Errorf("catalogue: %v", origins)
		}

		stored, _ := st1.IndicatorDefinitions(leader)
		refused := func(ctx context.Context, raw, field, code string) {
			t.Helper()
			_, err := st1.DefineIndicators(ctx, []byte(raw), true)
			confCode(t, err, code)
			if field != "" {
				var ze *zhili.Error
				if !errors.As(err, &ze) || !slices.ContainsFunc(ze.Fields, func(fe zhili.FieldError) bool { return fe.Field == field }) {
					t.Errorf("%s: %v, want field %s", raw, err, field)
				}
			}
			if now, _ := st1.IndicatorDefinitions(leader); string(now) != string(stored) {
				t.Errorf("%s: stored %s", raw, now)
			}
		}
		refused(leader, `[{"id":"county.x","label":"甲","source":"case","filter":[{"field":"colour","eq":"red"}],"date":"reported_at","agg":"count","unit":"件","format":"int"}]`, "[0].filter[0].field", zhili.EINVALID)
		refused(leader, `[{"id":"county.y","label":"乙","source":"ledger","ledger":"pairings","date":"record_date","agg":"sum","field":"nope","unit":"名","format":"int"}]`, "[0].field", zhili.EINVALID)
		refused(leader, `[{"id":"county.z","label":"丙","source":"case","date":"reported_at","agg":"count","unit":"件","format":"int"},
			{"id":"county.w","label":"丁","agg":"ratio","num":"county.z","den":"no.such","unit":"％","format":"percent1"}]`, "[1].den", zhili.EINVALID)
		refused(leader, `[{"id":"dispute.total","label":"纠纷","source":"case","date":"reported_at","agg":"count","unit":"件","format":"int"}]`, "[0].id", zhili.EINVALID)
		refused(leader, `[{"id":"hazard2","label":"纠纷","source":"case","date":"reported_at","agg":"count","unit":"件","format":"int"}]`, "[0].id", zhili.EINVALID)
		refused(leader, `{"id":"county.a","colour":"red"}`, "[0]", zhili.EINVALID)
		refused(leader, `not json`, "indicators", zhili.EINVALID)
		refused(f.Ctx(t, db, "townB"), `[]`, "", zhili.EFORBIDDEN)
		refused(f.Ctx(t, db, "gridA"), `[]`, "", zhili.EFORBIDDEN)
		_, err = st1.IndicatorDefinitions(f.Ctx(t, db, "sysadmin"))
		confCode(t, err, zhili.EFORBIDDEN)
		confCode(t, st1.UndefineIndicator(f.Ctx(t, db, "townB"), "county.fire_share"), zhili.EFORBIDDEN)

		// The centre adds one (merge) and removes them; a part of a ratio stays until the ratio goes.
		center := f.Ctx(t, db, "center")
		if _, err := st1.DefineIndicators(center, []byte(`{"id":"county.hazard_gas","label":"燃气隐患","source":"case","filter":[{"field":"kind","eq":"hazard"},{"field":"category","eq":"gas"}],"date":"reported_at","agg":"count","unit":"件","format":"int"}`), true); err != nil {
			t.Fatal(err)
		}
		if cat, _ := st2.Catalog(sys); len(cat.County()) != 3 {
			t.Fatalf("instance 2 sees %d county indicators, want 3", len(cat.County()))
		}
		confCode(t, st1.UndefineIndicator(center, "county.hazard_fire"), zhili.EINVALID)
		for _, id := range []string{"county.fire_share", "county.hazard_fire"} {
			if err := st1.UndefineIndicator(center, id); err != nil {
				t.Fatal(err)
			}
		}
		confCode(t, st1.UndefineIndicator(center, "county.hazard_fire"), zhili.ENOTFOUND)
		_, err = eng2.Indicator(leader, zhili.IndicatorQuery{ID: "county.hazard_fire", Region: f.County.Code, From: "2026-03-01", To: "2026-03-31"})
		confCode(t, err, zhili.EINVALID)
		if err := st2.Refresh(sys); err != nil || st2.CachedIndicator("county.hazard_fire") || !st2.CachedIndicator("county.hazard_gas") {
			t.Errorf("instance 2 after removal: %v, fire cached %v", err, st2.CachedIndicator("county.hazard_fire"))
		}
		for action, want := range map[string]int64{"indicator.define": 3, "indicator.remove": 2} {
			n, err := db.QueryIntForTest(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = ?`, action)
			if err != nil || n != want {
				t.Errorf("%s audited %d times (%v), want %d", action, n, err, want)
			}
		}
	})
}

// TestDeploymentSettingsNeedWholeScope: a centre operator scoped to a township
// holds task.assign like the county's, but the assessment schemes and the
// county's indicators apply to every township: the store refuses them.
func TestDeploymentSettingsNeedWholeScope(t *testing.T) {
	t.Parallel()
	confDialects(t, func(t *testing.T, d string) {
		db := storetest.Open(t, d)
		f := storetest.NewFixture(t, db)
		a := &zhili.Actor{UserID: f.Users["townA"].ID, Username: "townAzz", Role: zhili.RoleCenter,
			UnitID: f.Offices[f.TownA.Code].ID, ScopeRegionID: f.TownA.ID, ScopePath: f.TownA.Path, IP: "127.0.0.1"}
		ctx := zhili.NewContextWithActor(t.Context(), a)
		raw := `{"name": "township_quarterly", "label": "改", "units": "townships", "period": "month", "base_score": 10, "red_list": 1, "black_list": 1,
			"items": [{"key": "overdue", "label": "超期", "measure": "overdue_steps", "weight": 10, "rule": {"kind": "deduct", "per": 5}}]}`
		assessSvc := sqlstore.NewAssessService(db)
		if _, err := assessSvc.SetScheme(ctx, []byte(raw)); zhili.ErrorCode(err) != zhili.EFORBIDDEN {
			t.Errorf("a township's centre operator set the county's scheme: %v", err)
		}
		if err := assessSvc.ResetScheme(ctx, "township_quarterly"); zhili.ErrorCode(err) != zhili.EFORBIDDEN {
			t.Errorf("a township's centre operator reset the county's scheme: %v", err)
		}
		_, st := indEngine(db)
		if _, err := st.DefineIndicators(ctx, []byte(countyDefs), false); zhili.ErrorCode(err) != zhili.EFORBIDDEN {
			t.Errorf("a township's centre operator defined the county's indicators: %v", err)
		}
		if err := st.UndefineIndicator(ctx, "county.fire_share"); zhili.ErrorCode(err) != zhili.EFORBIDDEN {
			t.Errorf("a township's centre operator removed a county indicator: %v", err)
		}
		// The county's centre (scope: the county, the deployment's root) may.
		if _, err := st.DefineIndicators(f.Ctx(t, db, "center"), []byte(countyDefs), false); err != nil {
			t.Errorf("the county's centre: %v", err)
		}
	})
}
