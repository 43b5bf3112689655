package report

import (
	"context"
	"time"
)

// Notice is one in-app notice to an account (通知): a report issued to its
// region, linking to the archived file.
type Notice struct {
	ID        int64      `json:"id"`
	Kind      string     `json:"kind"` // report
	Title     string     `json:"title"`
	URL       string     `json:"url,omitempty"`
	ArchiveID int64      `json:"archive_id,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at,omitempty"`
}

// NoticeStore is the caller's own notice list; sqlstore.NoticeService
// implements it. Nobody reads another account's notices.
type NoticeStore interface {
	// Notices lists the caller's notices newest first (unread only when asked)
	// and counts the unread ones.
	Notices(ctx context.Context, unreadOnly bool, offset, n int) ([]*Notice, int, error)
	// MarkRead marks one notice read, or all with id 0; ENOTFOUND for a notice
	// that is not the caller's.
	MarkRead(ctx context.Context, id int64) (int, error)
}
