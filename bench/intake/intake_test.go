package intake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zhili-project/zhili"
	zhttp "github.com/zhili-project/zhili/http"
	"github.com/zhili-project/zhili/sqlstore"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// clients is how many HTTP clients report at once: a county's grid members at
// the morning peak are many phones, each with one request in flight.
var clients = []int{1, 32, 128}

// BenchmarkIntake reports b.N hazards as the grid member gridA through POST
// /api/v1/cases on a real server over loopback, from several clients at once,
// and reports cases/s. Afterwards it closes the database, opens it again and
// checks that every acknowledged case is there and the audit chain verifies.
func BenchmarkIntake(b *testing.B) {
	for _, d := range storetest.Dialects() {
		for _, mode := range []string{"direct", "group"} {
			for _, k := range clients {
				b.Run(fmt.Sprintf("%s/%s/clients=%d", d, mode, k), func(b *testing.B) { intake(b, d, mode, k) })
			}
		}
	}
}

// server starts the HTTP server wired as cmd/zhili/serve.go wires it, on a fresh
// database with the fixture county, with the event feed's sequencer numbering
// events every second as in serve, and returns the server, the database, the
// fixture and the sequencer (stop it before closing the database).
func server(b *testing.B, dialect, mode string) (*zhttp.Server, *sqlstore.DB, *storetest.Fixture, *sqlstore.EventService) {
	b.Helper()
	db := storetest.Open(b, dialect)
	db.Clock = zhili.SystemClock{} // sessions and deadlines on the wall clock
	f := storetest.NewFixture(b, db)
	s := zhttp.NewServer()
	s.Addr, s.Logger = "127.0.0.1:0", slog.New(slog.NewTextHandler(io.Discard, nil))
	s.Auth = sqlstore.NewAuthService(db)
	s.Regions = sqlstore.NewRegionService(db)
	s.Units = sqlstore.NewUnitService(db)
	s.People = sqlstore.NewPersonService(db)
	s.Users = sqlstore.NewUserService(db)
	s.Audit = sqlstore.NewAuditService(db)
	s.Locate = sqlstore.NewLocateService(db)
	s.Cases = sqlstore.NewCaseService(db)
	if mode == "group" {
		s.Cases = sqlstore.NewIntakeCaseService(db)
	}
	s.DB = db
	if err := s.Open(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	events := sqlstore.NewEventService(db)
	if os.Getenv("ZHILI_BENCH_SEQUENCER") != "0" { // 0: without it, for comparison
		events.Start(context.Background(), time.Second)
		b.Cleanup(events.Stop)
	}
	return s, db, f, events
}

func login(b *testing.B, c *http.Client, url, user string) string {
	b.Helper()
	body, _ := json.Marshal(map[string]string{"username": user, "password": storetest.Password})
	resp, err := c.Post(url+"/api/v1/login", "application/json", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var lr struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&lr); err != nil || lr.Token == "" {
		b.Fatalf("login %s: %d %v", user, resp.StatusCode, err)
	}
	return lr.Token
}

func intake(b *testing.B, dialect, mode string, k int) {
	s, db, f, events := server(b, dialect, mode)
	tr := &http.Transport{MaxIdleConnsPerHost: k, MaxConnsPerHost: k}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	token := login(b, client, s.URL(), "gridA")
	report, _ := json.Marshal(map[string]any{"kind": "hazard", "category": "fire", "title": "楼道堆放杂物",
		"region_code": f.GridA.Code, "address": "石桥村3组", "people": 2})
	var next, acked atomic.Int64
	var mu sync.Mutex
	ids := make(map[int64]bool, b.N)
	var wg sync.WaitGroup
	cpu := processCPU()
	b.ResetTimer()
	for range k {
		wg.Go(func() {
			for next.Add(1) <= int64(b.N) {
				req, _ := http.NewRequest("POST", s.URL()+"/api/v1/cases", bytes.NewReader(report))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				var c struct{ ID int64 }
				err = json.NewDecoder(resp.Body).Decode(&c)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated || err != nil || c.ID == 0 {
					b.Errorf("report: status %d, id %d, %v", resp.StatusCode, c.ID, err)
					return
				}
				acked.Add(1)
				mu.Lock()
				ids[c.ID] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(acked.Load())/b.Elapsed().Seconds(), "cases/s")
	b.ReportMetric(float64((processCPU()-cpu).Microseconds())/float64(b.N), "cpu-µs/case")
	if g, ok := s.Cases.(*sqlstore.IntakeCaseService); ok {
		st := g.Stats()
		b.ReportMetric(float64(st.Cases)/float64(st.Batches), "cases/commit")
		b.ReportMetric(float64(st.Commit.Microseconds())/float64(st.Batches)/1000, "ms/commit")
	}
	s.Close()
	events.Stop()
	left, err := events.Sequence(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d of %d case events were left for the sequencer after the run", left, acked.Load())
	durable(b, db, acked.Load(), len(ids))
}

// durable closes the database, opens it afresh and checks that it holds exactly
// the acknowledged cases, each once, and that the audit chain is whole.
func durable(b *testing.B, db *sqlstore.DB, acked int64, distinct int) {
	b.Helper()
	dsn := db.DSN
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	again, err := sqlstore.Open(dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer again.Close()
	_, total, err := sqlstore.NewCaseService(again).FindCases(storetest.System(), zhili.CaseFilter{Limit: 1})
	if err != nil {
		b.Fatal(err)
	}
	if int64(total) != acked || int64(distinct) != acked {
		b.Fatalf("%d cases acknowledged (%d distinct ids), %d in the database after reopening", acked, distinct, total)
	}
	v, err := sqlstore.NewAuditService(again).VerifyAudit(storetest.System())
	if err != nil || !v.OK() {
		b.Fatalf("audit chain after intake: %v %+v", err, v)
	}
}
