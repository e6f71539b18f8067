// Package spiffe parses and prints the SPIFFE identities of Sail workloads.
//
// It owns the Kubernetes-shaped SPIFFE ID,
// spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>, and the
// principal form Mixer sees (the same without "spiffe://"). Parsing is
// strict: an ID that parses prints back to exactly the same string.
//
// It must not import other Sail packages, and it does not deal in
// certificates or keys; Citadel and the node agent (security/) do.
package spiffe
