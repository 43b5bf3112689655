package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/indicator"
)

// A county's own indicators (docs/indicators.md, "A county's own indicators"):
// a JSON array in figures.json's format stored in the settings table under
// countyIndicatorsKey, checked by indicator.WithCounty and appended to the
// built-in catalogue.
//
// Every instance reads the setting again when its catalogue is older than
// Fresh (one small query), so a definition shows on every instance of a
// cluster within Fresh. Org and department indicators are computed from the
// cache's copy of those tables whatever they are; a new case or ledger
// indicator needs entries of its own, which only a pass over the records
// gives, so until the next Refresh (zhili serve: every minute) it is computed
// by its SQL definition; Refresh then rebuilds the cache beside the old one
// (which answers meanwhile) and swaps it in.

// countyIndicatorsKey is the settings key of the county's definitions.
const countyIndicatorsKey = "indicator.county"

// errNotCached: the cache has no measure for this very definition.
var errNotCached = errors.New("not cached")

// liveCatalog is the store's current catalogue and the setting it was made from.
type liveCatalog struct {
	mu  sync.Mutex
	cat *indicator.Catalog
	raw string
	at  time.Time
	// bad is why the stored definitions were refused when last read (a
	// release changed what they refer to); the built-in catalogue applies.
	bad error
	// rebuilding is set while Refresh rebuilds the cache.
	rebuilding atomic.Bool
}

var _ indicator.LiveCatalog = (*IndicatorStore)(nil)
var _ indicator.Definer = (*IndicatorStore)(nil)

// Catalog returns the built-in catalogue with the county's indicators, read
// from the settings table when the last read is older than Fresh.
func (s *IndicatorStore) Catalog(ctx context.Context) (*indicator.Catalog, error) {
	l := s.live
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cat != nil && s.Fresh > 0 && time.Since(l.at) < s.Fresh {
		return l.cat, nil
	}
	raw, err := s.db.Setting(ctx, countyIndicatorsKey)
	if err != nil {
		return nil, fmt.Errorf("county indicators: %w", err)
	}
	l.at = time.Now()
	if l.cat != nil && raw == l.raw {
		return l.cat, nil
	}
	cat, err := indicator.WithCounty(s.cat, []byte(raw))
	l.bad = err
	if err != nil {
		cat = s.cat
	}
	l.raw, l.cat = raw, cat
	s.cache.adopt(cat)
	return cat, nil
}

// stale makes the next Catalog read the setting again: this instance sees its
// own change at once, the others within Fresh.
func (s *IndicatorStore) stale() {
	s.live.mu.Lock()
	s.live.at = time.Time{}
	s.live.mu.Unlock()
}

// CountyIndicatorsError is why the stored definitions are not applied, if they
// are not (they were valid when stored; a later release may refuse them).
func (s *IndicatorStore) CountyIndicatorsError(ctx context.Context) error {
	if _, err := s.Catalog(ctx); err != nil {
		return err
	}
	s.live.mu.Lock()
	defer s.live.mu.Unlock()
	return s.live.bad
}

// adopt builds the measures of cat in a cache not loaded yet, so that its first
// load counts the county's indicators too.
func (c *indicatorCache) adopt(cat *indicator.Catalog) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.loaded || c.cat == cat {
		return
	}
	n := newIndicatorCache(c.db, cat)
	c.cat, c.byID, c.cases, c.ledgers = n.cat, n.byID, n.cases, n.ledgers
}

// stale reports whether the cache's measures differ from cat's case and ledger
// indicators: one is missing, a county one changed, or one was removed.
func (c *indicatorCache) stale(cat *indicator.Catalog) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	n := 0
	for _, d := range cat.Defs {
		if d.Agg == indicator.AggRatio || (d.Source != indicator.SourceCase && d.Source != indicator.SourceLedger) {
			continue
		}
		n++
		m := c.byID[d.ID]
		if m == nil || (d.Origin == indicator.OriginCounty && m.def != d) {
			return true
		}
	}
	return n != len(c.byID)
}

// rebuildIfChanged rebuilds the cache when the county's case or ledger
// indicators changed: a new cache is loaded beside the old one, which answers
// meanwhile, and takes its place. One rebuild at a time.
func (s *IndicatorStore) rebuildIfChanged(ctx context.Context) error {
	cat, err := s.Catalog(ctx)
	if err != nil || !s.cache.stale(cat) || !s.live.rebuilding.CompareAndSwap(false, true) {
		return err
	}
	defer s.live.rebuilding.Store(false)
	old := s.cache
	n := newIndicatorCache(s.db, cat)
	old.mu.RLock()
	n.retention, n.pruneEvery, n.pruneBatch, n.pruneNext = old.retention, old.pruneEvery, old.pruneBatch, old.pruneNext
	old.mu.RUnlock()
	if _, err := n.update(ctx, 0); err != nil {
		return err
	}
	old.mu.Lock()
	defer old.mu.Unlock()
	old.cat, old.loaded, old.at = n.cat, n.loaded, n.at
	old.paths, old.rank, old.regionFP = n.paths, n.rank, n.regionFP
	old.cases, old.ledgers, old.byID, old.keys = n.cases, n.ledgers, n.byID, n.keys
	old.caseMark, old.caseXip, old.ledgMark = n.caseMark, n.caseXip, n.ledgMark
	old.org, old.orgFP = n.org, n.orgFP
	return nil
}

// IndicatorDefinitions returns the county's stored definitions, a JSON array
// ("[]" when there are none). Needs business.read.
func (s *IndicatorStore) IndicatorDefinitions(ctx context.Context) ([]byte, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActBusinessRead); err != nil {
		return nil, err
	}
	raw, err := s.db.Setting(ctx, countyIndicatorsKey)
	if err != nil {
		return nil, fmt.Errorf("county indicators: %w", err)
	}
	if raw == "" {
		raw = "[]"
	}
	return []byte(raw), nil
}

// DefineIndicators validates raw, a JSON array of definitions (with merge, a
// single definition may stand alone), and stores it: as the county's whole set,
// or, with merge, adding the entries or replacing those of their ids. Needs
// task.assign (the leader and the centre, as for assessment schemes); EINVALID
// names each bad entry's index (in raw) and key and changes nothing. Each
// definition added or changed is audited as indicator.define, each one a
// replacing set leaves out as indicator.remove. It returns the county's
// indicators now defined.
func (s *IndicatorStore) DefineIndicators(ctx context.Context, raw []byte, merge bool) ([]zhili.IndicatorInfo, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActTaskAssign); err != nil {
		return nil, err
	}
	if err := requireDeploymentWide(a, "the county's indicators"); err != nil {
		return nil, err
	}
	var infos []zhili.IndicatorInfo
	err = s.db.assessTx(ctx, func(tx *Tx) error {
		cur, err := s.countyTx(ctx, tx)
		if err != nil {
			return err
		}
		next, kept := raw, 0
		if merge {
			if next, kept, err = mergeDefs(cur, raw); err != nil {
				return err
			}
		}
		cat, err := indicator.WithCounty(s.cat, next)
		if err != nil {
			return renumber(err, kept)
		}
		infos, err = s.storeCounty(ctx, tx, a, cur, cat.County())
		return err
	})
	s.stale()
	if err != nil {
		return nil, err
	}
	return infos, nil
}

// UndefineIndicator removes the county indicator id; ENOTFOUND when there is
// none, EINVALID when a county ratio is made of it. Needs task.assign; audited
// as indicator.remove.
func (s *IndicatorStore) UndefineIndicator(ctx context.Context, id string) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := a.Require(zhili.ActTaskAssign); err != nil {
		return err
	}
	if err := requireDeploymentWide(a, "the county's indicators"); err != nil {
		return err
	}
	defer s.stale()
	return s.db.assessTx(ctx, func(tx *Tx) error {
		cur, err := s.countyTx(ctx, tx)
		if err != nil {
			return err
		}
		cat, err := indicator.WithCounty(s.cat, []byte(cur))
		if err != nil {
			return err
		}
		var rest []*indicator.Def
		found := false
		for _, d := range cat.County() {
			if d.ID == id {
				found = true
				continue
			}
			if d.Num == id || d.Den == id {
				return zhili.Invalid("The indicator is in use.", zhili.FieldError{Field: "id", Code: "in_use",
					Reason: fmt.Sprintf("%s is a part of the ratio %s: remove or change that first", id, d.ID)})
			}
			rest = append(rest, d)
		}
		if !found {
			return zhili.Errorf(zhili.ENOTFOUND, "No county indicator %q.", id)
		}
		_, err = s.storeCounty(ctx, tx, a, cur, rest)
		return err
	})
}

// countyTx reads the stored definitions in tx, first taking the lock that
// serialises writers (the audit chain's: every change is audited anyway).
func (s *IndicatorStore) countyTx(ctx context.Context, tx *Tx) (string, error) {
	if err := tx.db.dialect.lockAudit(ctx, tx); err != nil {
		return "", fmt.Errorf("lock: %w", err)
	}
	var cur string
	err := tx.queryRow(ctx, `SELECT value FROM settings WHERE key = ?`, countyIndicatorsKey).Scan(&cur)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("county indicators: %w", err)
	}
	return cur, nil
}

// storeCounty writes defs as the county's set (in a normal form) and audits
// what changed against cur.
func (s *IndicatorStore) storeCounty(ctx context.Context, tx *Tx, a *zhili.Actor, cur string, defs []*indicator.Def) ([]zhili.IndicatorInfo, error) {
	before := map[string]string{}
	if old, err := indicator.WithCounty(s.cat, []byte(cur)); err == nil {
		for _, d := range old.County() {
			b, _ := json.Marshal(d)
			before[d.ID] = string(b)
		}
	}
	if defs == nil {
		defs = []*indicator.Def{}
	}
	norm, err := json.Marshal(defs)
	if err != nil {
		return nil, err
	}
	if len(defs) == 0 {
		_, err = tx.exec(ctx, `DELETE FROM settings WHERE key = ?`, countyIndicatorsKey)
	} else {
		err = tx.putSetting(ctx, countyIndicatorsKey, string(norm))
	}
	if err != nil {
		return nil, fmt.Errorf("county indicators: %w", err)
	}
	infos := []zhili.IndicatorInfo{}
	for _, d := range defs {
		infos = append(infos, d.Info())
		b, _ := json.Marshal(d)
		if before[d.ID] == string(b) {
			delete(before, d.ID)
			continue
		}
		detail := map[string]any{"label": d.Label, "source": d.Source, "agg": d.Agg, "definition": json.RawMessage(b)}
		if _, ok := before[d.ID]; ok {
			detail["changed"] = true
		}
		delete(before, d.ID)
		if err := tx.audit(ctx, a, "indicator.define", "indicator", d.ID, detail); err != nil {
			return nil, err
		}
	}
	gone := make([]string, 0, len(before))
	for id := range before {
		gone = append(gone, id)
	}
	slices.Sort(gone)
	for _, id := range gone {
		if err := tx.audit(ctx, a, "indicator.remove", "indicator", id, map[string]any{"definition": json.RawMessage(before[id])}); err != nil {
			return nil, err
		}
	}
	return infos, nil
}

// mergeDefs puts raw's entries (an array, or one object) after the stored ones
// whose ids they do not replace; kept is how many stored entries come first.
func mergeDefs(cur string, raw []byte) (next []byte, kept int, err error) {
	var add []json.RawMessage
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '{' {
		add = []json.RawMessage{t}
	} else if err := json.Unmarshal(raw, &add); err != nil {
		return nil, 0, zhili.Invalid("The indicator definitions are not valid JSON.",
			zhili.FieldError{Field: "indicators", Code: "malformed", Reason: "a JSON array of indicator definitions, or one: " + err.Error()})
	}
	var stored []json.RawMessage
	if cur != "" {
		if err := json.Unmarshal([]byte(cur), &stored); err != nil {
			return nil, 0, fmt.Errorf("stored county indicators: %w", err)
		}
	}
	id := func(m json.RawMessage) string {
		var x struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(m, &x)
		return x.ID
	}
	replaced := map[string]bool{}
	for _, m := range add {
		replaced[id(m)] = true
	}
	var all []json.RawMessage
	for _, m := range stored {
		if !replaced[id(m)] {
			all = append(all, m)
		}
	}
	kept = len(all)
	next, err = json.Marshal(append(all, add...))
	return next, kept, err
}

var entryIndexRE = regexp.MustCompile(`^\[(\d+)\]`)

// renumber names the entries of a merged set as the caller wrote them: entry
// kept+i is the caller's [i]; a stored entry is "stored[k]".
func renumber(err error, kept int) error {
	var ze *zhili.Error
	if kept == 0 || !errors.As(err, &ze) {
		return err
	}
	for i, f := range ze.Fields {
		m := entryIndexRE.FindStringSubmatch(f.Field)
		if m == nil {
			continue
		}
		k, _ := strconv.Atoi(m[1])
		if k >= kept {
			ze.Fields[i].Field = "[" + strconv.Itoa(k-kept) + "]" + strings.TrimPrefix(f.Field, m[0])
			ze.Fields[i].Reason = strings.Replace(f.Reason, "entry "+m[1]+" ", "entry "+strconv.Itoa(k-kept)+" ", 1)
		} else {
			ze.Fields[i].Field = "stored" + f.Field
		}
	}
	return err
}
