package xds

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	"github.com/envoyproxy/go-control-plane/pkg/cache/v3"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	"google.golang.org/protobuf/proto"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pilot/pkg/networking/cluster"
	"github.com/sailmesh/sail/pilot/pkg/networking/endpoint"
	"github.com/sailmesh/sail/pilot/pkg/networking/listener"
	"github.com/sailmesh/sail/pilot/pkg/networking/route"
)

// Resources are one proxy's generated xDS resources by type URL, each list
// sorted by name.
type Resources map[resource.Type][]types.Resource

// Generate builds the clusters, endpoints, listeners and routes of proxy
// from in: CDS from cluster.Build, EDS for every EDS cluster, LDS from
// listener.BuildSidecar and RDS for every route name the listeners
// reference. It returns the listener warnings alongside. Only sidecars are
// supported; a router gets listener.ErrNotSidecar.
func Generate(in *Input, proxy *model.Proxy) (Resources, []listener.Warning, error) {
	clusters, err := cluster.Build(cluster.Inputs{Registry: in.Registry, DestinationRules: in.DestinationRules, Mesh: in.Mesh}, proxy)
	if err != nil {
		return nil, nil, fmt.Errorf("clusters: %w", err)
	}
	listeners, warnings, err := listener.BuildSidecar(listener.Inputs{
		Services:  in.Services,
		Instances: proxyInstances(in.Registry, proxy),
		Mesh:      in.Mesh,
	}, proxy)
	if err != nil {
		return nil, nil, fmt.Errorf("listeners: %w", err)
	}
	out := Resources{
		resource.ClusterType:  make([]types.Resource, 0, len(clusters)),
		resource.ListenerType: make([]types.Resource, 0, len(listeners)),
	}
	clusterRes := make(map[string]types.ResourceWithTTL, len(clusters))
	for _, c := range clusters {
		out[resource.ClusterType] = append(out[resource.ClusterType], c)
		clusterRes[c.GetName()] = types.ResourceWithTTL{Resource: c}
	}
	listenerRes := make(map[string]types.ResourceWithTTL, len(listeners))
	for _, l := range listeners {
		out[resource.ListenerType] = append(out[resource.ListenerType], l)
		listenerRes[l.GetName()] = types.ResourceWithTTL{Resource: l}
	}

	eds := endpoint.Inputs{Registry: in.Registry, DestinationRules: in.DestinationRules}
	for _, name := range sortedKeys(cache.GetResourceReferences(clusterRes)[resource.EndpointType]) {
		cla, err := endpoint.Build(eds, name)
		if err != nil {
			return nil, nil, fmt.Errorf("endpoints: %w", err)
		}
		out[resource.EndpointType] = append(out[resource.EndpointType], cla)
	}

	rds := route.Inputs{Services: in.Services, VirtualServices: in.VirtualServices, DestinationRules: in.DestinationRules, Mesh: in.Mesh}
	for _, name := range sortedKeys(cache.GetResourceReferences(listenerRes)[resource.RouteType]) {
		port, err := strconv.ParseUint(name, 10, 32)
		if err != nil {
			return nil, nil, fmt.Errorf("routes: listener references route %q, which is not a port number", name)
		}
		rc, err := route.BuildSidecarOutbound(rds, proxy, uint32(port))
		if err != nil {
			return nil, nil, fmt.Errorf("routes: %w", err)
		}
		out[resource.RouteType] = append(out[resource.RouteType], rc)
	}
	return out, warnings, nil
}

// proxyInstances are the service instances at the proxy's IPs.
func proxyInstances(reg model.Registry, proxy *model.Proxy) []*model.Instance {
	var out []*model.Instance
	for _, ip := range proxy.IPAddresses {
		out = append(out, reg.InstancesByIP(ip)...)
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Snapshot turns res into a consistent snapshot at version.
func (res Resources) Snapshot(version string) (*cache.Snapshot, error) {
	snap, err := cache.NewSnapshot(version, res)
	if err != nil {
		return nil, err
	}
	if err := snap.Consistent(); err != nil {
		return nil, fmt.Errorf("inconsistent snapshot: %w", err)
	}
	return snap, nil
}

// changedTypes returns, in xDS order, the types whose resources differ
// between res and snap, resource by resource; a nil snap differs in every
// type.
func (res Resources) changedTypes(snap cache.ResourceSnapshot) []resource.Type {
	var out []resource.Type
	for _, typ := range dumpTypes {
		if snap == nil || !sameResources(snap.GetResources(typ), res[typ]) {
			out = append(out, typ)
		}
	}
	return out
}

func sameResources(have map[string]types.Resource, want []types.Resource) bool {
	if len(have) != len(want) {
		return false
	}
	for _, r := range want {
		h, ok := have[cache.GetResourceName(r)]
		if !ok || !proto.Equal(h, r) {
			return false
		}
	}
	return true
}
