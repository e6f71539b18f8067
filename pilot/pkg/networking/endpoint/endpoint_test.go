package endpoint

import (
	"cmp"
	"errors"
	"flag"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	endpointv3 "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	networking "istio.io/api/networking/v1alpha3"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// fakeRegistry is an immutable model.Registry over fixed services and
// instances.
type fakeRegistry struct {
	services  []*model.Service
	instances []*model.Instance
}

var _ model.Registry = (*fakeRegistry)(nil)

func (r *fakeRegistry) Services() []*model.Service { return slices.Clone(r.services) }

func (r *fakeRegistry) Service(hostname string) *model.Service {
	for _, s := range r.services {
		if s.Hostname == hostname {
			return s
		}
	}
	return nil
}

func (r *fakeRegistry) Instances(hostname string, port uint32) []*model.Instance {
	var out []*model.Instance
	for _, i := range r.instances {
		if i.Service.Hostname == hostname && (port == 0 || i.ServicePort.Number == port) {
			out = append(out, i)
		}
	}
	slices.SortFunc(out, func(a, b *model.Instance) int {
		return cmp.Or(cmp.Compare(a.ServicePort.Number, b.ServicePort.Number), cmp.Compare(a.Endpoint.Address, b.Endpoint.Address))
	})
	return out
}

func (r *fakeRegistry) InstancesByIP(ip string) []*model.Instance {
	var out []*model.Instance
	for _, i := range r.instances {
		if i.Endpoint.Address == ip {
			out = append(out, i)
		}
	}
	return out
}

func (r *fakeRegistry) AppendHandler(func(model.Event)) {}

const reviewsHost = "reviews.default.svc.cluster.local"

var http9080 = model.Port{Name: "http", Number: 9080, Protocol: model.HTTP}

// reviewsWorkload describes one reviews pod.
type reviewsWorkload struct {
	version, ip, locality string
	weight                uint32
}

// bookinfo returns reviews (v1 in us-east1-b, v2 in us-east1-b and in
// us-west1-a/rack1 with weight 5, v3 with no locality and no uid) and a
// DNS service, with the workloads given (nil: those).
func bookinfo(workloads []reviewsWorkload) *fakeRegistry {
	if workloads == nil {
		workloads = []reviewsWorkload{
			{"v1", "10.0.0.3", "us-east1/us-east1-b", 0},
			{"v2", "10.0.0.4", "us-east1/us-east1-b", 0},
			{"v2", "10.0.1.4", "us-west1/us-west1-a/rack1", 5},
			{"v3", "10.0.0.5", "", 0},
		}
	}
	reviews := &model.Service{Hostname: reviewsHost, Namespace: "default", Address: "10.96.0.12",
		Ports: []model.Port{http9080, {Name: "grpc", Number: 7070, Protocol: model.GRPC}}, Resolution: model.ClientSideLB}
	api := &model.Service{Hostname: "api.example.com", Namespace: "default", MeshExternal: true, Resolution: model.DNSLB,
		Ports: []model.Port{{Name: "https", Number: 443, Protocol: model.HTTPS}}}
	r := &fakeRegistry{services: []*model.Service{api, reviews}}
	for _, w := range workloads {
		ep := model.Endpoint{
			Address: w.ip, Port: 9080, Labels: map[string]string{"app": "reviews", "version": w.version},
			ServiceAccount: "bookinfo-reviews", Locality: w.locality, Weight: w.weight,
		}
		if w.version != "v3" {
			ep.UID = "kubernetes://reviews-" + w.version + "-" + strings.ReplaceAll(w.ip, ".", "-") + ".default"
		}
		r.instances = append(r.instances, &model.Instance{Service: reviews, ServicePort: http9080, Endpoint: ep})
	}
	return r
}

func reviewsRule() []*config.Object {
	var subsets []*networking.Subset
	for _, v := range []string{"v1", "v2", "v3"} {
		subsets = append(subsets, &networking.Subset{Name: v, Labels: map[string]string{"version": v}})
	}
	return []*config.Object{{
		Meta: config.Meta{Name: "reviews", Namespace: "default"},
		Spec: &networking.DestinationRule{Host: "reviews", Subsets: subsets},
	}}
}

func build(t *testing.T, reg model.Registry, name string) *endpointv3.ClusterLoadAssignment {
	t.Helper()
	cla, err := Build(Inputs{Registry: reg, DestinationRules: reviewsRule()}, name)
	if err != nil {
		t.Fatal(err)
	}
	if err := cla.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if cla.GetClusterName() != name {
		t.Errorf("cluster_name %q, want %q", cla.GetClusterName(), name)
	}
	return cla
}

func addresses(cla *endpointv3.ClusterLoadAssignment) []string {
	var out []string
	for _, l := range cla.GetEndpoints() {
		for _, e := range l.GetLbEndpoints() {
			out = append(out, e.GetEndpoint().GetAddress().GetSocketAddress().GetAddress())
		}
	}
	return out
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct{ file, cluster string }{
		{"reviews-v2", "outbound|9080|v2|" + reviewsHost},
		{"reviews-default", "outbound|9080||" + reviewsHost},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got := golden.ProtoJSON(t, build(t, bookinfo(nil), tc.cluster))
			golden.Compare(t, filepath.Join("testdata", tc.file+".json"), *update, got)
		})
	}
}

func TestSubsets(t *testing.T) {
	for _, tc := range []struct {
		cluster string
		want    []string
	}{
		{"outbound|9080||" + reviewsHost, []string{"10.0.0.5", "10.0.0.3", "10.0.0.4", "10.0.1.4"}},
		{"outbound|9080|v1|" + reviewsHost, []string{"10.0.0.3"}},
		{"outbound|9080|v2|" + reviewsHost, []string{"10.0.0.4", "10.0.1.4"}},
		{"outbound|9080|v3|" + reviewsHost, []string{"10.0.0.5"}},
		{"outbound|9080|v4|" + reviewsHost, nil},                // no such subset
		{"outbound|7070||" + reviewsHost, nil},                  // port without instances
		{"outbound|8080||" + reviewsHost, nil},                  // unknown port
		{"outbound|9080||ghost.default.svc.cluster.local", nil}, // unknown service
	} {
		t.Run(tc.cluster, func(t *testing.T) {
			if got := addresses(build(t, bookinfo(nil), tc.cluster)); !slices.Equal(got, tc.want) {
				t.Errorf("endpoints %v, want %v", got, tc.want)
			}
		})
	}
}

func TestLabelChangeMovesEndpoint(t *testing.T) {
	before := bookinfo([]reviewsWorkload{{"v1", "10.0.0.3", "", 0}, {"v2", "10.0.0.4", "", 0}})
	after := bookinfo([]reviewsWorkload{{"v1", "10.0.0.3", "", 0}, {"v1", "10.0.0.4", "", 0}})
	v1, v2 := "outbound|9080|v1|"+reviewsHost, "outbound|9080|v2|"+reviewsHost
	for _, tc := range []struct {
		name    string
		reg     model.Registry
		cluster string
		want    []string
	}{
		{"before v1", before, v1, []string{"10.0.0.3"}},
		{"before v2", before, v2, []string{"10.0.0.4"}},
		{"after v1", after, v1, []string{"10.0.0.3", "10.0.0.4"}},
		{"after v2", after, v2, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := addresses(build(t, tc.reg, tc.cluster)); !slices.Equal(got, tc.want) {
				t.Errorf("endpoints %v, want %v", got, tc.want)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		cluster string
		is      error
	}{
		{"outbound|9080|reviews", nil},
		{"sideways|9080||" + reviewsHost, nil},
		{"inbound|9080|http|" + reviewsHost, ErrNotEDS},
		{"outbound|443||api.example.com", ErrNotEDS},
	} {
		t.Run(tc.cluster, func(t *testing.T) {
			_, err := Build(Inputs{Registry: bookinfo(nil)}, tc.cluster)
			if err == nil {
				t.Fatal("no error")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v, want %v", err, tc.is)
			}
		})
	}
}

func TestParseLocality(t *testing.T) {
	for _, tc := range []struct{ in, region, zone, subzone string }{
		{"us-east1", "us-east1", "", ""},
		{"us-east1/us-east1-b", "us-east1", "us-east1-b", ""},
		{"us-east1/us-east1-b/rack1", "us-east1", "us-east1-b", "rack1"},
		{"/zone-only/", "", "zone-only", ""},
	} {
		l := ParseLocality(tc.in)
		if l.GetRegion() != tc.region || l.GetZone() != tc.zone || l.GetSubZone() != tc.subzone {
			t.Errorf("ParseLocality(%q) = %v", tc.in, l)
		}
	}
	if ParseLocality("") != nil {
		t.Error(`ParseLocality("") is not nil`)
	}
}
