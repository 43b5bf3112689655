package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sensitive"
)

// PersonService keeps people and their positions.
type PersonService struct{ db *DB }

// NewPersonService returns the person service of db.
func NewPersonService(db *DB) *PersonService { return &PersonService{db: db} }

var _ zhili.PersonService = (*PersonService)(nil)

const dayLayout = "2006-01-02"

// FindPerson returns a person in scope with masked sensitive fields.
func (s *PersonService) FindPerson(ctx context.Context, id int64) (*zhili.Person, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActPersonRead); err != nil {
		return nil, err
	}
	p, _, _, err := s.findPerson(ctx, a, id)
	return p, err
}

func (s *PersonService) findPerson(ctx context.Context, a *zhili.Actor, id int64) (*zhili.Person, string, string, error) {
	cond, args := scopeRegionID(a, "region_id")
	var p zhili.Person
	var idEnc, phoneEnc, created string
	err := s.db.queryRow(ctx, `SELECT id, name, region_id, id_number_masked, phone_masked, id_number_enc, phone_enc, created_at
		FROM people WHERE id = ? AND `+cond, append([]any{id}, args...)...).
		Scan(&p.ID, &p.Name, &p.RegionID, &p.IDNumberMasked, &p.PhoneMasked, &idEnc, &phoneEnc, &created)
	if err != nil {
		return nil, "", "", zhili.Errorf(zhili.ENOTFOUND, "Person not found.")
	}
	p.CreatedAt = parseTS(created)
	return &p, idEnc, phoneEnc, nil
}

// RevealPerson decrypts a person's ID number and phone; the view is audited.
func (s *PersonService) RevealPerson(ctx context.Context, id int64) (*zhili.Person, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(zhili.ActPersonReveal); err != nil {
		return nil, err
	}
	p, idEnc, phoneEnc, err := s.findPerson(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if s.db.Cipher == nil {
		return nil, fmt.Errorf("reveal person: no field key configured")
	}
	if p.IDNumber, err = s.db.Cipher.Decrypt(idEnc); err != nil {
		return nil, fmt.Errorf("decrypt id number of person %d: %w", id, err)
	}
	if p.Phone, err = s.db.Cipher.Decrypt(phoneEnc); err != nil {
		return nil, fmt.Errorf("decrypt phone of person %d: %w", id, err)
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := tx.audit(ctx, a, "person.reveal", "person", id, map[string]string{"fields": "id_number,phone"}); err != nil {
		return nil, err
	}
	return p, tx.Commit()
}

// CreatePerson validates, encrypts and stores a person in a region in scope.
func (s *PersonService) CreatePerson(ctx context.Context, p *zhili.Person) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := a.Require(zhili.ActPersonWrite); err != nil {
		return err
	}
	p.Name = strings.TrimSpace(p.Name)
	p.IDNumber = sensitive.NormalizeIDNumber(p.IDNumber)
	p.Phone = strings.TrimSpace(p.Phone)
	var bad []zhili.FieldError
	if p.Name == "" {
		bad = append(bad, zhili.FieldError{Field: "name", Code: "required", Reason: "name is required"})
	}
	if p.IDNumber != "" {
		if err := sensitive.ValidIDNumber(p.IDNumber); err != nil {
			bad = append(bad, zhili.FieldError{Field: "id_number", Code: "malformed", Reason: err.Error()})
		}
	}
	if p.Phone != "" {
		if err := sensitive.ValidPhone(p.Phone); err != nil {
			bad = append(bad, zhili.FieldError{Field: "phone", Code: "malformed", Reason: err.Error()})
		}
	}
	if len(bad) > 0 {
		return zhili.Invalid("The person is not valid.", bad...)
	}
	if s.db.Cipher == nil && (p.IDNumber != "" || p.Phone != "") {
		return fmt.Errorf("create person: no field key configured for sensitive fields")
	}
	var idEnc, phoneEnc, blind string
	if p.IDNumber != "" {
		if idEnc, err = s.db.Cipher.Encrypt(p.IDNumber); err != nil {
			return fmt.Errorf("encrypt id number: %w", err)
		}
		blind = s.db.Cipher.Blind(p.IDNumber)
		p.IDNumberMasked = sensitive.MaskIDNumber(p.IDNumber)
	}
	if p.Phone != "" {
		if phoneEnc, err = s.db.Cipher.Encrypt(p.Phone); err != nil {
			return fmt.Errorf("encrypt phone: %w", err)
		}
		p.PhoneMasked = sensitive.MaskPhone(p.Phone)
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.requireRegion(ctx, a, p.RegionID); err != nil {
		return err
	}
	if err := requireFieldKey(ctx, tx, tx.db.Cipher); err != nil {
		return err
	}
	if err := tx.queryRow(ctx, `INSERT INTO people (name, region_id, id_number_enc, id_number_blind, id_number_masked, phone_enc, phone_masked, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, p.Name, p.RegionID, idEnc, blind, p.IDNumberMasked, phoneEnc, p.PhoneMasked, ts(tx.now)).Scan(&p.ID); err != nil {
		return fmt.Errorf("insert person: %w", err)
	}
	p.CreatedAt = tx.now
	if err := tx.audit(ctx, a, "person.create", "person", p.ID, map[string]any{"name": sensitive.MaskName(p.Name), "region_id": p.RegionID}); err != nil {
		return err
	}
	return tx.Commit()
}

// requireRegion checks that a region exists, is active and lies in the actor's scope.
func (tx *Tx) requireRegion(ctx context.Context, a *zhili.Actor, id int64) error {
	cond, args := scopeRegions(a, "r")
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM regions r WHERE r.id = ? AND r.retired_at IS NULL AND `+cond,
		append([]any{id}, args...)...).Scan(&n); err != nil {
		return fmt.Errorf("check region: %w", err)
	}
	if n == 0 {
		return zhili.Invalid("The region does not exist.", zhili.FieldError{Field: "region_id", Code: "unknown_region", Reason: "region not found in your area"})
	}
	return nil
}

func validDay(field, s string) []zhili.FieldError {
	if _, err := time.Parse(dayLayout, s); err != nil {
		return []zhili.FieldError{{Field: field, Code: "malformed", Reason: fmt.Sprintf("%q is not a date like 2026-01-31", s)}}
	}
	return nil
}
