package xds

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/mesh"
	"github.com/sailmesh/sail/pkg/config/store"
)

// ConfigSource is the part of a config store the server reads. store.Store
// satisfies it. Both methods may be called concurrently.
type ConfigSource interface {
	// List returns the objects of one kind; namespace "" means all.
	List(gk config.GroupKind, namespace string) ([]*config.Object, error)
	// Watch registers h for every later change and returns a function
	// that unregisters it.
	Watch(h store.Handler) (cancel func())
}

// The config kinds generation reads.
func virtualServiceKind() config.GroupKind {
	return config.GroupKind{Group: config.NetworkingGroup, Kind: "VirtualService"}
}

func destinationRuleKind() config.GroupKind {
	return config.GroupKind{Group: config.NetworkingGroup, Kind: "DestinationRule"}
}

// Input is everything one push reads, taken at one point in time. It is
// never modified once built, and may be shared by any number of
// goroutines.
type Input struct {
	// Version is the push counter value the input was taken at.
	Version uint64
	// Registry is a frozen view of the service registry.
	Registry model.Registry
	// Services are Registry's services, sorted by hostname.
	Services []*model.Service
	// VirtualServices and DestinationRules are the objects of the
	// config store, sorted by namespace and name.
	VirtualServices  []*config.Object
	DestinationRules []*config.Object
	// Mesh is the mesh config.
	Mesh mesh.Config
}

// NewInput takes an Input from reg and configs at version.
func NewInput(version uint64, reg model.Registry, configs ConfigSource, meshCfg mesh.Config) (*Input, error) {
	vss, err := configs.List(virtualServiceKind(), "")
	if err != nil {
		return nil, fmt.Errorf("list VirtualServices: %w", err)
	}
	drs, err := configs.List(destinationRuleKind(), "")
	if err != nil {
		return nil, fmt.Errorf("list DestinationRules: %w", err)
	}
	view := freeze(reg)
	return &Input{
		Version:          version,
		Registry:         view,
		Services:         view.Services(),
		VirtualServices:  vss,
		DestinationRules: drs,
		Mesh:             meshCfg,
	}, nil
}

var _ model.Registry = (*frozenRegistry)(nil)

// frozenRegistry is a copy of a registry's state: what the generators
// read during one push, so that every proxy in it sees the same services
// and instances.
type frozenRegistry struct {
	services  []*model.Service
	byHost    map[string]*model.Service
	instances map[string][]*model.Instance // by hostname, as Instances(h, 0)
	byIP      map[string][]*model.Instance
}

func freeze(reg model.Registry) *frozenRegistry {
	f := &frozenRegistry{
		services:  reg.Services(),
		byHost:    map[string]*model.Service{},
		instances: map[string][]*model.Instance{},
		byIP:      map[string][]*model.Instance{},
	}
	for _, svc := range f.services {
		f.byHost[svc.Hostname] = svc
		all := reg.Instances(svc.Hostname, 0)
		f.instances[svc.Hostname] = all
		for _, in := range all {
			f.byIP[in.Endpoint.Address] = append(f.byIP[in.Endpoint.Address], in)
		}
	}
	for _, ins := range f.byIP {
		slices.SortStableFunc(ins, func(a, b *model.Instance) int {
			return cmp.Or(cmp.Compare(a.Service.Hostname, b.Service.Hostname), cmp.Compare(a.ServicePort.Number, b.ServicePort.Number))
		})
	}
	return f
}

func (f *frozenRegistry) Services() []*model.Service { return slices.Clone(f.services) }

func (f *frozenRegistry) Service(hostname string) *model.Service { return f.byHost[hostname] }

func (f *frozenRegistry) Instances(hostname string, port uint32) []*model.Instance {
	all := f.instances[hostname]
	if port == 0 {
		return slices.Clone(all)
	}
	var out []*model.Instance
	for _, in := range all {
		if in.ServicePort.Number == port {
			out = append(out, in)
		}
	}
	return out
}

func (f *frozenRegistry) InstancesByIP(ip string) []*model.Instance { return slices.Clone(f.byIP[ip]) }

// AppendHandler does nothing: a frozen view never changes.
func (f *frozenRegistry) AppendHandler(func(model.Event)) {}
