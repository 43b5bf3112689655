package demo

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sensitive"
	"github.com/zhili-project/zhili/sqlstore"
)

// sweep is one daily_checks row: a grid member's 日排查 of a grid.
type sweep struct {
	grid  int64
	day   string
	found int
	note  string
}

// sweeps files the daily sweeps of the last days before today: every grid member
// in post files most days (fewer at weekends); a few members are lax, so the
// missing-sweeps list is never empty.
func (s *sim) sweeps(days int, rng *rand.Rand) {
	today := zhili.StartOfDay(s.today)
	s.w.walk(func(g *node) {
		for _, m := range s.w.members[g] {
			lax := rng.Float64() < 0.06
			for d := days; d >= 1; d-- {
				day := today.AddDate(0, 0, -d)
				label := day.Format(zhili.DayLayout)
				if label < m.start {
					continue
				}
				p := 0.96
				if !s.cal.IsWorkday(day) {
					p = 0.88
				}
				if lax {
					p = 0.55
				}
				if rng.Float64() >= p {
					continue
				}
				sw := &sweep{grid: s.w.regionID[g.Code], day: label}
				if rng.Float64() < 0.12 {
					sw.found = 1 + rng.IntN(3)
					sw.note = fmt.Sprintf("排查发现问题%d个，已上报", sw.found)
				}
				at := day.Add(16*time.Hour + time.Duration(rng.IntN(5*3600))*time.Second)
				if rng.Float64() < 0.15 {
					at = day.Add(31*time.Hour + time.Duration(rng.IntN(5400))*time.Second) // the next morning
				}
				if at.After(s.today) {
					continue
				}
				s.seq++
				s.events = append(s.events, &event{at: at.UTC(), seq: s.seq, actor: m.actor, sweep: sw})
			}
		}
	})
}

// write inserts the cases, their parties, timelines, overdue records and the
// sweeps, and appends the audit entries of every step in time order, as the
// services would have appended them day by day.
func (s *sim) write(ctx context.Context) (cases, sweeps int, err error) {
	w, b := s.w, s.w.b
	var caseRows, partyRows, eventRows, overdueRows, sweepRows [][]any
	for _, c := range s.cases {
		caseRows = append(caseRows, []any{c.ID, c.No, string(c.Kind), c.Category, c.Title, c.Detail, string(c.Source), string(c.Risk),
			c.RegionID, c.Address, c.Lng, c.Lat, c.People, c.Amount, c.Workers, c.WorkersPaid, c.WagesRecovered, string(c.State),
			c.holder.id, c.supervisor.id, string(c.SuspendedFrom), nullTime(c.Due), c.dueStep, c.extension, nullID(c.DuplicateOf),
			c.Method, c.Outcome, c.Agreement, c.Satisfaction, nullID(c.ReportedBy), sqlstore.DemoTS(c.ReportedAt),
			nullTime(c.AcceptedAt), nullTime(c.ResolvedAt), nullTime(c.VerifiedAt), nullTime(c.VisitedAt), nullTime(c.ClosedAt),
			sqlstore.DemoTS(c.UpdatedAt)})
		for _, p := range c.parties {
			id, err := b.NextID(ctx, "case_parties")
			if err != nil {
				return 0, 0, err
			}
			var idEnc, blind, masked, phoneEnc, phoneMasked string
			if p.IDNumber != "" {
				if err := sensitive.ValidIDNumber(p.IDNumber); err != nil {
					return 0, 0, fmt.Errorf("party of case %s: %w", c.No, err)
				}
				if idEnc, err = w.db.Cipher.Encrypt(p.IDNumber); err != nil {
					return 0, 0, fmt.Errorf("encrypt party id: %w", err)
				}
				blind, masked = w.db.Cipher.Blind(p.IDNumber), sensitive.MaskIDNumber(p.IDNumber)
			}
			if p.Phone != "" {
				if phoneEnc, err = w.db.Cipher.Encrypt(p.Phone); err != nil {
					return 0, 0, fmt.Errorf("encrypt party phone: %w", err)
				}
				phoneMasked = sensitive.MaskPhone(p.Phone)
			}
			partyRows = append(partyRows, []any{id, c.ID, p.Role, p.Name, p.Org, idEnc, blind, masked, phoneEnc, phoneMasked})
		}
	}
	slices.SortStableFunc(s.events, func(x, y *event) int { return cmp.Or(x.at.Compare(y.at), cmp.Compare(x.seq, y.seq)) })
	var group []int64 // the cases the supervision job run at groupAt recorded
	var groupAt time.Time
	flush := func() error {
		if len(group) == 0 {
			return nil
		}
		detail := map[string]any{"count": len(group), "cases": group[:min(len(group), 200)]}
		group = nil
		return b.Audit(s.scheduler, groupAt, "case.supervise_overdue", "case", nil, detail)
	}
	for _, e := range s.events {
		if e.action != zhili.DoSupervise || !e.at.Equal(groupAt) {
			if err := flush(); err != nil {
				return 0, 0, err
			}
		}
		switch {
		case e.sweep != nil:
			id, err := b.NextID(ctx, "daily_checks")
			if err != nil {
				return 0, 0, err
			}
			sw := e.sweep
			sweepRows = append(sweepRows, []any{id, sw.grid, e.actor.UserID, sw.day, sw.found, sw.found == 0, sw.note, sqlstore.DemoTS(e.at)})
			if err := b.Audit(e.actor, e.at, "daily_check.file", "daily_check", id, map[string]any{"grid_id": sw.grid, "day": sw.day, "found": sw.found}); err != nil {
				return 0, 0, err
			}
			continue
		case e.action == zhili.DoSupervise:
			id, err := b.NextID(ctx, "case_overdue")
			if err != nil {
				return 0, 0, err
			}
			o := e.overdue
			overdueRows = append(overdueRows, []any{id, e.c.ID, o.step, sqlstore.DemoTS(o.due), sqlstore.DemoTS(e.at), o.holder})
			group, groupAt = append(group, e.c.ID), e.at
		default:
			action := "case." + string(e.action)
			if err := b.Audit(e.actor, e.at, action, "case", e.c.ID, e.detail); err != nil {
				return 0, 0, err
			}
		}
		id, err := b.NextID(ctx, "case_events")
		if err != nil {
			return 0, 0, err
		}
		eventRows = append(eventRows, []any{id, e.c.ID, string(e.action), string(e.from), string(e.to), nullID(e.actor.UserID),
			e.actor.Username, nullID(e.actor.UnitID), e.note, sqlstore.DemoTS(e.at)})
	}
	if err := flush(); err != nil {
		return 0, 0, err
	}
	for _, t := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"cases", []string{"id", "no", "kind", "category", "title", "detail", "source", "risk", "region_id", "address", "lng", "lat",
			"people", "amount_fen", "workers", "workers_paid", "wages_recovered_fen", "state", "holder_unit_id", "supervisor_unit_id",
			"suspended_from", "due_at", "due_step", "extension_days", "duplicate_of", "method", "outcome", "agreement", "satisfaction",
			"reported_by", "reported_at", "accepted_at", "resolved_at", "verified_at", "visited_at", "closed_at", "updated_at"}, caseRows},
		{"case_parties", []string{"id", "case_id", "role", "name", "org", "id_number_enc", "id_number_blind", "id_number_masked",
			"phone_enc", "phone_masked"}, partyRows},
		{"case_events", []string{"id", "case_id", "action", "from_state", "to_state", "user_id", "user_name", "unit_id", "note", "at"}, eventRows},
		{"case_overdue", []string{"id", "case_id", "step", "due_at", "noticed_at", "holder_unit_id"}, overdueRows},
		{"daily_checks", []string{"id", "grid_id", "user_id", "day", "found", "zero_report", "note", "created_at"}, sweepRows},
	} {
		if err := b.Insert(ctx, t.table, t.cols, t.rows); err != nil {
			return 0, 0, err
		}
	}
	return len(caseRows), len(sweepRows), nil
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return sqlstore.DemoTS(*t)
}
