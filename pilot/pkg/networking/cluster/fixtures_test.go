package cluster

//lint:file-ignore SA1019 Istio 1.1 users still write these deprecated fields, so Pilot must translate them.
import (
	"cmp"
	"slices"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/wrapperspb"
	networking "istio.io/api/networking/v1alpha3"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pkg/config"
)

// fakeRegistry is an immutable model.Registry over fixed services and
// instances.
type fakeRegistry struct {
	services  []*model.Service
	instances []*model.Instance
}

var _ model.Registry = (*fakeRegistry)(nil)

func newFakeRegistry(svcs []*model.Service, insts []*model.Instance) *fakeRegistry {
	r := &fakeRegistry{services: slices.Clone(svcs), instances: slices.Clone(insts)}
	slices.SortFunc(r.services, func(a, b *model.Service) int { return cmp.Compare(a.Hostname, b.Hostname) })
	slices.SortFunc(r.instances, func(a, b *model.Instance) int {
		return cmp.Or(cmp.Compare(a.Service.Hostname, b.Service.Hostname), cmp.Compare(a.ServicePort.Number, b.ServicePort.Number),
			cmp.Compare(a.Endpoint.Address, b.Endpoint.Address), cmp.Compare(a.Endpoint.Port, b.Endpoint.Port))
	})
	return r
}

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

func fqdn(name string) string { return name + ".default.svc.cluster.local" }

func httpPort(n uint32) model.Port { return model.Port{Name: "http", Number: n, Protocol: model.HTTP} }

func service(name string, ports ...model.Port) *model.Service {
	return &model.Service{
		Hostname: fqdn(name), Namespace: "default", Address: "10.96.0.1", Ports: ports,
		Resolution: model.ClientSideLB,
		Attributes: model.Attributes{Name: name, Namespace: "default"},
	}
}

func instance(svc *model.Service, port model.Port, version, ip string, target uint32) *model.Instance {
	app := svc.Attributes.Name
	return &model.Instance{Service: svc, ServicePort: port, Endpoint: model.Endpoint{
		Address: ip, Port: target,
		Labels:         map[string]string{"app": app, "version": version},
		ServiceAccount: "bookinfo-" + app,
		Locality:       "us-east1/us-east1-b",
		UID:            "kubernetes://" + app + "-" + version + ".default",
	}}
}

// testRegistry returns BookInfo (port 9080, HTTP) plus:
//   - echo (default): grpc 7070 (target 17070) and http 8080, v1 and v2;
//   - secret.secret.svc.cluster.local, exported only to "secret";
//   - api.example.com: MESH_EXTERNAL, DNS, https 443, two endpoints;
//   - *.wikipedia.org: MESH_EXTERNAL, NONE, http 80.
func testRegistry() *fakeRegistry {
	p9080 := httpPort(9080)
	productpage, details := service("productpage", p9080), service("details", p9080)
	reviews, ratings := service("reviews", p9080), service("ratings", p9080)
	grpc := model.Port{Name: "grpc", Number: 7070, Protocol: model.GRPC}
	echo := service("echo", grpc, httpPort(8080))
	secret := &model.Service{
		Hostname: "secret.secret.svc.cluster.local", Namespace: "secret", Address: "10.96.0.99",
		Ports: []model.Port{httpPort(80)}, ExportTo: []string{"secret"},
	}
	https := model.Port{Name: "https", Number: 443, Protocol: model.HTTPS}
	api := &model.Service{
		Hostname: "api.example.com", Namespace: "default", Ports: []model.Port{https},
		MeshExternal: true, Resolution: model.DNSLB,
	}
	wiki := &model.Service{
		Hostname: "*.wikipedia.org", Namespace: "default", Ports: []model.Port{httpPort(80)},
		MeshExternal: true, Resolution: model.Passthrough,
	}
	apiInst := func(host, version string) *model.Instance {
		return &model.Instance{Service: api, ServicePort: https, Endpoint: model.Endpoint{
			Address: host, Port: 443, Labels: map[string]string{"version": version},
		}}
	}
	return newFakeRegistry(
		[]*model.Service{productpage, details, reviews, ratings, echo, secret, api, wiki},
		[]*model.Instance{
			instance(productpage, p9080, "v1", "10.0.0.1", 9080),
			instance(details, p9080, "v1", "10.0.0.2", 9080),
			instance(reviews, p9080, "v1", "10.0.0.3", 9080),
			instance(reviews, p9080, "v2", "10.0.0.4", 9080),
			instance(reviews, p9080, "v3", "10.0.0.5", 9080),
			instance(ratings, p9080, "v1", "10.0.0.6", 9080),
			instance(echo, grpc, "v1", "10.0.0.7", 17070),
			instance(echo, httpPort(8080), "v1", "10.0.0.7", 8080),
			instance(echo, grpc, "v2", "10.0.0.8", 17070),
			instance(echo, httpPort(8080), "v2", "10.0.0.8", 8080),
			{Service: secret, ServicePort: httpPort(80), Endpoint: model.Endpoint{Address: "10.0.9.9", Port: 80}},
			apiInst("us.api.example.com", "v1"),
			apiInst("eu.api.example.com", "v2"),
		})
}

func productpageProxy() *model.Proxy {
	return &model.Proxy{
		Type: model.SidecarProxy, IPAddresses: []string{"10.0.0.1"}, ID: "productpage-v1-abc.default",
		DNSDomain: "default.svc.cluster.local", Namespace: "default",
		Labels: map[string]string{"app": "productpage", "version": "v1"}, InterceptionMode: model.InterceptionRedirect,
	}
}

func drObj(ns, name string, dr *networking.DestinationRule) *config.Object {
	return &config.Object{Meta: config.Meta{
		GVK:  config.GroupVersionKind{Group: config.NetworkingGroup, Version: "v1alpha3", Kind: "DestinationRule"},
		Name: name, Namespace: ns,
	}, Spec: dr}
}

func versions(vs ...string) []*networking.Subset {
	var out []*networking.Subset
	for _, v := range vs {
		out = append(out, &networking.Subset{Name: v, Labels: map[string]string{"version": v}})
	}
	return out
}

// destinationRuleAll is BookInfo's samples/bookinfo/networking/
// destination-rule-all.yaml.
func destinationRuleAll() []*config.Object {
	ratings := versions("v1", "v2")
	ratings = append(ratings,
		&networking.Subset{Name: "v2-mysql", Labels: map[string]string{"version": "v2-mysql"}},
		&networking.Subset{Name: "v2-mysql-vm", Labels: map[string]string{"version": "v2-mysql-vm"}})
	return []*config.Object{
		drObj("default", "productpage", &networking.DestinationRule{Host: "productpage", Subsets: versions("v1")}),
		drObj("default", "reviews", &networking.DestinationRule{Host: "reviews", Subsets: versions("v1", "v2", "v3")}),
		drObj("default", "ratings", &networking.DestinationRule{Host: "ratings", Subsets: ratings}),
		drObj("default", "details", &networking.DestinationRule{Host: "details", Subsets: versions("v1", "v2")}),
	}
}

func dur(d time.Duration) *durationpb.Duration { return durationpb.New(d) }

// everyField is a DestinationRule for echo using every traffic-policy
// field Sail maps, a port-level override for 7070 and a subset override,
// plus rules for the DNS and passthrough services.
func everyField() []*config.Object {
	echo := &networking.DestinationRule{
		Host: "echo.default.svc.cluster.local",
		TrafficPolicy: &networking.TrafficPolicy{
			LoadBalancer: &networking.LoadBalancerSettings{LbPolicy: &networking.LoadBalancerSettings_ConsistentHash{
				ConsistentHash: &networking.LoadBalancerSettings_ConsistentHashLB{
					HashKey:         &networking.LoadBalancerSettings_ConsistentHashLB_HttpHeaderName{HttpHeaderName: "x-user"},
					MinimumRingSize: 2048,
				},
			}},
			ConnectionPool: &networking.ConnectionPoolSettings{
				Tcp: &networking.ConnectionPoolSettings_TCPSettings{
					MaxConnections: 100,
					ConnectTimeout: dur(3 * time.Second),
					TcpKeepalive: &networking.ConnectionPoolSettings_TCPSettings_TcpKeepalive{
						Probes: 3, Time: dur(7200 * time.Second), Interval: dur(75 * time.Second),
					},
				},
				Http: &networking.ConnectionPoolSettings_HTTPSettings{
					Http1MaxPendingRequests: 10, Http2MaxRequests: 200, MaxRequestsPerConnection: 1,
					MaxRetries: 5, IdleTimeout: dur(30 * time.Second),
				},
			},
			OutlierDetection: &networking.OutlierDetection{
				ConsecutiveErrors: 7, Interval: dur(5 * time.Second), BaseEjectionTime: dur(15 * time.Minute),
				MaxEjectionPercent: 50, MinHealthPercent: 25,
			},
			PortLevelSettings: []*networking.TrafficPolicy_PortTrafficPolicy{{
				Port: &networking.PortSelector{Number: 7070},
				LoadBalancer: &networking.LoadBalancerSettings{LbPolicy: &networking.LoadBalancerSettings_Simple{
					Simple: networking.LoadBalancerSettings_LEAST_CONN,
				}},
				OutlierDetection: &networking.OutlierDetection{
					Consecutive_5XxErrors:    wrapperspb.UInt32(3),
					ConsecutiveGatewayErrors: wrapperspb.UInt32(2),
				},
			}},
		},
		Subsets: []*networking.Subset{
			{Name: "v1", Labels: map[string]string{"version": "v1"}, TrafficPolicy: &networking.TrafficPolicy{
				LoadBalancer: &networking.LoadBalancerSettings{LbPolicy: &networking.LoadBalancerSettings_Simple{
					Simple: networking.LoadBalancerSettings_RANDOM,
				}},
				ConnectionPool: &networking.ConnectionPoolSettings{Tcp: &networking.ConnectionPoolSettings_TCPSettings{MaxConnections: 1}},
			}},
			{Name: "v2", Labels: map[string]string{"version": "v2"}},
		},
	}
	api := &networking.DestinationRule{
		Host:    "api.example.com",
		Subsets: versions("v1"),
		TrafficPolicy: &networking.TrafficPolicy{LoadBalancer: &networking.LoadBalancerSettings{
			LbPolicy: &networking.LoadBalancerSettings_ConsistentHash{ConsistentHash: &networking.LoadBalancerSettings_ConsistentHashLB{
				HashKey:       &networking.LoadBalancerSettings_ConsistentHashLB_UseSourceIp{UseSourceIp: true},
				HashAlgorithm: &networking.LoadBalancerSettings_ConsistentHashLB_Maglev{Maglev: &networking.LoadBalancerSettings_ConsistentHashLB_MagLev{TableSize: 65537}},
			}},
		}},
	}
	wiki := &networking.DestinationRule{
		Host: "*.wikipedia.org",
		TrafficPolicy: &networking.TrafficPolicy{LoadBalancer: &networking.LoadBalancerSettings{
			LbPolicy: &networking.LoadBalancerSettings_Simple{Simple: networking.LoadBalancerSettings_LEAST_REQUEST},
		}},
	}
	ratings := &networking.DestinationRule{
		Host: "ratings",
		TrafficPolicy: &networking.TrafficPolicy{LoadBalancer: &networking.LoadBalancerSettings{
			LbPolicy: &networking.LoadBalancerSettings_Simple{Simple: networking.LoadBalancerSettings_PASSTHROUGH},
		}},
	}
	return []*config.Object{
		drObj("default", "echo", echo), drObj("default", "api", api),
		drObj("default", "wikipedia", wiki), drObj("default", "ratings", ratings),
	}
}
