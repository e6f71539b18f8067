package serviceentry

import (
	"maps"
	"reflect"
	"slices"

	"github.com/sailmesh/sail/pilot/pkg/model"
)

// changeEvent compares two indexes. A change is full when a service was
// added, removed or changed, when the endpoints of a DNS-resolved service
// changed (they are part of its cluster, not of EDS), or when a
// ServiceEntry changed (serviceEntryChanged) and anything differs; else it
// is endpoints-only. changed is false when nothing differs.
func changeEvent(old, next *index, serviceEntryChanged bool) (ev model.Event, changed bool) {
	services := map[string]bool{}
	endpoints := map[string]bool{}
	full := false
	for host, o := range old.byHost {
		n, ok := next.byHost[host]
		if !ok || !reflect.DeepEqual(o, n) {
			services[host] = true
		}
	}
	for host := range next.byHost {
		if _, ok := old.byHost[host]; !ok {
			services[host] = true
		}
	}
	for _, m := range []map[string][]*model.Instance{old.instances, next.instances} {
		for host := range m {
			if endpoints[host] || instancesEqual(old.instances[host], next.instances[host]) {
				continue
			}
			endpoints[host] = true
			if s := next.byHost[host]; s != nil && s.Resolution == model.DNSLB {
				full = true
			}
		}
	}
	if len(services) == 0 && len(endpoints) == 0 {
		return model.Event{}, false
	}
	if len(services) > 0 || full || serviceEntryChanged {
		maps.Copy(services, endpoints)
		return model.Event{Kind: model.FullChange, Hostnames: slices.Sorted(maps.Keys(services))}, true
	}
	return model.Event{Kind: model.EndpointsChange, Hostnames: slices.Sorted(maps.Keys(endpoints))}, true
}

// instancesEqual compares two sorted instance lists by what a proxy sees:
// service port and endpoint.
func instancesEqual(a, b []*model.Instance) bool {
	return slices.EqualFunc(a, b, func(x, y *model.Instance) bool {
		return x.ServicePort == y.ServicePort && reflect.DeepEqual(x.Endpoint, y.Endpoint)
	})
}
