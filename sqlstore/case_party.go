package sqlstore

import (
	"context"
	"fmt"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sensitive"
)

// insertParty encrypts and masks a validated party's identifiers and stores it.
func (tx *Tx) insertParty(ctx context.Context, caseID int64, p *zhili.Party) error {
	var idEnc, blind, phoneEnc string
	var err error
	if (p.IDNumber != "" || p.Phone != "") && tx.db.Cipher == nil {
		return fmt.Errorf("store party: no field key configured")
	}
	if p.IDNumber != "" || p.Phone != "" {
		if err := requireFieldKey(ctx, tx, tx.db.Cipher); err != nil {
			return err
		}
	}
	if p.IDNumber != "" {
		if idEnc, err = tx.db.Cipher.Encrypt(p.IDNumber); err != nil {
			return fmt.Errorf("encrypt party id: %w", err)
		}
		blind = tx.db.Cipher.Blind(p.IDNumber)
		if p.Org {
			p.IDNumberMasked = sensitive.MaskCreditCode(p.IDNumber)
		} else {
			p.IDNumberMasked = sensitive.MaskIDNumber(p.IDNumber)
		}
	}
	if p.Phone != "" {
		if phoneEnc, err = tx.db.Cipher.Encrypt(p.Phone); err != nil {
			return fmt.Errorf("encrypt party phone: %w", err)
		}
		p.PhoneMasked = sensitive.MaskPhone(p.Phone)
	}
	p.CaseID = caseID
	if err := tx.queryRow(ctx, `INSERT INTO case_parties (case_id, role, name, org, id_number_enc, id_number_blind, id_number_masked, phone_enc, phone_masked)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, caseID, p.Role, p.Name, p.Org, idEnc, blind, p.IDNumberMasked, phoneEnc, p.PhoneMasked).Scan(&p.ID); err != nil {
		return fmt.Errorf("insert party: %w", err)
	}
	// The caller's copy must not keep plaintext around after storing.
	p.IDNumber, p.Phone = "", ""
	return nil
}

// CaseParties lists a case's parties with masked identifiers.
func (s *CaseService) CaseParties(ctx context.Context, id int64) ([]*zhili.Party, error) {
	return s.parties(ctx, id, false)
}

// RevealParties lists a case's parties in plaintext for roles that may see them; the
// view is audited.
func (s *CaseService) RevealParties(ctx context.Context, id int64) ([]*zhili.Party, error) {
	return s.parties(ctx, id, true)
}

func (s *CaseService) parties(ctx context.Context, id int64, reveal bool) ([]*zhili.Party, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.db.findCase(ctx, s.db.read, a, id); err != nil {
		return nil, err
	}
	if reveal {
		if err := a.Require(zhili.ActPersonReveal); err != nil {
			return nil, err
		}
	}
	rows, err := s.db.query(ctx, `SELECT id, case_id, role, name, org, id_number_masked, phone_masked, id_number_enc, phone_enc
		FROM case_parties WHERE case_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("case parties: %w", err)
	}
	defer rows.Close()
	var out []*zhili.Party
	for rows.Next() {
		var p zhili.Party
		var idEnc, phoneEnc string
		if err := rows.Scan(&p.ID, &p.CaseID, &p.Role, &p.Name, &p.Org, &p.IDNumberMasked, &p.PhoneMasked, &idEnc, &phoneEnc); err != nil {
			return nil, err
		}
		if reveal {
			if p.IDNumber, err = s.db.Cipher.Decrypt(idEnc); err != nil {
				return nil, fmt.Errorf("decrypt party %d: %w", p.ID, err)
			}
			if p.Phone, err = s.db.Cipher.Decrypt(phoneEnc); err != nil {
				return nil, fmt.Errorf("decrypt party %d: %w", p.ID, err)
			}
		}
		out = append(out, &p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if reveal {
		tx, err := s.db.begin(ctx)
		if err != nil {
			return nil, err
		}
		defer tx.Rollback()
		if err := tx.audit(ctx, a, "case.reveal_parties", "case", id, map[string]int{"parties": len(out)}); err != nil {
			return nil, err
		}
		if err := tx.Commit(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
