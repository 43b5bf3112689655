package geo

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// TestLocatorSwap runs readers against a Locator while a writer keeps
// swapping between two generations of boundaries; run it with -race. Each
// answer must come whole from one generation, never a mix.
func TestLocatorSwap(t *testing.T) {
	var l Locator
	if _, _, ok := l.Locate(113.5, 34.5); ok || l.Load() != nil {
		t.Fatal("zero Locator located a point")
	}
	gen := func(g int) *Index {
		shapes := tableShapes()
		for i := range shapes {
			shapes[i].Code = fmt.Sprintf("gen%d-%d", g, shapes[i].ID)
		}
		return NewIndex(shapes)
	}
	a, b := gen(1), gen(2)
	l.Store(a)
	if l.Load() != a {
		t.Fatal("Load did not return the stored index")
	}

	var stop atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for r := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				x := 113 + float64((i+r)%8)*0.5 + 0.25
				id, code, ok := l.Locate(x, 34.25)
				if ok && code != fmt.Sprintf("gen1-%d", id) && code != fmt.Sprintf("gen2-%d", id) {
					errs <- fmt.Sprintf("Locate(%v) = %d %q: mixed generations", x, id, code)
					return
				}
			}
		}()
	}
	for i := range 2000 {
		if i%2 == 0 {
			l.Store(b)
		} else {
			l.Store(a)
		}
	}
	l.Store(nil)
	stop.Store(true)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if _, _, ok := l.Locate(113.25, 34.25); ok {
		t.Error("Locator with a nil index located a point")
	}
}
