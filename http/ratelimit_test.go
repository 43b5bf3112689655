package http

import (
	"testing"
	"time"
)

func TestRateLimiter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	l := newRateLimiter(3, time.Minute)
	l.now = func() time.Time { return now }
	for i := 0; i < 3; i++ {
		if !l.allow("1.2.3.4") {
			t.Fatalf("event %d refused", i)
		}
	}
	if l.allow("1.2.3.4") {
		t.Fatal("fourth event in a minute allowed")
	}
	if !l.allow("5.6.7.8") {
		t.Fatal("another client refused")
	}
	now = now.Add(20 * time.Second) // one token back
	if !l.allow("1.2.3.4") || l.allow("1.2.3.4") {
		t.Fatal("refill after 20 s should give exactly one token")
	}
	now = now.Add(time.Hour)
	l.prune(now)
	if len(l.buckets) != 0 {
		t.Fatalf("%d idle buckets kept", len(l.buckets))
	}
}
