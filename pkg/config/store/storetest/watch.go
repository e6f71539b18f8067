package storetest

import (
	"testing"

	networking "istio.io/api/networking/v1alpha3"

	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/store"
)

func testWatchOrder(t *testing.T, s store.Store) {
	r := Record(t, s)
	created := mustCreate(t, s, virtualService(NamespaceA, "watched"))
	updated := mustUpdate(t, s, changed(created, "v2.example.com"))
	if err := s.Delete(t.Context(), created.Key(), updated.ResourceVersion); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	evs := forKey(r.WaitFor(t, store.Deleted, created.Key()), created.Key())
	if len(evs) != 3 || evs[0].Type != store.Added || evs[1].Type != store.Updated || evs[2].Type != store.Deleted {
		t.Fatalf("events =\n%s want Added, Updated, Deleted", describeEvents(evs))
	}
	add, upd, del := evs[0], evs[1], evs[2]
	sameObject(t, add.Object, created)
	if add.Object.ResourceVersion != created.ResourceVersion {
		t.Errorf("Added event at version %q, Create returned %q", add.Object.ResourceVersion, created.ResourceVersion)
	}
	if add.Old != nil {
		t.Errorf("Added event has Old = %s, want nil", add.Old)
	}
	sameObject(t, upd.Object, updated)
	if upd.Object.ResourceVersion != updated.ResourceVersion {
		t.Errorf("Updated event at version %q, Update returned %q", upd.Object.ResourceVersion, updated.ResourceVersion)
	}
	if upd.Old == nil {
		t.Fatal("Updated event has no Old")
	}
	sameObject(t, upd.Old, created)
	if upd.Old.ResourceVersion != created.ResourceVersion {
		t.Errorf("Updated event's Old at version %q, want %q", upd.Old.ResourceVersion, created.ResourceVersion)
	}
	sameObject(t, del.Object, updated)
	if del.Old != nil {
		t.Errorf("Deleted event has Old = %s, want nil", del.Old)
	}
	r.checkNoOverlap(t)
}

// testWatchNoReplay checks that Watch reports only later changes.
func testWatchNoReplay(t *testing.T, s store.Store) {
	before := mustCreate(t, s, virtualService(NamespaceA, "before"))
	r := Record(t, s)
	barrier(t, s, "after", r)
	if evs := forKey(r.Events(), before.Key()); len(evs) != 0 {
		t.Errorf("Watch replayed an existing object:\n%s", describeEvents(evs))
	}
}

func testWatchCancel(t *testing.T, s store.Store) {
	cancelled := NewRecorder()
	cancel := s.Watch(cancelled.Handle)
	r := Record(t, s)
	first := mustCreate(t, s, virtualService(NamespaceA, "first"))
	cancelled.WaitFor(t, store.Added, first.Key())
	r.WaitFor(t, store.Added, first.Key())

	cancel()
	cancel() // a second call is harmless
	mustUpdate(t, s, changed(first, "v2.example.com"))
	second := mustCreate(t, s, virtualService(NamespaceA, "second"))
	// Events are delivered in order, so once r has the second Added the
	// cancelled handler would have had the Updated by now.
	r.WaitFor(t, store.Added, second.Key())
	if evs := cancelled.Events(); len(evs) != 1 {
		t.Errorf("cancelled handler got events after cancel:\n%s", describeEvents(evs[1:]))
	}
}

func testTwoWatchers(t *testing.T, s store.Store) {
	r1, r2 := Record(t, s), Record(t, s)
	created := mustCreate(t, s, virtualService(NamespaceA, "both"))
	updated := mustUpdate(t, s, changed(created, "v2.example.com"))
	if err := s.Delete(t.Context(), created.Key(), ""); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	type seen struct {
		typ store.EventType
		rv  string
	}
	want := []seen{{store.Added, created.ResourceVersion}, {store.Updated, updated.ResourceVersion}, {store.Deleted, ""}}
	for i, r := range []*Recorder{r1, r2} {
		evs := forKey(r.WaitFor(t, store.Deleted, created.Key()), created.Key())
		if len(evs) != len(want) {
			t.Errorf("watcher %d got\n%s want Added, Updated, Deleted", i+1, describeEvents(evs))
			continue
		}
		for j, ev := range evs {
			got := seen{ev.Type, ev.Object.ResourceVersion}
			if ev.Type == store.Deleted {
				got.rv = "" // the version a delete carries is the store's business
			}
			if got != want[j] {
				t.Errorf("watcher %d event %d = %v, want %v", i+1, j, got, want[j])
			}
		}
	}
}

// testNoAliasing checks that nothing a caller holds, whether given to or
// returned by the store, shares memory with what the store keeps.
func testNoAliasing(t *testing.T, s store.Store) {
	in := virtualService(NamespaceA, "alias")
	want := in.DeepCopy()
	created := mustCreate(t, s, in)
	scribble := func(o *config.Object) {
		vs := o.Spec.(*networking.VirtualService)
		vs.Hosts[0] = "scribbled.example.com"
		vs.Http[0].Route[0].Weight = 1
		vs.Http[0].Match[0].Headers["x-user"] = nil
		o.Labels["app"] = "scribbled"
		o.Annotations["scribbled"] = "yes"
	}
	scribble(in)
	scribble(created)
	got := mustGet(t, s, want.Key())
	sameObject(t, got, want)
	scribble(got)
	listed := mustList(t, s, want.Key().GroupKind, NamespaceA)
	if len(listed) != 1 {
		t.Fatalf("List returned %d objects, want 1", len(listed))
	}
	sameObject(t, listed[0], want)
	scribble(listed[0])
	sameObject(t, mustGet(t, s, want.Key()), want)

	v2 := changed(mustGet(t, s, want.Key()), "v2.example.com")
	wantV2 := v2.DeepCopy()
	updated := mustUpdate(t, s, v2)
	scribble(v2)
	scribble(updated)
	sameObject(t, mustGet(t, s, want.Key()), wantV2)
}
