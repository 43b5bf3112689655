package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sensitive"
)

// ReportCase enters a case in a region in scope. The reporting unit holds it when
// it is an office or centre over the place (a walk-in at the township); a grid
// member's or the public's report goes to the office of the village it happened in.
// The supervising unit is the office one level above the holder.
func (s *CaseService) ReportCase(ctx context.Context, c *zhili.Case, parties []*zhili.Party) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := a.Require(zhili.ActBusinessWrite); err != nil {
		return err
	}
	bad := s.db.validateCase(ctx, c)
	for i, p := range parties {
		bad = append(bad, validateParty(i, p)...)
	}
	if len(bad) > 0 {
		return zhili.Invalid("The case is not valid.", bad...)
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.reportCase(ctx, a, c, parties); err != nil {
		return err
	}
	return tx.Commit()
}

// reportCase writes a validated case, its parties, its first event and audit entry.
func (tx *Tx) reportCase(ctx context.Context, a *zhili.Actor, c *zhili.Case, parties []*zhili.Party) error {
	var path string
	var level zhili.RegionLevel
	cond, args := scopeRegions(a, "r")
	if err := tx.queryRow(ctx, `SELECT r.path, r.level FROM regions r WHERE r.id = ? AND r.retired_at IS NULL AND `+cond,
		append([]any{c.RegionID}, args...)...).Scan(&path, &level); err != nil {
		return zhili.Invalid("The place is not in your area.", zhili.FieldError{Field: "region_id", Code: "unknown_region", Reason: "region not found in your area"})
	}
	holder, supervisor, err := tx.initialUnits(ctx, a, path)
	if err != nil {
		return err
	}
	c.State, c.HolderUnitID, c.SupervisorUnitID = zhili.CaseReported, holder, supervisor
	c.ReportedBy, c.ReportedAt, c.UpdatedAt = a.UserID, tx.now, tx.now
	c.Due, err = tx.deadline(ctx, &c.Kind, c.Category, holder, "accept", tx.now)
	if err != nil {
		return err
	}
	if c.RegionName, c.HolderName, c.SupervisorName, err = tx.placeNames(ctx, c.RegionID, holder, supervisor); err != nil {
		return err
	}
	err = tx.queryRow(ctx, `INSERT INTO cases (kind, category, title, detail, source, risk, region_id, address, lng, lat, people, amount_fen,
		workers, workers_paid, wages_recovered_fen, state, holder_unit_id, supervisor_unit_id, due_at, due_step, reported_by, reported_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		string(c.Kind), c.Category, c.Title, c.Detail, string(c.Source), string(c.Risk), c.RegionID, c.Address, c.Lng, c.Lat, c.People, c.Amount,
		c.Workers, c.WorkersPaid, c.WagesRecovered, string(c.State), holder, supervisor, nullTS(c.Due), "accept", nullID(a.UserID), ts(tx.now), ts(tx.now)).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("insert case: %w", err)
	}
	c.No = caseNo(tx.now.Year(), c.ID)
	if _, err := tx.exec(ctx, `UPDATE cases SET no = ? WHERE id = ?`, c.No, c.ID); err != nil {
		return fmt.Errorf("number case: %w", err)
	}
	for _, p := range parties {
		if err := tx.insertParty(ctx, c.ID, p); err != nil {
			return err
		}
	}
	if err := tx.caseEvent(ctx, a, c.ID, zhili.DoReport, "", zhili.CaseReported, c.Title); err != nil {
		return err
	}
	return tx.audit(ctx, a, "case.report", "case", c.ID, map[string]any{"no": c.No, "kind": c.Kind, "region_id": c.RegionID, "parties": len(parties)})
}

// pathIDs turns "/1/5/23/" into [1 5 23], root first.
func pathIDs(path string) []int64 {
	var ids []int64
	for _, p := range strings.Split(strings.Trim(path, "/"), "/") {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

// pathOf is the inverse of pathIDs.
func pathOf(ids []int64) string {
	var b strings.Builder
	b.WriteByte('/')
	for _, id := range ids {
		b.WriteString(strconv.FormatInt(id, 10))
		b.WriteByte('/')
	}
	return b.String()
}

// officeChain returns the office units of the regions on path, nearest first.
func (tx *Tx) officeChain(ctx context.Context, path string) ([]int64, error) {
	ids := pathIDs(path)
	if len(ids) == 0 {
		return nil, nil
	}
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
	args := []any{string(zhili.UnitOffice)}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := tx.query(ctx, `SELECT u.id, r.level FROM units u JOIN regions r ON r.id = u.region_id
		WHERE u.kind = ? AND u.retired_at IS NULL AND u.region_id IN (`+ph+`) ORDER BY r.level DESC, u.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find offices: %w", err)
	}
	defer rows.Close()
	var out []int64
	seen := map[int]bool{}
	for rows.Next() {
		var id int64
		var level int
		if err := rows.Scan(&id, &level); err != nil {
			return nil, err
		}
		if !seen[level] {
			seen[level] = true
			out = append(out, id)
		}
	}
	return out, rows.Err()
}

// initialUnits picks the holder and the supervisor of a new case at path.
func (tx *Tx) initialUnits(ctx context.Context, a *zhili.Actor, path string) (holder, supervisor int64, err error) {
	chain, err := tx.officeChain(ctx, path)
	if err != nil {
		return 0, 0, err
	}
	if len(chain) == 0 {
		return 0, 0, zhili.Errorf(zhili.ECONFLICT, "No office is set up for this place or above it; ask the system administrator to add one.")
	}
	holder = chain[0]
	if a.UnitID != 0 && a.Role != zhili.RoleGridMember && a.InScope(path) {
		// The reporter's own unit covers the place: it takes the case itself.
		var kind string
		if err := tx.queryRow(ctx, `SELECT kind FROM units WHERE id = ?`, a.UnitID).Scan(&kind); err == nil &&
			(zhili.UnitKind(kind) == zhili.UnitOffice || zhili.UnitKind(kind).IsCenter()) {
			holder = a.UnitID
		}
	}
	supervisor, err = tx.supervisorOf(ctx, holder)
	return holder, supervisor, err
}

// supervisorOf is the office one level above the unit's region, or the unit itself
// at the top of the deployment.
func (tx *Tx) supervisorOf(ctx context.Context, unit int64) (int64, error) {
	var path string
	if err := tx.queryRow(ctx, `SELECT r.path FROM units u JOIN regions r ON r.id = u.region_id WHERE u.id = ?`, unit).Scan(&path); err != nil {
		return 0, fmt.Errorf("unit %d region: %w", unit, err)
	}
	ids := pathIDs(path)
	var kind string
	if err := tx.queryRow(ctx, `SELECT kind FROM units WHERE id = ?`, unit).Scan(&kind); err != nil {
		return 0, err
	}
	// A centre is supervised by its own region's office; an office by the one above.
	parentPath := path
	if zhili.UnitKind(kind) == zhili.UnitOffice || zhili.UnitKind(kind) == zhili.UnitDepartment {
		if len(ids) < 2 {
			return unit, nil
		}
		parentPath = pathOf(ids[:len(ids)-1])
	}
	chain, err := tx.officeChain(ctx, parentPath)
	if err != nil || len(chain) == 0 {
		return unit, err
	}
	return chain[0], nil
}

func (tx *Tx) caseEvent(ctx context.Context, a *zhili.Actor, caseID int64, action zhili.CaseAction, from, to zhili.CaseState, note string) error {
	_, err := tx.exec(ctx, `INSERT INTO case_events (case_id, action, from_state, to_state, user_id, user_name, unit_id, note, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, caseID, string(action), string(from), string(to), nullID(a.UserID), a.Username, nullID(a.UnitID), note, ts(tx.now))
	if err != nil {
		return fmt.Errorf("case event: %w", err)
	}
	return nil
}

func validateParty(i int, p *zhili.Party) []zhili.FieldError {
	var bad []zhili.FieldError
	field := func(f string) string { return fmt.Sprintf("parties[%d].%s", i, f) }
	p.Name = strings.TrimSpace(p.Name)
	if p.Name == "" {
		bad = append(bad, zhili.FieldError{Field: field("name"), Code: "required", Reason: "party name is required"})
	}
	if p.Role == "" {
		p.Role = "applicant"
	}
	if !oneOf(p.Role, "applicant", "respondent", "other") {
		bad = append(bad, zhili.FieldError{Field: field("role"), Code: "unknown_role", Reason: "role is applicant, respondent or other"})
	}
	if p.IDNumber != "" {
		var err error
		if p.Org {
			p.IDNumber = sensitive.NormalizeCreditCode(p.IDNumber)
			err = sensitive.ValidCreditCode(p.IDNumber)
		} else {
			p.IDNumber = sensitive.NormalizeIDNumber(p.IDNumber)
			err = sensitive.ValidIDNumber(p.IDNumber)
		}
		if err != nil {
			bad = append(bad, zhili.FieldError{Field: field("id_number"), Code: "malformed", Reason: err.Error()})
		}
	}
	if p.Phone = strings.TrimSpace(p.Phone); p.Phone != "" {
		if err := sensitive.ValidPhone(p.Phone); err != nil {
			bad = append(bad, zhili.FieldError{Field: field("phone"), Code: "malformed", Reason: err.Error()})
		}
	}
	return bad
}
