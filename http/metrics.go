package http

import (
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"sync"
	"time"
)

// metrics counts requests by route pattern and status class, and their latency,
// exposed in the Prometheus text format at /metrics. Pattern, not path, keeps the
// label set bounded.
type metrics struct {
	mu       sync.Mutex
	requests map[[2]string]uint64 // {pattern, status class} → count
	seconds  map[string]float64   // pattern → total seconds
	started  time.Time
}

func newMetrics() *metrics {
	return &metrics{requests: map[[2]string]uint64{}, seconds: map[string]float64{}, started: time.Now()}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the real writer (flushing exports).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe records metrics and logs each request.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		pattern := r.Pattern
		if pattern == "" {
			pattern = "unmatched"
		}
		s.metrics.mu.Lock()
		s.metrics.requests[[2]string{pattern, fmt.Sprintf("%dxx", sw.status/100)}]++
		s.metrics.seconds[pattern] += d.Seconds()
		s.metrics.mu.Unlock()
		s.Logger.LogAttrs(r.Context(), slog.LevelDebug, "request", slog.String("method", r.Method),
			slog.String("path", r.URL.Path), slog.Int("status", sw.status), slog.Duration("took", d))
	})
}

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	m := s.metrics
	m.mu.Lock()
	defer m.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	fmt.Fprintf(w, "# HELP zhili_uptime_seconds Seconds since the server started.\n# TYPE zhili_uptime_seconds gauge\nzhili_uptime_seconds %.0f\n", time.Since(m.started).Seconds())
	fmt.Fprint(w, "# HELP zhili_http_requests_total HTTP requests by route and status class.\n# TYPE zhili_http_requests_total counter\n")
	keys := make([][2]string, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+keys[i][1] < keys[j][0]+keys[j][1] })
	for _, k := range keys {
		fmt.Fprintf(w, "zhili_http_requests_total{route=%q,status=%q} %d\n", k[0], k[1], m.requests[k])
	}
	fmt.Fprint(w, "# HELP zhili_http_request_seconds_total Time spent serving requests, by route.\n# TYPE zhili_http_request_seconds_total counter\n")
	routes := make([]string, 0, len(m.seconds))
	for k := range m.seconds {
		routes = append(routes, k)
	}
	sort.Strings(routes)
	for _, k := range routes {
		fmt.Fprintf(w, "zhili_http_request_seconds_total{route=%q} %g\n", k, m.seconds[k])
	}
}
