package geo

import "sync/atomic"

// Locator holds the current Index so boundaries can be replaced while lookups
// run: readers never block and never see a half-built index. The zero value
// is ready to use and locates nothing until the first Store.
type Locator struct {
	p atomic.Pointer[Index]
}

// Load returns the current index, or nil before the first Store.
func (l *Locator) Load() *Index { return l.p.Load() }

// Store publishes ix; lookups already running finish on the index they loaded,
// and storing nil makes Locate find nothing.
func (l *Locator) Store(ix *Index) { l.p.Store(ix) }

// Locate looks (lng, lat) up in the current index; see Index.Locate.
func (l *Locator) Locate(lng, lat float64) (id int64, code string, ok bool) {
	return l.p.Load().Locate(lng, lat)
}
