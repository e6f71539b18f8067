package validation

//lint:file-ignore SA1019 Istio 1.1 users still write these deprecated fields, so validation must check them.
import (
	"fmt"
	"strings"

	networking "istio.io/api/networking/v1alpha3"
)

// protocols are the port protocols Istio recognises (case-insensitive).
var protocols = map[string]bool{
	"HTTP": true, "HTTPS": true, "HTTP2": true, "HTTP_PROXY": true, "GRPC": true, "GRPC-WEB": true,
	"TCP": true, "TLS": true, "MONGO": true, "REDIS": true, "MYSQL": true, "UDP": true,
}

const protocolList = "HTTP, HTTPS, HTTP2, GRPC, GRPC-WEB, TCP, TLS, MONGO, REDIS, MYSQL or UDP"

func protocolProblem(proto string) string {
	if !protocols[strings.ToUpper(proto)] {
		return fmt.Sprintf("protocol %q is not supported: use %s", proto, protocolList)
	}
	return ""
}

func isTLSProtocol(proto string) bool {
	p := strings.ToUpper(proto)
	return p == "HTTPS" || p == "TLS"
}

func isHTTPProtocol(proto string) bool {
	switch strings.ToUpper(proto) {
	case "HTTP", "HTTP2", "HTTP_PROXY", "GRPC", "GRPC-WEB":
		return true
	}
	return false
}

func checkGateway(e *errs, p path, gw *networking.Gateway) {
	checkLabels(e, p.field("selector"), gw.Selector)
	if len(gw.Servers) == 0 {
		e.add(p.field("servers"), "a Gateway needs at least one server")
	}
	names := map[string]int{}
	for i, s := range gw.Servers {
		sp := p.field("servers").index(i)
		if s == nil {
			e.add(sp, "server is empty")
			continue
		}
		checkServer(e, sp, s)
		if s.Port != nil && s.Port.Name != "" {
			if prev, dup := names[s.Port.Name]; dup {
				e.add(sp.field("port").field("name"), "port name %q is already used by servers[%d]: port names must be unique within a Gateway", s.Port.Name, prev)
			} else {
				names[s.Port.Name] = i
			}
		}
	}
}

func checkServer(e *errs, p path, s *networking.Server) {
	if len(s.Hosts) == 0 {
		e.add(p.field("hosts"), "a server needs at least one host (\"*\" for any)")
	}
	for i, h := range s.Hosts {
		e.addIf(p.field("hosts").index(i), gatewayHostProblem(h))
	}
	unixBind := strings.HasPrefix(s.Bind, "unix://")
	portOK := true
	if s.Port == nil {
		e.add(p.field("port"), "port is required (number, name and protocol)")
		portOK = false
	} else {
		pp := p.field("port")
		if msg := protocolProblem(s.Port.Protocol); msg != "" {
			e.add(pp.field("protocol"), "%s", msg)
			portOK = false
		}
		switch {
		case unixBind && s.Port.Number != 0:
			e.add(pp.field("number"), "port number must be 0 when binding a unix socket (%s)", s.Bind)
		case !unixBind:
			e.addIf(pp.field("number"), portProblem(s.Port.Number))
		}
		if s.Port.Name == "" {
			e.add(pp.field("name"), "port name is required")
		}
		if s.Port.TargetPort != 0 { //nolint:staticcheck // deprecated but still accepted
			e.add(pp.field("targetPort"), "targetPort has no effect on a Gateway; remove it")
		}
	}
	switch {
	case unixBind:
		e.addIf(p.field("bind"), unixPathProblem(s.Bind))
	case s.Bind != "" && !isIP(s.Bind):
		e.add(p.field("bind"), "bind %q must be an IP address or unix:///path", s.Bind)
	}
	checkServerTLS(e, p.field("tls"), s.Tls)
	if !portOK {
		return
	}
	proto := s.Port.Protocol
	switch {
	case isTLSProtocol(proto) && s.Tls == nil:
		e.add(p.field("tls"), "tls settings are required for protocol %s (e.g. mode: SIMPLE with credentialName, or mode: PASSTHROUGH)", strings.ToUpper(proto))
	case !isTLSProtocol(proto) && s.Tls != nil && isHTTPProtocol(proto):
		t := s.Tls
		passthrough := t.Mode == networking.ServerTLSSettings_PASSTHROUGH || t.Mode == networking.ServerTLSSettings_AUTO_PASSTHROUGH
		if !passthrough || t.ServerCertificate != "" || t.PrivateKey != "" || t.CaCertificates != "" || t.CredentialName != "" {
			e.add(p.field("tls"), "protocol %s is plain text: its tls settings may only set httpsRedirect; terminate TLS on a server with protocol HTTPS", strings.ToUpper(proto))
		}
	case !isTLSProtocol(proto) && s.Tls != nil:
		e.add(p.field("tls"), "protocol %s takes no tls settings; use protocol TLS or HTTPS", strings.ToUpper(proto))
	}
}

// gatewayHostProblem checks a server host: "host" or "namespace/host",
// where host is "*", a wildcard domain ("*.example.com"), an FQDN or an IP.
func gatewayHostProblem(h string) string {
	host := h
	if ns, rest, ok := strings.Cut(h, "/"); ok {
		if ns == "" || rest == "" {
			return fmt.Sprintf("host %q is invalid: both namespace and host are needed in \"<namespace>/<host>\"", h)
		}
		if ns != "*" && ns != "." && !isDNS1123Label(ns) {
			return fmt.Sprintf("host %q has an invalid namespace %q: use \"*\", \".\" or a namespace name", h, ns)
		}
		host = rest
	}
	return exposedHostProblem(h, host, true)
}

// exposedHostProblem checks the host part of a Gateway or Sidecar host:
// no short names and no partial wildcards ("*foo.com").
func exposedHostProblem(full, host string, allowIP bool) string {
	if host == "*" || allowIP && isIP(host) {
		return ""
	}
	if msg := wildcardHostProblem(host); msg != "" {
		return msg
	}
	if !strings.Contains(host, ".") {
		return fmt.Sprintf("host %q is a short name: use a fully qualified name (e.g. %s.default.svc.cluster.local) or a wildcard", full, host)
	}
	if strings.Contains(host, "*") && !strings.HasPrefix(host, "*.") {
		return fmt.Sprintf("host %q has a partial wildcard: only a whole first label may be \"*\" (e.g. *.example.com)", full)
	}
	return ""
}

// checkServerTLS applies Istio's rules for TLS terminated by a gateway or
// a sidecar's ingress listener.
func checkServerTLS(e *errs, p path, t *networking.ServerTLSSettings) {
	if t == nil {
		return
	}
	switch t.Mode {
	case networking.ServerTLSSettings_ISTIO_MUTUAL:
		for _, f := range []struct{ name, val string }{
			{"serverCertificate", t.ServerCertificate}, {"privateKey", t.PrivateKey},
			{"caCertificates", t.CaCertificates}, {"credentialName", t.CredentialName},
		} {
			if f.val != "" {
				e.add(p.field(f.name), "%s cannot be set with mode ISTIO_MUTUAL, which uses the mesh's certificates", f.name)
			}
		}
		if len(t.TlsCertificates) > 0 || len(t.CredentialNames) > 0 {
			e.add(p, "mode ISTIO_MUTUAL uses the mesh's certificates; remove tlsCertificates and credentialNames")
		}
		return
	case networking.ServerTLSSettings_SIMPLE, networking.ServerTLSSettings_MUTUAL, networking.ServerTLSSettings_OPTIONAL_MUTUAL:
		sources := 0
		if t.ServerCertificate != "" || t.PrivateKey != "" {
			sources++
		}
		if t.CredentialName != "" {
			sources++
		}
		if len(t.CredentialNames) > 0 {
			sources++
		}
		if len(t.TlsCertificates) > 0 {
			sources++
		}
		mode := t.Mode.String()
		if sources > 1 {
			e.add(p, "mode %s takes one source of certificates: credentialName, credentialNames, serverCertificate/privateKey or tlsCertificates", mode)
		}
		if t.CredentialName != "" || len(t.CredentialNames) > 0 {
			break
		}
		if len(t.TlsCertificates) > 0 {
			for i, c := range t.TlsCertificates {
				cp := p.field("tlsCertificates").index(i)
				if c.ServerCertificate == "" {
					e.add(cp.field("serverCertificate"), "serverCertificate is required")
				}
				if c.PrivateKey == "" {
					e.add(cp.field("privateKey"), "privateKey is required")
				}
			}
		} else {
			if t.ServerCertificate == "" {
				e.add(p.field("serverCertificate"), "mode %s needs serverCertificate and privateKey, or credentialName", mode)
			}
			if t.PrivateKey == "" {
				e.add(p.field("privateKey"), "mode %s needs serverCertificate and privateKey, or credentialName", mode)
			}
		}
		if t.Mode != networking.ServerTLSSettings_SIMPLE && t.CaCertificates == "" {
			e.add(p.field("caCertificates"), "mode %s verifies client certificates and needs caCertificates (or credentialName)", mode)
		}
	}
	if t.CaCrl != "" && t.Mode == networking.ServerTLSSettings_SIMPLE {
		e.add(p.field("caCrl"), "caCrl applies to client certificates; mode SIMPLE has none")
	}
	if t.MinProtocolVersion != networking.ServerTLSSettings_TLS_AUTO && t.MaxProtocolVersion != networking.ServerTLSSettings_TLS_AUTO &&
		t.MinProtocolVersion > t.MaxProtocolVersion {
		e.add(p.field("minProtocolVersion"), "minProtocolVersion %s is above maxProtocolVersion %s", t.MinProtocolVersion, t.MaxProtocolVersion)
	}
}
