package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/emmansun/gmsm/sm3"
	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sensitive"
)

// PublicService is the store behind the public reporting page. Its callers are
// anonymous; it acts as the system actor "public", so what it may do is spelled out
// here and nowhere else: enter a case, read one case's stage by its tracking code,
// and take the resident's rating.
type PublicService struct {
	db     *DB
	locate *LocateService
}

// NewPublicService returns the public service of db; locate places GPS points in grids.
func NewPublicService(db *DB, locate *LocateService) *PublicService {
	return &PublicService{db: db, locate: locate}
}

var _ zhili.PublicService = (*PublicService)(nil)

// publicActor is who the public page acts as, with the caller's address for the audit log.
func publicActor(ctx context.Context) *zhili.Actor {
	a := zhili.SystemActor("public")
	if c := zhili.ActorFromContext(ctx); c != nil && c.IP != "" {
		a.IP = c.IP
	}
	return a
}

// codeAlphabet has no 0/O, 1/I/L: codes are read aloud and typed from paper.
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// newTrackingCode returns a random code like "K7QM-2XPD-9RTA" (about 59 bits).
func newTrackingCode() string {
	b := make([]byte, 12)
	rand.Read(b)
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(codeAlphabet[int(c)%len(codeAlphabet)])
	}
	return sb.String()
}

// codeHash is what the store keeps of a tracking code: its SM3 hash, so a copy of
// the database does not let anyone read the cases' stages.
func codeHash(code string) string {
	code = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(code), "-", ""))
	var sb strings.Builder
	for i, r := range code {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteRune(r)
	}
	sum := sm3.Sum([]byte(sb.String()))
	return hex.EncodeToString(sum[:])
}

// PublicPlaces lists townships, villages and communities that are in service.
func (s *PublicService) PublicPlaces(ctx context.Context) ([]*zhili.Region, error) {
	rows, err := s.db.query(ctx, `SELECT id, code, name, level, kind, path FROM regions
		WHERE level IN (?, ?) AND retired_at IS NULL ORDER BY path`, int(zhili.LevelTownship), int(zhili.LevelVillage))
	if err != nil {
		return nil, fmt.Errorf("public places: %w", err)
	}
	defer rows.Close()
	var out []*zhili.Region
	for rows.Next() {
		var r zhili.Region
		if err := rows.Scan(&r.ID, &r.Code, &r.Name, &r.Level, &r.Kind, &r.Path); err != nil {
			return nil, err
		}
		out = append(out, &r)
	}
	return out, rows.Err()
}

// PublicCategories lists the categories of every kind, as the case form has them.
func (s *PublicService) PublicCategories(ctx context.Context) ([]zhili.Category, error) {
	return NewCaseService(s.db).CaseCategories(zhili.NewContextWithActor(ctx, publicActor(ctx)), nil)
}

// SubmitPublic enters the report as a case, its photo and its tracking code in one
// transaction.
func (s *PublicService) SubmitPublic(ctx context.Context, r *zhili.PublicReport) (string, string, error) {
	a := publicActor(ctx)
	actx := zhili.NewContextWithActor(ctx, a)
	c := &zhili.Case{Kind: r.Kind, Category: r.Category, Title: r.Title, Detail: r.Detail, Source: zhili.SourcePublic,
		Risk: zhili.RiskLow, Address: r.Address, Lat: r.Lat, Lng: r.Lng}
	bad := s.db.validateCase(ctx, c)
	if c.Lat != nil && c.Lng != nil && len(bad) == 0 {
		if g, err := s.locate.Locate(actx, *c.Lng, *c.Lat, "wgs84"); err == nil {
			c.RegionID = g.ID
		}
	}
	if c.RegionID == 0 {
		var level int
		err := s.db.queryRow(ctx, `SELECT id, level FROM regions WHERE code = ? AND retired_at IS NULL`, strings.TrimSpace(r.RegionCode)).Scan(&c.RegionID, &level)
		if err != nil || level < int(zhili.LevelTownship) || level > int(zhili.LevelVillage) {
			bad = append(bad, zhili.FieldError{Field: "region_code", Code: "unknown_region", Reason: "请选择所在乡镇（街道）或村（社区），或使用定位"})
		}
	}
	contact := strings.TrimSpace(r.Contact)
	if contact != "" {
		if err := sensitive.ValidPhone(contact); err != nil {
			bad = append(bad, zhili.FieldError{Field: "contact", Code: "malformed", Reason: "联系电话格式不正确"})
		}
	}
	var photo *zhili.Attachment
	if len(r.Photo) > 0 {
		var err error
		if photo, err = checkAttachment(r.PhotoName, r.PhotoType, r.Photo); err != nil {
			bad = append(bad, zhili.ErrorFields(err)...)
		}
	}
	if len(bad) > 0 {
		return "", "", zhili.Invalid("The report is not valid.", bad...)
	}
	var enc, masked string
	if contact != "" {
		if s.db.Cipher == nil {
			return "", "", zhili.Errorf(zhili.EINTERNAL, "No field key is configured.")
		}
		var err error
		if enc, err = s.db.Cipher.Encrypt(contact); err != nil {
			return "", "", err
		}
		masked = sensitive.MaskPhone(contact)
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return "", "", err
	}
	defer tx.Rollback()
	if err := tx.reportCase(ctx, a, c, nil); err != nil {
		return "", "", err
	}
	if photo != nil {
		if err := tx.insertAttachment(ctx, a, c.ID, photo, r.Photo); err != nil {
			return "", "", err
		}
	}
	if err := requireFieldKey(ctx, tx, s.db.Cipher); err != nil {
		return "", "", err
	}
	code := newTrackingCode()
	if _, err := tx.exec(ctx, `INSERT INTO public_reports (code_hash, case_id, contact_enc, contact_masked, created_at) VALUES (?, ?, ?, ?, ?)`,
		codeHash(code), c.ID, enc, masked, ts(tx.now)); err != nil {
		return "", "", fmt.Errorf("insert public report: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return "", "", err
	}
	return code, c.No, nil
}

// publicStage says in plain words where a case stands.
func publicStage(st zhili.CaseState) (stage string, resolved bool) {
	switch st {
	case zhili.CaseReported:
		return "已提交，等待受理", false
	case zhili.CaseRejected:
		return "不予受理", false
	case zhili.CaseDuplicate:
		return "已并入其他事项办理", false
	case zhili.CaseResolved, zhili.CaseVerified, zhili.CaseVisited:
		return "已办结", true
	case zhili.CaseClosed:
		return "已办结归档", true
	case zhili.CaseSuspended:
		return "暂缓办理", false
	}
	return "办理中", false
}

// publicSteps are the timeline actions the public sees, with their plain labels.
var publicSteps = map[zhili.CaseAction]string{
	zhili.DoReport: "提交", zhili.DoAccept: "受理", zhili.DoReject: "不予受理", zhili.DoAssign: "交办",
	zhili.DoEscalate: "提级办理", zhili.DoResolve: "办结", zhili.DoVisit: "回访", zhili.DoClose: "归档",
	zhili.DoReopen: "重新办理",
}

// TrackPublic returns a case's stage for its tracking code.
func (s *PublicService) TrackPublic(ctx context.Context, code string) (*zhili.PublicStatus, error) {
	var id int64
	var sat int
	var rated sql.NullString
	err := s.db.queryRow(ctx, `SELECT case_id, satisfaction, rated_at FROM public_reports WHERE code_hash = ?`, codeHash(code)).Scan(&id, &sat, &rated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhili.Errorf(zhili.ENOTFOUND, "No report has this tracking code.")
	} else if err != nil {
		return nil, fmt.Errorf("track: %w", err)
	}
	actx := zhili.NewContextWithActor(ctx, publicActor(ctx))
	cases := NewCaseService(s.db)
	c, err := cases.FindCase(actx, id)
	if err != nil {
		return nil, err
	}
	events, err := cases.CaseTimeline(actx, id)
	if err != nil {
		return nil, err
	}
	st := &zhili.PublicStatus{No: c.No, Kind: c.Kind, Title: c.Title, RegionName: c.RegionName, ReportedAt: c.ReportedAt,
		Satisfaction: sat, RatedAt: parseNullTS(rated), Steps: []zhili.PublicStep{}}
	var resolved bool
	st.Stage, resolved = publicStage(c.State)
	st.CanRate = resolved && sat == 0
	st.Closed = resolved || c.State == zhili.CaseRejected || c.State == zhili.CaseDuplicate
	for _, e := range events {
		if label, ok := publicSteps[e.Action]; ok {
			st.Steps = append(st.Steps, zhili.PublicStep{Label: label, At: e.At})
		}
	}
	return st, nil
}

// RatePublic records the resident's rating once, compare-and-set on "not rated yet".
func (s *PublicService) RatePublic(ctx context.Context, code string, satisfaction int, note string) (*zhili.PublicStatus, error) {
	note = strings.TrimSpace(note)
	if satisfaction < 1 || satisfaction > 5 {
		return nil, zhili.Invalid("The rating is not valid.", zhili.FieldError{Field: "satisfaction", Code: "out_of_range", Reason: "满意度为1–5"})
	}
	if utf8.RuneCountInString(note) > 500 {
		return nil, zhili.Invalid("The note is too long.", zhili.FieldError{Field: "note", Code: "too_long", Reason: "评价不超过500字"})
	}
	st, err := s.TrackPublic(ctx, code)
	if err != nil {
		return nil, err
	}
	if !st.CanRate {
		if st.Satisfaction > 0 {
			return nil, zhili.Errorf(zhili.ECONFLICT, "This report has been rated already.")
		}
		return nil, zhili.Errorf(zhili.ECONFLICT, "The report can be rated once it is resolved.")
	}
	a := publicActor(ctx)
	tx, err := s.db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var caseID int64
	err = tx.queryRow(ctx, `UPDATE public_reports SET satisfaction = ?, rating_note = ?, rated_at = ? WHERE code_hash = ? AND satisfaction = 0 RETURNING case_id`,
		satisfaction, note, ts(tx.now), codeHash(code)).Scan(&caseID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhili.Errorf(zhili.ECONFLICT, "This report has been rated already.")
	} else if err != nil {
		return nil, fmt.Errorf("rate: %w", err)
	}
	if err := tx.audit(ctx, a, "case.public_rating", "case", caseID, map[string]any{"satisfaction": satisfaction}); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return s.TrackPublic(ctx, code)
}
