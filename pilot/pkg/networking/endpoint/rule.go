package endpoint

import (
	"cmp"
	"slices"
	"strings"

	networking "istio.io/api/networking/v1alpha3"

	"github.com/sailmesh/sail/pkg/config"
)

// DomainSuffix completes a short DestinationRule host ("reviews") written
// in namespace ns to "reviews.<ns>.svc.cluster.local".
const DomainSuffix = "svc.cluster.local"

// RuleFor returns the DestinationRule that applies to the service named
// hostname, or nil. The choice depends only on the rules and the host, not
// on the proxy, so CDS and EDS always agree on a host's subsets:
//
//   - a rule whose host is the exact name beats a wildcard ("*.svc...");
//     among wildcards the longest (most specific) wins;
//   - then a rule in the service's own namespace (svcNamespace) wins;
//   - then the oldest rule (creation timestamp), then namespace/name.
//
// Rules whose Spec is not a *networking.DestinationRule are ignored.
// DestinationRule exportTo and workloadSelector are not applied yet.
func RuleFor(rules []*config.Object, hostname, svcNamespace string) *networking.DestinationRule {
	type cand struct {
		obj   *config.Object
		dr    *networking.DestinationRule
		exact bool
		size  int
	}
	var best *cand
	better := func(a, b *cand) bool { // a better than b
		if a.exact != b.exact {
			return a.exact
		}
		if a.size != b.size {
			return a.size > b.size
		}
		if (a.obj.Namespace == svcNamespace) != (b.obj.Namespace == svcNamespace) {
			return a.obj.Namespace == svcNamespace
		}
		if c := a.obj.CreationTimestamp.Compare(b.obj.CreationTimestamp); c != 0 {
			return c < 0
		}
		return cmp.Or(cmp.Compare(a.obj.Namespace, b.obj.Namespace), cmp.Compare(a.obj.Name, b.obj.Name)) < 0
	}
	for _, o := range rules {
		dr, ok := o.Spec.(*networking.DestinationRule)
		if !ok || dr == nil {
			continue
		}
		h := resolveHost(dr.GetHost(), o.Namespace)
		c := &cand{obj: o, dr: dr, size: len(h)}
		switch {
		case h == hostname:
			c.exact = true
		case strings.HasPrefix(h, "*") && strings.HasSuffix(hostname, h[1:]):
		default:
			continue
		}
		if best == nil || better(c, best) {
			best = c
		}
	}
	if best == nil {
		return nil
	}
	return best.dr
}

// resolveHost completes a short host name written in namespace ns.
func resolveHost(host, ns string) string {
	if host == "" || host == "*" || strings.Contains(host, ".") {
		return host
	}
	return host + "." + ns + "." + DomainSuffix
}

// SubsetOf returns the subset named name of dr, or nil.
func SubsetOf(dr *networking.DestinationRule, name string) *networking.Subset {
	i := slices.IndexFunc(dr.GetSubsets(), func(s *networking.Subset) bool { return s.GetName() == name })
	if i < 0 {
		return nil
	}
	return dr.GetSubsets()[i]
}

// MatchesLabels reports whether every label of selector is set to the same
// value in labels; an empty selector matches everything.
func MatchesLabels(selector, labels map[string]string) bool {
	for k, v := range selector {
		if got, ok := labels[k]; !ok || got != v {
			return false
		}
	}
	return true
}
