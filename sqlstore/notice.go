package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/report"
)

var _ report.NoticeStore = (*NoticeService)(nil)

// NoticeService is the caller's own notice list. Every account may read and
// mark its own notices; nobody reads another's.
type NoticeService struct{ db *DB }

// NewNoticeService returns the notice service of db.
func NewNoticeService(db *DB) *NoticeService { return &NoticeService{db: db} }

// userOf is the caller's account; EUNAUTHORIZED for no actor, EFORBIDDEN for the
// system actor, which has no notices.
func userOf(ctx context.Context) (int64, error) {
	a, err := actor(ctx)
	if err != nil {
		return 0, err
	}
	if a.UserID == 0 {
		return 0, zhili.Errorf(zhili.EFORBIDDEN, "Notices belong to user accounts.")
	}
	return a.UserID, nil
}

// Notices lists the caller's notices, newest first (unread only when asked),
// with the count of unread ones.
func (s *NoticeService) Notices(ctx context.Context, unreadOnly bool, offset, n int) ([]*report.Notice, int, error) {
	uid, err := userOf(ctx)
	if err != nil {
		return nil, 0, err
	}
	var unread int
	if err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM notices WHERE user_id = ? AND read_at IS NULL`, uid).Scan(&unread); err != nil {
		return nil, 0, fmt.Errorf("count notices: %w", err)
	}
	if n <= 0 || n > 200 {
		n = 50
	}
	q := `SELECT id, kind, title, url, archive_id, created_at, read_at FROM notices WHERE user_id = ?`
	if unreadOnly {
		q += ` AND read_at IS NULL`
	}
	rows, err := s.db.query(ctx, q+` ORDER BY id DESC`+limit(max(offset, 0), n), uid)
	if err != nil {
		return nil, 0, fmt.Errorf("notices: %w", err)
	}
	defer rows.Close()
	out := []*report.Notice{}
	for rows.Next() {
		var nt report.Notice
		var archive sql.NullInt64
		var created string
		var read sql.NullString
		if err := rows.Scan(&nt.ID, &nt.Kind, &nt.Title, &nt.URL, &archive, &created, &read); err != nil {
			return nil, 0, err
		}
		nt.ArchiveID, nt.CreatedAt, nt.ReadAt = archive.Int64, parseTS(created), parseNullTS(read)
		out = append(out, &nt)
	}
	return out, unread, rows.Err()
}

// MarkRead marks one of the caller's notices read (id 0: all of them) and
// returns how many changed. ENOTFOUND for a notice that is not the caller's.
func (s *NoticeService) MarkRead(ctx context.Context, id int64) (int, error) {
	uid, err := userOf(ctx)
	if err != nil {
		return 0, err
	}
	if id != 0 {
		var one int
		err := s.db.queryRow(ctx, `SELECT 1 FROM notices WHERE id = ? AND user_id = ?`, id, uid).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, zhili.Errorf(zhili.ENOTFOUND, "Notice not found.")
		} else if err != nil {
			return 0, err
		}
	}
	var n int64
	err = s.db.assessTx(ctx, func(tx *Tx) error {
		q, args := `UPDATE notices SET read_at = ? WHERE user_id = ? AND read_at IS NULL`, []any{ts(tx.now), uid}
		if id != 0 {
			q, args = q+` AND id = ?`, append(args, id)
		}
		res, err := tx.exec(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("mark notices read: %w", err)
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return int(n), err
}

// notifyRegion gives a notice to every active account whose unit sits in the
// region itself (its office, centre and leaders) and may read business data.
func (tx *Tx) notifyRegion(ctx context.Context, regionID int64, kind, title, url string, archiveID int64) (int, error) {
	rows, err := tx.query(ctx, `SELECT s.id, s.role FROM users s JOIN units u ON u.id = s.unit_id
		WHERE u.region_id = ? AND s.disabled = ? ORDER BY s.id`, regionID, false)
	if err != nil {
		return 0, fmt.Errorf("recipients: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		var role zhili.Role
		if err := rows.Scan(&id, &role); err != nil {
			rows.Close()
			return 0, err
		}
		if zhili.Can(role, zhili.ActBusinessRead) {
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, id := range ids {
		if _, err := tx.exec(ctx, `INSERT INTO notices (user_id, kind, title, url, archive_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			id, kind, title, url, nullID(archiveID), ts(tx.now)); err != nil {
			return 0, fmt.Errorf("notice: %w", err)
		}
	}
	return len(ids), nil
}
