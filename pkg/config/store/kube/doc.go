// Package kube is the store.Store backed by Kubernetes custom resources:
// one dynamic informer per kind at its preferred version for reads and
// events, the dynamic client for writes, resource versions from the API
// server. Conversion to and from config.Object goes through the parser's
// JSON-tree form (a DecodeFunc in, parse.ToMap out).
//
// It owns its informers and their caches and nothing else: it must not
// create or change CRDs or namespaces, and must not import the other
// stores except memory's shared pieces.
package kube
