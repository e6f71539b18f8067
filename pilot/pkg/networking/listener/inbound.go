package listener

import (
	"cmp"
	"fmt"
	"slices"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/sailmesh/sail/pilot/pkg/model"
)

// virtual is the capture listener on 0.0.0.0:<proxyListenPort>. It hands
// connections over to the listener of their original destination
// (use_original_dst, with the original_dst listener filter restoring that
// address); its own chain takes the rest to the outbound policy's cluster.
// With TPROXY the listener is transparent, as Istio 1.1 made it.
func (b *builder) virtual() *listenerv3.Listener {
	l := &listenerv3.Listener{
		Name:             VirtualListenerName,
		Address:          socketAddress(WildcardAddress, uint32(b.in.Mesh.ProxyListenPort)),
		UseOriginalDst:   wrapperspb.Bool(true),
		TrafficDirection: corev3.TrafficDirection_OUTBOUND,
		ListenerFilters:  []*listenerv3.ListenerFilter{b.originalDstFilter()},
		FilterChains: []*listenerv3.FilterChain{{
			Filters: []*listenerv3.Filter{b.tcpProxy(b.outboundPolicyCluster())},
		}},
	}
	if b.proxy.InterceptionMode == model.InterceptionTProxy {
		l.Transparent = wrapperspb.Bool(true)
	}
	return l
}

// inbound builds "<podIP>_<port>" for each port of the proxy's own service
// instances, on the target port the workload listens on. Services outside
// the mesh and UDP ports get none. When two instances share an address and
// target port (two services selecting one pod port), the first by port,
// hostname and service port is kept and the others are reported.
func (b *builder) inbound() []*listenerv3.Listener {
	instances := slices.Clone(b.in.Instances)
	slices.SortStableFunc(instances, func(x, y *model.Instance) int {
		return cmp.Or(
			cmp.Compare(x.Endpoint.Address, y.Endpoint.Address),
			cmp.Compare(x.Endpoint.Port, y.Endpoint.Port),
			cmp.Compare(x.Service.Hostname, y.Service.Hostname),
			cmp.Compare(x.ServicePort.Number, y.ServicePort.Number),
		)
	})
	kept := map[string]*model.Instance{}
	var out []*listenerv3.Listener
	for _, inst := range instances {
		if inst.Service.MeshExternal || inst.ServicePort.Protocol == model.UDP {
			continue
		}
		name := listenerName(inst.Endpoint.Address, inst.Endpoint.Port)
		if first, ok := kept[name]; ok {
			b.warn(name, inst.Service, inst.ServicePort.Number, "inbound port already serves %s port %d",
				first.Service.Hostname, first.ServicePort.Number)
			continue
		}
		kept[name] = inst
		cluster := model.ClusterName(model.Inbound, inst.ServicePort.Name, inst.Service.Hostname, inst.ServicePort.Number)
		var filter *listenerv3.Filter
		if inst.ServicePort.Protocol.IsHTTP() {
			filter = b.httpConnectionManager(&hcmv3.HttpConnectionManager{
				StatPrefix:     name,
				RouteSpecifier: inlineRoute(inboundRoute(inst, cluster)),
				HttpFilters:    b.httpFilters(b.inboundPolicyFilters(inst)),
			})
		} else {
			filter = b.tcpProxy(cluster)
		}
		out = append(out, &listenerv3.Listener{
			Name:             name,
			Address:          socketAddress(inst.Endpoint.Address, inst.Endpoint.Port),
			BindToPort:       wrapperspb.Bool(false),
			TrafficDirection: corev3.TrafficDirection_INBOUND,
			FilterChains:     []*listenerv3.FilterChain{{Filters: []*listenerv3.Filter{filter}}},
		})
	}
	return out
}

// inboundRoute sends every request to the inbound cluster, without a
// route timeout (the caller's sidecar enforces the timeout), as Istio
// 1.1's default inbound route.
func inboundRoute(inst *model.Instance, cluster string) *routev3.RouteConfiguration {
	return &routev3.RouteConfiguration{
		Name:             cluster,
		ValidateClusters: wrapperspb.Bool(false),
		VirtualHosts: []*routev3.VirtualHost{{
			Name:    fmt.Sprintf("%s|%d", model.Inbound, inst.ServicePort.Number),
			Domains: []string{"*"},
			Routes: []*routev3.Route{{
				Match: &routev3.RouteMatch{PathSpecifier: &routev3.RouteMatch_Prefix{Prefix: "/"}},
				Action: &routev3.Route_Route{Route: &routev3.RouteAction{
					ClusterSpecifier: &routev3.RouteAction_Cluster{Cluster: cluster},
					Timeout:          durationpb.New(0),
				}},
			}},
		}},
	}
}

// inboundPolicyFilters is the hook for the filters that run before CORS on
// inbound HTTP, in this order: JWT authentication, authn (peer and origin
// identity), RBAC, then the Mixer client (Check and Report). Sail has none
// of them yet; each will be built here from the proxy's policies for inst.
func (b *builder) inboundPolicyFilters(*model.Instance) []*hcmv3.HttpFilter {
	return nil
}

// outboundPolicyFilters is the hook for the filters that run before CORS
// on outbound HTTP: the Mixer client (Report, and Check when the mesh
// enables policy checks for outbound). Sail has none yet.
func (b *builder) outboundPolicyFilters() []*hcmv3.HttpFilter {
	return nil
}
