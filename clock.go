package zhili

import "time"

// Clock tells the time. Services take one so deadlines, sessions and reports are testable.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock, always in UTC.
type SystemClock struct{}

// Now returns the current time in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }

// FixedClock is a clock that tests move by hand.
type FixedClock struct{ T time.Time }

// Now returns the fixed time.
func (c *FixedClock) Now() time.Time { return c.T }

// Advance moves the clock forward by d.
func (c *FixedClock) Advance(d time.Duration) { c.T = c.T.Add(d) }
