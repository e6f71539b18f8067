package serviceentry

import (
	"context"
	"testing"
	"time"

	networking "istio.io/api/networking/v1alpha3"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/store/memory"
)

func seObj(ns, name string, spec *networking.ServiceEntry) *config.Object {
	return &config.Object{Meta: config.Meta{
		GVK:  config.GroupVersionKind{Group: config.NetworkingGroup, Version: "v1alpha3", Kind: "ServiceEntry"},
		Name: name, Namespace: ns,
	}, Spec: spec}
}

func weObj(ns, name string, spec *networking.WorkloadEntry) *config.Object {
	return &config.Object{Meta: config.Meta{
		GVK:  config.GroupVersionKind{Group: config.NetworkingGroup, Version: "v1alpha3", Kind: "WorkloadEntry"},
		Name: name, Namespace: ns,
	}, Spec: spec}
}

func fqdn(svc string) string { return svc + ".default.svc.cluster.local" }

// bookinfoEntry is one BookInfo service as a MESH_INTERNAL STATIC
// ServiceEntry on port 9080 selecting WorkloadEntries by app label.
func bookinfoEntry(app, vip string) *config.Object {
	return seObj("default", app, &networking.ServiceEntry{
		Hosts:            []string{fqdn(app)},
		Addresses:        []string{vip},
		Ports:            []*networking.ServicePort{{Number: 9080, Name: "http", Protocol: "HTTP"}},
		Location:         networking.ServiceEntry_MESH_INTERNAL,
		Resolution:       networking.ServiceEntry_STATIC,
		WorkloadSelector: &networking.WorkloadSelector{Labels: map[string]string{"app": app}},
	})
}

func bookinfoWorkload(app, version, ip string) *config.Object {
	return weObj("default", app+"-"+version, &networking.WorkloadEntry{
		Address:        ip,
		Labels:         map[string]string{"app": app, "version": version},
		ServiceAccount: "bookinfo-" + app,
		Locality:       "us-east1/us-east1-b",
	})
}

// bookinfo returns BookInfo's ServiceEntries and WorkloadEntries.
func bookinfo() (ses, wes []*config.Object) {
	ses = []*config.Object{
		bookinfoEntry("productpage", "10.96.0.10"),
		bookinfoEntry("details", "10.96.0.11"),
		bookinfoEntry("reviews", "10.96.0.12"),
		bookinfoEntry("ratings", "10.96.0.13"),
	}
	wes = []*config.Object{
		bookinfoWorkload("productpage", "v1", "10.0.0.1"),
		bookinfoWorkload("details", "v1", "10.0.0.2"),
		bookinfoWorkload("reviews", "v1", "10.0.0.3"),
		bookinfoWorkload("reviews", "v2", "10.0.0.4"),
		bookinfoWorkload("reviews", "v3", "10.0.0.5"),
		bookinfoWorkload("ratings", "v1", "10.0.0.6"),
	}
	return ses, wes
}

// harness is a running registry over a memory store.
type harness struct {
	store  *memory.Store
	reg    *Registry
	events chan model.Event
}

func newHarness(t *testing.T, objs ...*config.Object) *harness {
	t.Helper()
	h := &harness{store: memory.New(config.IstioKinds()), events: make(chan model.Event, 1000)}
	for _, o := range objs {
		h.create(t, o)
	}
	reg, err := New(h.store, Options{})
	if err != nil {
		t.Fatal(err)
	}
	h.reg = reg
	reg.AppendHandler(func(e model.Event) { h.events <- e })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := reg.Run(ctx); err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return h
}

func (h *harness) create(t *testing.T, o *config.Object) {
	t.Helper()
	if _, err := h.store.Create(context.Background(), o); err != nil {
		t.Fatal(err)
	}
}

func (h *harness) update(t *testing.T, o *config.Object) {
	t.Helper()
	if _, err := h.store.Update(context.Background(), o); err != nil {
		t.Fatal(err)
	}
}

// next waits for the next registry event.
func (h *harness) next(t *testing.T) model.Event {
	t.Helper()
	select {
	case e := <-h.events:
		return e
	case <-time.After(10 * time.Second):
		t.Fatal("no registry event within 10s")
	}
	return model.Event{}
}
