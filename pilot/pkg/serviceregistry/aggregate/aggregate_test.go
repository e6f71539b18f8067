package aggregate

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/sailmesh/sail/pilot/pkg/model"
)

// fake is a fixed model.Registry; emit sends an event to its handlers.
type fake struct {
	name      string
	services  []*model.Service
	instances []*model.Instance

	mu       sync.Mutex
	handlers []func(model.Event)
}

func newFake(services []*model.Service, insts ...*model.Instance) *fake {
	return &fake{services: services, instances: insts}
}

func (f *fake) Services() []*model.Service { return slices.Clone(f.services) }

func (f *fake) Service(h string) *model.Service {
	for _, s := range f.services {
		if s.Hostname == h {
			return s
		}
	}
	return nil
}

func (f *fake) Instances(h string, port uint32) []*model.Instance {
	var out []*model.Instance
	for _, in := range f.instances {
		if in.Service.Hostname == h && (port == 0 || in.ServicePort.Number == port) {
			out = append(out, in)
		}
	}
	return out
}

func (f *fake) InstancesByIP(ip string) []*model.Instance {
	var out []*model.Instance
	for _, in := range f.instances {
		if in.Endpoint.Address == ip {
			out = append(out, in)
		}
	}
	slices.SortFunc(out, func(a, b *model.Instance) int { return cmp.Compare(a.Service.Hostname, b.Service.Hostname) })
	return out
}

func (f *fake) AppendHandler(h func(model.Event)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.handlers = append(f.handlers, h)
}

func (f *fake) emit(ev model.Event) {
	f.mu.Lock()
	hs := slices.Clone(f.handlers)
	f.mu.Unlock()
	for _, h := range hs {
		h(ev)
	}
}

func svc(host, vip string) *model.Service {
	return &model.Service{Hostname: host, Address: vip, Ports: []model.Port{{Name: "http", Number: 80, Protocol: model.HTTP}, {Name: "tcp", Number: 90, Protocol: model.TCP}}}
}

func inst(s *model.Service, port uint32, ip string) *model.Instance {
	p, _ := s.GetPortByNumber(port)
	return &model.Instance{Service: s, ServicePort: p, Endpoint: model.Endpoint{Address: ip, Port: port}}
}

// describe renders instances as "host:port@ip", in order.
func describe(insts []*model.Instance) []string {
	out := []string{}
	for _, in := range insts {
		out = append(out, fmt.Sprintf("%s:%d@%s", in.Service.Hostname, in.ServicePort.Number, in.Endpoint.Address))
	}
	return out
}

func TestReads(t *testing.T) {
	// kube: reviews, ratings; se: a shadowed "reviews", and external.
	reviews, ratings := svc("reviews.default.svc.cluster.local", "10.0.0.1"), svc("ratings.default.svc.cluster.local", "10.0.0.2")
	seReviews, ext := svc("reviews.default.svc.cluster.local", "240.240.0.1"), svc("api.example.com", "240.240.0.2")
	kube := newFake([]*model.Service{ratings, reviews},
		inst(reviews, 80, "1.1.1.1"), inst(reviews, 90, "1.1.1.1"), inst(ratings, 80, "1.1.1.2"))
	se := newFake([]*model.Service{ext, seReviews},
		inst(seReviews, 80, "1.1.1.1"), inst(seReviews, 80, "9.9.9.9"), inst(ext, 80, "1.1.1.1"))
	a := New(kube, se)

	var hosts []string
	for _, s := range a.Services() {
		hosts = append(hosts, s.Hostname)
	}
	if want := []string{"api.example.com", ratings.Hostname, reviews.Hostname}; !slices.Equal(hosts, want) {
		t.Errorf("Services() = %v, want %v", hosts, want)
	}

	for _, tc := range []struct {
		name string
		got  any
		want any
	}{
		{"Service(reviews) is kube's", a.Service(reviews.Hostname), reviews},
		{"Service(api) from se", a.Service(ext.Hostname), ext},
		{"Service(unknown)", a.Service("nope"), (*model.Service)(nil)},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, tc.got, tc.want)
		}
	}

	for _, tc := range []struct {
		name string
		got  []*model.Instance
		want []string
	}{
		{"Instances(reviews, all) only kube's", a.Instances(reviews.Hostname, 0), []string{reviews.Hostname + ":80@1.1.1.1", reviews.Hostname + ":90@1.1.1.1"}},
		{"Instances(reviews, 90)", a.Instances(reviews.Hostname, 90), []string{reviews.Hostname + ":90@1.1.1.1"}},
		{"Instances(api)", a.Instances(ext.Hostname, 80), []string{ext.Hostname + ":80@1.1.1.1"}},
		{"Instances(unknown)", a.Instances("nope", 0), []string{}},
		{"InstancesByIP merged, shadowed dropped", a.InstancesByIP("1.1.1.1"), []string{
			ext.Hostname + ":80@1.1.1.1", reviews.Hostname + ":80@1.1.1.1", reviews.Hostname + ":90@1.1.1.1"}},
		{"InstancesByIP only shadowed", a.InstancesByIP("9.9.9.9"), []string{}},
		{"InstancesByIP unknown", a.InstancesByIP("8.8.8.8"), []string{}},
	} {
		if got := describe(tc.got); !slices.Equal(got, tc.want) {
			t.Errorf("%s = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestEmpty(t *testing.T) {
	a := New()
	if len(a.Services()) != 0 || a.Service("x") != nil || len(a.Instances("x", 0)) != 0 || len(a.InstancesByIP("1.1.1.1")) != 0 {
		t.Error("empty aggregate is not empty")
	}
	a.AppendHandler(func(model.Event) { t.Error("handler called") })
}

func TestHandlersFanOutOneAtATime(t *testing.T) {
	r1, r2 := newFake(nil), newFake(nil)
	r1.name, r2.name = "r1", "r2"
	a := New(r1, r2)
	var (
		inside atomic.Int32
		mu     sync.Mutex
		got    []string
	)
	a.AppendHandler(func(ev model.Event) {
		if inside.Add(1) != 1 {
			t.Error("handlers ran concurrently")
		}
		mu.Lock()
		got = append(got, ev.Hostnames[0])
		mu.Unlock()
		inside.Add(-1)
	})
	const n = 200
	var wg sync.WaitGroup
	for _, f := range []*fake{r1, r2} {
		wg.Go(func() {
			for range n {
				f.emit(model.Event{Kind: model.EndpointsChange, Hostnames: []string{f.name}})
			}
		})
	}
	wg.Wait()
	counts := map[string]int{}
	for _, h := range got {
		counts[h]++
	}
	if counts["r1"] != n || counts["r2"] != n {
		t.Errorf("events per registry = %v, want %d each", counts, n)
	}
}
