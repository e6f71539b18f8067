package endpoint

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	endpointv3 "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pkg/config"
)

// ErrNotEDS: the cluster named is not one whose endpoints come by EDS
// (an inbound cluster, or a service resolved by DNS or passed through).
var ErrNotEDS = errors.New("not an EDS cluster")

// Inputs are what EDS generation reads. They are never modified.
type Inputs struct {
	// Registry is the service registry view.
	Registry model.Registry
	// DestinationRules are the DestinationRule objects (Spec
	// *networking.DestinationRule) in every namespace.
	DestinationRules []*config.Object
}

// Build returns the load assignment of the outbound EDS cluster named
// clusterName ("outbound|<port>|<subset>|<host>"): the instances of that
// service port whose labels match the subset's, grouped by locality.
//
// An unknown service or port, or a subset the host's DestinationRule does
// not define, gives an empty assignment (the cluster may be on its way
// out, or its rule not yet seen); a malformed name is an error, and so is
// a name that is not an EDS cluster (ErrNotEDS).
func Build(in Inputs, clusterName string) (*endpointv3.ClusterLoadAssignment, error) {
	dir, subset, host, port, err := model.ParseClusterName(clusterName)
	if err != nil {
		return nil, err
	}
	if dir != model.Outbound {
		return nil, fmt.Errorf("%w: %s: inbound clusters are static", ErrNotEDS, clusterName)
	}
	empty := &endpointv3.ClusterLoadAssignment{ClusterName: clusterName}
	svc := in.Registry.Service(host)
	if svc == nil {
		return empty, nil
	}
	if svc.Resolution != model.ClientSideLB {
		return nil, fmt.Errorf("%w: %s: service resolution is %s", ErrNotEDS, clusterName, svc.Resolution)
	}
	if _, ok := svc.GetPortByNumber(port); !ok {
		return empty, nil
	}
	var selector map[string]string
	if subset != "" {
		ss := SubsetOf(model.DestinationRuleFor(in.DestinationRules, host, svc.Namespace), subset)
		if ss == nil {
			return empty, nil
		}
		selector = ss.GetLabels()
	}
	return LoadAssignment(clusterName, in.Registry.Instances(host, port), selector), nil
}

// LoadAssignment builds the assignment named clusterName from the
// instances whose endpoint labels match selector: one LocalityLbEndpoints
// per locality, sorted by locality, each with its endpoints sorted by
// address and port.
func LoadAssignment(clusterName string, instances []*model.Instance, selector map[string]string) *endpointv3.ClusterLoadAssignment {
	byLocality := map[string][]*model.Instance{}
	for _, inst := range instances {
		if MatchesLabels(selector, inst.Endpoint.Labels) {
			byLocality[inst.Endpoint.Locality] = append(byLocality[inst.Endpoint.Locality], inst)
		}
	}
	localities := make([]string, 0, len(byLocality))
	for l := range byLocality {
		localities = append(localities, l)
	}
	slices.Sort(localities)
	cla := &endpointv3.ClusterLoadAssignment{ClusterName: clusterName}
	for _, l := range localities {
		insts := byLocality[l]
		slices.SortFunc(insts, func(a, b *model.Instance) int {
			return cmp.Or(cmp.Compare(a.Endpoint.Address, b.Endpoint.Address), cmp.Compare(a.Endpoint.Port, b.Endpoint.Port))
		})
		group := &endpointv3.LocalityLbEndpoints{Locality: ParseLocality(l)}
		for _, inst := range insts {
			group.LbEndpoints = append(group.LbEndpoints, lbEndpoint(inst.Endpoint))
		}
		cla.Endpoints = append(cla.Endpoints, group)
	}
	return cla
}

// ParseLocality parses "region/zone/subzone" (parts may be missing or
// empty); an empty string gives nil.
func ParseLocality(s string) *corev3.Locality {
	if s == "" {
		return nil
	}
	parts := strings.SplitN(s, "/", 3)
	parts = append(parts, "", "")
	return &corev3.Locality{Region: parts[0], Zone: parts[1], SubZone: parts[2]}
}

// SocketAddress is the TCP address ip:port in Envoy's form.
func SocketAddress(address string, port uint32) *corev3.Address {
	return &corev3.Address{Address: &corev3.Address_SocketAddress{SocketAddress: &corev3.SocketAddress{
		Protocol:      corev3.SocketAddress_TCP,
		Address:       address,
		PortSpecifier: &corev3.SocketAddress_PortValue{PortValue: port},
	}}}
}

func lbEndpoint(ep model.Endpoint) *endpointv3.LbEndpoint {
	lb := &endpointv3.LbEndpoint{HostIdentifier: &endpointv3.LbEndpoint_Endpoint{Endpoint: &endpointv3.Endpoint{
		Address: SocketAddress(ep.Address, ep.Port),
	}}}
	if ep.Weight > 0 {
		lb.LoadBalancingWeight = wrapperspb.UInt32(ep.Weight)
	}
	if ep.UID != "" {
		lb.Metadata = &corev3.Metadata{FilterMetadata: map[string]*structpb.Struct{
			"istio": {Fields: map[string]*structpb.Value{"uid": structpb.NewStringValue(ep.UID)}},
		}}
	}
	return lb
}
