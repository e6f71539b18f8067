package serviceentry

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"

	networking "istio.io/api/networking/v1alpha3"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/store"
	"github.com/sailmesh/sail/pkg/config/store/memory"
)

func TestNewRequiresKinds(t *testing.T) {
	_, err := New(memory.New(config.PolicyKinds()), Options{})
	if !errors.Is(err, store.ErrUnknownKind) {
		t.Fatalf("err = %v, want ErrUnknownKind", err)
	}
}

func TestBookinfo(t *testing.T) {
	ses, wes := bookinfo()
	h := newHarness(t, append(ses, wes...)...)

	var hosts []string
	for _, s := range h.reg.Services() {
		hosts = append(hosts, s.Hostname)
		if s.MeshExternal || s.Resolution != model.ClientSideLB || s.Namespace != "default" {
			t.Errorf("%s: MeshExternal %v, Resolution %v, Namespace %q", s.Hostname, s.MeshExternal, s.Resolution, s.Namespace)
		}
		if want := []model.Port{{Name: "http", Number: 9080, Protocol: model.HTTP}}; !reflect.DeepEqual(s.Ports, want) {
			t.Errorf("%s: ports %v, want %v", s.Hostname, s.Ports, want)
		}
	}
	want := []string{fqdn("details"), fqdn("productpage"), fqdn("ratings"), fqdn("reviews")}
	if !slices.Equal(hosts, want) {
		t.Fatalf("Services() = %v, want %v", hosts, want)
	}

	reviews := h.reg.Service(fqdn("reviews"))
	if reviews.Address != "10.96.0.12" {
		t.Errorf("reviews VIP = %q", reviews.Address)
	}
	if want := []string{"spiffe://cluster.local/ns/default/sa/bookinfo-reviews"}; !slices.Equal(reviews.ServiceAccounts, want) {
		t.Errorf("reviews accounts = %v, want %v", reviews.ServiceAccounts, want)
	}
	if reviews.Attributes.Name != fqdn("reviews") || reviews.Attributes.Namespace != "default" {
		t.Errorf("reviews attributes = %+v", reviews.Attributes)
	}

	insts := h.reg.Instances(fqdn("reviews"), 9080)
	var got []string
	for _, in := range insts {
		if in.Service != reviews || in.ServicePort.Number != 9080 || in.Endpoint.Port != 9080 ||
			in.Endpoint.ServiceAccount != "bookinfo-reviews" || in.Endpoint.Locality != "us-east1/us-east1-b" {
			t.Errorf("instance %+v", in)
		}
		got = append(got, in.Endpoint.Address+" "+in.Endpoint.Labels["version"]+" "+in.Endpoint.UID)
	}
	wantInsts := []string{
		"10.0.0.3 v1 kubernetes://reviews-v1.default",
		"10.0.0.4 v2 kubernetes://reviews-v2.default",
		"10.0.0.5 v3 kubernetes://reviews-v3.default",
	}
	if !slices.Equal(got, wantInsts) {
		t.Errorf("reviews instances = %q, want %q", got, wantInsts)
	}
	if n := len(h.reg.Instances(fqdn("reviews"), 0)); n != 3 {
		t.Errorf("Instances(reviews, 0) has %d, want 3", n)
	}
	if in := h.reg.Instances(fqdn("reviews"), 9090); len(in) != 0 {
		t.Errorf("Instances(reviews, 9090) = %v, want none", in)
	}
	if in := h.reg.Instances("nope.example.com", 0); len(in) != 0 {
		t.Errorf("Instances(unknown) = %v, want none", in)
	}

	byIP := h.reg.InstancesByIP("10.0.0.4")
	if len(byIP) != 1 || byIP[0].Service.Hostname != fqdn("reviews") || byIP[0].Endpoint.Labels["version"] != "v2" {
		t.Errorf("InstancesByIP(10.0.0.4) = %+v", byIP)
	}
	if in := h.reg.InstancesByIP("10.9.9.9"); len(in) != 0 {
		t.Errorf("InstancesByIP(unknown) = %v", in)
	}
}

// A workload serving two services is found under both by its IP.
func TestInstancesByIPAcrossServices(t *testing.T) {
	ses, wes := bookinfo()
	both := bookinfoWorkload("details", "v1", "10.0.0.2")
	both.Spec.(*networking.WorkloadEntry).Labels["role"] = "shared"
	wes[1] = both
	shared := seObj("default", "shared", &networking.ServiceEntry{
		Hosts: []string{fqdn("shared")}, Ports: []*networking.ServicePort{{Number: 7070, Name: "grpc"}},
		Location: networking.ServiceEntry_MESH_INTERNAL, Resolution: networking.ServiceEntry_STATIC,
		WorkloadSelector: &networking.WorkloadSelector{Labels: map[string]string{"role": "shared"}},
	})
	h := newHarness(t, append(append(ses, shared), wes...)...)
	var got []string
	for _, in := range h.reg.InstancesByIP("10.0.0.2") {
		got = append(got, in.Service.Hostname+":"+string(in.ServicePort.Protocol))
	}
	if want := []string{fqdn("details") + ":HTTP", fqdn("shared") + ":GRPC"}; !slices.Equal(got, want) {
		t.Errorf("InstancesByIP = %v, want %v", got, want)
	}
}

func subset(insts []*model.Instance, version string) []string {
	var out []string
	for _, in := range insts {
		if in.Endpoint.Labels["version"] == version {
			out = append(out, in.Endpoint.Address)
		}
	}
	return out
}

func TestLabelChangeMovesInstanceBetweenSubsets(t *testing.T) {
	ses, wes := bookinfo()
	h := newHarness(t, append(ses, wes...)...)
	if got := subset(h.reg.Instances(fqdn("reviews"), 9080), "v3"); !slices.Equal(got, []string{"10.0.0.5"}) {
		t.Fatalf("v3 subset = %v", got)
	}
	moved := bookinfoWorkload("reviews", "v2", "10.0.0.4")
	moved.Spec.(*networking.WorkloadEntry).Labels["version"] = "v3"
	h.update(t, moved)

	ev := h.next(t)
	if want := (model.Event{Kind: model.EndpointsChange, Hostnames: []string{fqdn("reviews")}}); !reflect.DeepEqual(ev, want) {
		t.Errorf("event = %+v, want %+v", ev, want)
	}
	insts := h.reg.Instances(fqdn("reviews"), 9080)
	if got := subset(insts, "v3"); !slices.Equal(got, []string{"10.0.0.4", "10.0.0.5"}) {
		t.Errorf("v3 subset = %v", got)
	}
	if got := subset(insts, "v2"); len(got) != 0 {
		t.Errorf("v2 subset = %v, want empty", got)
	}
}

func TestEvents(t *testing.T) {
	ses, wes := bookinfo()
	dnsEntry := seObj("default", "httpbin", &networking.ServiceEntry{
		Hosts: []string{"httpbin.example.com"}, Ports: []*networking.ServicePort{{Number: 80, Name: "http"}},
		Resolution: networking.ServiceEntry_DNS, WorkloadSelector: &networking.WorkloadSelector{Labels: map[string]string{"app": "httpbin"}},
	})
	h := newHarness(t, append(append(ses, dnsEntry), wes...)...)
	ctx := context.Background()

	steps := []struct {
		name   string
		change func(t *testing.T)
		want   model.Event
	}{
		{"workload address change is endpoints-only", func(t *testing.T) {
			h.update(t, bookinfoWorkload("ratings", "v1", "10.0.1.6"))
		}, model.Event{Kind: model.EndpointsChange, Hostnames: []string{fqdn("ratings")}}},
		{"new workload is endpoints-only", func(t *testing.T) {
			h.create(t, bookinfoWorkload("details", "v2", "10.0.0.7"))
		}, model.Event{Kind: model.EndpointsChange, Hostnames: []string{fqdn("details")}}},
		{"workload of a DNS service is full", func(t *testing.T) {
			h.create(t, weObj("default", "httpbin-1", &networking.WorkloadEntry{Address: "httpbin-1.example.com",
				Labels: map[string]string{"app": "httpbin"}}))
		}, model.Event{Kind: model.FullChange, Hostnames: []string{"httpbin.example.com"}}},
		{"new service account is full", func(t *testing.T) {
			w := bookinfoWorkload("details", "v2", "10.0.0.7")
			w.Spec.(*networking.WorkloadEntry).ServiceAccount = "other"
			h.update(t, w)
		}, model.Event{Kind: model.FullChange, Hostnames: []string{fqdn("details")}}},
		{"service entry port change is full", func(t *testing.T) {
			se := bookinfoEntry("ratings", "10.96.0.13")
			se.Spec.(*networking.ServiceEntry).Ports[0].Name = "http-api"
			h.update(t, se)
		}, model.Event{Kind: model.FullChange, Hostnames: []string{fqdn("ratings")}}},
		{"deleted service entry is full", func(t *testing.T) {
			if err := h.store.Delete(ctx, seObj("default", "details", nil).Key(), ""); err != nil {
				t.Fatal(err)
			}
		}, model.Event{Kind: model.FullChange, Hostnames: []string{fqdn("details")}}},
		{"unselected workload sends nothing, next change does", func(t *testing.T) {
			h.create(t, weObj("default", "lonely", &networking.WorkloadEntry{Address: "10.0.9.9", Labels: map[string]string{"app": "none"}}))
			h.update(t, bookinfoWorkload("productpage", "v1", "10.0.1.1"))
		}, model.Event{Kind: model.EndpointsChange, Hostnames: []string{fqdn("productpage")}}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			s.change(t)
			if ev := h.next(t); !reflect.DeepEqual(ev, s.want) {
				t.Errorf("event = %+v, want %+v", ev, s.want)
			}
		})
	}
}

func TestVIPStableWhenEntriesAdded(t *testing.T) {
	external := func(name, host string) *config.Object {
		return seObj("default", name, &networking.ServiceEntry{
			Hosts: []string{host}, Ports: []*networking.ServicePort{{Number: 443, Name: "tls"}},
			Resolution: networking.ServiceEntry_DNS,
		})
	}
	h := newHarness(t, external("a", "a.example.com"))
	before := h.reg.Service("a.example.com").Address
	if _, ok := slotOf(before); !ok {
		t.Fatalf("VIP %q is not in 240.240.0.0/16", before)
	}
	for i, host := range []string{"0.example.com", "b.example.com", "c.example.com"} {
		h.create(t, external("n"+string(rune('0'+i)), host))
		if ev := h.next(t); ev.Kind != model.FullChange {
			t.Fatalf("event %+v", ev)
		}
		if got := h.reg.Service("a.example.com").Address; got != before {
			t.Fatalf("after adding %s, VIP moved from %s to %s", host, before, got)
		}
	}
}

// Readers see consistent snapshots while the store changes (run with -race).
func TestConcurrentReads(t *testing.T) {
	ses, wes := bookinfo()
	h := newHarness(t, append(ses, wes...)...)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				for _, s := range h.reg.Services() {
					for _, in := range h.reg.Instances(s.Hostname, 0) {
						if in.Service.Hostname != s.Hostname {
							t.Errorf("instance of %s listed under %s", in.Service.Hostname, s.Hostname)
						}
						for _, byIP := range h.reg.InstancesByIP(in.Endpoint.Address) {
							_ = byIP.Endpoint.Labels["version"]
						}
					}
				}
			}
		}()
	}
	for i := range 100 {
		w := bookinfoWorkload("reviews", "v1", "10.0.0.3")
		if i%2 == 0 {
			w.Spec.(*networking.WorkloadEntry).Labels["version"] = "v9"
		}
		h.update(t, w)
	}
	// Wait until the registry reflects the last write.
	for {
		if got := subset(h.reg.Instances(fqdn("reviews"), 9080), "v1"); slices.Equal(got, []string{"10.0.0.3"}) {
			break
		}
		h.next(t)
	}
	cancel()
	wg.Wait()
}
