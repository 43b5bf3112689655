package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/zhili-project/zhili"
)

// This file writes a batch of reports as Tx.reportCase writes one, but with the
// work shared: where a case goes (holder, supervisor, first deadline) is worked
// out once per place and reporter, the rows go through statements prepared once
// per connection, and the audit chain is extended in memory with its head moved once.
// TestIntakeMatchesDirect keeps the two paths writing the same rows.

// placeKey is what decides where a new case goes.
type placeKey struct {
	region   int64
	system   bool
	scope    string
	unit     int64
	role     zhili.Role
	kind     zhili.CaseKind
	category string
}

// place is where a new case goes, or why it cannot.
type place struct {
	holder, supervisor int64
	due                *time.Time
	// names are the region's and the units' names, as FindCase shows them.
	regionName, holderName, supervisorName string
	err                                    error
}

// placeReport works out a report's place as reportCase does: the region must be
// live and in the reporter's scope.
func (tx *Tx) placeReport(ctx context.Context, a *zhili.Actor, c *zhili.Case) place {
	var path string
	cond, args := scopeRegions(a, "r")
	if err := tx.queryRow(ctx, `SELECT r.path FROM regions r WHERE r.id = ? AND r.retired_at IS NULL AND `+cond,
		append([]any{c.RegionID}, args...)...).Scan(&path); err != nil {
		if !errors.Is(err, sql.ErrNoRows) {
			return place{err: fmt.Errorf("report region: %w", err)}
		}
		return place{err: zhili.Invalid("The place is not in your area.", zhili.FieldError{Field: "region_id", Code: "unknown_region", Reason: "region not found in your area"})}
	}
	holder, supervisor, err := tx.initialUnits(ctx, a, path)
	if err != nil {
		return place{err: err}
	}
	kind := c.Kind
	due, err := tx.deadline(ctx, &kind, c.Category, holder, zhili.StepAccept, tx.now)
	if err != nil {
		return place{err: err}
	}
	p := place{holder: holder, supervisor: supervisor, due: due}
	p.regionName, p.holderName, p.supervisorName, p.err = tx.placeNames(ctx, c.RegionID, holder, supervisor)
	return p
}

// placeNames reads the names a new case shows for its region, holder and
// supervisor, so that ReportCase fills the case as FindCase would read it.
func (tx *Tx) placeNames(ctx context.Context, region, holder, supervisor int64) (regionName, holderName, supervisorName string, err error) {
	err = tx.queryRow(ctx, `SELECT r.name, h.name, s.name FROM regions r, units h, units s WHERE r.id = ? AND h.id = ? AND s.id = ?`,
		region, holder, supervisor).Scan(&regionName, &holderName, &supervisorName)
	if err != nil {
		err = fmt.Errorf("case place names: %w", err)
	}
	return regionName, holderName, supervisorName, err
}

// intakeStatements are the statements of a batch, bound to its transaction.
type intakeStatements struct {
	insertCase, numberCase, event, audit *sql.Stmt
}

// The statements of a batch.
const (
	intakeInsertCase = `INSERT INTO cases (kind, category, title, detail, source, risk, region_id, address, lng, lat, people, amount_fen,
		workers, workers_paid, wages_recovered_fen, state, holder_unit_id, supervisor_unit_id, due_at, due_step, reported_by, reported_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`
	intakeNumberCase = `UPDATE cases SET no = ? WHERE id = ?`
	intakeEvent      = `INSERT INTO case_events (case_id, action, from_state, to_state, user_id, user_name, unit_id, note, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	intakeAudit = `INSERT INTO audit_log (id, at, user_id, username, ip, action, object_type, object_id, detail, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// intakeStatementSQL lists them for preparing ahead of the transaction.
var intakeStatementSQL = []string{intakeInsertCase, intakeNumberCase, intakeEvent, intakeAudit}

// prepareIntake binds the batch statements, prepared once on the write pool, to
// tx; the transaction closes them when it ends.
func (tx *Tx) prepareIntake(ctx context.Context, cache *stmtCache) (*intakeStatements, error) {
	var st intakeStatements
	for _, p := range []struct {
		to **sql.Stmt
		q  string
	}{{&st.insertCase, intakeInsertCase}, {&st.numberCase, intakeNumberCase}, {&st.event, intakeEvent}, {&st.audit, intakeAudit}} {
		if s := cache.peek(p.q); s != nil {
			*p.to = tx.StmtContext(ctx, s)
			continue
		}
		// Not prepared ahead: prepare on the transaction itself, never on the
		// pool, whose one SQLite connection the transaction holds.
		s, err := tx.PrepareContext(ctx, tx.db.dialect.rebind(p.q))
		if err != nil {
			return nil, fmt.Errorf("prepare intake: %w", err)
		}
		*p.to = s
	}
	return &st, nil
}

// auditTail is the end of the audit chain while a batch extends it.
type auditTail struct {
	lastID int64
	hash   string
	fresh  bool // no head row yet
}

func (tx *Tx) readAuditTail(ctx context.Context) (*auditTail, error) {
	if err := tx.db.dialect.lockAudit(ctx, tx); err != nil {
		return nil, fmt.Errorf("lock audit chain: %w", err)
	}
	t := &auditTail{hash: auditGenesis}
	err := tx.queryRow(ctx, `SELECT last_id, hash FROM audit_head WHERE one = 1`).Scan(&t.lastID, &t.hash)
	if errors.Is(err, sql.ErrNoRows) {
		t.fresh = true
	} else if err != nil {
		return nil, fmt.Errorf("read audit head: %w", err)
	}
	return t, nil
}

// append adds one entry, built as Tx.audit builds it.
func (t *auditTail) append(ctx context.Context, tx *Tx, stmt *sql.Stmt, a *zhili.Actor, action, objType string, objID int64, detail any) error {
	e := zhili.AuditEntry{ID: t.lastID + 1, At: tx.now, Action: action, ObjectType: objType, ObjectID: strconv.FormatInt(objID, 10), PrevHash: t.hash}
	e.UserID, e.Username, e.IP = a.UserID, a.Username, a.IP
	b, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("audit detail: %w", err)
	}
	e.Detail = string(b)
	e.Hash = auditHash(&e)
	if _, err := stmt.ExecContext(ctx, e.ID, ts(e.At), nullID(e.UserID), e.Username, e.IP, e.Action, e.ObjectType, e.ObjectID, e.Detail, e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	t.lastID, t.hash = e.ID, e.Hash
	return nil
}

func (t *auditTail) store(ctx context.Context, tx *Tx) error {
	var err error
	if t.fresh {
		_, err = tx.exec(ctx, `INSERT INTO audit_head (one, last_id, hash) VALUES (1, ?, ?)`, t.lastID, t.hash)
	} else {
		_, err = tx.exec(ctx, `UPDATE audit_head SET last_id = ?, hash = ? WHERE one = 1`, t.lastID, t.hash)
	}
	if err != nil {
		return fmt.Errorf("move audit head: %w", err)
	}
	return nil
}

// reportBatch writes the reports of a batch. A report that cannot be placed gets
// its own error and is left out; an error writing rows fails the whole batch.
func (tx *Tx) reportBatch(ctx context.Context, batch []*intakeReport, cache *stmtCache) error {
	places := map[placeKey]place{}
	var ok []*intakeReport
	for _, r := range batch {
		k := placeKey{region: r.c.RegionID, system: r.a.System, scope: r.a.ScopePath, unit: r.a.UnitID, role: r.a.Role, kind: r.c.Kind, category: r.c.Category}
		p, seen := places[k]
		if !seen {
			p = tx.placeReport(ctx, r.a, r.c)
			places[k] = p
		}
		if r.err = p.err; r.err != nil {
			continue
		}
		c := r.c
		c.State, c.HolderUnitID, c.SupervisorUnitID, c.Due = zhili.CaseReported, p.holder, p.supervisor, p.due
		c.RegionName, c.HolderName, c.SupervisorName = p.regionName, p.holderName, p.supervisorName
		c.ReportedBy, c.ReportedAt, c.UpdatedAt = r.a.UserID, tx.now, tx.now
		ok = append(ok, r)
	}
	if len(ok) == 0 {
		return nil
	}
	st, err := tx.prepareIntake(ctx, cache)
	if err != nil {
		return err
	}
	tail, err := tx.readAuditTail(ctx)
	if err != nil {
		return err
	}
	now := ts(tx.now)
	for _, r := range ok {
		c, a := r.c, r.a
		if err := st.insertCase.QueryRowContext(ctx, string(c.Kind), c.Category, c.Title, c.Detail, string(c.Source), string(c.Risk), c.RegionID,
			c.Address, c.Lng, c.Lat, c.People, c.Amount, c.Workers, c.WorkersPaid, c.WagesRecovered, string(c.State), c.HolderUnitID,
			c.SupervisorUnitID, nullTS(c.Due), zhili.StepAccept, nullID(a.UserID), now, now).Scan(&c.ID); err != nil {
			return fmt.Errorf("insert case: %w", err)
		}
		c.No = caseNo(tx.now.Year(), c.ID)
		if _, err := st.numberCase.ExecContext(ctx, c.No, c.ID); err != nil {
			return fmt.Errorf("number case: %w", err)
		}
		for _, p := range r.parties {
			if err := tx.insertParty(ctx, c.ID, p); err != nil {
				return err
			}
		}
		if _, err := st.event.ExecContext(ctx, c.ID, string(zhili.DoReport), "", string(zhili.CaseReported), nullID(a.UserID), a.Username,
			nullID(a.UnitID), c.Title, now); err != nil {
			return fmt.Errorf("case event: %w", err)
		}
		if err := tail.append(ctx, tx, st.audit, a, "case.report", "case", c.ID,
			map[string]any{"no": c.No, "kind": c.Kind, "region_id": c.RegionID, "parties": len(r.parties)}); err != nil {
			return err
		}
	}
	return tail.store(ctx, tx)
}
