package storetest

import (
	"errors"
	"testing"

	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/store"
)

// Harness makes the stores the suite tests.
type Harness struct {
	// New returns a store for one subtest: running, synced, empty, and
	// holding at least the networking.istio.io kinds. It must stop the
	// store when t ends (t.Cleanup). Subtests do not run in parallel, so a
	// harness backed by shared state (a directory, an API server) may
	// clear it here.
	New func(t *testing.T) store.Store
}

// Run runs the conformance suite, one subtest per behaviour of the
// store.Store contract, each on a fresh store from h.
func Run(t *testing.T, h Harness) {
	cases := []struct {
		name string
		run  func(t *testing.T, s store.Store)
	}{
		{"CreateGetList", testCreateGetList},
		{"CreateDuplicate", testCreateDuplicate},
		{"GetMissing", testGetMissing},
		{"UpdateWithVersion", testUpdateWithVersion},
		{"UpdateStaleVersion", testUpdateStale},
		{"UpdateUnconditional", testUpdateUnconditional},
		{"UpdateMissing", testUpdateMissing},
		{"UpdateIdenticalIsNoop", testUpdateIdentical},
		{"DeleteStaleVersion", testDeleteStale},
		{"Delete", testDelete},
		{"UnknownKind", testUnknownKind},
		{"Invalid", testInvalid},
		{"NilSpecIsEmpty", testNilSpec},
		{"WatchOrder", testWatchOrder},
		{"WatchNoReplay", testWatchNoReplay},
		{"WatchCancel", testWatchCancel},
		{"TwoWatchers", testTwoWatchers},
		{"NoAliasing", testNoAliasing},
		{"RoundTrip", testRoundTrip},
		{"ConcurrentWriters", testConcurrentWriters},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := h.New(t)
			if !s.HasSynced() {
				t.Fatal("harness returned a store that has not synced")
			}
			c.run(t, s)
		})
	}
}

func mustCreate(t testing.TB, s store.Store, obj *config.Object) *config.Object {
	t.Helper()
	got, err := s.Create(t.Context(), obj)
	if err != nil {
		t.Fatalf("Create(%s): %v", obj.Key(), err)
	}
	if got.ResourceVersion == "" {
		t.Fatalf("Create(%s) returned no resource version", obj.Key())
	}
	return got
}

func mustUpdate(t testing.TB, s store.Store, obj *config.Object) *config.Object {
	t.Helper()
	got, err := s.Update(t.Context(), obj)
	if err != nil {
		t.Fatalf("Update(%s, rv %q): %v", obj.Key(), obj.ResourceVersion, err)
	}
	return got
}

func mustGet(t testing.TB, s store.Store, key config.Key) *config.Object {
	t.Helper()
	got, err := s.Get(key.GroupKind, key.Namespace, key.Name)
	if err != nil {
		t.Fatalf("Get(%s): %v", key, err)
	}
	return got
}

func mustList(t testing.TB, s store.Store, gk config.GroupKind, namespace string) []*config.Object {
	t.Helper()
	got, err := s.List(gk, namespace)
	if err != nil {
		t.Fatalf("List(%s, %q): %v", gk, namespace, err)
	}
	return got
}

func wantErr(t testing.TB, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: error = %v, want one wrapping %q", what, err, want)
	}
}

// barrier creates a VirtualService named name and waits until every
// recorder has its Added event. Stores deliver the events of one kind in
// order, so any VirtualService event caused before the barrier has been
// delivered once it returns.
func barrier(t testing.TB, s store.Store, name string, rs ...*Recorder) {
	t.Helper()
	obj := mustCreate(t, s, virtualService(NamespaceA, name))
	for _, r := range rs {
		r.WaitFor(t, store.Added, obj.Key())
	}
}
