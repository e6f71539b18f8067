package route

import (
	"strconv"
	"strings"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"

	"github.com/sailmesh/sail/pilot/pkg/model"
)

// vhost is a service's virtual host before its domains are assigned.
type vhost struct {
	svc    *model.Service
	port   model.Port
	routes []*routev3.Route
}

// proxyDomain is the proxy's DNS domain, "<ns>.svc.cluster.local".
func proxyDomain(p *model.Proxy) string {
	if p.DNSDomain != "" {
		return p.DNSDomain
	}
	return p.Namespace + "." + model.DomainSuffix
}

// searchDomains are the DNS search domains of a pod with that domain, as
// Kubernetes writes resolv.conf: every suffix of the domain with at least
// two labels ("default.svc.cluster.local", "svc.cluster.local",
// "cluster.local").
func searchDomains(domain string) []string {
	var out []string
	for d := domain; strings.Count(d, ".") >= 1; {
		out = append(out, d)
		_, d, _ = strings.Cut(d, ".")
	}
	return out
}

// shortForms are the names shorter than hostname that resolve to it
// through the search domains, shortest first: for reviews.default.svc.
// cluster.local from namespace default "reviews", "reviews.default",
// "reviews.default.svc"; from another namespace only the last two.
// Istio 1.1 also added "reviews.default.svc.cluster", which no resolver
// turns into the service's name; Sail leaves it out. Wildcard hosts have
// no short forms.
func shortForms(hostname, domain string) []string {
	if strings.HasPrefix(hostname, "*") {
		return nil
	}
	var out []string
	for _, sd := range searchDomains(domain) {
		if short, ok := strings.CutSuffix(hostname, "."+sd); ok && short != "" {
			out = append(out, short)
		}
	}
	return out
}

// withPort returns name and name:port.
func withPort(name string, port uint32) []string {
	return []string{name, name + ":" + strconv.FormatUint(uint64(port), 10)}
}

// vipDomains are the VIP and VIP:port (IPv6 in brackets, as in a Host
// header); none for a service without a VIP or with a CIDR address.
func vipDomains(svc *model.Service, port uint32) []string {
	if !svc.HasAddress() || strings.Contains(svc.Address, "/") {
		return nil
	}
	addr := svc.Address
	if strings.Contains(addr, ":") {
		addr = "[" + addr + "]"
	}
	return withPort(addr, port)
}

// assignDomains gives each virtual host its domains and drops the ones
// another virtual host already has, because Envoy rejects a
// RouteConfiguration with a domain in two virtual hosts. The choice is
// deterministic: first every host's own name (FQDN, FQDN:port) is claimed,
// in host name order, so a service's real name always beats another's
// short form or shared VIP; then short forms and VIPs, host by host in
// host name order, the first claimant winning. A second service with the
// same host name (from another registry) gets no virtual host.
func assignDomains(hosts []*vhost, domain string, port uint32) []*routev3.VirtualHost {
	claimed := map[string]bool{}
	own := make([][]string, len(hosts))
	for i, h := range hosts {
		for _, d := range withPort(h.svc.Hostname, port) {
			if !claimed[d] {
				claimed[d] = true
				own[i] = append(own[i], d)
			}
		}
	}
	out := make([]*routev3.VirtualHost, 0, len(hosts))
	for i, h := range hosts {
		if len(own[i]) == 0 {
			continue
		}
		domains := own[i]
		var extra []string
		for _, s := range shortForms(h.svc.Hostname, domain) {
			extra = append(extra, withPort(s, port)...)
		}
		extra = append(extra, vipDomains(h.svc, port)...)
		for _, d := range extra {
			if !claimed[d] {
				claimed[d] = true
				domains = append(domains, d)
			}
		}
		out = append(out, &routev3.VirtualHost{
			Name:    withPort(h.svc.Hostname, port)[1],
			Domains: domains,
			Routes:  h.routes,
		})
	}
	return out
}
