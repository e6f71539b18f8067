package route

import (
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	networking "istio.io/api/networking/v1alpha3"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pkg/config"
)

// hashPolicies are the hash keys of the routes' destinations: for each
// target, in order, the consistentHash of the load balancer its
// DestinationRule gives that subset and port, duplicates left out. As in
// Istio 1.1 a weighted route collects its destinations' keys.
func hashPolicies(rules []*config.Object, targets []target) []*routev3.RouteAction_HashPolicy {
	var out []*routev3.RouteAction_HashPolicy
	for _, t := range targets {
		hp := hashPolicy(loadBalancer(model.DestinationRuleFor(rules, t.host, t.namespace), t.subset, t.port).GetConsistentHash())
		if hp == nil {
			continue
		}
		dup := false
		for _, o := range out {
			dup = dup || proto.Equal(o, hp)
		}
		if !dup {
			out = append(out, hp)
		}
	}
	return out
}

// loadBalancer layers the rule's load balancer settings as clusters do:
// the rule's traffic policy, its port-level settings for port, the
// subset's policy, the subset's port-level settings; the last one set
// wins.
func loadBalancer(dr *networking.DestinationRule, subset string, port uint32) *networking.LoadBalancerSettings {
	var lb *networking.LoadBalancerSettings
	layer := func(tp *networking.TrafficPolicy) {
		if l := tp.GetLoadBalancer(); l != nil {
			lb = l
		}
		for _, pl := range tp.GetPortLevelSettings() {
			if pl.GetPort().GetNumber() == port && pl.GetLoadBalancer() != nil {
				lb = pl.GetLoadBalancer()
			}
		}
	}
	layer(dr.GetTrafficPolicy())
	if subset != "" {
		for _, s := range dr.GetSubsets() {
			if s.GetName() == subset {
				layer(s.GetTrafficPolicy())
				break
			}
		}
	}
	return lb
}

// hashPolicy translates a consistent-hash key: header, cookie (name, path,
// ttl), source IP or query parameter.
func hashPolicy(ch *networking.LoadBalancerSettings_ConsistentHashLB) *routev3.RouteAction_HashPolicy {
	switch k := ch.GetHashKey().(type) {
	case *networking.LoadBalancerSettings_ConsistentHashLB_HttpHeaderName:
		return &routev3.RouteAction_HashPolicy{PolicySpecifier: &routev3.RouteAction_HashPolicy_Header_{
			Header: &routev3.RouteAction_HashPolicy_Header{HeaderName: k.HttpHeaderName}}}
	case *networking.LoadBalancerSettings_ConsistentHashLB_HttpCookie:
		c := &routev3.RouteAction_HashPolicy_Cookie{Name: k.HttpCookie.GetName(), Path: k.HttpCookie.GetPath()}
		if ttl := k.HttpCookie.GetTtl(); ttl != nil {
			c.Ttl = durationpb.New(ttl.AsDuration())
		}
		return &routev3.RouteAction_HashPolicy{PolicySpecifier: &routev3.RouteAction_HashPolicy_Cookie_{Cookie: c}}
	case *networking.LoadBalancerSettings_ConsistentHashLB_UseSourceIp:
		if !k.UseSourceIp {
			return nil
		}
		return &routev3.RouteAction_HashPolicy{PolicySpecifier: &routev3.RouteAction_HashPolicy_ConnectionProperties_{
			ConnectionProperties: &routev3.RouteAction_HashPolicy_ConnectionProperties{SourceIp: true}}}
	case *networking.LoadBalancerSettings_ConsistentHashLB_HttpQueryParameterName:
		return &routev3.RouteAction_HashPolicy{PolicySpecifier: &routev3.RouteAction_HashPolicy_QueryParameter_{
			QueryParameter: &routev3.RouteAction_HashPolicy_QueryParameter{Name: k.HttpQueryParameterName}}}
	}
	return nil
}
