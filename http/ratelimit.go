package http

import (
	"sync"
	"time"
)

// rateLimiter allows each key (a client address) n events per window, as a token
// bucket refilled continuously. It lives in one process: with several instances
// behind a balancer each allows its own share, which is what a public page needs
// (a brake on floods, not an exact quota).
type rateLimiter struct {
	mu      sync.Mutex
	n       float64
	window  time.Duration
	buckets map[string]*bucket
	now     func() time.Time
	pruned  time.Time // the last prune: at most one per tenth of the window
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newRateLimiter(n int, window time.Duration) *rateLimiter {
	return &rateLimiter{n: float64(n), window: window, buckets: map[string]*bucket{}, now: time.Now}
}

// allow takes one token for key and reports whether there was one.
func (l *rateLimiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(key)
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// exhausted reports whether key has no token left, taking none.
func (l *rateLimiter) exhausted(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.buckets[key]; !ok {
		return false
	}
	return l.refill(key).tokens < 1
}

// refill returns key's bucket, created full or topped up to now.
func (l *rateLimiter) refill(key string) *bucket {
	now := l.now()
	b, ok := l.buckets[key]
	if !ok {
		// Forget idle clients rather than grow without bound; a flood of new keys
		// that are all still refilling frees nothing, so scanning the whole map
		// for each of them would cost quadratic time: prune now and then.
		if len(l.buckets) > 100000 && now.Sub(l.pruned) > l.window/10 {
			l.prune(now)
			l.pruned = now
		}
		b = &bucket{tokens: l.n, at: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.n, b.tokens+now.Sub(b.at).Seconds()*l.n/l.window.Seconds())
	b.at = now
	return b
}

// prune drops the buckets that have refilled completely.
func (l *rateLimiter) prune(now time.Time) {
	for k, b := range l.buckets {
		if now.Sub(b.at) >= l.window {
			delete(l.buckets, k)
		}
	}
}
