package validation

//lint:file-ignore SA1019 Istio 1.1 users still write these deprecated fields, so validation must check them.
import (
	"fmt"
	"net"
	"strings"

	networking "istio.io/api/networking/v1alpha3"
)

func checkSidecar(e *errs, p path, sc *networking.Sidecar) {
	if ws := sc.WorkloadSelector; ws != nil {
		checkSelectorLabels(e, p.field("workloadSelector").field("labels"), ws.Labels)
	}
	if len(sc.Egress) == 0 && len(sc.Ingress) == 0 && sc.OutboundTrafficPolicy == nil && sc.InboundConnectionPool == nil {
		e.add(p, "empty Sidecar: give egress, ingress, outboundTrafficPolicy or inboundConnectionPool")
		return
	}
	ingressPorts := map[uint32]int{}
	for i, in := range sc.Ingress {
		ip := p.field("ingress").index(i)
		if in == nil {
			e.add(ip, "ingress listener is empty")
			continue
		}
		if in.Port == nil {
			e.add(ip.field("port"), "an ingress listener needs a port (number, protocol, name)")
			continue
		}
		checkSidecarPort(e, ip, in.Port, in.Bind, false)
		if prev, dup := ingressPorts[in.Port.Number]; dup {
			e.add(ip.field("port").field("number"), "port %d is already used by ingress[%d]: ingress ports must be unique", in.Port.Number, prev)
		} else {
			ingressPorts[in.Port.Number] = i
		}
		if in.DefaultEndpoint != "" {
			e.addIf(ip.field("defaultEndpoint"), defaultEndpointProblem(in.DefaultEndpoint))
		}
		if t := in.Tls; t != nil {
			tp := ip.field("tls")
			if !isTLSProtocol(in.Port.Protocol) {
				e.add(tp, "tls settings need port protocol HTTPS or TLS, not %q", in.Port.Protocol)
			}
			if t.HttpsRedirect {
				e.add(tp.field("httpsRedirect"), "httpsRedirect is not supported on a sidecar")
			}
			if t.Mode == networking.ServerTLSSettings_ISTIO_MUTUAL || t.Mode == networking.ServerTLSSettings_AUTO_PASSTHROUGH {
				e.add(tp.field("mode"), "mode %s is not supported on a sidecar ingress listener", t.Mode)
			}
			if t.CredentialName != "" || len(t.CredentialNames) > 0 || len(t.TlsCertificates) > 0 {
				e.add(tp, "a sidecar ingress listener takes certificate files (serverCertificate, privateKey); credentialName(s) and tlsCertificates are not supported")
			}
			if len(t.SubjectAltNames) > 0 {
				e.add(tp.field("subjectAltNames"), "subjectAltNames is not supported on a sidecar ingress listener")
			}
			checkServerTLS(e, tp, t)
		}
		checkConnectionPool(e, ip.field("connectionPool"), in.ConnectionPool)
	}
	checkConnectionPool(e, p.field("inboundConnectionPool"), sc.InboundConnectionPool)

	egressPorts := map[uint32]int{}
	sockets := map[string]int{}
	catchAll := -1
	for i, eg := range sc.Egress {
		ep := p.field("egress").index(i)
		if eg == nil {
			e.add(ep, "egress listener is empty")
			continue
		}
		if eg.Port == nil {
			switch {
			case catchAll >= 0:
				e.add(ep, "egress[%d] is already the listener without a port: only one catch-all egress listener is allowed", catchAll)
			case i != len(sc.Egress)-1:
				e.add(ep, "the egress listener without a port catches everything and must be the last one")
			}
			catchAll = i
		} else {
			checkSidecarPort(e, ep, eg.Port, eg.Bind, true)
			if eg.Port.Number == 0 {
				if prev, dup := sockets[eg.Bind]; dup {
					e.add(ep.field("bind"), "unix socket %q is already used by egress[%d]", eg.Bind, prev)
				} else {
					sockets[eg.Bind] = i
				}
			} else if prev, dup := egressPorts[eg.Port.Number]; dup {
				e.add(ep.field("port").field("number"), "port %d is already used by egress[%d]: egress ports must be unique", eg.Port.Number, prev)
			} else {
				egressPorts[eg.Port.Number] = i
			}
			if strings.HasPrefix(eg.Bind, "unix://") && eg.CaptureMode != networking.CaptureMode_DEFAULT && eg.CaptureMode != networking.CaptureMode_NONE {
				e.add(ep.field("captureMode"), "a unix socket listener takes captureMode DEFAULT or NONE")
			}
		}
		if len(eg.Hosts) == 0 {
			e.add(ep.field("hosts"), "an egress listener needs at least one host (\"namespace/host\", e.g. \"./*\" or \"istio-system/*\")")
		}
		for j, h := range eg.Hosts {
			e.addIf(ep.field("hosts").index(j), sidecarHostProblem(h))
		}
	}
	if otp := sc.OutboundTrafficPolicy; otp != nil && otp.EgressProxy != nil {
		op := p.field("outboundTrafficPolicy")
		if otp.Mode != networking.OutboundTrafficPolicy_ALLOW_ANY {
			e.add(op.field("egressProxy"), "egressProxy needs mode ALLOW_ANY")
		}
		if otp.EgressProxy.Port == nil {
			e.add(op.field("egressProxy").field("port"), "egressProxy needs a port")
		}
		e.addIf(op.field("egressProxy").field("host"), fqdnProblem(otp.EgressProxy.Host))
		checkDestination(e, op.field("egressProxy"), otp.EgressProxy)
	}
}

// checkSidecarPort checks a listener's port and bind; lp is the listener.
func checkSidecarPort(e *errs, lp path, port *networking.SidecarPort, bind string, egress bool) {
	p := lp.field("port")
	if port.Name != "" {
		e.addIf(p.field("name"), labelProblem("port name", port.Name))
	}
	if port.Protocol != "" {
		e.addIf(p.field("protocol"), protocolProblem(port.Protocol))
	}
	if port.TargetPort != 0 { //nolint:staticcheck // deprecated but still accepted
		e.add(p.field("targetPort"), "targetPort has no effect on a Sidecar; remove it")
	}
	unix := strings.HasPrefix(bind, "unix://")
	switch {
	case egress && port.Number == 0 && !unix:
		e.add(p.field("number"), "port number is required (1-65535); 0 is only for listeners bound to a unix:// socket")
	case egress && unix:
		if port.Number != 0 {
			e.add(p.field("number"), "a listener bound to a unix socket takes port number 0")
		}
	default:
		e.addIf(p.field("number"), portProblem(port.Number))
	}
	bp := lp.field("bind")
	switch {
	case unix && egress:
		e.addIf(bp, unixPathProblem(bind))
	case bind != "" && !isIP(bind):
		e.add(bp, "bind %q must be an IP address", bind)
	}
}

// defaultEndpointProblem checks where a sidecar forwards inbound traffic:
// 127.0.0.1:PORT, 0.0.0.0:PORT, [::1]:PORT, [::]:PORT or unix:///path.
func defaultEndpointProblem(ep string) string {
	if strings.HasPrefix(ep, "unix://") {
		return unixPathProblem(ep)
	}
	const form = "use 127.0.0.1:<port>, 0.0.0.0:<port>, [::1]:<port>, [::]:<port> or unix:///path"
	host, port, err := net.SplitHostPort(ep)
	if err != nil {
		return fmt.Sprintf("defaultEndpoint %q is invalid: %s", ep, form)
	}
	switch host {
	case "", "127.0.0.1", "0.0.0.0", "::1", "::":
	default:
		return fmt.Sprintf("defaultEndpoint %q must point at the workload itself: %s", ep, form)
	}
	n, ok := portString(port)
	if !ok {
		return fmt.Sprintf("defaultEndpoint %q has a port that is not a number: %s", ep, form)
	}
	return portProblem(n)
}

// sidecarHostProblem checks an egress host "namespace/host", where the
// namespace is a name, "*" (any), "." (this one) or "~" (none).
func sidecarHostProblem(h string) string {
	ns, host, ok := strings.Cut(h, "/")
	if !ok {
		return fmt.Sprintf("host %q must be of the form \"<namespace>/<host>\" (e.g. \"./*\", \"istio-system/*\", \"*/reviews.default.svc.cluster.local\")", h)
	}
	if ns == "" || host == "" {
		return fmt.Sprintf("host %q is invalid: both namespace and host are needed in \"<namespace>/<host>\"", h)
	}
	if ns != "*" && ns != "." && ns != "~" && !isDNS1123Label(ns) {
		return fmt.Sprintf("host %q has an invalid namespace %q: use a namespace name, \"*\", \".\" or \"~\"", h, ns)
	}
	return exposedHostProblem(h, host, false)
}
