package sqlstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/zhili-project/zhili"
)

// EventService serves the case event feed: the case timeline (case_events) read
// in seq order, in the caller's scope, without personal data. It is also the
// feed's sequencer (events_seq.go): the server runs Start every second, and a
// read that finds nothing new sequences on the spot, so a reader never waits for
// the next tick.
type EventService struct {
	db *DB
	*Sequencer
}

// NewEventService returns the event feed of db.
func NewEventService(db *DB) *EventService {
	return &EventService{db: db, Sequencer: &Sequencer{db: db}}
}

var _ zhili.EventService = (*EventService)(nil)

// MaxEventPage is the largest page the feed serves.
const MaxEventPage = 1000

// Events lists the events of cases in scope with seq > after, oldest seq first.
func (s *EventService) Events(ctx context.Context, after int64, limit int) (*zhili.EventPage, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActEventRead); err != nil {
		return nil, err
	}
	var bad []zhili.FieldError
	if after < 0 {
		bad = append(bad, zhili.FieldError{Field: "after", Code: "malformed", Reason: "after must be a seq the feed gave (0 to start)"})
	}
	if limit < 1 || limit > MaxEventPage {
		bad = append(bad, zhili.FieldError{Field: "limit", Code: "out_of_range", Reason: fmt.Sprintf("limit must be 1 to %d", MaxEventPage)})
	}
	if len(bad) > 0 {
		return nil, zhili.Invalid("Bad event feed query.", bad...)
	}
	page, err := s.page(ctx, a, after, limit)
	if err != nil || len(page.Items) > 0 {
		return page, err
	}
	// Nothing new: number what committed since the last tick and look again.
	n, err := s.SequenceSome(ctx)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return page, nil
	}
	return s.page(ctx, a, after, limit)
}

// page reads one page. The high-water mark is read first: every seq up to it was
// committed with it, so when the page is not full the reader may skip to it, and
// events out of scope are passed over once rather than on every poll.
func (s *EventService) page(ctx context.Context, a *zhili.Actor, after int64, limit int) (*zhili.EventPage, error) {
	var high int64
	if err := s.db.queryRow(ctx, `SELECT value FROM case_event_seq WHERE one = 1`).Scan(&high); err != nil {
		return nil, fmt.Errorf("event feed end: %w", err)
	}
	cond, args := scopeRegions(a, "r")
	rows, err := s.db.query(ctx, `SELECT e.seq, e.action, e.case_id, c.no, c.kind, c.category, e.to_state, e.from_state, r.code,
		COALESCE(u.name, ''), e.at
		FROM case_events e JOIN cases c ON c.id = e.case_id JOIN regions r ON r.id = c.region_id LEFT JOIN units u ON u.id = e.unit_id
		WHERE e.seq > ? AND e.seq <= ? AND `+cond+` ORDER BY e.seq LIMIT ?`,
		append(append([]any{after, high}, args...), limit)...)
	if err != nil {
		return nil, fmt.Errorf("event feed: %w", err)
	}
	defer rows.Close()
	epoch, err := s.epoch(ctx)
	if err != nil {
		return nil, err
	}
	page := &zhili.EventPage{Items: []*zhili.Event{}, Next: after, Epoch: epoch}
	for rows.Next() {
		var e zhili.Event
		var action, at string
		if err := rows.Scan(&e.Seq, &action, &e.CaseID, &e.CaseNo, &e.Kind, &e.Category, &e.State, &e.FromState, &e.RegionCode, &e.Unit, &at); err != nil {
			return nil, fmt.Errorf("event feed: %w", err)
		}
		e.Type, e.At = zhili.EventType(zhili.CaseAction(action)), parseTS(at)
		page.Items = append(page.Items, &e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("event feed: %w", err)
	}
	if len(page.Items) == limit {
		page.Next = page.Items[len(page.Items)-1].Seq
	} else if high > after {
		page.Next = high
	}
	return page, nil
}

// eventEpochSetting holds the feed's epoch; a restore deletes it (backup_restore.go).
const eventEpochSetting = "event_feed_epoch"

// epoch returns the feed's epoch, made on first use: a random id that lives as
// long as the database's seq numbers do.
func (s *EventService) epoch(ctx context.Context) (string, error) {
	if v, err := s.db.Setting(ctx, eventEpochSetting); err != nil || v != "" {
		return v, err
	}
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	if _, err := s.db.write.ExecContext(ctx, s.db.dialect.rebind(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`),
		eventEpochSetting, hex.EncodeToString(b)); err != nil {
		return "", fmt.Errorf("event feed epoch: %w", err)
	}
	return s.db.Setting(ctx, eventEpochSetting) // another instance may have made it first
}
