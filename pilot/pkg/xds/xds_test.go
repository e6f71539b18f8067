package xds

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	discoveryv3 "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	networking "istio.io/api/networking/v1alpha3"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/mesh"
	"github.com/sailmesh/sail/pkg/config/store/memory"
)

const nodeID = "sidecar~10.0.0.1~productpage-1.default~default.svc.cluster.local"

// fakeRegistry is a model.Registry over fixed services and instances that
// can announce a change.
type fakeRegistry struct {
	mu       sync.Mutex
	services []*model.Service
	insts    []*model.Instance
	handlers []func(model.Event)
}

func (r *fakeRegistry) Services() []*model.Service {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.services)
}

func (r *fakeRegistry) Service(h string) *model.Service {
	for _, s := range r.Services() {
		if s.Hostname == h {
			return s
		}
	}
	return nil
}

func (r *fakeRegistry) Instances(h string, port uint32) []*model.Instance {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*model.Instance
	for _, in := range r.insts {
		if in.Service.Hostname == h && (port == 0 || in.ServicePort.Number == port) {
			out = append(out, in)
		}
	}
	return out
}

func (r *fakeRegistry) InstancesByIP(ip string) []*model.Instance {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*model.Instance
	for _, in := range r.insts {
		if in.Endpoint.Address == ip {
			out = append(out, in)
		}
	}
	return out
}

func (r *fakeRegistry) AppendHandler(h func(model.Event)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.handlers = append(r.handlers, h)
}

func bookinfo() *fakeRegistry {
	http := model.Port{Name: "http", Number: 9080, Protocol: model.HTTP}
	pp := &model.Service{Hostname: "productpage.default.svc.cluster.local", Namespace: "default", Address: "240.240.0.1", Ports: []model.Port{http}, Resolution: model.ClientSideLB}
	rv := &model.Service{Hostname: "reviews.default.svc.cluster.local", Namespace: "default", Address: "240.240.0.2", Ports: []model.Port{http}, Resolution: model.ClientSideLB}
	inst := func(svc *model.Service, ip, version string) *model.Instance {
		return &model.Instance{Service: svc, ServicePort: http, Endpoint: model.Endpoint{Address: ip, Port: 9080, Labels: map[string]string{"version": version}}}
	}
	return &fakeRegistry{
		services: []*model.Service{pp, rv},
		insts:    []*model.Instance{inst(pp, "10.0.0.1", "v1"), inst(rv, "10.0.0.2", "v1"), inst(rv, "10.0.0.3", "v2")},
	}
}

func reviewsRule() *config.Object {
	return &config.Object{
		Meta: config.Meta{
			GVK:       config.GroupVersionKind{Group: config.NetworkingGroup, Version: "v1alpha3", Kind: "DestinationRule"},
			Namespace: "default", Name: "reviews",
		},
		Spec: &networking.DestinationRule{Host: "reviews", Subsets: []*networking.Subset{
			{Name: "v1", Labels: map[string]string{"version": "v1"}},
			{Name: "v2", Labels: map[string]string{"version": "v2"}},
		}},
	}
}

func newStore(t *testing.T) *memory.Store {
	t.Helper()
	return memory.New(config.BuiltinRegistry().ConsumedBy(config.Pilot))
}

func TestGenerateIsConsistentAndValid(t *testing.T) {
	st := newStore(t)
	if _, err := st.Create(context.Background(), reviewsRule()); err != nil {
		t.Fatal(err)
	}
	in, err := NewInput(1, bookinfo(), st, mesh.Default())
	if err != nil {
		t.Fatal(err)
	}
	proxy, err := model.ProxyFromNode(nodeID, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, _, err := Generate(in, proxy)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := res.Snapshot("1"); err != nil {
		t.Fatal(err)
	}
	for typ, list := range res {
		for _, r := range list {
			if v, ok := r.(interface{ Validate() error }); ok {
				if err := v.Validate(); err != nil {
					t.Errorf("%s: %v", typ, err)
				}
			}
		}
	}
	var eds []string
	for _, r := range res[resource.EndpointType] {
		eds = append(eds, r.(interface{ GetClusterName() string }).GetClusterName())
	}
	if !slices.Contains(eds, "outbound|9080|v2|reviews.default.svc.cluster.local") {
		t.Errorf("EDS lacks the reviews v2 subset: %v", eds)
	}
	if len(res[resource.RouteType]) != 1 {
		t.Errorf("got %d route configurations, want 1 (9080)", len(res[resource.RouteType]))
	}
}

// connect makes nodeID known to s as a proxy on stream 1.
func connect(t *testing.T, s *Server) {
	t.Helper()
	req := &discoveryv3.DiscoveryRequest{Node: &corev3.Node{Id: nodeID}, TypeUrl: resource.ClusterType}
	if err := s.onStreamRequest(1, req); err != nil {
		t.Fatal(err)
	}
}

func TestPushKeepsVersionWhenNothingChanged(t *testing.T) {
	st := newStore(t)
	s, err := New(bookinfo(), st, mesh.Default(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	connect(t, s)
	if v := s.Version(nodeID); v != "1" {
		t.Fatalf("first version = %q, want 1", v)
	}
	s.push()
	if v := s.Version(nodeID); v != "1" {
		t.Errorf("version after a push without changes = %q, want 1", v)
	}
	if _, err := st.Create(context.Background(), reviewsRule()); err != nil {
		t.Fatal(err)
	}
	s.push()
	if v := s.Version(nodeID); v != "3" {
		t.Errorf("version after a DestinationRule was added = %q, want 3", v)
	}

	s.onStreamClosed(1, nil)
	if v := s.Version(nodeID); v != "" {
		t.Errorf("version after the last stream closed = %q, want none", v)
	}
}

func TestChangesArePushedAfterDebounce(t *testing.T) {
	st := newStore(t)
	s, err := New(bookinfo(), st, mesh.Default(), Options{Debounce: 10 * time.Millisecond, MaxDelay: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	connect(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.pushLoop(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	if _, err := st.Create(context.Background(), reviewsRule()); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for s.Version(nodeID) == "1" {
		if time.Now().After(deadline) {
			t.Fatal("no push within 10s of a DestinationRule change")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestRejectsRouters(t *testing.T) {
	s, err := New(bookinfo(), newStore(t), mesh.Default(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	req := &discoveryv3.DiscoveryRequest{Node: &corev3.Node{Id: "router~10.0.0.9~gw.istio-system~istio-system.svc.cluster.local"}, TypeUrl: resource.ClusterType}
	if err := s.onStreamRequest(1, req); err == nil {
		t.Fatal("a router proxy was accepted")
	}
}

func TestNacksAreCounted(t *testing.T) {
	var tab nackTable
	now := time.Unix(0, 0)
	tab.record("a", resource.ListenerType, "1", "bad", now)
	tab.record("a", resource.RouteType, "2", "worse", now)
	got := tab.snapshot()["a"]
	if want := (Nack{Count: 2, TypeURL: resource.RouteType, Version: "2", Error: "worse", Time: now}); got != want {
		t.Errorf("nack = %+v, want %+v", got, want)
	}
}
