package storetest

import (
	"context"
	"testing"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/totp"
)

// Sensitive values the fixture's services encrypt, as NewSensitive writes them.
const (
	SensitiveIDNumber   = "11010519491231002X"
	SensitivePhone      = "13812345678"
	SensitivePartyPhone = "13987654321"
	SensitiveContact    = "13700001111"
)

// Sensitive is one value of every kind the field key encrypts, written through
// the services, with what a test should read back: a person's ID number and
// phone, a case party's, a confirmed and a pending TOTP secret, and a public
// reporter's phone.
type Sensitive struct {
	PersonID int64
	CaseID   int64
	// TOTPUser ("sysadmin") has a confirmed second factor with TOTPSecret;
	// PendingUser ("secadmin") has enrolled PendingSecret but not confirmed it.
	TOTPUser, TOTPSecret       string
	PendingUser, PendingSecret string
	PublicCode                 string
}

// NewSensitive writes the sensitive values into db, which holds fixture f and
// runs on a *zhili.FixedClock (confirming a code uses up its time step).
func NewSensitive(tb testing.TB, db *sqlstore.DB, f *Fixture) *Sensitive {
	tb.Helper()
	s := &Sensitive{TOTPUser: "sysadmin", PendingUser: "secadmin"}
	p := &zhili.Person{Name: "李四", RegionID: f.GridA.ID, IDNumber: SensitiveIDNumber, Phone: SensitivePhone}
	if err := sqlstore.NewPersonService(db).CreatePerson(f.Ctx(tb, db, "villageA"), p); err != nil {
		tb.Fatalf("sensitive person: %v", err)
	}
	s.PersonID = p.ID
	c := &zhili.Case{Kind: zhili.KindDispute, Category: "neighbour", Title: "邻里纠纷", RegionID: f.GridA.ID}
	party := &zhili.Party{Name: "张三", IDNumber: SensitiveIDNumber, Phone: SensitivePartyPhone}
	if err := sqlstore.NewCaseService(db).ReportCase(f.Ctx(tb, db, "gridA"), c, []*zhili.Party{party}); err != nil {
		tb.Fatalf("sensitive case party: %v", err)
	}
	s.CaseID = c.ID
	auth := sqlstore.NewAuthService(db)
	s.TOTPSecret = enroll(tb, auth, s.TOTPUser)
	code, err := totp.Code(s.TOTPSecret, db.Clock.Now())
	if err != nil {
		tb.Fatal(err)
	}
	sess, _, err := auth.Login(context.Background(), s.TOTPUser, Password, "127.0.0.1")
	if err != nil {
		tb.Fatal(err)
	}
	if err := auth.ConfirmTOTP(context.Background(), sess.Token, code); err != nil {
		tb.Fatalf("confirm TOTP: %v", err)
	}
	s.PendingSecret = enroll(tb, auth, s.PendingUser)
	pub := sqlstore.NewPublicService(db, sqlstore.NewLocateService(db))
	if s.PublicCode, _, err = pub.SubmitPublic(System(), &zhili.PublicReport{Kind: zhili.KindHazard, Category: "fire",
		Title: "楼道堆放杂物", RegionCode: f.VillageA.Code, Contact: SensitiveContact}); err != nil {
		tb.Fatalf("sensitive public report: %v", err)
	}
	return s
}

// enroll logs username in and starts its TOTP enrolment, returning the secret.
func enroll(tb testing.TB, auth *sqlstore.AuthService, username string) string {
	tb.Helper()
	sess, _, err := auth.Login(context.Background(), username, Password, "127.0.0.1")
	if err != nil {
		tb.Fatalf("login %s: %v", username, err)
	}
	secret, err := auth.EnrollTOTP(context.Background(), sess.Token)
	if err != nil {
		tb.Fatalf("enroll %s: %v", username, err)
	}
	return secret
}
