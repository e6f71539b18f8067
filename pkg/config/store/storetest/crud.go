package storetest

import (
	"slices"
	"testing"

	"google.golang.org/protobuf/proto"
	networking "istio.io/api/networking/v1alpha3"

	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/store"
)

func testCreateGetList(t *testing.T, s store.Store) {
	vs := networkingGK(virtualServiceKind)
	objs := []*config.Object{
		virtualService(NamespaceB, "b1"),
		virtualService(NamespaceA, "a2"),
		virtualService(NamespaceA, "a1"),
		destinationRule(NamespaceA, "a1"),
	}
	for _, obj := range objs {
		created := mustCreate(t, s, obj)
		sameObject(t, created, obj)
		if created.GVK.GroupKind() != obj.GVK.GroupKind() {
			t.Errorf("Create(%s) returned kind %s", obj.Key(), created.GVK.GroupKind())
		}
		got := mustGet(t, s, obj.Key())
		sameObject(t, got, obj)
		if got.ResourceVersion != created.ResourceVersion {
			t.Errorf("Get(%s) right after Create: resource version %q, Create returned %q", obj.Key(), got.ResourceVersion, created.ResourceVersion)
		}
	}
	key := func(gk config.GroupKind, ns, name string) config.Key {
		return config.Key{GroupKind: gk, Namespace: ns, Name: name}
	}
	for _, c := range []struct {
		gk   config.GroupKind
		ns   string
		want []config.Key
	}{
		{vs, NamespaceA, []config.Key{key(vs, NamespaceA, "a1"), key(vs, NamespaceA, "a2")}},
		{vs, NamespaceB, []config.Key{key(vs, NamespaceB, "b1")}},
		{vs, "", []config.Key{key(vs, NamespaceA, "a1"), key(vs, NamespaceA, "a2"), key(vs, NamespaceB, "b1")}},
		{networkingGK(destinationRuleKind), "", []config.Key{key(networkingGK(destinationRuleKind), NamespaceA, "a1")}},
		{networkingGK(gatewayKind), "", nil},
		{vs, "no-such-namespace", nil},
	} {
		got := mustList(t, s, c.gk, c.ns)
		if !slices.Equal(keys(got), c.want) {
			t.Errorf("List(%s, %q) = %v, want %v", c.gk, c.ns, keys(got), c.want)
		}
	}
	for _, obj := range mustList(t, s, vs, "") {
		if obj.ResourceVersion == "" {
			t.Errorf("List returned %s without a resource version", obj.Key())
		}
	}
}

func testCreateDuplicate(t *testing.T, s store.Store) {
	created := mustCreate(t, s, virtualService(NamespaceA, "dup"))
	other := virtualService(NamespaceA, "dup")
	other.Spec.(*networking.VirtualService).Hosts = []string{"other.example.com"}
	_, err := s.Create(t.Context(), other)
	wantErr(t, "second Create", err, store.ErrAlreadyExists)
	got := mustGet(t, s, created.Key())
	sameObject(t, got, created)
	if got.ResourceVersion != created.ResourceVersion {
		t.Errorf("failed Create changed the resource version from %q to %q", created.ResourceVersion, got.ResourceVersion)
	}
	// The same name in another namespace or of another kind is distinct.
	mustCreate(t, s, virtualService(NamespaceB, "dup"))
	mustCreate(t, s, destinationRule(NamespaceA, "dup"))
}

func testGetMissing(t *testing.T, s store.Store) {
	_, err := s.Get(networkingGK(virtualServiceKind), NamespaceA, "missing")
	wantErr(t, "Get of a missing object", err, store.ErrNotFound)
	mustCreate(t, s, virtualService(NamespaceA, "present"))
	_, err = s.Get(networkingGK(virtualServiceKind), NamespaceB, "present")
	wantErr(t, "Get in the wrong namespace", err, store.ErrNotFound)
	_, err = s.Get(networkingGK(destinationRuleKind), NamespaceA, "present")
	wantErr(t, "Get of the wrong kind", err, store.ErrNotFound)
}

// changed returns a copy of obj with a different spec and label.
func changed(obj *config.Object, host string) *config.Object {
	c := obj.DeepCopy()
	c.Spec.(*networking.VirtualService).Hosts = []string{host}
	c.Labels["changed"] = host
	return c
}

func testUpdateWithVersion(t *testing.T, s store.Store) {
	created := mustCreate(t, s, virtualService(NamespaceA, "upd"))
	want := changed(created, "v2.example.com")
	updated := mustUpdate(t, s, want)
	sameObject(t, updated, want)
	if updated.ResourceVersion == created.ResourceVersion {
		t.Errorf("Update kept resource version %q", created.ResourceVersion)
	}
	got := mustGet(t, s, created.Key())
	sameObject(t, got, want)
	if got.ResourceVersion != updated.ResourceVersion {
		t.Errorf("Get after Update: resource version %q, Update returned %q", got.ResourceVersion, updated.ResourceVersion)
	}
	// The new version is the one to update from.
	want3 := changed(updated, "v3.example.com")
	sameObject(t, mustUpdate(t, s, want3), want3)
}

func testUpdateStale(t *testing.T, s store.Store) {
	created := mustCreate(t, s, virtualService(NamespaceA, "stale"))
	v2 := changed(created, "v2.example.com")
	updated := mustUpdate(t, s, v2)
	_, err := s.Update(t.Context(), changed(created, "lost.example.com"))
	wantErr(t, "Update from a stale version", err, store.ErrConflict)
	got := mustGet(t, s, created.Key())
	sameObject(t, got, v2)
	if got.ResourceVersion != updated.ResourceVersion {
		t.Errorf("failed Update changed the resource version from %q to %q", updated.ResourceVersion, got.ResourceVersion)
	}
}

func testUpdateUnconditional(t *testing.T, s store.Store) {
	created := mustCreate(t, s, virtualService(NamespaceA, "uncond"))
	mustUpdate(t, s, changed(created, "v2.example.com")) // created is now stale
	want := changed(created, "v3.example.com")
	want.ResourceVersion = ""
	updated := mustUpdate(t, s, want)
	sameObject(t, updated, want)
	if updated.ResourceVersion == "" || updated.ResourceVersion == created.ResourceVersion {
		t.Errorf("unconditional Update returned resource version %q (created at %q)", updated.ResourceVersion, created.ResourceVersion)
	}
	sameObject(t, mustGet(t, s, want.Key()), want)
}

func testUpdateMissing(t *testing.T, s store.Store) {
	_, err := s.Update(t.Context(), virtualService(NamespaceA, "missing"))
	wantErr(t, "unconditional Update of a missing object", err, store.ErrNotFound)
	created := mustCreate(t, s, virtualService(NamespaceA, "gone"))
	if err := s.Delete(t.Context(), created.Key(), ""); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	_, err = s.Update(t.Context(), changed(created, "v2.example.com"))
	wantErr(t, "Update of a deleted object with its last version", err, store.ErrNotFound)
	_, err = s.Get(created.Key().GroupKind, created.Namespace, created.Name)
	wantErr(t, "Get after a failed Update", err, store.ErrNotFound)
}

// testUpdateIdentical pins down the contract's choice for updates that
// change nothing: like the Kubernetes API server, the store keeps the
// resource version and sends no event.
func testUpdateIdentical(t *testing.T, s store.Store) {
	r := Record(t, s)
	created := mustCreate(t, s, virtualService(NamespaceA, "same"))
	got := mustUpdate(t, s, created.DeepCopy())
	if got.ResourceVersion != created.ResourceVersion {
		t.Errorf("Update with identical content changed the resource version from %q to %q", created.ResourceVersion, got.ResourceVersion)
	}
	uncond := created.DeepCopy()
	uncond.ResourceVersion = ""
	got = mustUpdate(t, s, uncond)
	if got.ResourceVersion != created.ResourceVersion {
		t.Errorf("unconditional Update with identical content changed the resource version from %q to %q", created.ResourceVersion, got.ResourceVersion)
	}
	if rv := mustGet(t, s, created.Key()).ResourceVersion; rv != created.ResourceVersion {
		t.Errorf("Get after identical Updates: resource version %q, want %q", rv, created.ResourceVersion)
	}
	barrier(t, s, "same-barrier", r)
	if evs := forKey(r.Events(), created.Key()); len(evs) != 1 || evs[0].Type != store.Added {
		t.Errorf("events for %s = \n%s want only the Added one", created.Key(), describeEvents(evs))
	}
}

func testDeleteStale(t *testing.T, s store.Store) {
	created := mustCreate(t, s, virtualService(NamespaceA, "del-stale"))
	updated := mustUpdate(t, s, changed(created, "v2.example.com"))
	err := s.Delete(t.Context(), created.Key(), created.ResourceVersion)
	wantErr(t, "Delete from a stale version", err, store.ErrConflict)
	got := mustGet(t, s, created.Key())
	if got.ResourceVersion != updated.ResourceVersion {
		t.Errorf("after a failed Delete: resource version %q, want %q", got.ResourceVersion, updated.ResourceVersion)
	}
}

func testDelete(t *testing.T, s store.Store) {
	r := Record(t, s)
	created := mustCreate(t, s, virtualService(NamespaceA, "del"))
	keep := mustCreate(t, s, virtualService(NamespaceA, "keep"))
	other := mustCreate(t, s, destinationRule(NamespaceA, "del"))
	if err := s.Delete(t.Context(), created.Key(), created.ResourceVersion); err != nil {
		t.Fatalf("Delete with the current version: %v", err)
	}
	_, err := s.Get(created.Key().GroupKind, created.Namespace, created.Name)
	wantErr(t, "Get after Delete", err, store.ErrNotFound)
	if got := keys(mustList(t, s, created.Key().GroupKind, "")); !slices.Equal(got, []config.Key{keep.Key()}) {
		t.Errorf("List after Delete = %v, want %v", got, []config.Key{keep.Key()})
	}
	wantErr(t, "second Delete", s.Delete(t.Context(), created.Key(), ""), store.ErrNotFound)

	evs := forKey(r.WaitFor(t, store.Deleted, created.Key()), created.Key())
	if len(evs) != 2 || evs[0].Type != store.Added || evs[1].Type != store.Deleted {
		t.Fatalf("events for %s =\n%s want Added, Deleted", created.Key(), describeEvents(evs))
	}
	sameObject(t, evs[1].Object, created)
	if evs[1].Old != nil {
		t.Errorf("Deleted event has Old = %s, want nil", evs[1].Old)
	}

	// Unconditional delete; the DestinationRule of the same name is kept.
	if err := s.Delete(t.Context(), keep.Key(), ""); err != nil {
		t.Fatalf("unconditional Delete: %v", err)
	}
	r.WaitFor(t, store.Deleted, keep.Key())
	sameObject(t, mustGet(t, s, other.Key()), other)
}

func testUnknownKind(t *testing.T, s store.Store) {
	gk := unknownGK()
	for _, k := range s.Kinds() {
		if k.GroupKind() == gk {
			t.Fatalf("Kinds() holds %s, which the suite uses as unknown", gk)
		}
	}
	for _, kind := range []string{virtualServiceKind, destinationRuleKind, gatewayKind, serviceEntryKind, workloadEntryKind} {
		if !slices.ContainsFunc(s.Kinds(), func(k config.Kind) bool { return k.GroupKind() == networkingGK(kind) }) {
			t.Errorf("Kinds() lacks %s", networkingGK(kind))
		}
	}
	obj := &config.Object{Meta: config.Meta{
		GVK:       config.GroupVersionKind{Group: gk.Group, Version: "v1", Kind: gk.Kind},
		Namespace: NamespaceA, Name: "w",
	}, Spec: &networking.VirtualService{}}
	_, err := s.Get(gk, NamespaceA, "w")
	wantErr(t, "Get", err, store.ErrUnknownKind)
	_, err = s.List(gk, "")
	wantErr(t, "List", err, store.ErrUnknownKind)
	_, err = s.Create(t.Context(), obj)
	wantErr(t, "Create", err, store.ErrUnknownKind)
	_, err = s.Update(t.Context(), obj)
	wantErr(t, "Update", err, store.ErrUnknownKind)
	wantErr(t, "Delete", s.Delete(t.Context(), obj.Key(), ""), store.ErrUnknownKind)
}

func testInvalid(t *testing.T, s store.Store) {
	for _, c := range []struct {
		name   string
		mutate func(o *config.Object)
	}{
		{"no name", func(o *config.Object) { o.Name = "" }},
		{"bad name", func(o *config.Object) { o.Name = "Not_A_Name" }},
		{"no namespace", func(o *config.Object) { o.Namespace = "" }},
		{"unserved version", func(o *config.Object) { o.GVK.Version = "v9" }},
		{"wrong spec type", func(o *config.Object) { o.Spec = &networking.DestinationRule{Host: "x"} }},
	} {
		obj := virtualService(NamespaceA, "invalid")
		c.mutate(obj)
		_, err := s.Create(t.Context(), obj)
		wantErr(t, "Create with "+c.name, err, store.ErrInvalid)
	}
	if got := mustList(t, s, networkingGK(virtualServiceKind), ""); len(got) != 0 {
		t.Errorf("invalid objects were stored: %v", keys(got))
	}
	created := mustCreate(t, s, virtualService(NamespaceA, "valid"))
	bad := created.DeepCopy()
	bad.Spec = &networking.Gateway{}
	_, err := s.Update(t.Context(), bad)
	wantErr(t, "Update with the wrong spec type", err, store.ErrInvalid)
	sameObject(t, mustGet(t, s, created.Key()), created)
}

func testNilSpec(t *testing.T, s store.Store) {
	obj := virtualService(NamespaceA, "empty")
	obj.Spec = nil
	mustCreate(t, s, obj)
	got := mustGet(t, s, obj.Key())
	if !proto.Equal(got.Spec, &networking.VirtualService{}) {
		t.Errorf("object created with a nil spec has spec %s, want an empty VirtualService", text(got.Spec))
	}
}
