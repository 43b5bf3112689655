// Package http serves zhili's REST API and its server-rendered pages. Handlers
// decode, call a domain service, and encode; access rules live in the services, so
// this package only turns a session cookie into an actor on the context.
package http

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/zhili-project/zhili"
	"github.com/zhili-project/zhili/assess"
	"github.com/zhili-project/zhili/report"
)

// LocateService answers point→grid questions.
type LocateService interface {
	Locate(ctx context.Context, lng, lat float64, crs string) (*zhili.Region, error)
}

// Pinger checks the database for /healthz.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Server is the HTTP server with every service it calls.
type Server struct {
	ln     net.Listener
	server *http.Server
	mux    *http.ServeMux

	// Addr is where to listen, e.g. "127.0.0.1:8080" or ":0" in tests.
	Addr string
	// SecureCookies marks session cookies Secure; on behind TLS.
	SecureCookies bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names the
	// client (http/clientip.go); none by default.
	TrustedProxies []netip.Prefix
	Logger         *slog.Logger

	Auth    zhili.AuthService
	Regions zhili.RegionService
	Units   zhili.UnitService
	People  zhili.PersonService
	Users   zhili.UserService
	Audit   zhili.AuditService
	Locate  LocateService
	Cases   zhili.CaseService
	DB      Pinger

	// Events is the case event feed for other systems (http/events.go).
	Events zhili.EventService
	// Rhythm and Calendar serve the sweeps, the rhythm's lists, the holiday
	// calendar and the deadline table (http/rhythm*.go).
	Rhythm   zhili.RhythmService
	Calendar zhili.CalendarService

	// Queues and Attachments are the work-queue and attachment sides of cases;
	// the store implements them on the same value as Cases.
	Queues      zhili.CaseQueueService
	Attachments zhili.CaseAttachmentService
	// Tasks is the work plan's tasks (工作任务 / 督办).
	Tasks zhili.TaskService
	// Public serves the anonymous public reporting page (群众网上反映).
	Public zhili.PublicService
	// DeptReports and DeptTokens serve department reports and the tokens of
	// department systems (http/dept*.go).
	DeptReports zhili.DepartmentReportService
	DeptTokens  zhili.DepartmentTokenService
	// Ledgers keeps ledger records; LedgerCatalog holds the schemas (nil: the
	// schemas shipped in the binary). See http/ledger*.go.
	Ledgers       zhili.LedgerService
	LedgerCatalog zhili.LedgerCatalog

	// Reports renders and archives reports (http/report*.go, docs/reports.md).
	Reports *report.Service
	// Indicators computes the figures and their drill-downs (http/indicator*.go,
	// docs/indicators.md).
	Indicators zhili.IndicatorService
	// Cockpit computes the cockpit's panels (http/cockpit*.go, docs/cockpit.md).
	Cockpit zhili.CockpitService
	// Assess scores the assessment schemes (http/assess*.go, docs/assessment.md);
	// Notices is each account's own notice list (http/notice.go).
	Assess  assess.Service
	Notices report.NoticeStore

	// publicSubmits and publicReads brake the public endpoints per client address.
	publicSubmits, publicReads *rateLimiter
	// authFailures and authAddresses brake failed sign-ins per address and
	// username, and per address (http/authbrake.go).
	authFailures, authAddresses *rateLimiter

	metrics *metrics
}

// NewServer returns a server with its routes; set the services before Open.
func NewServer() *Server {
	s := &Server{mux: http.NewServeMux(), Logger: slog.Default(), metrics: newMetrics(),
		publicSubmits: newRateLimiter(publicLimits.Submit, publicLimits.Window),
		publicReads:   newRateLimiter(publicLimits.Read, publicLimits.Window),
		authFailures:  newRateLimiter(authLimits.Failures, authLimits.Window),
		authAddresses: newRateLimiter(authLimits.AddressFailures, authLimits.Window)}
	s.routes()
	return s
}

// Handler is the whole middleware chain: metrics and logging, security headers,
// cross-origin protection (CSRF), then authentication, then the routes.
func (s *Server) Handler() http.Handler {
	var h http.Handler = s.mux
	h = s.authenticate(h)
	h = s.authenticateDeptToken(h) // department tokens, before sessions (http/dept_token.go)
	h = http.NewCrossOriginProtection().Handler(h)
	h = securityHeaders(h)
	h = s.observe(h)
	return h
}

// Open starts listening and serving in the background.
func (s *Server) Open() (err error) {
	if s.ln, err = net.Listen("tcp", s.Addr); err != nil {
		return err
	}
	s.server = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute, // imports upload large files
		WriteTimeout:      5 * time.Minute, // exports stream large files
		IdleTimeout:       2 * time.Minute,
	}
	go func() {
		if err := s.server.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.Logger.Error("http serve", "err", err)
		}
	}()
	return nil
}

// URL is the base address the server listens on.
func (s *Server) URL() string {
	if s.ln == nil {
		return ""
	}
	return "http://" + s.ln.Addr().String()
}

// Close shuts down gracefully, letting requests in flight finish for up to 15 s.
func (s *Server) Close() error {
	if s.server == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return s.server.Shutdown(ctx)
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'")
		next.ServeHTTP(w, r)
	})
}
