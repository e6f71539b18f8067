package storeutil

import (
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/store"
)

func event(name string) store.Event {
	return store.Event{Type: store.Added, Object: &config.Object{Meta: config.Meta{Name: name}}}
}

// collector records event names and lets a test wait for a count.
type collector struct {
	mu    sync.Mutex
	names []string
	cond  *sync.Cond
	gate  chan struct{} // when set, each call waits for it to close
}

func newCollector() *collector {
	c := &collector{}
	c.cond = sync.NewCond(&c.mu)
	return c
}

func (c *collector) handle(ev store.Event) {
	if c.gate != nil {
		<-c.gate
	}
	c.mu.Lock()
	c.names = append(c.names, ev.Object.Name)
	c.cond.Broadcast()
	c.mu.Unlock()
}

func (c *collector) waitN(t *testing.T, n int) []string {
	t.Helper()
	timer := time.AfterFunc(10*time.Second, func() {
		c.mu.Lock()
		c.cond.Broadcast()
		c.mu.Unlock()
	})
	defer timer.Stop()
	deadline := time.Now().Add(10 * time.Second)
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.names) < n {
		if time.Now().After(deadline) {
			t.Fatalf("got %d events, want %d", len(c.names), n)
		}
		c.cond.Wait()
	}
	return slices.Clone(c.names)
}

func TestFanoutSlowHandlerDoesNotBlockPublish(t *testing.T) {
	var f Fanout
	slow := newCollector()
	slow.gate = make(chan struct{})
	f.Watch(slow.handle)
	var want []string
	for i := range 1000 {
		name := strconv.Itoa(i)
		want = append(want, name)
		f.Publish(event(name)) // would deadlock here if Publish waited for the handler
	}
	if p := f.Pending(); p < 999 {
		t.Errorf("Pending = %d with the handler blocked, want at least 999", p)
	}
	close(slow.gate)
	if got := slow.waitN(t, 1000); !slices.Equal(got, want) {
		t.Errorf("events out of order")
	}
}

func TestFanoutOnlyLaterEvents(t *testing.T) {
	var f Fanout
	a := newCollector()
	a.gate = make(chan struct{})
	f.Watch(a.handle)
	f.Publish(event("e1"))
	b := newCollector()
	f.Watch(b.handle)
	f.Publish(event("e2"))
	close(a.gate)
	if got := a.waitN(t, 2); !slices.Equal(got, []string{"e1", "e2"}) {
		t.Errorf("first watcher got %v", got)
	}
	if got := b.waitN(t, 1); !slices.Equal(got, []string{"e2"}) {
		t.Errorf("watcher registered after e1 got %v, want only e2", got)
	}
}

func TestFanoutCancelFromHandler(t *testing.T) {
	var f Fanout
	var got []string
	var cancel func()
	cancel = f.Watch(func(ev store.Event) {
		got = append(got, ev.Object.Name) // only the drain goroutine writes
		cancel()
	})
	after := newCollector()
	f.Watch(after.handle)
	f.Publish(event("e1"), event("e2"), event("e3"))
	after.waitN(t, 3)
	if !slices.Equal(got, []string{"e1"}) {
		t.Errorf("handler that cancelled itself got %v, want [e1]", got)
	}
}
