package model

import "slices"

// Resolution says how a proxy finds the endpoints of a service.
type Resolution int

// The resolutions.
const (
	// ClientSideLB: the proxy load-balances over endpoints Pilot sends
	// (EDS). ServiceEntry resolution STATIC, and every Kubernetes service.
	ClientSideLB Resolution = iota
	// DNSLB: the proxy resolves the endpoints' addresses by DNS
	// (STRICT_DNS clusters). ServiceEntry resolution DNS.
	DNSLB
	// Passthrough: the proxy forwards to the original destination
	// (ORIGINAL_DST clusters). ServiceEntry resolution NONE.
	Passthrough
)

func (r Resolution) String() string {
	switch r {
	case ClientSideLB:
		return "ClientSideLB"
	case DNSLB:
		return "DNSLB"
	case Passthrough:
		return "Passthrough"
	}
	return "Unknown"
}

// UnspecifiedIP is the address of a service without a VIP.
const UnspecifiedIP = "0.0.0.0"

// ExportToAll in Service.ExportTo makes a service visible in every
// namespace.
const ExportToAll = "*"

// Port is one port of a service.
type Port struct {
	// Name is the port's name; it may be empty for a single-port
	// Kubernetes service.
	Name     string
	Number   uint32
	Protocol Protocol
}

// Attributes are the service attributes Mixer and the RBAC filter see
// (destination.service.name, .namespace).
type Attributes struct {
	Name      string
	Namespace string
	Labels    map[string]string
}

// Service is one service in the mesh, named by its fully qualified host
// name. A *Service from a Registry is immutable.
type Service struct {
	// Hostname is the fully qualified host name, e.g.
	// "reviews.default.svc.cluster.local"; it may be a wildcard such as
	// "*.example.com" for a ServiceEntry.
	Hostname string
	// Namespace is the namespace that defines the service.
	Namespace string
	// Address is the VIP (an IP, or a CIDR for a ServiceEntry address);
	// "" or UnspecifiedIP when the service has none.
	Address string
	// Ports are sorted by number; names and numbers are unique.
	Ports []Port
	// MeshExternal is true for services outside the mesh (no sidecar at
	// the endpoints, so no mTLS and no inbound listeners).
	MeshExternal bool
	Resolution   Resolution
	// ExportTo lists the namespaces the service is visible in, sorted,
	// with "." already resolved to Namespace; ExportToAll makes it
	// public. Empty means the mesh default, which is public.
	ExportTo []string
	// ServiceAccounts are the SPIFFE identities (or other SANs) the
	// service's endpoints run as, sorted, used to verify server
	// certificates.
	ServiceAccounts []string
	Attributes      Attributes
}

// HasAddress reports whether the service has a VIP.
func (s *Service) HasAddress() bool {
	return s.Address != "" && s.Address != UnspecifiedIP
}

// GetPort returns the port named name.
func (s *Service) GetPort(name string) (Port, bool) {
	for _, p := range s.Ports {
		if p.Name == name {
			return p, true
		}
	}
	return Port{}, false
}

// GetPortByNumber returns the port numbered n.
func (s *Service) GetPortByNumber(n uint32) (Port, bool) {
	for _, p := range s.Ports {
		if p.Number == n {
			return p, true
		}
	}
	return Port{}, false
}

// VisibleTo reports whether a proxy in namespace ns may see the service
// under its ExportTo.
func (s *Service) VisibleTo(ns string) bool {
	if len(s.ExportTo) == 0 {
		return true
	}
	return slices.Contains(s.ExportTo, ExportToAll) || slices.Contains(s.ExportTo, ns)
}

// Endpoint is one network endpoint behind a service port.
type Endpoint struct {
	// Address is an IP, or a DNS name for a DNS-resolved service.
	Address string
	// Port is the target port the workload listens on.
	Port   uint32
	Labels map[string]string
	// ServiceAccount is the workload's service account name as written
	// (not a SPIFFE ID); empty when unknown.
	ServiceAccount string
	// Locality is "region/zone/subzone" (parts may be empty).
	Locality string
	// UID names the workload for Mixer (istio.uid endpoint metadata),
	// e.g. "kubernetes://<pod>.<ns>"; empty when there is no workload
	// object behind the endpoint.
	UID string
	// Weight is the load-balancing weight; 0 means the default (1).
	Weight uint32
}

// Instance is one endpoint of one service port. An *Instance from a
// Registry is immutable.
type Instance struct {
	Service     *Service
	ServicePort Port
	Endpoint    Endpoint
}
