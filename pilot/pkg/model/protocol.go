package model

import "strings"

// Protocol is the application protocol of a service port, as Istio names it.
type Protocol string

// The protocols Pilot recognises. Anything else is treated as TCP.
const (
	HTTP    Protocol = "HTTP"
	HTTP2   Protocol = "HTTP2"
	GRPC    Protocol = "GRPC"
	GRPCWeb Protocol = "GRPC-Web"
	HTTPS   Protocol = "HTTPS"
	TLS     Protocol = "TLS"
	TCP     Protocol = "TCP"
	Mongo   Protocol = "Mongo"
	Redis   Protocol = "Redis"
	MySQL   Protocol = "MySQL"
	UDP     Protocol = "UDP"
)

// ParseProtocol parses a protocol name such as a ServiceEntry port's
// protocol field, case-insensitively. Unknown or empty names are TCP.
func ParseProtocol(s string) Protocol {
	for _, p := range [...]Protocol{HTTP, HTTP2, GRPC, GRPCWeb, HTTPS, TLS, TCP, Mongo, Redis, MySQL, UDP} {
		if strings.EqualFold(s, string(p)) {
			return p
		}
	}
	return TCP
}

// ProtocolFromPortName derives a port's protocol from its name: the prefix
// before the first '-' ("http-web" is HTTP, "grpc" is GRPC), with
// "grpc-web" recognised as a whole. Unknown prefixes are TCP.
func ProtocolFromPortName(name string) Protocol {
	lower := strings.ToLower(name)
	if lower == "grpc-web" || strings.HasPrefix(lower, "grpc-web-") {
		return GRPCWeb
	}
	prefix, _, _ := strings.Cut(lower, "-")
	return ParseProtocol(prefix)
}

// IsHTTP reports whether the protocol gets L7 HTTP handling (HTTP, HTTP2,
// GRPC, GRPC-Web).
func (p Protocol) IsHTTP() bool {
	switch p {
	case HTTP, HTTP2, GRPC, GRPCWeb:
		return true
	}
	return false
}

// IsHTTP2 reports whether the protocol uses HTTP/2 upstream (HTTP2, GRPC,
// GRPC-Web).
func (p Protocol) IsHTTP2() bool {
	switch p {
	case HTTP2, GRPC, GRPCWeb:
		return true
	}
	return false
}

// IsTLS reports whether the protocol is TLS-wrapped (HTTPS, TLS), routed by
// SNI rather than by HTTP attributes.
func (p Protocol) IsTLS() bool {
	return p == HTTPS || p == TLS
}
