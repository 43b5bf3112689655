package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sensitive"
)

// WeeklyReview computes the 周研判 of a region for an ISO week.
func (s *RhythmService) WeeklyReview(ctx context.Context, regionID int64, week string) (*zhili.WeeklyReview, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	from, err := parseWeek(week)
	if err != nil {
		return nil, err
	}
	reg, err := s.db.scopedRegion(ctx, a, regionID)
	if err != nil {
		return nil, err
	}
	return s.db.weeklyReview(ctx, reg, from)
}

func (db *DB) weeklyReview(ctx context.Context, reg *scopedRegion, from time.Time) (*zhili.WeeklyReview, error) {
	to := weekNext(from)
	w := &zhili.WeeklyReview{RegionID: reg.ID, RegionName: reg.Name, Week: weekLabel(from), From: from.UTC(), To: to.UTC(),
		OpenByCategory: []zhili.Bucket{}, OpenByRisk: []zhili.Bucket{}, HotSpots: []zhili.Bucket{}, RepeatParties: []zhili.RepeatParty{}}
	cond, args := subtree("r.path", reg.Path)
	base := ` FROM cases c JOIN regions r ON r.id = c.region_id WHERE ` + cond
	week := []any{ts(from), ts(to)}
	if err := db.queryRow(ctx, `SELECT COUNT(*)`+base+` AND c.reported_at >= ? AND c.reported_at < ?`, append(args, week...)...).Scan(&w.New); err != nil {
		return nil, fmt.Errorf("weekly review new: %w", err)
	}
	if err := db.queryRow(ctx, `SELECT COUNT(*)`+base+` AND c.resolved_at >= ? AND c.resolved_at < ?`, append(args, week...)...).Scan(&w.Resolved); err != nil {
		return nil, fmt.Errorf("weekly review resolved: %w", err)
	}
	st, stArgs := inStates("c.state", zhili.OpenStates)
	openArgs := append(append(slices.Clone(args), stArgs...), ts(to))
	rows, err := db.query(ctx, `SELECT c.kind, c.category, COALESCE(cc.label, c.category), COUNT(*)`+
		` FROM cases c JOIN regions r ON r.id = c.region_id LEFT JOIN case_categories cc ON cc.kind = c.kind AND cc.code = c.category WHERE `+cond+
		` AND `+st+` AND c.reported_at < ? GROUP BY c.kind, c.category, cc.label ORDER BY COUNT(*) DESC, c.kind, c.category`, openArgs...)
	if err != nil {
		return nil, fmt.Errorf("weekly review by category: %w", err)
	}
	for rows.Next() {
		var kind zhili.CaseKind
		var code, label string
		var n int
		if err := rows.Scan(&kind, &code, &label, &n); err != nil {
			rows.Close()
			return nil, err
		}
		w.OpenByCategory = append(w.OpenByCategory, zhili.Bucket{Key: string(kind) + "/" + code, Label: kind.Label() + "·" + label, Count: n})
		w.Open += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("weekly review by category: %w", err)
	}
	byRisk := map[string]int{}
	if err := db.scanCounts(ctx, byRisk, `SELECT c.risk, COUNT(*)`+base+` AND `+st+` AND c.reported_at < ? GROUP BY c.risk`, openArgs...); err != nil {
		return nil, fmt.Errorf("weekly review by risk: %w", err)
	}
	for _, r := range zhili.Risks {
		if n := byRisk[string(r.Risk)]; n > 0 {
			w.OpenByRisk = append(w.OpenByRisk, zhili.Bucket{Key: string(r.Risk), Label: r.Label, Count: n})
		}
	}
	rows, err = db.query(ctx, `SELECT r.id, r.name, COUNT(*)`+base+` AND c.reported_at >= ? AND c.reported_at < ?
		GROUP BY r.id, r.name ORDER BY COUNT(*) DESC, r.id LIMIT 5`, append(args, week...)...)
	if err != nil {
		return nil, fmt.Errorf("weekly review hot spots: %w", err)
	}
	for rows.Next() {
		var id int64
		var c zhili.Bucket
		if err := rows.Scan(&id, &c.Label, &c.Count); err != nil {
			rows.Close()
			return nil, err
		}
		c.Key = fmt.Sprint(id)
		w.HotSpots = append(w.HotSpots, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("weekly review hot spots: %w", err)
	}
	if w.RepeatParties, err = db.repeatParties(ctx, reg.Path, from, to); err != nil {
		return nil, err
	}
	return w, nil
}

// scanCounts fills m from a query of (key, count) rows.
func (db *DB) scanCounts(ctx context.Context, m map[string]int, q string, args ...any) error {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return err
		}
		m[k] += n
	}
	return rows.Err()
}

// repeatParties finds the parties of the cases reported in [from, to) whose ID
// number (by blind index) appears in two or more cases of the region reported
// before to. The blind index never leaves the store; the masked number does.
func (db *DB) repeatParties(ctx context.Context, path string, from, to time.Time) ([]zhili.RepeatParty, error) {
	cond, args := subtree("r.path", path)
	inner, innerArgs := subtree("r2.path", path)
	rows, err := db.query(ctx, `SELECT p.id_number_blind, p.id_number_masked, p.name, c.id, c.no
		FROM case_parties p JOIN cases c ON c.id = p.case_id JOIN regions r ON r.id = c.region_id
		WHERE `+cond+` AND c.reported_at < ? AND p.id_number_blind <> '' AND p.id_number_blind IN (
			SELECT p2.id_number_blind FROM case_parties p2 JOIN cases c2 ON c2.id = p2.case_id JOIN regions r2 ON r2.id = c2.region_id
			WHERE `+inner+` AND c2.reported_at >= ? AND c2.reported_at < ? AND p2.id_number_blind <> '')
		ORDER BY p.id_number_blind, c.id`,
		append(append(append(args, ts(to)), innerArgs...), ts(from), ts(to))...)
	if err != nil {
		return nil, fmt.Errorf("repeat parties: %w", err)
	}
	defer rows.Close()
	out := []zhili.RepeatParty{}
	var blind string
	var lastCase int64
	for rows.Next() {
		var b, masked, name, no string
		var caseID int64
		if err := rows.Scan(&b, &masked, &name, &caseID, &no); err != nil {
			return nil, fmt.Errorf("scan repeat party: %w", err)
		}
		if b != blind {
			blind, lastCase = b, 0
			out = append(out, zhili.RepeatParty{IDNumberMasked: masked, NameMasked: sensitive.MaskName(name)})
		}
		if caseID != lastCase {
			rp := &out[len(out)-1]
			rp.Cases, rp.CaseNos, lastCase = rp.Cases+1, append(rp.CaseNos, no), caseID
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("repeat parties: %w", err)
	}
	kept := out[:0]
	for _, rp := range out {
		if rp.Cases >= 2 {
			kept = append(kept, rp)
		}
	}
	slices.SortStableFunc(kept, func(a, b zhili.RepeatParty) int { return b.Cases - a.Cases })
	return kept, nil
}
