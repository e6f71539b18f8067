package aggregate

import (
	"cmp"
	"slices"
	"sync"

	"github.com/sailmesh/sail/pilot/pkg/model"
)

var _ model.Registry = (*Registry)(nil)

// Registry is a model.Registry over an ordered list of registries. It is
// safe for concurrent use to the extent its registries are.
type Registry struct {
	registries []model.Registry
	// deliver serialises handler calls, which come from each registry's
	// own goroutine, so that handlers run one at a time as model.Registry
	// promises.
	deliver sync.Mutex
}

// New returns the aggregate of registries; on a duplicate hostname the
// earlier registry wins.
func New(registries ...model.Registry) *Registry {
	return &Registry{registries: slices.Clone(registries)}
}

// Services implements model.Registry.
func (a *Registry) Services() []*model.Service {
	seen := map[string]bool{}
	var out []*model.Service
	for _, r := range a.registries {
		for _, s := range r.Services() {
			if seen[s.Hostname] {
				continue
			}
			seen[s.Hostname] = true
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(x, y *model.Service) int { return cmp.Compare(x.Hostname, y.Hostname) })
	return out
}

// owner returns the index of the first registry holding hostname, with
// its Service; -1 when none does.
func (a *Registry) owner(hostname string) (int, *model.Service) {
	for i, r := range a.registries {
		if s := r.Service(hostname); s != nil {
			return i, s
		}
	}
	return -1, nil
}

// Service implements model.Registry.
func (a *Registry) Service(hostname string) *model.Service {
	_, s := a.owner(hostname)
	return s
}

// Instances implements model.Registry: the instances of the registry that
// owns hostname.
func (a *Registry) Instances(hostname string, port uint32) []*model.Instance {
	i, _ := a.owner(hostname)
	if i < 0 {
		return nil
	}
	return a.registries[i].Instances(hostname, port)
}

// InstancesByIP implements model.Registry.
func (a *Registry) InstancesByIP(ip string) []*model.Instance {
	var out []*model.Instance
	for i, r := range a.registries {
		for _, in := range r.InstancesByIP(ip) {
			// Drop instances of a hostname an earlier registry owns.
			if o, _ := a.owner(in.Service.Hostname); o == i {
				out = append(out, in)
			}
		}
	}
	slices.SortStableFunc(out, func(x, y *model.Instance) int {
		return cmp.Or(cmp.Compare(x.Service.Hostname, y.Service.Hostname),
			cmp.Compare(x.ServicePort.Number, y.ServicePort.Number))
	})
	return out
}

// AppendHandler implements model.Registry: h receives the events of every
// registry, one call at a time.
func (a *Registry) AppendHandler(h func(model.Event)) {
	for _, r := range a.registries {
		r.AppendHandler(func(ev model.Event) {
			a.deliver.Lock()
			defer a.deliver.Unlock()
			h(ev)
		})
	}
}
