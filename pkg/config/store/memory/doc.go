// Package memory is the in-memory store.Store: the reference
// implementation of the contract, used in tests and wherever configuration
// needs no persistence. Resource versions come from a counter per store.
//
// It also holds the pieces the other stores share: Fanout, which delivers
// events in order from one goroutine without blocking writers, and
// CheckObject, which decides what every store rejects as invalid. It must
// not import the other stores, the parser or client-go.
package memory
