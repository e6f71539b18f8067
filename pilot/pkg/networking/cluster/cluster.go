package cluster

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	endpointv3 "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pilot/pkg/networking/endpoint"
	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/mesh"
)

// DefaultConnectTimeout is used when the mesh config sets none.
const DefaultConnectTimeout = 10 * time.Second

// LocalhostAddress is where inbound clusters send traffic: the app next
// to the sidecar.
const LocalhostAddress = "127.0.0.1"

// Inputs are what cluster generation reads. They are never modified.
type Inputs struct {
	// Registry is the service registry view.
	Registry model.Registry
	// DestinationRules are the DestinationRule objects (Spec
	// *networking.DestinationRule) in every namespace.
	DestinationRules []*config.Object
	// Mesh is the mesh configuration (connect timeout).
	Mesh mesh.Config
}

// connectTimeout is the proxies' default connect timeout, else the
// mesh's, else DefaultConnectTimeout.
func (in Inputs) connectTimeout() time.Duration {
	return cmp.Or(in.Mesh.DefaultConfig.ConnectTimeout.Duration, in.Mesh.ConnectTimeout.Duration, DefaultConnectTimeout)
}

// Build returns the clusters for proxy, sorted by name. Every cluster
// passes its Validate; a failure is a bug in this package and is returned
// as an error naming the cluster. Should two clusters get one name (a
// DestinationRule repeating a subset name), the first is kept.
func Build(in Inputs, proxy *model.Proxy) ([]*clusterv3.Cluster, error) {
	var all []*built
	for _, svc := range in.Registry.Services() {
		if !svc.VisibleTo(proxy.Namespace) {
			continue
		}
		all = append(all, outbound(in, svc)...)
	}
	all = append(all, inbound(in, proxy)...)
	all = append(all, &built{c: blackHole(in)}, &built{c: passthrough(in)})
	out := make([]*clusterv3.Cluster, 0, len(all))
	seen := make(map[string]bool, len(all))
	for _, b := range all {
		if seen[b.c.GetName()] {
			continue
		}
		seen[b.c.GetName()] = true
		c, err := b.finish()
		if err != nil {
			return nil, fmt.Errorf("cluster %s: %w", b.c.GetName(), err)
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *clusterv3.Cluster) int { return cmp.Compare(a.GetName(), b.GetName()) })
	return out, nil
}

// outbound builds a service's default and subset clusters for each port
// (UDP ports have none, as in Istio 1.1).
func outbound(in Inputs, svc *model.Service) []*built {
	dr := model.DestinationRuleFor(in.DestinationRules, svc.Hostname, svc.Namespace)
	var out []*built
	for _, port := range svc.Ports {
		if port.Protocol == model.UDP {
			continue
		}
		c := serviceCluster(in, svc, port, "", nil)
		applyPolicy(c, port, dr.GetTrafficPolicy(), nil)
		out = append(out, c)
		for _, ss := range dr.GetSubsets() {
			c := serviceCluster(in, svc, port, ss.GetName(), ss.GetLabels())
			applyPolicy(c, port, dr.GetTrafficPolicy(), ss.GetTrafficPolicy())
			out = append(out, c)
		}
	}
	return out
}

// serviceCluster is an outbound cluster before any DestinationRule.
func serviceCluster(in Inputs, svc *model.Service, port model.Port, subset string, labels map[string]string) *built {
	name := model.ClusterName(model.Outbound, subset, svc.Hostname, port.Number)
	c := &clusterv3.Cluster{
		Name:           name,
		ConnectTimeout: durationpb.New(in.connectTimeout()),
		CircuitBreakers: &clusterv3.CircuitBreakers{
			Thresholds: []*clusterv3.CircuitBreakers_Thresholds{defaultThresholds()},
		},
	}
	switch svc.Resolution {
	case model.ClientSideLB:
		c.ClusterDiscoveryType = &clusterv3.Cluster_Type{Type: clusterv3.Cluster_EDS}
		c.EdsClusterConfig = &clusterv3.Cluster_EdsClusterConfig{
			ServiceName: name,
			EdsConfig: &corev3.ConfigSource{
				ResourceApiVersion:    corev3.ApiVersion_V3,
				ConfigSourceSpecifier: &corev3.ConfigSource_Ads{Ads: &corev3.AggregatedConfigSource{}},
			},
		}
	case model.DNSLB:
		c.ClusterDiscoveryType = &clusterv3.Cluster_Type{Type: clusterv3.Cluster_STRICT_DNS}
		c.DnsLookupFamily = clusterv3.Cluster_V4_ONLY
		c.LoadAssignment = endpoint.LoadAssignment(name, in.Registry.Instances(svc.Hostname, port.Number), labels)
	default: // model.Passthrough
		setOriginalDst(c)
	}
	b := &built{c: c}
	if port.Protocol.IsHTTP2() {
		b.httpOptions().UpstreamProtocolOptions = http2Upstream()
	}
	return b
}

// setOriginalDst makes c forward to the downstream's original
// destination; Envoy requires the CLUSTER_PROVIDED policy for that.
func setOriginalDst(c *clusterv3.Cluster) {
	c.ClusterDiscoveryType = &clusterv3.Cluster_Type{Type: clusterv3.Cluster_ORIGINAL_DST}
	c.LbPolicy = clusterv3.Cluster_CLUSTER_PROVIDED
	c.LbConfig = nil
	c.EdsClusterConfig = nil
	c.LoadAssignment = nil
}

// inbound builds one STATIC cluster per service instance at the proxy's
// IPs: "inbound|<service port>|<port name>|<host>" to
// 127.0.0.1:<target port>. Services outside the mesh get none, and so
// does a proxy in interception mode NONE (it has no inbound listeners to
// use them, as in Istio 1.1). DestinationRules do not apply to inbound
// clusters, which keep Envoy's circuit-breaker defaults.
func inbound(in Inputs, proxy *model.Proxy) []*built {
	if proxy.InterceptionMode == model.InterceptionNone {
		return nil
	}
	seen := map[string]bool{}
	var out []*built
	for _, ip := range proxy.IPAddresses {
		for _, inst := range in.Registry.InstancesByIP(ip) {
			if inst.Service.MeshExternal {
				continue
			}
			name := model.ClusterName(model.Inbound, inst.ServicePort.Name, inst.Service.Hostname, inst.ServicePort.Number)
			if seen[name] {
				continue
			}
			seen[name] = true
			c := &clusterv3.Cluster{
				Name:                 name,
				ClusterDiscoveryType: &clusterv3.Cluster_Type{Type: clusterv3.Cluster_STATIC},
				ConnectTimeout:       durationpb.New(in.connectTimeout()),
				LoadAssignment: &endpointv3.ClusterLoadAssignment{
					ClusterName: name,
					Endpoints: []*endpointv3.LocalityLbEndpoints{{LbEndpoints: []*endpointv3.LbEndpoint{{
						HostIdentifier: &endpointv3.LbEndpoint_Endpoint{Endpoint: &endpointv3.Endpoint{
							Address: endpoint.SocketAddress(LocalhostAddress, inst.Endpoint.Port),
						}},
					}}}},
				},
			}
			b := &built{c: c}
			if inst.ServicePort.Protocol.IsHTTP2() {
				b.httpOptions().UpstreamProtocolOptions = http2Upstream()
			}
			out = append(out, b)
		}
	}
	return out
}

// blackHole is a STATIC cluster without endpoints: traffic sent there
// fails (REGISTRY_ONLY mode, unmatched routes).
func blackHole(in Inputs) *clusterv3.Cluster {
	return &clusterv3.Cluster{
		Name:                 model.BlackHoleCluster,
		ClusterDiscoveryType: &clusterv3.Cluster_Type{Type: clusterv3.Cluster_STATIC},
		ConnectTimeout:       durationpb.New(in.connectTimeout()),
	}
}

// passthrough forwards to the original destination (ALLOW_ANY mode).
func passthrough(in Inputs) *clusterv3.Cluster {
	c := &clusterv3.Cluster{
		Name:           model.PassthroughCluster,
		ConnectTimeout: durationpb.New(in.connectTimeout()),
	}
	setOriginalDst(c)
	return c
}
