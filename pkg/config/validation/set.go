package validation

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	networking "istio.io/api/networking/v1alpha3"

	clientpb "github.com/sailmesh/sail/api/mixer/v1/config/client"
	policypb "github.com/sailmesh/sail/api/policy/v1beta1"
	"github.com/sailmesh/sail/pkg/config"
)

// clusterDomain is the DNS suffix short service names are completed with
// when references are matched across objects.
const clusterDomain = "svc.cluster.local"

type nsName struct{ ns, name string }

// setIndex is what the cross-object checks look up. An input may define the
// same key more than once (alternative versions of one rule); lookups treat
// the definitions as a union.
type setIndex struct {
	handlers   map[nsName]bool
	instances  map[nsName]bool
	quotaSpecs map[nsName]bool
	// subsets maps a DestinationRule's host (fully qualified) to the
	// subsets its rules define.
	subsets map[string]map[string]bool
}

func indexSet(objs []*config.Object) *setIndex {
	idx := &setIndex{
		handlers: map[nsName]bool{}, instances: map[nsName]bool{}, quotaSpecs: map[nsName]bool{},
		subsets: map[string]map[string]bool{},
	}
	for _, o := range objs {
		k := nsName{o.Namespace, o.Name}
		switch s := o.Spec.(type) {
		case *policypb.Handler:
			idx.handlers[k] = true
		case *policypb.Instance:
			idx.instances[k] = true
		case *clientpb.QuotaSpec:
			idx.quotaSpecs[k] = true
		case *networking.DestinationRule:
			if s.Host == "" || strings.Contains(s.Host, "*") || s.WorkloadSelector != nil {
				continue
			}
			h := qualifyHost(s.Host, o.Namespace)
			if idx.subsets[h] == nil {
				idx.subsets[h] = map[string]bool{}
			}
			for _, sub := range s.Subsets {
				if sub != nil {
					idx.subsets[h][sub.Name] = true
				}
			}
		}
	}
	return idx
}

// qualifyHost completes a short service name ("reviews") in namespace ns
// to its cluster name, as Istio does; other names are kept.
func qualifyHost(host, ns string) string {
	if strings.Contains(host, ".") {
		return host
	}
	return host + "." + ns + "." + clusterDomain
}

// resolveMixerRef resolves a Mixer reference from a rule in namespace ns:
// "name" (the rule's namespace), "name.namespace" or "name.kind.namespace".
func resolveMixerRef(ref, kind, ns string) (nsName, string) {
	parts := strings.Split(ref, ".")
	switch len(parts) {
	case 1:
		return nsName{ns, parts[0]}, ""
	case 2:
		return nsName{parts[1], parts[0]}, ""
	case 3:
		if parts[1] != kind {
			return nsName{}, fmt.Sprintf("%q names %s, not %s: use \"<name>\", \"<name>.<namespace>\" or \"<name>.%s.<namespace>\"", ref, withArticle(parts[1]), withArticle(kind), kind)
		}
		return nsName{parts[2], parts[0]}, ""
	}
	return nsName{}, fmt.Sprintf("%q is not %s reference: use \"<name>\", \"<name>.<namespace>\" or \"<name>.%s.<namespace>\"", ref, withArticle(kind), kind)
}

func withArticle(kind string) string {
	if strings.ContainsRune("aeiou", rune(kind[0])) {
		return "an " + kind
	}
	return "a " + kind
}

func (idx *setIndex) checkRuleRefs(e *errs, p path, ns string, r *policypb.Rule) {
	for i, a := range r.Actions {
		if a == nil {
			continue
		}
		ap := p.field("actions").index(i)
		if a.Handler != "" {
			idx.checkMixerRef(e, ap.field("handler"), a.Handler, "handler", ns, idx.handlers)
		}
		for j, in := range a.Instances {
			if in != "" {
				idx.checkMixerRef(e, ap.field("instances").index(j), in, "instance", ns, idx.instances)
			}
		}
	}
}

func (idx *setIndex) checkMixerRef(e *errs, p path, ref, kind, ns string, known map[nsName]bool) {
	key, msg := resolveMixerRef(ref, kind, ns)
	if msg != "" {
		e.add(p, "%s", msg)
		return
	}
	if !known[key] {
		e.add(p, "%s %q not found: no %s %s in namespace %s in this input; define it or fix the name", kind, ref, kind, key.name, key.ns)
	}
}

func (idx *setIndex) checkBindingRefs(e *errs, p path, ns string, b *clientpb.QuotaSpecBinding) {
	for i, q := range b.QuotaSpecs {
		if q == nil || q.Name == "" {
			continue
		}
		key := nsName{q.Namespace, q.Name}
		if key.ns == "" {
			key.ns = ns
		}
		if !idx.quotaSpecs[key] {
			e.add(p.field("quotaSpecs").index(i).field("name"), "QuotaSpec %q not found: no QuotaSpec %s in namespace %s in this input; define it or fix the name", q.Name, key.name, key.ns)
		}
	}
}

// checkSubsetRefs checks that the subsets routes name are defined by the
// input's DestinationRules for that host. Hosts without a DestinationRule
// in the input are not checked: the rule may be applied separately.
func (idx *setIndex) checkSubsetRefs(e *errs, p path, ns string, vs *networking.VirtualService) {
	check := func(dp path, d *networking.Destination) {
		if d == nil || d.Subset == "" || strings.Contains(d.Host, "*") {
			return
		}
		subsets, ok := idx.subsets[qualifyHost(d.Host, ns)]
		if !ok || subsets[d.Subset] {
			return
		}
		defined := "it defines none"
		if len(subsets) > 0 {
			defined = "it defines " + strings.Join(slices.Sorted(maps.Keys(subsets)), ", ")
		}
		e.add(dp.field("subset"), "subset %q is not defined by the DestinationRule for host %s in this input (%s)", d.Subset, d.Host, defined)
	}
	for i, r := range vs.Http {
		if r == nil {
			continue
		}
		rp := p.field("http").index(i)
		for j, d := range r.Route {
			if d != nil {
				check(rp.field("route").index(j).field("destination"), d.Destination)
			}
		}
		check(rp.field("mirror"), r.Mirror)
		for j, m := range r.Mirrors {
			if m != nil {
				check(rp.field("mirrors").index(j).field("destination"), m.Destination)
			}
		}
	}
	for i, r := range vs.Tcp {
		if r == nil {
			continue
		}
		for j, d := range r.Route {
			if d != nil {
				check(p.field("tcp").index(i).field("route").index(j).field("destination"), d.Destination)
			}
		}
	}
	for i, r := range vs.Tls {
		if r == nil {
			continue
		}
		for j, d := range r.Route {
			if d != nil {
				check(p.field("tls").index(i).field("route").index(j).field("destination"), d.Destination)
			}
		}
	}
}
