package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/emmansun/gmsm/sm3"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/report"
)

// ReportArchiveService keeps reports as issued (report_archive): rows are only
// ever inserted, so a report stays identical after the data behind it changes.
type ReportArchiveService struct{ db *DB }

// NewReportArchiveService returns the report archive of db.
func NewReportArchiveService(db *DB) *ReportArchiveService { return &ReportArchiveService{db: db} }

var _ report.ArchiveStore = (*ReportArchiveService)(nil)

// maxArchiveSize bounds one archived file; reports are far smaller.
const maxArchiveSize = 64 << 20

// ArchiveReport stores a new archived report with its hashes, audited.
func (s *ReportArchiveService) ArchiveReport(ctx context.Context, a *report.Archive) error {
	act, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := act.Require(zhili.ActBusinessRead); err != nil {
		return err
	}
	if err := validArchive(a); err != nil {
		return err
	}
	reg, err := s.db.scopedRegion(ctx, act, a.RegionID)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(a.Content)
	h := sm3.New()
	h.Write(a.Content)
	a.SHA256, a.SM3, a.Size = hex.EncodeToString(sum[:]), hex.EncodeToString(h.Sum(nil)), int64(len(a.Content))
	a.GeneratedBy, a.GeneratedByName = act.UserID, act.Username
	a.RegionName = reg.Name
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	a.GeneratedAt = tx.now
	err = tx.queryRow(ctx, `INSERT INTO report_archive (template, title, region_id, period_from, period_to, format, content, size,
		sha256, sm3, generated_by, generated_by_name, generated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		a.Template, a.Title, a.RegionID, a.From, a.To, a.Format, a.Content, a.Size, a.SHA256, a.SM3,
		nullID(a.GeneratedBy), a.GeneratedByName, ts(a.GeneratedAt)).Scan(&a.ID)
	if err != nil {
		return fmt.Errorf("archive report: %w", err)
	}
	if err := tx.audit(ctx, act, "report.archive", "report_archive", a.ID, map[string]any{
		"template": a.Template, "region_id": a.RegionID, "from": a.From, "to": a.To, "format": a.Format, "sm3": a.SM3}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit archive: %w", err)
	}
	return nil
}

// validArchive checks the fields a caller must set, naming each bad one.
func validArchive(a *report.Archive) error {
	var bad []zhili.FieldError
	need := func(field, v string) {
		if strings.TrimSpace(v) == "" {
			bad = append(bad, zhili.FieldError{Field: field, Code: "required", Reason: field + " is required"})
		}
	}
	need("template", a.Template)
	need("title", a.Title)
	if report.ContentType(a.Format) == "" {
		bad = append(bad, zhili.FieldError{Field: "format", Code: "unknown_format", Reason: "format must be html, docx, xlsx or json"})
	}
	if _, _, err := zhili.ParseDayRange(a.From, a.To); err != nil {
		bad = append(bad, zhili.ErrorFields(err)...)
	}
	if len(a.Content) == 0 || len(a.Content) > maxArchiveSize {
		bad = append(bad, zhili.FieldError{Field: "content", Code: "size", Reason: fmt.Sprintf("content must be 1 byte to %d MiB", maxArchiveSize>>20)})
	}
	if a.RegionID <= 0 {
		bad = append(bad, zhili.FieldError{Field: "region_id", Code: "required", Reason: "region_id is required"})
	}
	if len(bad) > 0 {
		return zhili.Invalid("The report cannot be archived.", bad...)
	}
	return nil
}

const archiveColumns = `a.id, a.template, a.title, a.region_id, r.code, r.name, a.period_from, a.period_to, a.format, a.size,
	a.sha256, a.sm3, COALESCE(a.generated_by, 0), a.generated_by_name, a.generated_at`

func scanArchive(row interface{ Scan(...any) error }, extra ...any) (*report.Archive, error) {
	a := &report.Archive{}
	var at string
	dest := append([]any{&a.ID, &a.Template, &a.Title, &a.RegionID, &a.RegionCode, &a.RegionName, &a.From, &a.To, &a.Format, &a.Size,
		&a.SHA256, &a.SM3, &a.GeneratedBy, &a.GeneratedByName, &at}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	a.GeneratedAt = parseTS(at)
	return a, nil
}

// FindArchives lists archived reports in scope, newest first.
func (s *ReportArchiveService) FindArchives(ctx context.Context, f report.ArchiveFilter) ([]*report.Archive, int, error) {
	act, err := actor(ctx)
	if err != nil {
		return nil, 0, err
	}
	if err := act.Require(zhili.ActBusinessRead); err != nil {
		return nil, 0, err
	}
	cond, args := scopeRegions(act, "r")
	where := []string{cond}
	if f.Template != "" {
		where, args = append(where, "a.template = ?"), append(args, f.Template)
	}
	if f.Under != 0 {
		reg, err := s.db.scopedRegion(ctx, act, f.Under)
		if err != nil {
			return nil, 0, err
		}
		c, a := subtree("r.path", reg.Path)
		where, args = append(where, c), append(args, a...)
	}
	q := ` FROM report_archive a JOIN regions r ON r.id = a.region_id WHERE ` + strings.Join(where, " AND ")
	var total int
	if err := s.db.queryRow(ctx, `SELECT COUNT(*)`+q, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count archived reports: %w", err)
	}
	rows, err := s.db.query(ctx, `SELECT `+archiveColumns+q+` ORDER BY a.generated_at DESC, a.id DESC`+limit(f.Offset, f.Limit), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find archived reports: %w", err)
	}
	defer rows.Close()
	out := []*report.Archive{}
	for rows.Next() {
		a, err := scanArchive(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("scan archived report: %w", err)
		}
		out = append(out, a)
	}
	return out, total, rows.Err()
}

// FindArchive returns one archived report in scope, with its content.
func (s *ReportArchiveService) FindArchive(ctx context.Context, id int64) (*report.Archive, error) {
	act, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := act.Require(zhili.ActBusinessRead); err != nil {
		return nil, err
	}
	cond, args := scopeRegions(act, "r")
	var content []byte
	a, err := scanArchive(s.db.queryRow(ctx, `SELECT `+archiveColumns+`, a.content FROM report_archive a JOIN regions r ON r.id = a.region_id
		WHERE a.id = ? AND `+cond, append([]any{id}, args...)...), &content)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhili.Errorf(zhili.ENOTFOUND, "Archived report not found.")
	} else if err != nil {
		return nil, fmt.Errorf("find archived report %d: %w", id, err)
	}
	a.Content = content
	return a, nil
}
