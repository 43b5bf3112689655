package sqlstore

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/zhili-project/zhili"
)

// SavedSearches lists the caller's own saved searches by name.
func (s *CaseService) SavedSearches(ctx context.Context) ([]*zhili.SavedSearch, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActBusinessRead); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT id, user_id, name, query, created_at FROM saved_searches WHERE user_id = ? ORDER BY name, id`, a.UserID)
	if err != nil {
		return nil, fmt.Errorf("saved searches: %w", err)
	}
	defer rows.Close()
	out := []*zhili.SavedSearch{}
	for rows.Next() {
		var ss zhili.SavedSearch
		var created string
		if err := rows.Scan(&ss.ID, &ss.UserID, &ss.Name, &ss.Query, &created); err != nil {
			return nil, err
		}
		ss.CreatedAt = parseTS(created)
		out = append(out, &ss)
	}
	return out, rows.Err()
}

// CreateSavedSearch saves a named list filter for the caller. The query keeps only
// the list's own keys, normalised (sorted, encoded).
func (s *CaseService) CreateSavedSearch(ctx context.Context, ss *zhili.SavedSearch) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := a.Require(zhili.ActBusinessRead); err != nil {
		return err
	}
	if a.UserID == 0 {
		return zhili.Errorf(zhili.EFORBIDDEN, "Saved searches belong to a user account.")
	}
	var bad []zhili.FieldError
	ss.Name = strings.TrimSpace(ss.Name)
	if ss.Name == "" {
		bad = append(bad, zhili.FieldError{Field: "name", Code: "required", Reason: "name is required"})
	} else if utf8.RuneCountInString(ss.Name) > 50 {
		bad = append(bad, zhili.FieldError{Field: "name", Code: "too_long", Reason: "name is longer than 50 characters"})
	}
	values, err := url.ParseQuery(strings.TrimPrefix(strings.TrimSpace(ss.Query), "?"))
	switch {
	case err != nil:
		bad = append(bad, zhili.FieldError{Field: "query", Code: "malformed", Reason: "query is not a URL query string"})
	case len(ss.Query) > 2000:
		bad = append(bad, zhili.FieldError{Field: "query", Code: "too_long", Reason: "query is longer than 2000 characters"})
	default:
		for k, v := range values {
			if !slices.Contains(zhili.CaseListParams, k) {
				bad = append(bad, zhili.FieldError{Field: "query", Code: "unknown_param",
					Reason: fmt.Sprintf("%q is not a case-list filter (%s)", k, strings.Join(zhili.CaseListParams, ", "))})
			} else if len(v) == 1 && v[0] == "" {
				values.Del(k)
			}
		}
	}
	if len(bad) > 0 {
		return zhili.Invalid("The saved search is not valid.", bad...)
	}
	ss.Query, ss.UserID = values.Encode(), a.UserID
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM saved_searches WHERE user_id = ?`, a.UserID).Scan(&n); err != nil {
		return fmt.Errorf("count saved searches: %w", err)
	}
	if n >= zhili.MaxSavedSearches {
		return zhili.Errorf(zhili.ECONFLICT, "You already keep %d saved searches; delete one first.", n)
	}
	ss.CreatedAt = tx.now
	err = tx.queryRow(ctx, `INSERT INTO saved_searches (user_id, name, query, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
		a.UserID, ss.Name, ss.Query, ts(tx.now)).Scan(&ss.ID)
	if tx.db.dialect.isUnique(err) {
		return zhili.Errorf(zhili.ECONFLICT, "You already have a saved search named %q.", ss.Name)
	} else if err != nil {
		return fmt.Errorf("insert saved search: %w", err)
	}
	if err := tx.audit(ctx, a, "saved_search.create", "saved_search", ss.ID, map[string]string{"name": ss.Name}); err != nil {
		return err
	}
	return tx.Commit()
}

// DeleteSavedSearch deletes one of the caller's saved searches.
func (s *CaseService) DeleteSavedSearch(ctx context.Context, id int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := a.Require(zhili.ActBusinessRead); err != nil {
		return err
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.exec(ctx, `DELETE FROM saved_searches WHERE id = ? AND user_id = ?`, id, a.UserID)
	if err != nil {
		return fmt.Errorf("delete saved search: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return zhili.Errorf(zhili.ENOTFOUND, "Saved search not found.")
	}
	if err := tx.audit(ctx, a, "saved_search.delete", "saved_search", id, nil); err != nil {
		return err
	}
	return tx.Commit()
}
