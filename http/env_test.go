package http

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/indicator"
	"github.com/zhili-project/zhili/ledger"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
	"github.com/zhili-project/zhili/totp"
)

// testEnv is a real server on a real database with the fixture county.
type testEnv struct {
	db  *sqlstore.DB
	f   *storetest.Fixture
	srv *httptest.Server
	// server is the zhili server behind srv, for tests that tune it.
	server *Server
	// tokens holds a logged-in session per fixture user, second factor passed.
	tokens map[string]string
}

func newTestEnv(t *testing.T, dialect string) *testEnv {
	t.Helper()
	db := storetest.Open(t, dialect)
	f := storetest.NewFixture(t, db)
	s := NewServer()
	s.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	s.Auth, s.Regions, s.Units = sqlstore.NewAuthService(db), sqlstore.NewRegionService(db), sqlstore.NewUnitService(db)
	s.People, s.Users, s.Audit = sqlstore.NewPersonService(db), sqlstore.NewUserService(db), sqlstore.NewAuditService(db)
	s.Locate, s.DB = sqlstore.NewLocateService(db), db
	cases := sqlstore.NewCaseService(db)
	s.Cases, s.Queues, s.Attachments = cases, cases, cases
	s.Events = sqlstore.NewEventService(db) // http/events.go
	s.Tasks = sqlstore.NewTaskService(db)
	s.Public = sqlstore.NewPublicService(db, sqlstore.NewLocateService(db))
	s.publicSubmits = newRateLimiter(1000, time.Minute) // the matrix calls as every role
	s.Rhythm, s.Calendar = sqlstore.NewRhythmService(db), sqlstore.NewCalendarService(db)
	s.Ledgers, s.LedgerCatalog = sqlstore.NewLedgerService(db, ledger.Default()), ledger.Default()
	s.DeptReports, s.DeptTokens = sqlstore.NewDepartmentReportService(db), sqlstore.NewDepartmentTokenService(db)
	s.Reports = newTestReports(db) // http/report_test.go
	s.Indicators = indicator.NewEngine(indicator.Default(), sqlstore.NewIndicatorStore(db, indicator.Default()))
	s.Cockpit = sqlstore.NewCockpitService(db)
	s.Assess, s.Notices = sqlstore.NewAssessService(db), sqlstore.NewNoticeService(db) // http/assess*.go, notice.go
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &testEnv{db: db, f: f, srv: srv, server: s, tokens: map[string]string{}}
}

// do sends a request with the session token of token (none if empty) and returns
// the status and body.
func (e *testEnv) do(t *testing.T, token, method, path string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// login logs a fixture user in through the API; administrators enrol and pass the
// second factor, as a real administrator's first login does.
func (e *testEnv) login(t *testing.T, name string) string {
	t.Helper()
	if tok, ok := e.tokens[name]; ok {
		return tok
	}
	status, body := e.do(t, "", "POST", "/api/v1/login", map[string]string{"username": name, "password": storetest.Password})
	if status != http.StatusOK {
		t.Fatalf("login %s: %d %s", name, status, body)
	}
	var lr struct {
		Token        string `json:"token"`
		NeedTOTP     bool   `json:"need_totp"`
		TOTPEnrolled bool   `json:"totp_enrolled"`
	}
	json.Unmarshal(body, &lr)
	if lr.NeedTOTP {
		status, body := e.do(t, lr.Token, "POST", "/api/v1/totp/enroll", nil)
		if status != http.StatusOK {
			t.Fatalf("enroll %s: %d %s", name, status, body)
		}
		var en struct{ Secret string }
		json.Unmarshal(body, &en)
		code, _ := totp.Code(en.Secret, e.db.Clock.Now())
		if status, body := e.do(t, lr.Token, "POST", "/api/v1/totp/confirm", map[string]string{"code": code}); status != http.StatusOK {
			t.Fatalf("confirm %s: %d %s", name, status, body)
		}
	}
	e.tokens[name] = lr.Token
	return lr.Token
}

// mustCreate runs a store call as the system and fails the test on error.
func mustCreate(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// people adds a person with a position in each township: the records that one
// township's users must never see of the other's.
func (e *testEnv) people(t *testing.T) (a, b *zhili.Person) {
	t.Helper()
	ctx := storetest.System()
	ps := sqlstore.NewPersonService(e.db)
	a = &zhili.Person{Name: "王五", RegionID: e.f.VillageA.ID, IDNumber: "11010519491231002X", Phone: "13812345678"}
	b = &zhili.Person{Name: "赵六", RegionID: e.f.VillageB.ID, IDNumber: "11010519491231002X", Phone: "13987654321"}
	mustCreate(t, ps.CreatePerson(ctx, a))
	mustCreate(t, ps.CreatePerson(ctx, b))
	mustCreate(t, ps.CreatePosition(ctx, &zhili.Position{PersonID: a.ID, Role: zhili.PositionGridMember, RegionID: e.f.GridA.ID, Start: "2026-01-01"}))
	mustCreate(t, ps.CreatePosition(ctx, &zhili.Position{PersonID: b.ID, Role: zhili.PositionGridMember, RegionID: e.f.GridB.ID, Start: "2026-01-01"}))
	return a, b
}

func contains(body []byte, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(string(body), p) {
			return false
		}
	}
	return true
}
