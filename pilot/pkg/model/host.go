package model

import (
	"cmp"
	"strings"

	networking "istio.io/api/networking/v1alpha3"

	"github.com/sailmesh/sail/pkg/config"
)

// DomainSuffix completes short host names: "reviews" written in namespace
// default is "reviews.default.svc.cluster.local".
const DomainSuffix = "svc.cluster.local"

// ResolveHost completes a short host name written in a config object of
// namespace ns. Names with a dot, "*" and "" are kept as written.
func ResolveHost(host, ns string) string {
	if host == "" || host == "*" || strings.Contains(host, ".") {
		return host
	}
	return host + "." + ns + "." + DomainSuffix
}

// HostMatch says how well pattern (a config host, already resolved) matches
// a service host name: 0 for no match, higher for more specific patterns.
// An exact name beats every wildcard and a longer wildcard suffix beats a
// shorter one; "*.example.com" matches "a.example.com" and the wildcard
// service "*.b.example.com".
func HostMatch(pattern, hostname string) int {
	if pattern == hostname {
		return 1 << 20
	}
	suffix, ok := strings.CutPrefix(pattern, "*")
	if !ok {
		return 0
	}
	if strings.HasSuffix(strings.TrimPrefix(hostname, "*"), suffix) {
		return 1 + len(suffix)
	}
	return 0
}

// DestinationRuleFor returns the DestinationRule that applies to the service
// named hostname, defined in svcNamespace, or nil. CDS, EDS and RDS all
// choose through this one function, so clusters, endpoints and routes always
// agree on a host's subsets and policies. The choice depends only on the
// rules and the host, never on the proxy:
//
//   - the most specific host match wins (see HostMatch);
//   - then a rule in the service's own namespace;
//   - then the oldest rule (creation timestamp), then namespace/name.
//
// Objects whose Spec is not a *networking.DestinationRule are ignored.
// DestinationRule exportTo and workloadSelector are not applied yet.
func DestinationRuleFor(rules []*config.Object, hostname, svcNamespace string) *networking.DestinationRule {
	var best *config.Object
	bestScore := 0
	better := func(o *config.Object, score int) bool {
		if best == nil || score != bestScore {
			return best == nil || score > bestScore
		}
		if (o.Namespace == svcNamespace) != (best.Namespace == svcNamespace) {
			return o.Namespace == svcNamespace
		}
		if c := o.CreationTimestamp.Compare(best.CreationTimestamp); c != 0 {
			return c < 0
		}
		return cmp.Or(cmp.Compare(o.Namespace, best.Namespace), cmp.Compare(o.Name, best.Name)) < 0
	}
	for _, o := range rules {
		dr, ok := o.Spec.(*networking.DestinationRule)
		if !ok || dr == nil {
			continue
		}
		score := HostMatch(ResolveHost(dr.GetHost(), o.Namespace), hostname)
		if score > 0 && better(o, score) {
			best, bestScore = o, score
		}
	}
	if best == nil {
		return nil
	}
	return best.Spec.(*networking.DestinationRule)
}
