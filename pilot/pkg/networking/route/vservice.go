package route

import (
	"cmp"
	"slices"

	networking "istio.io/api/networking/v1alpha3"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pkg/config"
)

// MeshGateway is the gateway name that binds a VirtualService to every
// sidecar.
const MeshGateway = "mesh"

// boundVS is a VirtualService bound to the mesh, with its hosts resolved.
type boundVS struct {
	obj   *config.Object
	spec  *networking.VirtualService
	hosts []string
}

// boundToMesh reports whether gateways, a VirtualService's or a match
// block's, include the sidecars: empty or naming "mesh".
func boundToMesh(gateways []string) bool {
	return len(gateways) == 0 || slices.Contains(gateways, MeshGateway)
}

// meshVirtualServices returns the VirtualServices that apply to sidecars'
// HTTP routes (bound to the mesh, with http routes: a tcp- or tls-only
// VirtualService leaves an HTTP service its default route), sorted by
// creation time, then namespace and name.
func meshVirtualServices(objs []*config.Object) []*boundVS {
	var out []*boundVS
	for _, o := range objs {
		vs, ok := o.Spec.(*networking.VirtualService)
		if !ok || vs == nil || !boundToMesh(vs.GetGateways()) || len(vs.GetHttp()) == 0 {
			continue
		}
		b := &boundVS{obj: o, spec: vs}
		for _, h := range vs.GetHosts() {
			b.hosts = append(b.hosts, model.ResolveHost(h, o.Namespace))
		}
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b *boundVS) int {
		return cmp.Or(a.obj.CreationTimestamp.Compare(b.obj.CreationTimestamp),
			cmp.Compare(a.obj.Namespace, b.obj.Namespace), cmp.Compare(a.obj.Name, b.obj.Name))
	})
	return out
}

// virtualServiceFor picks the VirtualService whose routes a service gets:
// the most specific host match (see model.HostMatch), then the oldest, then by
// namespace and name. Istio merges nothing either: one VirtualService
// per host.
func virtualServiceFor(vss []*boundVS, hostname string) *boundVS {
	var best *boundVS
	bestScore := 0
	for _, vs := range vss { // oldest first: a later one must be strictly better
		for _, h := range vs.hosts {
			if s := model.HostMatch(h, hostname); s > bestScore {
				best, bestScore = vs, s
			}
		}
	}
	return best
}
