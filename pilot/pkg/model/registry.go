package model

// EventKind says how much a registry change can affect generated config.
type EventKind int

// The event kinds.
const (
	// FullChange: services were added, removed or changed (ports, VIP,
	// resolution, exportTo, accounts, ...), or the endpoints of a
	// service whose endpoints are part of its cluster (DNS resolution)
	// changed. Generators must recompute everything for the hostnames.
	FullChange EventKind = iota + 1
	// EndpointsChange: only the instances of existing services changed;
	// an EDS push for the hostnames is enough.
	EndpointsChange
)

func (k EventKind) String() string {
	switch k {
	case FullChange:
		return "full"
	case EndpointsChange:
		return "endpoints"
	}
	return "unknown"
}

// Event reports one change of a registry's state.
type Event struct {
	Kind EventKind
	// Hostnames are the services affected, sorted: for FullChange every
	// hostname whose service or instances changed (including removed
	// services), for EndpointsChange those whose instances changed.
	Hostnames []string
}

// Registry is the read side of a service registry, used by Pilot's
// generators.
//
// Every method is safe for concurrent use and never blocks on I/O: a
// registry answers from an immutable snapshot it swaps atomically when its
// inputs change. Two calls may see different snapshots; a reader that
// needs one consistent view should take everything it needs in response to
// one Event, or tolerate skew (the next Event follows any change).
// Returned slices are the caller's own, but the *Service and *Instance
// values in them are shared and must never be modified.
type Registry interface {
	// Services returns every service, sorted by hostname.
	Services() []*Service
	// Service returns the service with that hostname, or nil.
	Service(hostname string) *Service
	// Instances returns the instances of a service's port number, or of
	// all its ports when port is 0, sorted by service port, endpoint
	// address and endpoint port.
	Instances(hostname string, port uint32) []*Instance
	// InstancesByIP returns the instances whose endpoint address is ip,
	// across all services, sorted by hostname and service port: the
	// service instances a proxy with that IP serves.
	InstancesByIP(ip string) []*Instance
	// AppendHandler registers h for every later change. Handlers are
	// called one at a time, in the order the changes happened, after the
	// new state is visible through the methods above; they must not block
	// for long.
	AppendHandler(h func(Event))
}
