// Package model is the one service model Pilot's generators read: services
// with their ports and protocols, the instances (endpoints) behind each
// service port, the identity of a connected proxy, and the Registry
// interface every service registry (Kubernetes, ServiceEntry/WorkloadEntry,
// their aggregate) implements.
//
// Everything here is plain data plus pure functions. Values handed out by a
// Registry are immutable snapshots shared between readers: never modify a
// *Service or *Instance you did not build yourself.
//
// The package must not import registries, stores, xDS types or any other
// component: registries depend on it, not the other way round.
package model
