package e2e

import (
	"bytes"
	"log/slog"
	"sync"
	"testing"

	"github.com/zhili-project/zhili/app"
	zhttp "github.com/zhili-project/zhili/http"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// site is a running zhili: the real server on a free port of 127.0.0.1, over a
// fresh database of one dialect holding the fixture county.
type site struct {
	db   *sqlstore.DB
	f    *storetest.Fixture
	srv  *zhttp.Server
	base string
	log  *syncBuffer
}

// syncBuffer collects the server's log; it is shown when a test fails.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startSite starts the server wired as `zhili serve` wires it (app.Wire) and stops
// it when the test ends.
func startSite(t *testing.T, dialect string) *site {
	t.Helper()
	needBrowser(t) // skip before building a database for nothing
	db := storetest.Open(t, dialect)
	st := &site{db: db, f: storetest.NewFixture(t, db), log: &syncBuffer{}}
	s := zhttp.NewServer()
	s.Addr = "127.0.0.1:0"
	s.Logger = slog.New(slog.NewTextHandler(st.log, &slog.HandlerOptions{Level: slog.LevelWarn}))
	app.Wire(s, db) // exactly as `zhili serve` wires it
	if err := s.Open(); err != nil {
		t.Fatalf("start server: %v", err)
	}
	st.srv, st.base = s, s.URL()
	t.Cleanup(func() {
		s.Close()
		if t.Failed() {
			t.Logf("server log (%s):\n%s", dialect, st.log.String())
		}
	})
	return st
}
