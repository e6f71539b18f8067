package storetest

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/store"
)

const (
	writers    = 8
	perWriter  = 25
	increments = 5 // per writer, on one shared object
	maxRetries = 1000
)

// testConcurrentWriters has writers create objects and increment a shared
// counter (optimistic concurrency: Get, Update with its version, retry on
// ErrConflict) at the same time. It then checks that List is complete and
// sorted, that every object had exactly one Added event, and that the
// counter lost no increment and reported each one in order.
func testConcurrentWriters(t *testing.T, s store.Store) {
	r := Record(t, s)
	counter := virtualService(NamespaceA, "counter")
	counter.Labels["count"] = "0"
	counter = mustCreate(t, s, counter)

	want := map[config.Key]bool{}
	var wg sync.WaitGroup
	for w := range writers {
		for i := range perWriter {
			ns := []string{NamespaceA, NamespaceB}[i%2]
			want[virtualService(ns, fmt.Sprintf("w%d-%d", w, i)).Key()] = true
		}
		wg.Go(func() {
			for i := range perWriter {
				ns := []string{NamespaceA, NamespaceB}[i%2]
				if _, err := s.Create(t.Context(), virtualService(ns, fmt.Sprintf("w%d-%d", w, i))); err != nil {
					t.Errorf("writer %d: Create: %v", w, err)
				}
				if i%(perWriter/increments) == 0 {
					if err := increment(t, s, counter.Key()); err != nil {
						t.Errorf("writer %d: %v", w, err)
					}
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	listed := mustList(t, s, counter.Key().GroupKind, "")
	if !slices.IsSortedFunc(listed, func(a, b *config.Object) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	}) {
		t.Errorf("List is not sorted by namespace and name: %v", keys(listed))
	}
	got := map[config.Key]bool{}
	for _, o := range listed {
		got[o.Key()] = true
	}
	delete(got, counter.Key())
	if len(got) != len(want) {
		t.Errorf("List holds %d written objects, want %d", len(got), len(want))
	}
	for k := range want {
		if !got[k] {
			t.Errorf("List lacks %s", k)
		}
	}
	total := writers * increments
	if n := mustGet(t, s, counter.Key()).Labels["count"]; n != strconv.Itoa(total) {
		t.Errorf("counter = %s after %d increments", n, total)
	}

	r.WaitUntil(t, fmt.Sprintf("Added events for %d objects", len(want)), func(evs []store.Event) bool {
		n := 0
		for _, ev := range evs {
			if ev.Type == store.Added && want[ev.Object.Key()] {
				n++
			}
		}
		return n >= len(want)
	})
	barrier(t, s, "concurrent-barrier", r)
	evs := r.Events()
	added := map[config.Key]int{}
	var counts []string
	for _, ev := range evs {
		switch k := ev.Object.Key(); {
		case want[k] && ev.Type == store.Added:
			added[k]++
		case want[k]:
			t.Errorf("unexpected %s event for %s", ev.Type, k)
		case k == counter.Key() && ev.Type == store.Updated:
			counts = append(counts, ev.Old.Labels["count"]+"->"+ev.Object.Labels["count"])
		}
	}
	for k, n := range added {
		if n != 1 {
			t.Errorf("%d Added events for %s, want 1", n, k)
		}
	}
	var wantCounts []string
	for i := range total {
		wantCounts = append(wantCounts, strconv.Itoa(i)+"->"+strconv.Itoa(i+1))
	}
	if !slices.Equal(counts, wantCounts) {
		t.Errorf("counter updates = %v, want %v", counts, wantCounts)
	}
	r.checkNoOverlap(t)
}

// increment adds one to the counter's "count" label, retrying on conflict.
func increment(t testing.TB, s store.Store, key config.Key) error {
	for range maxRetries {
		cur, err := s.Get(key.GroupKind, key.Namespace, key.Name)
		if err != nil {
			return fmt.Errorf("increment: %w", err)
		}
		n, err := strconv.Atoi(cur.Labels["count"])
		if err != nil {
			return fmt.Errorf("increment: count label: %w", err)
		}
		next := cur.DeepCopy()
		next.Labels["count"] = strconv.Itoa(n + 1)
		_, err = s.Update(t.Context(), next)
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return fmt.Errorf("increment: %w", err)
		}
		return nil
	}
	return fmt.Errorf("increment: still conflicting after %d attempts", maxRetries)
}
