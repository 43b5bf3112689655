package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/zhili-project/zhili"
)

var _ zhili.CaseAttachmentService = (*CaseService)(nil)

// mayAttach reports whether a may add files to c: anyone who may act on the case
// (its holder, its supervising unit, a centre operator in scope) or who reported
// it, with a role that writes business data. Finished cases take no more files.
func mayAttach(a *zhili.Actor, c *caseRow) error {
	if !a.System {
		if err := a.Require(zhili.ActBusinessWrite); err != nil {
			return err
		}
		s := sides(a, c)
		acts := len(s) > 0 && !(len(s) == 1 && s[0] == zhili.SideOverseer)
		if !acts && c.ReportedBy != a.UserID {
			return zhili.Errorf(zhili.EFORBIDDEN, "Only the units working on this case, or its reporter, may add files to it.")
		}
	}
	switch c.State {
	case zhili.CaseClosed, zhili.CaseRejected, zhili.CaseDuplicate:
		return zhili.Errorf(zhili.ECONFLICT, "A case that is %s takes no more files.", c.State.Label())
	}
	return nil
}

// AddAttachment stores a file on a case after checking, in this order, the scope,
// the caller's part in the case, the case's state and then the file itself, so that
// someone outside the case learns nothing from the answer.
func (s *CaseService) AddAttachment(ctx context.Context, caseID int64, name, contentType string, data []byte) (*zhili.Attachment, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.db.findCase(ctx, s.db.read, a, caseID)
	if err != nil {
		return nil, err
	}
	if err := mayAttach(a, c); err != nil {
		return nil, err
	}
	att, err := checkAttachment(name, contentType, data)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// The case may have moved since the read above; check again inside the write.
	if c, err = s.db.findCase(ctx, tx, a, caseID); err != nil {
		return nil, err
	}
	if err := mayAttach(a, c); err != nil {
		return nil, err
	}
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM case_attachments WHERE case_id = ?`, caseID).Scan(&n); err != nil {
		return nil, fmt.Errorf("count attachments: %w", err)
	}
	if n >= zhili.MaxAttachments {
		return nil, zhili.Errorf(zhili.ECONFLICT, "The case already has %d files, the most it may have.", n)
	}
	if err := tx.insertAttachment(ctx, a, caseID, att, data); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit attachment: %w", err)
	}
	return att, nil
}

// insertAttachment stores a checked file on a case and audits it, inside tx.
func (tx *Tx) insertAttachment(ctx context.Context, a *zhili.Actor, caseID int64, att *zhili.Attachment, data []byte) error {
	sum := sha256.Sum256(data)
	att.CaseID, att.SHA256, att.UploadedBy, att.UploaderName, att.At = caseID, hex.EncodeToString(sum[:]), a.UserID, a.Username, tx.now
	if err := tx.queryRow(ctx, `INSERT INTO case_attachments (case_id, name, content_type, size, sha256, data, uploaded_by, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		caseID, att.Name, att.ContentType, att.Size, att.SHA256, data, nullID(a.UserID), ts(tx.now)).Scan(&att.ID); err != nil {
		return fmt.Errorf("insert attachment: %w", err)
	}
	return tx.audit(ctx, a, "case.attach", "case", caseID, map[string]any{"attachment_id": att.ID, "name": att.Name,
		"content_type": att.ContentType, "size": att.Size, "sha256": att.SHA256})
}

const attachmentColumns = `a.id, a.case_id, a.name, a.content_type, a.size, a.sha256, COALESCE(a.uploaded_by, 0), COALESCE(u.username, ''), a.at`

func scanAttachment(row interface{ Scan(...any) error }, extra ...any) (*zhili.Attachment, error) {
	var att zhili.Attachment
	var at string
	dest := append([]any{&att.ID, &att.CaseID, &att.Name, &att.ContentType, &att.Size, &att.SHA256, &att.UploadedBy, &att.UploaderName, &at}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	att.At = parseTS(at)
	return &att, nil
}

// Attachments lists a case's files without their data, oldest first.
func (s *CaseService) Attachments(ctx context.Context, caseID int64) ([]*zhili.Attachment, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.db.findCase(ctx, s.db.read, a, caseID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT `+attachmentColumns+` FROM case_attachments a LEFT JOIN users u ON u.id = a.uploaded_by
		WHERE a.case_id = ? ORDER BY a.id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("list attachments: %w", err)
	}
	defer rows.Close()
	out := []*zhili.Attachment{}
	for rows.Next() {
		att, err := scanAttachment(rows)
		if err != nil {
			return nil, fmt.Errorf("scan attachment: %w", err)
		}
		out = append(out, att)
	}
	return out, rows.Err()
}

// Attachment returns one of a case's files with its data.
func (s *CaseService) Attachment(ctx context.Context, caseID, attID int64) (*zhili.Attachment, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.db.findCase(ctx, s.db.read, a, caseID); err != nil {
		return nil, err
	}
	var data []byte
	att, err := scanAttachment(s.db.queryRow(ctx, `SELECT `+attachmentColumns+`, a.data FROM case_attachments a LEFT JOIN users u ON u.id = a.uploaded_by
		WHERE a.case_id = ? AND a.id = ?`, caseID, attID), &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhili.Errorf(zhili.ENOTFOUND, "Attachment not found.")
	} else if err != nil {
		return nil, fmt.Errorf("read attachment %d: %w", attID, err)
	}
	att.Data = data
	return att, nil
}
