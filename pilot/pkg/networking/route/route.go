package route

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/mesh"
)

// ErrInvalid is wrapped by BuildSidecarOutbound's errors: the generated
// configuration failed Envoy's validation, which means an input the
// validator let through or a bug in this package.
var ErrInvalid = errors.New("invalid route configuration")

// AllowAnyVirtualHost is the name of the virtual host that sends requests
// for unknown hosts to model.PassthroughCluster under ALLOW_ANY.
const AllowAnyVirtualHost = "allow_any"

// DefaultRouteName names the route of a service without a VirtualService.
const DefaultRouteName = "default"

// Inputs are what route generation reads. They are never modified.
type Inputs struct {
	// Services are every service of the registry, in any order.
	Services []*model.Service
	// VirtualServices are the VirtualService objects (Spec
	// *networking.VirtualService) in every namespace; others are ignored.
	VirtualServices []*config.Object
	// DestinationRules are the DestinationRule objects (Spec
	// *networking.DestinationRule) in every namespace; they give routes
	// their consistent-hash keys.
	DestinationRules []*config.Object
	// Mesh is the mesh configuration (outbound traffic policy).
	Mesh mesh.Config
}

// BuildSidecarOutbound returns the RouteConfiguration named after port for
// a sidecar: one virtual host per visible HTTP service on the port, sorted
// by host name, then the "allow_any" virtual host (domain "*", to
// PassthroughCluster) when the mesh's outbound mode is ALLOW_ANY, as in
// Istio 1.1. validate_clusters is false, as Istio sets it, so a route may
// name a cluster the proxy has not got yet.
func BuildSidecarOutbound(in Inputs, proxy *model.Proxy, port uint32) (*routev3.RouteConfiguration, error) {
	name := strconv.FormatUint(uint64(port), 10)
	svcs := slices.Clone(in.Services)
	slices.SortFunc(svcs, func(a, b *model.Service) int { return cmp.Compare(a.Hostname, b.Hostname) })
	vss := meshVirtualServices(in.VirtualServices)

	var hosts []*vhost
	for _, svc := range svcs {
		p, ok := svc.GetPortByNumber(port)
		if !ok || !p.Protocol.IsHTTP() || !svc.VisibleTo(proxy.Namespace) {
			continue
		}
		h := &vhost{svc: svc, port: p}
		if vs := virtualServiceFor(vss, svc.Hostname); vs != nil {
			routes, err := translateVirtualService(in, svcs, proxy, vs, port)
			if err != nil {
				return nil, fmt.Errorf("%w %q for proxy %s: %w", ErrInvalid, name, proxy.ID, err)
			}
			h.routes = routes
		} else {
			h.routes = []*routev3.Route{defaultRoute(in, svc, port)}
		}
		hosts = append(hosts, h)
	}
	vhosts := assignDomains(hosts, proxyDomain(proxy), port)
	if in.Mesh.OutboundTrafficPolicy.Mode == mesh.AllowAny {
		vhosts = append(vhosts, allowAny())
	}
	rc := &routev3.RouteConfiguration{
		Name:             name,
		VirtualHosts:     vhosts,
		ValidateClusters: wrapperspb.Bool(false),
	}
	if err := validate(rc); err != nil {
		return nil, fmt.Errorf("%w %q for proxy %s: %w", ErrInvalid, name, proxy.ID, err)
	}
	return rc, nil
}

// validate runs Envoy's validation on rc and on the typed per-filter
// configs, which Validate does not open.
func validate(rc *routev3.RouteConfiguration) error {
	if err := rc.ValidateAll(); err != nil {
		return err
	}
	for _, vh := range rc.GetVirtualHosts() {
		for _, r := range vh.GetRoutes() {
			for filter, a := range r.GetTypedPerFilterConfig() {
				m, err := a.UnmarshalNew()
				if err != nil {
					return fmt.Errorf("virtual host %s route %s: %s: %w", vh.GetName(), r.GetName(), filter, err)
				}
				if v, ok := m.(interface{ ValidateAll() error }); ok {
					if err := v.ValidateAll(); err != nil {
						return fmt.Errorf("virtual host %s route %s: %s: %w", vh.GetName(), r.GetName(), filter, err)
					}
				}
			}
		}
	}
	return nil
}

// defaultRoute is a service's route without a VirtualService: prefix "/"
// to the default cluster, with the default retry policy and the timeout
// disabled (Istio 1.1: "easier to reason about than assuming some
// defaults").
func defaultRoute(in Inputs, svc *model.Service, port uint32) *routev3.Route {
	action := &routev3.RouteAction{
		ClusterSpecifier: &routev3.RouteAction_Cluster{Cluster: model.ClusterName(model.Outbound, "", svc.Hostname, port)},
		RetryPolicy:      defaultRetryPolicy(),
	}
	setTimeout(action, nil)
	action.HashPolicy = hashPolicies(in.DestinationRules, []target{{host: svc.Hostname, namespace: svc.Namespace, port: port}})
	return &routev3.Route{
		Name:   DefaultRouteName,
		Match:  &routev3.RouteMatch{PathSpecifier: &routev3.RouteMatch_Prefix{Prefix: "/"}},
		Action: &routev3.Route_Route{Route: action},
	}
}

func allowAny() *routev3.VirtualHost {
	return &routev3.VirtualHost{
		Name:    AllowAnyVirtualHost,
		Domains: []string{"*"},
		Routes: []*routev3.Route{{
			Name:  AllowAnyVirtualHost,
			Match: &routev3.RouteMatch{PathSpecifier: &routev3.RouteMatch_Prefix{Prefix: "/"}},
			Action: &routev3.Route_Route{Route: &routev3.RouteAction{
				ClusterSpecifier: &routev3.RouteAction_Cluster{Cluster: model.PassthroughCluster},
			}},
		}},
	}
}
