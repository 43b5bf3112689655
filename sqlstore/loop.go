package sqlstore

import (
	"context"
	"sync"
	"time"
)

// background runs a function now and then every interval until stopped: the
// scheduler's and the event sequencer's loops. Its zero value is ready.
type background struct {
	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// start runs run in a goroutine now and at every tick until stop or ctx ends;
// a second start while running does nothing.
func (b *background) start(ctx context.Context, every time.Duration, run func(context.Context)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cancel != nil {
		return
	}
	ctx, b.cancel = context.WithCancel(ctx)
	b.done = make(chan struct{})
	go func(done chan struct{}) {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			run(ctx)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}(b.done)
}

// stop ends the loop and waits for a run in progress to finish.
func (b *background) stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cancel == nil {
		return
	}
	b.cancel()
	<-b.done
	b.cancel, b.done = nil, nil
}
