// Package route compiles an Envoy v3 RouteConfiguration (RDS) into an
// immutable route table and matches HTTP requests against it. It is the
// groundwork of sail-proxy's HTTP router.
//
// It owns: validating a RouteConfiguration (every field that would change
// behaviour and is not implemented is an error that names its path, such as
// "virtual_hosts[2].routes[0].match.grpc: not supported"), virtual host
// selection by authority, route matching in order (path, headers, query
// parameters, runtime fractions), and the route actions as plain data
// (clusters and weights, timeouts, retries, rewrites, redirects, direct
// responses, mirrors, header mutations, CORS, hash policies and per-filter
// config as raw Any).
//
// It must not do I/O, proxy requests, or hold package-level mutable state;
// randomness is injected by the caller. It must not import other components
// (pilot/, mixer/, security/, galley/ or istioctl/).
//
// A Table and everything reachable from it are read-only after Compile and
// safe for concurrent use.
package route
