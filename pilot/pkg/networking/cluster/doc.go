// Package cluster generates the Envoy CDS resources Pilot sends a sidecar:
//
//   - outbound "outbound|<port>||<host>" for every port of every service
//     visible to the proxy's namespace (exportTo), plus
//     "outbound|<port>|<subset>|<host>" for each subset of the host's
//     DestinationRule: EDS (over ADS) for client-side load-balanced
//     services, STRICT_DNS with the instances' host names for DNS services,
//     ORIGINAL_DST for passthrough (resolution NONE) services;
//   - inbound "inbound|<port>|<portName>|<host>" for every service instance
//     at one of the proxy's IPs, STATIC to 127.0.0.1:<target port>. The
//     third slot, which model.ClusterName calls the subset, holds the
//     service port's name, as Istio 1.1 named inbound clusters;
//   - BlackHoleCluster and PassthroughCluster, always.
//
// DestinationRules become cluster settings as described on
// applyPolicy. Inputs are explicit and read-only; the package keeps no
// state. It must not know about listeners, routes or the ADS server; the
// hash key of a consistent-hash load balancer (header, cookie, source IP)
// is a route's hash_policy and belongs to route generation: here the
// cluster only gets the RING_HASH (or MAGLEV) policy.
package cluster
