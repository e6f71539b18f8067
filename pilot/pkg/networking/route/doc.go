// Package route generates the Envoy RDS RouteConfigurations Pilot sends a
// sidecar for its outbound HTTP ports: the configuration named after the
// port ("9080") that the outbound listener 0.0.0.0_<port> asks for.
//
// BuildSidecarOutbound makes one virtual host per HTTP service on the port
// that the proxy's namespace may see (exportTo), named "<host>:<port>".
// Its domains are the service's host name, the short forms a client in
// the proxy's namespace can resolve through its DNS search path, and the
// VIP, each with and without ":<port>" (see domains). A VirtualService
// bound to the mesh whose hosts match the service replaces the default
// route with its http[] routes (see translateHTTP); without one the
// service gets a single prefix "/" route to its default cluster with
// Istio 1.1's default retry policy and no timeout.
//
// Cluster names come from model.ClusterName; the clusters themselves,
// including the RING_HASH policy a consistent-hash DestinationRule asks
// for, belong to package cluster. Here a DestinationRule contributes only
// the route's hash_policy (the hash key).
//
// Inputs are explicit and read-only; the package keeps no state and does
// no I/O. It must not know about listeners, clusters, endpoints or the ADS
// server. Every RouteConfiguration it returns passes Validate.
package route
