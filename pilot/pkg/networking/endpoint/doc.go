// Package endpoint generates Envoy EDS resources (ClusterLoadAssignments)
// for the outbound clusters of client-side load-balanced services, and the
// load assignments the cluster package embeds in DNS clusters.
//
// Subsets are resolved here, in Pilot: the assignment of
// "outbound|9080|v2|reviews..." lists only the instances whose labels match
// subset v2 of the DestinationRule chosen for reviews (see model.DestinationRuleFor), so the
// proxy never needs Envoy's own subset load balancer.
//
// Inputs are explicit and read-only: a registry view and the
// DestinationRules. The package keeps no state and never modifies its
// inputs; it must not know about listeners, routes or the ADS server.
package endpoint
