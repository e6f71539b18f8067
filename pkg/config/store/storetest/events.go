package storetest

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/store"
)

// WaitTimeout bounds every wait for an event or a condition in the suite.
const WaitTimeout = 10 * time.Second

// Recorder keeps the events one handler received.
type Recorder struct {
	mu     sync.Mutex
	events []store.Event
	notify chan struct{} // closed and replaced on every event
	cursor int           // where WaitFor looks next; used by the test goroutine only

	inFlight atomic.Int32 // handler calls under way, to catch concurrent calls
	overlap  atomic.Bool
}

// NewRecorder returns a Recorder; register its Handle with a store.
func NewRecorder() *Recorder { return &Recorder{notify: make(chan struct{})} }

// Record registers a new Recorder on s and cancels it when t ends.
func Record(t testing.TB, s store.Store) *Recorder {
	r := NewRecorder()
	t.Cleanup(s.Watch(r.Handle))
	return r
}

// Handle is the store.Handler.
func (r *Recorder) Handle(ev store.Event) {
	if r.inFlight.Add(1) > 1 {
		r.overlap.Store(true)
	}
	defer r.inFlight.Add(-1)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
	close(r.notify)
	r.notify = make(chan struct{})
}

// Events returns the events received so far.
func (r *Recorder) Events() []store.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]store.Event(nil), r.events...)
}

// WaitUntil waits up to WaitTimeout for cond to hold over the events
// received so far and returns them; it fails t, describing what, if cond
// never holds.
func (r *Recorder) WaitUntil(t testing.TB, what string, cond func([]store.Event) bool) []store.Event {
	t.Helper()
	deadline := time.NewTimer(WaitTimeout)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		evs, notify := append([]store.Event(nil), r.events...), r.notify
		r.mu.Unlock()
		if cond(evs) {
			return evs
		}
		select {
		case <-notify:
		case <-deadline.C:
			t.Fatalf("waited %v for %s; got %d events:\n%s", WaitTimeout, what, len(evs), describeEvents(evs))
			return nil
		}
	}
}

// WaitFor waits for the next event of type typ for key: the first one
// after the event the previous WaitFor call returned. It returns every
// event received until then, from the first, that event last.
func (r *Recorder) WaitFor(t testing.TB, typ store.EventType, key config.Key) []store.Event {
	t.Helper()
	var upTo []store.Event
	r.WaitUntil(t, fmt.Sprintf("%s event for %s", typ, key), func(evs []store.Event) bool {
		for i := r.cursor; i < len(evs); i++ {
			if evs[i].Type == typ && evs[i].Object.Key() == key {
				upTo = evs[:i+1]
				return true
			}
		}
		return false
	})
	r.cursor = len(upTo)
	return upTo
}

// checkNoOverlap fails t if the store ever called the handler concurrently.
func (r *Recorder) checkNoOverlap(t testing.TB) {
	t.Helper()
	if r.overlap.Load() {
		t.Error("store called one handler concurrently with itself")
	}
}

// forKey returns the events about key.
func forKey(evs []store.Event, key config.Key) []store.Event {
	var out []store.Event
	for _, ev := range evs {
		if ev.Object.Key() == key {
			out = append(out, ev)
		}
	}
	return out
}

func describeEvents(evs []store.Event) string {
	var b strings.Builder
	for _, ev := range evs {
		fmt.Fprintf(&b, "  %s %s\n", ev.Type, ev.Object)
	}
	return b.String()
}
