package storeutil

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/sailmesh/sail/pkg/config/store"
)

// Fanout delivers a store's events to its handlers as store.Handler
// requires: in the order they were published, from one goroutine at a time,
// never concurrently with itself. Publish never blocks: events wait in an
// unbounded queue, so a slow handler delays delivery but not writers.
//
// An event goes to the handlers registered when it was published, minus
// those cancelled since. No goroutine runs while the queue is empty.
//
// Fanout is exported for the other Store implementations (file, kube). The
// zero value is ready to use; a Fanout must not be copied after first use.
type Fanout struct {
	mu       sync.Mutex
	handlers []*registration // copy-on-write: queued events share it
	queue    []pending
	running  bool // a drain goroutine exists
}

type registration struct {
	h         store.Handler
	cancelled atomic.Bool
}

type pending struct {
	ev store.Event
	to []*registration
}

// Watch registers h for events published from now on. After cancel returns
// no new call to h starts; a call already under way may still finish.
// Cancel may be called more than once and from within h.
func (f *Fanout) Watch(h store.Handler) (cancel func()) {
	r := &registration{h: h}
	f.mu.Lock()
	f.handlers = append(slices.Clip(f.handlers), r)
	f.mu.Unlock()
	return func() {
		if r.cancelled.Swap(true) {
			return
		}
		f.mu.Lock()
		f.handlers = slices.DeleteFunc(slices.Clone(f.handlers), func(x *registration) bool { return x == r })
		f.mu.Unlock()
	}
}

// Publish queues events for delivery in the order given. Callers that need
// events ordered with their writes publish while holding their write lock;
// Publish does not block, so that is safe.
func (f *Fanout) Publish(evs ...store.Event) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.handlers) == 0 {
		return
	}
	for _, ev := range evs {
		f.queue = append(f.queue, pending{ev: ev, to: f.handlers})
	}
	if !f.running {
		f.running = true
		go f.drain()
	}
}

// Pending returns the number of events not yet delivered.
func (f *Fanout) Pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.queue)
}

func (f *Fanout) drain() {
	for {
		f.mu.Lock()
		if len(f.queue) == 0 {
			f.queue = nil // release the backing array
			f.running = false
			f.mu.Unlock()
			return
		}
		p := f.queue[0]
		f.queue[0] = pending{}
		f.queue = f.queue[1:]
		f.mu.Unlock()

		for _, r := range p.to {
			if !r.cancelled.Load() {
				r.h(p.ev)
			}
		}
	}
}
