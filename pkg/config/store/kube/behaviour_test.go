package kube_test

import (
	"errors"
	"strings"
	"testing"

	networking "istio.io/api/networking/v1alpha3"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/store"
	"github.com/sailmesh/sail/pkg/config/store/kube"
	"github.com/sailmesh/sail/pkg/config/store/storetest"
)

const vsKind = "VirtualService"

func vsKey(ns, name string) config.Key {
	return config.Key{GroupKind: config.GroupKind{Group: config.NetworkingGroup, Kind: vsKind}, Namespace: ns, Name: name}
}

// vsResource is VirtualServices at version, as another client writes them.
func vsResource(version string) schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: config.NetworkingGroup, Version: version, Resource: "virtualservices"}
}

func vsObject(version, ns, name string, hosts ...string) *unstructured.Unstructured {
	h := make([]any, len(hosts))
	for i, x := range hosts {
		h[i] = x
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": config.NetworkingGroup + "/" + version,
		"kind":       "VirtualService",
		"metadata":   map[string]any{"name": name, "namespace": ns},
		"spec":       map[string]any{"hosts": h},
	}}
}

func hostsOf(obj *config.Object) []string { return obj.Spec.(*networking.VirtualService).Hosts }

// TestOtherClients checks that writes by other clients, at any served
// version, reach the store as events.
func TestOtherClients(t *testing.T) {
	clearObjects(t)
	s := start(t, kube.Options{})
	r := storetest.Record(t, s)
	ctx := t.Context()
	client := env.Dynamic().Resource(vsResource("v1")).Namespace("kube-a")

	created, err := client.Create(ctx, vsObject("v1", "kube-a", "ext", "a.example.com"), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	evs := r.WaitFor(t, store.Added, vsKey("kube-a", "ext"))
	added := evs[len(evs)-1].Object
	if added.ResourceVersion != created.GetResourceVersion() || added.GVK.Version != "v1alpha3" {
		t.Errorf("Added %s, want version %s at the preferred version v1alpha3", added, created.GetResourceVersion())
	}
	if got := hostsOf(added); len(got) != 1 || got[0] != "a.example.com" {
		t.Errorf("hosts = %v", got)
	}

	// The store's conflict error carries the server's message.
	stale := added.DeepCopy()
	next := vsObject("v1", "kube-a", "ext", "b.example.com")
	next.SetResourceVersion(created.GetResourceVersion())
	if _, err := client.Update(ctx, next, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	r.WaitFor(t, store.Updated, vsKey("kube-a", "ext"))
	_, err = s.Update(ctx, stale)
	var status apierrors.APIStatus
	if !errors.Is(err, store.ErrConflict) || !errors.As(err, &status) || !strings.Contains(err.Error(), "modified") {
		t.Errorf("stale Update: %v, want ErrConflict wrapping the server's error", err)
	}

	if err := client.Delete(ctx, "ext", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	r.WaitFor(t, store.Deleted, vsKey("kube-a", "ext"))
}

// TestUndecodable checks that objects the parser rejects are logged with
// their key and skipped, and that an object broken by an update keeps its
// last good version until fixed.
func TestUndecodable(t *testing.T) {
	clearObjects(t)
	s, logs := startLogged(t, kube.Options{})
	r := storetest.Record(t, s)
	ctx := t.Context()
	client := env.Dynamic().Resource(vsResource("v1alpha3")).Namespace("kube-a")

	// generateName is valid Kubernetes that the parser refuses.
	bad := vsObject("v1alpha3", "kube-a", "bad", "bad.example.com")
	bad.SetGenerateName("bad-")
	if _, err := client.Create(ctx, bad, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	good, err := client.Create(ctx, vsObject("v1alpha3", "kube-a", "good", "good.example.com"), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r.WaitFor(t, store.Added, vsKey("kube-a", "good")) // the bad one was handled before
	if _, err := s.Get(vsKey("", "").GroupKind, "kube-a", "bad"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get of an undecodable object: %v, want ErrNotFound", err)
	}
	if len(logs.find("does not decode", "VirtualService/kube-a/bad", "generateName")) == 0 {
		t.Error("no log line names the undecodable object and its problem")
	}

	broken := good.DeepCopy()
	broken.SetGenerateName("good-")
	unstructured.SetNestedStringSlice(broken.Object, []string{"broken.example.com"}, "spec", "hosts")
	if _, err := client.Update(ctx, broken, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	// A barrier: once this Added arrives the broken update has been handled.
	if _, err := client.Create(ctx, vsObject("v1alpha3", "kube-a", "barrier", "x"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	r.WaitFor(t, store.Added, vsKey("kube-a", "barrier"))
	got, err := s.Get(vsKey("", "").GroupKind, "kube-a", "good")
	if err != nil || got.ResourceVersion != good.GetResourceVersion() || hostsOf(got)[0] != "good.example.com" {
		t.Errorf("after a broken update: %v, %v; want the last good version %s", got, err, good.GetResourceVersion())
	}
	if len(logs.find("serving its previous version", "VirtualService/kube-a/good")) == 0 {
		t.Error("no log line for the broken update")
	}

	fixed, err := client.Get(ctx, "good", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	unstructured.RemoveNestedField(fixed.Object, "metadata", "generateName")
	unstructured.SetNestedStringSlice(fixed.Object, []string{"fixed.example.com"}, "spec", "hosts")
	if _, err := client.Update(ctx, fixed, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	evs := r.WaitFor(t, store.Updated, vsKey("kube-a", "good"))
	if ev := evs[len(evs)-1]; hostsOf(ev.Object)[0] != "fixed.example.com" || hostsOf(ev.Old)[0] != "good.example.com" {
		t.Errorf("update after the fix: %v -> %v", hostsOf(ev.Old), hostsOf(ev.Object))
	}
}

// TestNamespaceOption checks a store limited to one namespace.
func TestNamespaceOption(t *testing.T) {
	clearObjects(t)
	all := start(t, kube.Options{})
	one := start(t, kube.Options{Namespace: "kube-a"})
	r := storetest.Record(t, one)
	ctx := t.Context()
	mk := func(ns, name string) *config.Object {
		return &config.Object{Meta: config.Meta{GVK: config.GroupVersionKind{Group: config.NetworkingGroup, Version: "v1", Kind: "VirtualService"},
			Namespace: ns, Name: name}, Spec: &networking.VirtualService{Hosts: []string{name}}}
	}
	if _, err := all.Create(ctx, mk("kube-b", "elsewhere")); err != nil {
		t.Fatal(err)
	}
	if _, err := all.Create(ctx, mk("kube-a", "here")); err != nil {
		t.Fatal(err)
	}
	r.WaitFor(t, store.Added, vsKey("kube-a", "here"))
	listed, err := one.List(vsKey("", "").GroupKind, "")
	if err != nil || len(listed) != 1 || listed[0].Name != "here" {
		t.Errorf("List of a one-namespace store = %v, %v; want only kube-a/here", listed, err)
	}
	if _, err := one.Create(ctx, mk("kube-b", "refused")); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("Create outside the store's namespace: %v, want ErrInvalid", err)
	}
}
