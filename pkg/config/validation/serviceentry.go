package validation

import (
	"strings"

	networking "istio.io/api/networking/v1alpha3"
)

// checkServiceEntry applies Istio's ServiceEntry rules, with Istio 1.1's
// requirement that a service entry declares ports and that a STATIC one has
// endpoints (or a workloadSelector) to send traffic to.
func checkServiceEntry(e *errs, p path, ns string, se *networking.ServiceEntry) {
	if se.WorkloadSelector != nil {
		if len(se.Endpoints) > 0 {
			e.add(p.field("workloadSelector"), "workloadSelector and endpoints are mutually exclusive: select workloads or list endpoints")
		}
		checkSelectorLabels(e, p.field("workloadSelector").field("labels"), se.WorkloadSelector.Labels)
	}
	if len(se.Hosts) == 0 {
		e.add(p.field("hosts"), "a ServiceEntry needs at least one host")
	}
	for i, h := range se.Hosts {
		hp := p.field("hosts").index(i)
		if h == "*" {
			e.add(hp, "host \"*\" is not allowed in a ServiceEntry: name the hosts (wildcards such as *.example.com are allowed)")
			continue
		}
		e.addIf(hp, wildcardHostProblem(h))
	}
	cidr := false
	for i, a := range se.Addresses {
		cidr = cidr || strings.Contains(a, "/")
		e.addIf(p.field("addresses").index(i), cidrProblem(a))
	}
	if cidr && se.Resolution != networking.ServiceEntry_NONE && se.Resolution != networking.ServiceEntry_STATIC {
		e.add(p.field("addresses"), "CIDR addresses are allowed only with resolution NONE or STATIC, not %s", se.Resolution)
	}

	if len(se.Ports) == 0 {
		e.add(p.field("ports"), "a ServiceEntry needs at least one port")
	}
	portNames := map[string]int{}
	portNumbers := map[uint32]int{}
	for i, port := range se.Ports {
		pp := p.field("ports").index(i)
		if port == nil {
			e.add(pp, "port is empty")
			continue
		}
		e.addIf(pp.field("number"), portProblem(port.Number))
		if prev, dup := portNumbers[port.Number]; dup && port.Number != 0 {
			e.add(pp.field("number"), "port %d is already declared by ports[%d]: port numbers must be unique", port.Number, prev)
		} else {
			portNumbers[port.Number] = i
		}
		e.addIf(pp.field("name"), labelProblem("port name", port.Name))
		if prev, dup := portNames[port.Name]; dup && port.Name != "" {
			e.add(pp.field("name"), "port name %q is already used by ports[%d]: port names must be unique", port.Name, prev)
		} else {
			portNames[port.Name] = i
		}
		if port.Protocol != "" {
			e.addIf(pp.field("protocol"), protocolProblem(port.Protocol))
		}
		if port.TargetPort != 0 {
			e.addIf(pp.field("targetPort"), portProblem(port.TargetPort))
		}
	}

	ep := p.field("endpoints")
	switch se.Resolution {
	case networking.ServiceEntry_NONE:
		if len(se.Endpoints) > 0 {
			e.add(ep, "resolution NONE forwards to the address the client asked for, so endpoints are not used: remove them or use resolution STATIC or DNS")
		}
	case networking.ServiceEntry_STATIC:
		if len(se.Endpoints) == 0 && se.WorkloadSelector == nil {
			e.add(ep, "resolution STATIC needs endpoints (IP addresses) or a workloadSelector")
		}
		for i, w := range se.Endpoints {
			if w == nil {
				e.add(ep.index(i), "endpoint is empty")
				continue
			}
			a := w.Address
			if !isIP(a) && !strings.HasPrefix(a, "unix://") {
				e.add(ep.index(i).field("address"), "address %q is not an IP address: resolution STATIC needs IP addresses or unix:// sockets (use resolution DNS for host names)", a)
			}
			checkEndpoint(e, ep.index(i), w, portNames)
		}
	case networking.ServiceEntry_DNS, networking.ServiceEntry_DNS_ROUND_ROBIN:
		if len(se.Endpoints) == 0 {
			for i, h := range se.Hosts {
				if h != "*" && wildcardHostProblem(h) == "" && fqdnProblem(h) != "" {
					e.add(p.field("hosts").index(i), "host %q cannot be resolved by DNS: with resolution %s and no endpoints every host must be a plain host name (no wildcard)", h, se.Resolution)
				}
			}
		}
		if se.Resolution == networking.ServiceEntry_DNS_ROUND_ROBIN && len(se.Endpoints) > 1 {
			e.add(ep, "resolution DNS_ROUND_ROBIN takes at most one endpoint")
		}
		for i, w := range se.Endpoints {
			if w == nil {
				e.add(ep.index(i), "endpoint is empty")
				continue
			}
			if !isIP(w.Address) {
				if msg := fqdnProblem(w.Address); msg != "" {
					e.add(ep.index(i).field("address"), "address %q is neither an IP address nor a host name", w.Address)
				}
			}
			checkEndpoint(e, ep.index(i), w, portNames)
		}
	}
	if se.Resolution != networking.ServiceEntry_NONE && len(se.Hosts) > 1 {
		for i, port := range se.Ports {
			if port != nil && port.Protocol != "" && !isHTTPProtocol(port.Protocol) && !isTLSProtocol(port.Protocol) {
				e.add(p.field("ports").index(i).field("protocol"), "several hosts share %s port %d: the proxy cannot tell them apart without HTTP or TLS (SNI); use one host or resolution NONE", port.Protocol, port.Number)
				break
			}
		}
	}
	checkExportTo(e, p.field("exportTo"), ns, se.ExportTo, true)
}

// checkEndpoint checks what a ServiceEntry endpoint and a WorkloadEntry
// share; servicePorts, when not nil, are the port names the endpoint's ports
// must come from.
func checkEndpoint(e *errs, p path, w *networking.WorkloadEntry, servicePorts map[string]int) {
	if strings.HasPrefix(w.Address, "unix://") {
		e.addIf(p.field("address"), unixPathProblem(w.Address))
		if len(w.Ports) > 0 {
			e.add(p.field("ports"), "a unix:// endpoint has no ports; remove them")
		}
	}
	for _, name := range sortedKeys(w.Ports) {
		pp := p.field("ports").key(name)
		if servicePorts != nil {
			if _, ok := servicePorts[name]; !ok {
				e.add(pp, "port name %q is not declared by the ServiceEntry's ports: use one of its port names", name)
			}
		}
		e.addIf(pp, labelProblem("port name", name))
		e.addIf(pp, portProblem(w.Ports[name]))
	}
	checkLabels(e, p.field("labels"), w.Labels)
	if w.ServiceAccount != "" {
		e.addIf(p.field("serviceAccount"), subdomainProblem("serviceAccount", w.ServiceAccount))
	}
	if w.Network != "" && strings.ContainsAny(w.Network, " /") {
		e.add(p.field("network"), "network %q may not contain spaces or '/'", w.Network)
	}
}

// checkWorkloadEntry checks a stand-alone WorkloadEntry: its address is an
// IP, a host name or a unix:// socket.
func checkWorkloadEntry(e *errs, p path, w *networking.WorkloadEntry) {
	switch a := w.Address; {
	case a == "" && w.Network == "":
		e.add(p.field("address"), "address is required: an IP address, a host name or unix:///path")
	case a == "", isIP(a), strings.HasPrefix(a, "unix://"):
	default:
		if msg := fqdnProblem(a); msg != "" {
			e.add(p.field("address"), "address %q is neither an IP address, a host name nor unix:///path", a)
		}
	}
	checkEndpoint(e, p, w, nil)
}
