package kube

import (
	"cmp"
	"maps"
	"reflect"
	"slices"

	"github.com/sailmesh/sail/pilot/pkg/model"
)

// entry is the converted state of one Service. It is immutable once built.
type entry struct {
	key       key
	svc       *model.Service
	selector  map[string]string
	instances []*model.Instance // sorted by compareInstances
	pods      map[string]bool   // names of the Pods behind instances
	nodes     map[string]bool   // names of the Nodes behind instances
}

// index is one immutable snapshot of the registry.
type index struct {
	entries  map[string]*entry // by hostname
	services []*model.Service  // sorted by hostname
	byIP     map[string][]*model.Instance
}

func emptyIndex() *index { return newIndex(nil) }

// newIndex derives the lookups from entries, which it takes over.
func newIndex(entries map[string]*entry) *index {
	if entries == nil {
		entries = map[string]*entry{}
	}
	idx := &index{entries: entries, byIP: map[string][]*model.Instance{}}
	for _, e := range entries {
		idx.services = append(idx.services, e.svc)
		for _, in := range e.instances {
			idx.byIP[in.Endpoint.Address] = append(idx.byIP[in.Endpoint.Address], in)
		}
	}
	slices.SortFunc(idx.services, func(a, b *model.Service) int { return cmp.Compare(a.Hostname, b.Hostname) })
	for _, list := range idx.byIP {
		slices.SortFunc(list, func(a, b *model.Instance) int {
			return cmp.Or(cmp.Compare(a.Service.Hostname, b.Service.Hostname), compareInstances(a, b))
		})
	}
	return idx
}

// with returns a copy of idx with host's entry replaced, or removed when e
// is nil.
func (idx *index) with(host string, e *entry) *index {
	entries := maps.Clone(idx.entries)
	if e == nil {
		delete(entries, host)
	} else {
		entries[host] = e
	}
	return newIndex(entries)
}

func compareInstances(a, b *model.Instance) int {
	return cmp.Or(
		cmp.Compare(a.ServicePort.Number, b.ServicePort.Number),
		cmp.Compare(a.Endpoint.Address, b.Endpoint.Address),
		cmp.Compare(a.Endpoint.Port, b.Endpoint.Port))
}

// changeEvent compares host's entry before and after a rebuild. store is
// false when the new entry equals the old one in everything the index
// holds; notify is false when nothing a reader sees changed.
func changeEvent(host string, prev, next *entry) (ev model.Event, store, notify bool) {
	switch {
	case prev == nil && next == nil:
		return model.Event{}, false, false
	case prev == nil || next == nil, prev.svc != next.svc, !maps.Equal(prev.selector, next.selector):
		return model.Event{Kind: model.FullChange, Hostnames: []string{host}}, true, true
	}
	bookkeeping := !maps.Equal(prev.pods, next.pods) || !maps.Equal(prev.nodes, next.nodes)
	if instancesEqual(prev.instances, next.instances) {
		return model.Event{}, bookkeeping, false
	}
	kind := model.EndpointsChange
	if next.svc.Resolution == model.DNSLB {
		// DNS endpoints are part of the cluster, not of EDS.
		kind = model.FullChange
	}
	return model.Event{Kind: kind, Hostnames: []string{host}}, true, true
}

// instancesEqual compares two sorted instance lists by what a proxy sees:
// service port and endpoint.
func instancesEqual(a, b []*model.Instance) bool {
	return slices.EqualFunc(a, b, func(x, y *model.Instance) bool {
		return x.ServicePort == y.ServicePort && reflect.DeepEqual(x.Endpoint, y.Endpoint)
	})
}
