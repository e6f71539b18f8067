// Package xds is Pilot's ADS server: it serves every connected proxy an
// immutable go-control-plane snapshot of its clusters, endpoints,
// listeners and routes over Envoy's aggregated discovery service (xDS v3).
//
// Each push starts from one Input, an immutable value taken from the
// service registry and the config store at one point in time (services,
// instances, VirtualServices, DestinationRules, mesh config); the
// generators in pilot/pkg/networking read only that value, so there is no
// shared mutable push context. Registry and config changes are debounced
// (Options.Debounce quiet time, Options.MaxDelay at most), then a new Input
// is taken and every known proxy's snapshot is regenerated. A snapshot whose
// resources equal the proxy's current ones is not set again, so unchanged
// proxies get no push; versions are a monotonically increasing counter.
//
// Proxies become known when their first request arrives (node ID parsed
// with model.ProxyFromNode; a bad node ID ends the stream with an error)
// and are forgotten when their last stream closes. NACKs are counted per
// proxy (Server.Nacks); per proxy and type the version last sent and the
// version last ACKed (a request with the response's nonce and no error
// detail) are kept for the debug pages (Server.Proxies, Server.ConfigDump).
//
// Metrics (Metrics, registered by the caller): snapshots set per changed
// type, push duration, NACKs per type, connected proxies, and convergence
// time: from the first change a debounced push took in to a proxy's ACK of
// every type at that push's version. A proxy that connects later, or whose
// push is superseded before it ACKs, is not observed for that push.
//
// Not yet: make-before-break ordering of CDS and RDS, endpoint-only (EDS)
// pushes, scoping pushes to the proxies a change can affect, gateways
// (router proxies are refused).
//
// The package must not import other components, the config stores'
// implementations or the registries' implementations; it reads them
// through model.Registry and ConfigSource.
package xds
