package storetest

import (
	"fmt"
	"maps"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/wrapperspb"
	networking "istio.io/api/networking/v1alpha3"

	"github.com/sailmesh/sail/pkg/config"
)

// The namespaces the suite writes to. A store backed by a real API server
// must have them created before the suite runs.
const (
	NamespaceA = "storetest-a"
	NamespaceB = "storetest-b"
)

// Namespaces lists the namespaces the suite writes to.
func Namespaces() []string { return []string{NamespaceA, NamespaceB} }

// The kinds the suite uses, all in networking.istio.io; every harness store
// must hold them.
const (
	virtualServiceKind  = "VirtualService"
	destinationRuleKind = "DestinationRule"
	gatewayKind         = "Gateway"
	serviceEntryKind    = "ServiceEntry"
	workloadEntryKind   = "WorkloadEntry"
)

func networkingGK(kind string) config.GroupKind {
	return config.GroupKind{Group: config.NetworkingGroup, Kind: kind}
}

// unknownGK is a kind no store holds.
func unknownGK() config.GroupKind { return config.GroupKind{Group: "example.com", Kind: "Widget"} }

func gvk(gk config.GroupKind) config.GroupVersionKind {
	// v1 is served but not preferred, so stores that convert versions do.
	return config.GroupVersionKind{Group: gk.Group, Version: "v1", Kind: gk.Kind}
}

func newObject(gk config.GroupKind, ns, name string, spec proto.Message) *config.Object {
	return &config.Object{
		Meta: config.Meta{GVK: gvk(gk), Namespace: ns, Name: name,
			Labels: map[string]string{"app": name}, Annotations: map[string]string{"storetest": "yes"}},
		Spec: spec,
	}
}

// virtualService has maps, durations, oneofs, wrappers and nested lists.
func virtualService(ns, name string) *config.Object {
	return newObject(networkingGK(virtualServiceKind), ns, name, &networking.VirtualService{
		Hosts:    []string{name + ".example.com"},
		Gateways: []string{"mesh"},
		Http: []*networking.HTTPRoute{{
			Name: "primary",
			Match: []*networking.HTTPMatchRequest{{
				Uri: &networking.StringMatch{MatchType: &networking.StringMatch_Prefix{Prefix: "/api"}},
				Headers: map[string]*networking.StringMatch{
					"x-user":  {MatchType: &networking.StringMatch_Exact{Exact: "jason"}},
					"x-trace": {MatchType: &networking.StringMatch_Regex{Regex: "^[a-f0-9]+$"}},
				},
			}},
			Route: []*networking.HTTPRouteDestination{
				{Destination: &networking.Destination{Host: "reviews", Subset: "v1", Port: &networking.PortSelector{Number: 9080}}, Weight: 75},
				{Destination: &networking.Destination{Host: "reviews", Subset: "v2"}, Weight: 25,
					Headers: &networking.Headers{Request: &networking.Headers_HeaderOperations{Set: map[string]string{"x-b": "1"}}}},
			},
			Timeout: durationpb.New(1500 * time.Millisecond),
			Retries: &networking.HTTPRetry{Attempts: 3, PerTryTimeout: durationpb.New(2 * time.Second),
				RetryRemoteLocalities: wrapperspb.Bool(true)},
		}},
	})
}

func destinationRule(ns, name string) *config.Object {
	return newObject(networkingGK(destinationRuleKind), ns, name, &networking.DestinationRule{
		Host: "reviews." + ns + ".svc.cluster.local",
		TrafficPolicy: &networking.TrafficPolicy{
			LoadBalancer: &networking.LoadBalancerSettings{
				LbPolicy: &networking.LoadBalancerSettings_Simple{Simple: networking.LoadBalancerSettings_LEAST_REQUEST},
			},
			ConnectionPool: &networking.ConnectionPoolSettings{
				Tcp: &networking.ConnectionPoolSettings_TCPSettings{MaxConnections: 100, ConnectTimeout: durationpb.New(30 * time.Millisecond)},
			},
		},
		Subsets: []*networking.Subset{
			{Name: "v1", Labels: map[string]string{"version": "v1"}},
			{Name: "v2", Labels: map[string]string{"version": "v2", "track": "canary"}},
		},
	})
}

func gateway(ns, name string) *config.Object {
	return newObject(networkingGK(gatewayKind), ns, name, &networking.Gateway{
		Selector: map[string]string{"istio": "ingressgateway"},
		Servers: []*networking.Server{{
			Port:  &networking.Port{Number: 443, Protocol: "HTTPS", Name: "https"},
			Hosts: []string{"*.example.com"},
			Tls:   &networking.ServerTLSSettings{Mode: networking.ServerTLSSettings_SIMPLE, CredentialName: "example-cert"},
		}},
	})
}

func serviceEntry(ns, name string) *config.Object {
	return newObject(networkingGK(serviceEntryKind), ns, name, &networking.ServiceEntry{
		Hosts:      []string{"api.external.com"},
		Location:   networking.ServiceEntry_MESH_EXTERNAL,
		Resolution: networking.ServiceEntry_DNS,
		Ports:      []*networking.ServicePort{{Number: 443, Name: "https", Protocol: "TLS"}},
	})
}

func workloadEntry(ns, name string) *config.Object {
	return newObject(networkingGK(workloadEntryKind), ns, name, &networking.WorkloadEntry{
		Address: "10.0.0.7",
		Ports:   map[string]uint32{"http": 8080, "grpc": 9090},
		Labels:  map[string]string{"app": name},
	})
}

// sameObject fails t unless got has want's key, labels, annotations and
// spec (proto.Equal). Versions and server-set metadata are not compared.
func sameObject(t testing.TB, got, want *config.Object) {
	t.Helper()
	if got == nil {
		t.Fatalf("got no object, want %s", want.Key())
	}
	if got.Key() != want.Key() {
		t.Errorf("key = %s, want %s", got.Key(), want.Key())
	}
	if !maps.Equal(got.Labels, want.Labels) {
		t.Errorf("%s: labels = %v, want %v", want.Key(), got.Labels, want.Labels)
	}
	if !maps.Equal(got.Annotations, want.Annotations) {
		t.Errorf("%s: annotations = %v, want %v", want.Key(), got.Annotations, want.Annotations)
	}
	if !proto.Equal(got.Spec, want.Spec) {
		t.Errorf("%s: spec differs:\ngot:  %s\nwant: %s", want.Key(), text(got.Spec), text(want.Spec))
	}
}

func text(m proto.Message) string {
	if m == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%s{%s}", m.ProtoReflect().Descriptor().FullName(), prototext.MarshalOptions{}.Format(m))
}

func keys(objs []*config.Object) []config.Key {
	out := make([]config.Key, len(objs))
	for i, o := range objs {
		out[i] = o.Key()
	}
	return out
}
