package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/zhili-project/zhili"
)

// DisputeReportService computes the data of the dispute special bulletin
// (矛盾纠纷多元化解专刊, docs/reports.md) from the cases.
type DisputeReportService struct{ db *DB }

// NewDisputeReportService returns the dispute report service of db.
func NewDisputeReportService(db *DB) *DisputeReportService { return &DisputeReportService{db: db} }

var _ zhili.DisputeReportService = (*DisputeReportService)(nil)

// maxTypical bounds the typical cases one report may ask for.
const maxTypical = 50

// DisputeReport computes the dispute report of a region subtree for a period.
// The counts are those of dispute.total and dispute.resolved (docs/cases.md): the
// disputes reported in the period, less rejected and duplicate ones, and of them
// those resolved now; so the townships, categories and methods add up to the
// figures of the same period.
func (s *DisputeReportService) DisputeReport(ctx context.Context, under int64, from, to string, typical int) (*zhili.DisputeReport, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActBusinessRead); err != nil {
		return nil, err
	}
	start, end, err := zhili.ParseDayRange(from, to)
	if err != nil {
		return nil, err
	}
	if typical < 0 || typical > maxTypical {
		return nil, zhili.Invalid("The number of typical cases is not valid.", zhili.FieldError{Field: "typical", Code: "out_of_range",
			Reason: fmt.Sprintf("typical must be 0 to %d", maxTypical)})
	}
	reg, err := s.db.scopedRegion(ctx, a, under)
	if err != nil {
		return nil, err
	}
	// One row per township, and the region's own (本级) row above township level,
	// exactly as the monthly bulletin has them.
	rows, index, err := s.db.bulletinRows(ctx, reg)
	if err != nil {
		return nil, err
	}
	d := &zhili.DisputeReport{RegionID: reg.ID, RegionName: reg.Name, From: from, To: to,
		Townships: make([]zhili.DisputeTownship, len(rows)), Categories: []zhili.DisputeCategory{},
		Methods: []zhili.DisputeMethod{}, Typical: []zhili.TypicalDispute{}}
	names := make([]string, len(rows)) // the township a typical case names
	for i, r := range rows {
		d.Townships[i] = zhili.DisputeTownship{RegionID: r.RegionID, Name: r.Name, ByMethod: map[string]int{}}
		names[i] = r.Name
		if r.RegionID == reg.ID {
			names[i] = reg.Name // not "（本级）"
		}
	}
	cond, args := subtree("r.path", reg.Path)
	excluded, exArgs := inStates("c.state NOT", []zhili.CaseState{zhili.CaseRejected, zhili.CaseDuplicate})
	where := ` FROM cases c JOIN regions r ON r.id = c.region_id WHERE ` + cond +
		` AND c.kind = ? AND c.reported_at >= ? AND c.reported_at < ? AND ` + excluded
	args = append(append(args, string(zhili.KindDispute), ts(start), ts(end)), exArgs...)
	labels, rank, err := s.db.disputeCategories(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.db.disputeCounts(ctx, d, index, labels, where, args); err != nil {
		return nil, err
	}
	slices.SortStableFunc(d.Categories, func(x, y zhili.DisputeCategory) int {
		if x.Total != y.Total {
			return y.Total - x.Total
		}
		return categoryRank(rank, x.Code) - categoryRank(rank, y.Code)
	})
	slices.SortStableFunc(d.Methods, func(x, y zhili.DisputeMethod) int {
		if i, j := methodRank(x.Method), methodRank(y.Method); i != j {
			return i - j
		}
		return strings.Compare(x.Method, y.Method)
	})
	if last := d.Townships[len(d.Townships)-1]; reg.Level < zhili.LevelTownship && last.Total == 0 {
		d.Townships = d.Townships[:len(d.Townships)-1] // no dispute placed on the region itself
	}
	if typical > 0 {
		if err := s.db.typicalDisputes(ctx, d, names, index, labels, where, args, typical); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// disputeCounts reads the period's disputes grouped by place, category, method,
// state and agreement, and adds them up into the townships, the categories and
// the methods.
func (db *DB) disputeCounts(ctx context.Context, d *zhili.DisputeReport, index map[string]int, labels map[string]string, where string, args []any) error {
	rows, err := db.query(ctx, `SELECT r.path, c.category, c.method, c.state, c.agreement, COUNT(*)`+where+
		` GROUP BY r.path, c.category, c.method, c.state, c.agreement`, args...)
	if err != nil {
		return fmt.Errorf("dispute counts: %w", err)
	}
	defer rows.Close()
	cats, methods := map[string]int{}, map[string]int{}
	for rows.Next() {
		var path, category, method string
		var state zhili.CaseState
		var agreement bool
		var n int
		if err := rows.Scan(&path, &category, &method, &state, &agreement, &n); err != nil {
			return fmt.Errorf("scan dispute counts: %w", err)
		}
		done := slices.Contains(zhili.ResolvedStates, state)
		d.Total += n
		ci, ok := cats[category]
		if !ok {
			ci = len(d.Categories)
			cats[category] = ci
			d.Categories = append(d.Categories, zhili.DisputeCategory{Code: category, Label: categoryLabel(labels, category)})
		}
		d.Categories[ci].Total += n
		var t *zhili.DisputeTownship
		if i := rowOf(index, path); i >= 0 {
			t = &d.Townships[i]
			t.Total += n
		}
		if !done {
			continue
		}
		d.Resolved += n
		d.Categories[ci].Resolved += n
		if t != nil {
			t.Resolved += n
			t.ByMethod[method] += n
		}
		mi, ok := methods[method]
		if !ok {
			mi = len(d.Methods)
			methods[method] = mi
			d.Methods = append(d.Methods, zhili.DisputeMethod{Method: method})
		}
		d.Methods[mi].Resolved += n
		if agreement {
			d.Methods[mi].Agreements += n
		}
	}
	return rows.Err()
}

// typicalDisputes picks the period's disputes resolved now with the most people
// involved, then the largest amount at stake, then the earliest resolution.
func (db *DB) typicalDisputes(ctx context.Context, d *zhili.DisputeReport, names []string, index map[string]int, labels map[string]string, where string, args []any, limit int) error {
	// The excluded states are implied by the resolved ones; the condition stays
	// so that where is shared with the counts.
	resolved, resArgs := inStates("c.state", zhili.ResolvedStates)
	q := `SELECT c.id, c.no, c.title, r.path, c.category, c.people, c.amount_fen, c.method, c.outcome, c.agreement, c.resolved_at` +
		where + ` AND ` + resolved + ` ORDER BY c.people DESC, c.amount_fen DESC, c.resolved_at, c.id LIMIT ?`
	rows, err := db.query(ctx, q, append(append(slices.Clone(args), resArgs...), limit)...)
	if err != nil {
		return fmt.Errorf("typical disputes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t zhili.TypicalDispute
		var path string
		var at sql.NullString
		if err := rows.Scan(&t.CaseID, &t.No, &t.Title, &path, &t.Category, &t.People, &t.AmountFen, &t.Method, &t.Outcome, &t.Agreement, &at); err != nil {
			return fmt.Errorf("scan typical dispute: %w", err)
		}
		t.Category = categoryLabel(labels, t.Category)
		if i := rowOf(index, path); i >= 0 {
			t.Township = names[i]
		}
		if p := parseNullTS(at); p != nil {
			t.ResolvedAt = *p
		}
		d.Typical = append(d.Typical, t)
	}
	return rows.Err()
}

// disputeCategories reads the dispute categories of the category table: the
// label of each code ("parent—child" for a sub-category) and its place in the
// tree's order (the default tree's, a county's own categories after them by code).
func (db *DB) disputeCategories(ctx context.Context) (map[string]string, map[string]int, error) {
	rows, err := db.query(ctx, `SELECT code, label, parent FROM case_categories WHERE kind = ? ORDER BY parent, code`, string(zhili.KindDispute))
	if err != nil {
		return nil, nil, fmt.Errorf("dispute categories: %w", err)
	}
	defer rows.Close()
	var cats []zhili.Category
	for rows.Next() {
		var c zhili.Category
		if err := rows.Scan(&c.Code, &c.Label, &c.Parent); err != nil {
			return nil, nil, fmt.Errorf("scan dispute category: %w", err)
		}
		cats = append(cats, c)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	own := map[string]string{}
	for _, c := range cats {
		own[c.Code] = c.Label
	}
	labels, rank := map[string]string{}, map[string]int{}
	for i, c := range zhili.DefaultCategories {
		if c.Kind == zhili.KindDispute {
			rank[c.Code] = i
		}
	}
	next := len(zhili.DefaultCategories)
	for _, c := range cats {
		labels[c.Code] = c.Label
		if p, ok := own[c.Parent]; ok && c.Parent != "" {
			labels[c.Code] = p + "—" + c.Label
		}
		if _, ok := rank[c.Code]; !ok {
			rank[c.Code] = next
			next++
		}
	}
	return labels, rank, nil
}

// categoryLabel is a category's label, or its code when the table lacks it.
func categoryLabel(labels map[string]string, code string) string {
	if l, ok := labels[code]; ok {
		return l
	}
	return code
}

// categoryRank places a category in the tree's order, unknown codes last and
// "other" after every known one.
func categoryRank(rank map[string]int, code string) int {
	if code == "other" {
		return 1 << 20
	}
	if r, ok := rank[code]; ok {
		return r
	}
	return 1 << 21
}

// methodRank places a method in the order of zhili.ResolutionMethods, others after.
func methodRank(m string) int {
	if i := slices.Index(zhili.ResolutionMethods, m); i >= 0 {
		return i
	}
	return len(zhili.ResolutionMethods)
}
