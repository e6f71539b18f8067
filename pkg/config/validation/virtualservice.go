package validation

import (
	"fmt"
	"strings"

	networking "istio.io/api/networking/v1alpha3"
)

// meshGateway is the reserved gateway name for the sidecars of the mesh.
const meshGateway = "mesh"

// checkVirtualService applies Istio's VirtualService rules.
//
// A VirtualService without hosts is a delegate: it is reachable only from
// another VirtualService's http[].delegate, so it may have no gateways and
// only http routes. Whether anything delegates to it cannot be told from one
// object, so an empty hosts list is not an error on its own.
func checkVirtualService(e *errs, p path, ns string, vs *networking.VirtualService) {
	delegate := len(vs.Hosts) == 0
	if delegate {
		const why = "a VirtualService without hosts is a delegate (used only through another VirtualService's http[].delegate)"
		if len(vs.Gateways) > 0 {
			e.add(p.field("gateways"), "%s and cannot name gateways; add hosts or remove gateways", why)
		}
		if len(vs.Tcp) > 0 {
			e.add(p.field("tcp"), "%s and cannot have tcp routes; add hosts", why)
		}
		if len(vs.Tls) > 0 {
			e.add(p.field("tls"), "%s and cannot have tls routes; add hosts", why)
		}
	}

	appliesToMesh := len(vs.Gateways) == 0
	for i, g := range vs.Gateways {
		e.addIf(p.field("gateways").index(i), gatewayNameProblem(g))
		if g == meshGateway {
			appliesToMesh = true
		}
	}

	allValid := true
	for i, h := range vs.Hosts {
		hp := p.field("hosts").index(i)
		if isIP(h) {
			continue
		}
		if msg := wildcardHostProblem(h); msg != "" {
			e.add(hp, "%s", msg)
			allValid = false
			continue
		}
		if h == "*" && appliesToMesh {
			e.add(hp, "host \"*\" is not allowed for a VirtualService that applies to the mesh (no gateways, or gateway \"mesh\"); name the services, or bind it to a gateway")
			allValid = false
		}
	}
	if allValid {
		for i := range vs.Hosts {
			for j := i + 1; j < len(vs.Hosts); j++ {
				if hostsOverlap(vs.Hosts[i], vs.Hosts[j]) {
					e.add(p.field("hosts").index(j), "host %q overlaps hosts[%d] %q: each host may appear once", vs.Hosts[j], i, vs.Hosts[i])
				}
			}
		}
	}

	if len(vs.Http) == 0 && len(vs.Tcp) == 0 && len(vs.Tls) == 0 {
		e.add(p, "no routes: a VirtualService needs at least one of http, tcp or tls")
	}
	for i, r := range vs.Http {
		rp := p.field("http").index(i)
		if r == nil {
			e.add(rp, "http route is empty")
			continue
		}
		checkHTTPRoute(e, rp, r, delegate)
	}
	for i, r := range vs.Tcp {
		rp := p.field("tcp").index(i)
		if r == nil {
			e.add(rp, "tcp route is empty")
			continue
		}
		for j, m := range r.Match {
			checkL4Match(e, rp.field("match").index(j), m)
		}
		if len(r.Route) == 0 {
			e.add(rp.field("route"), "a tcp route needs at least one destination")
		}
		checkRouteDestinations(e, rp.field("route"), r.Route)
	}
	for i, r := range vs.Tls {
		rp := p.field("tls").index(i)
		if r == nil {
			e.add(rp, "tls route is empty")
			continue
		}
		if len(r.Match) == 0 {
			e.add(rp.field("match"), "a tls route needs at least one match with sniHosts")
		}
		for j, m := range r.Match {
			checkTLSMatch(e, rp.field("match").index(j), m, vs.Hosts)
		}
		if len(r.Route) == 0 {
			e.add(rp.field("route"), "a tls route needs at least one destination")
		}
		checkRouteDestinations(e, rp.field("route"), r.Route)
	}
	checkExportTo(e, p.field("exportTo"), ns, vs.ExportTo, false)
}

// gatewayNameProblem checks a gateway reference: "mesh", "name",
// "namespace/name" or the legacy "name.namespace.svc.cluster.local".
func gatewayNameProblem(g string) string {
	if g == meshGateway {
		return ""
	}
	ns, name, qualified := strings.Cut(g, "/")
	if !qualified {
		if msg := fqdnProblem(g); msg != "" {
			return fmt.Sprintf("gateway %q is invalid: use \"mesh\", \"<name>\" or \"<namespace>/<name>\"", g)
		}
		return ""
	}
	if ns == "" || name == "" {
		return fmt.Sprintf("gateway %q is invalid: both namespace and name are needed in \"<namespace>/<name>\"", g)
	}
	if !isDNS1123Label(ns) {
		return fmt.Sprintf("gateway %q has an invalid namespace %q: use %s", g, ns, labelRule)
	}
	if !isDNS1123Label(name) {
		return fmt.Sprintf("gateway %q has an invalid name %q: use %s", g, name, labelRule)
	}
	return ""
}

// hostsOverlap reports whether one host matches the other, wildcards
// included ("*.example.com" and "a.example.com").
func hostsOverlap(a, b string) bool {
	return hostSubsetOf(a, b) || hostSubsetOf(b, a)
}

// hostSubsetOf reports whether every name host a matches is matched by b.
func hostSubsetOf(a, b string) bool {
	if a == b || b == "*" {
		return true
	}
	if strings.HasPrefix(b, "*") {
		suffix := b[1:]
		if strings.HasPrefix(a, "*") {
			return strings.HasSuffix(a[1:], suffix)
		}
		return strings.HasSuffix(a, suffix)
	}
	return false
}

func checkL4Match(e *errs, p path, m *networking.L4MatchAttributes) {
	if m == nil {
		e.add(p, "match is empty")
		return
	}
	for i, s := range m.DestinationSubnets {
		e.addIf(p.field("destinationSubnets").index(i), cidrProblem(s))
	}
	if m.SourceSubnet != "" {
		e.addIf(p.field("sourceSubnet"), cidrProblem(m.SourceSubnet))
	}
	if m.Port != 0 {
		e.addIf(p.field("port"), portProblem(m.Port))
	}
	checkLabels(e, p.field("sourceLabels"), m.SourceLabels)
	for i, g := range m.Gateways {
		e.addIf(p.field("gateways").index(i), gatewayNameProblem(g))
	}
	if m.SourceNamespace != "" {
		e.addIf(p.field("sourceNamespace"), labelProblem("sourceNamespace", m.SourceNamespace))
	}
}

func checkTLSMatch(e *errs, p path, m *networking.TLSMatchAttributes, hosts []string) {
	if m == nil {
		e.add(p, "match is empty")
		return
	}
	if len(m.SniHosts) == 0 {
		e.add(p.field("sniHosts"), "a tls match needs at least one SNI host")
	}
	for i, h := range m.SniHosts {
		hp := p.field("sniHosts").index(i)
		if isIP(h) {
			continue
		}
		if msg := wildcardHostProblem(h); msg != "" {
			e.add(hp, "%s", msg)
			continue
		}
		covered := false
		for _, vh := range hosts {
			if hostSubsetOf(h, vh) {
				covered = true
				break
			}
		}
		if !covered {
			e.add(hp, "SNI host %q is not among the VirtualService's hosts [%s]: add it to hosts or fix the name", h, strings.Join(hosts, ", "))
		}
	}
	for i, s := range m.DestinationSubnets {
		e.addIf(p.field("destinationSubnets").index(i), cidrProblem(s))
	}
	if m.Port != 0 {
		e.addIf(p.field("port"), portProblem(m.Port))
	}
	checkLabels(e, p.field("sourceLabels"), m.SourceLabels)
	for i, g := range m.Gateways {
		e.addIf(p.field("gateways").index(i), gatewayNameProblem(g))
	}
	if m.SourceNamespace != "" {
		e.addIf(p.field("sourceNamespace"), labelProblem("sourceNamespace", m.SourceNamespace))
	}
}

// checkExportTo checks the visibility list: ".", "*", namespaces, and for
// ServiceEntries "~" (visible to no one but its own workloads).
func checkExportTo(e *errs, p path, ns string, exportTo []string, serviceEntry bool) {
	seen := map[string]bool{}
	for i, x := range exportTo {
		ip := p.index(i)
		key := x
		if x == "." {
			key = ns
		}
		if seen[key] {
			e.add(ip, "%q is listed twice (\".\" means this object's namespace %q)", x, ns)
			continue
		}
		seen[key] = true
		switch {
		case x == "." || x == "*":
		case x == "~" && serviceEntry:
		default:
			if !isDNS1123Label(x) {
				e.add(ip, "%q is not a valid exportTo value: use \".\", \"*\" or a namespace name", x)
			}
		}
	}
	if len(exportTo) > 1 && seen["*"] {
		e.add(p, "\"*\" exports to every namespace; it cannot be combined with other entries")
	}
	if len(exportTo) > 1 && seen["~"] {
		e.add(p, "\"~\" exports to no one; it cannot be combined with other entries")
	}
}
