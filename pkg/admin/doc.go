// Package admin serves the one admin HTTP endpoint every Sail process has.
//
// It owns the admin listener and its fixed pages:
//
//	/metrics        Prometheus exposition of the registry in Deps
//	/healthz        200 "ok" for as long as the process is serving
//	/readyz         200 when Deps.Ready returns nil, else 503 with the reason
//	/version        JSON of version.Info
//	/debug/pprof/   Go profiling, only with Options.EnablePprof
//
// Components add their own debug pages with Server.Handle. The package must
// not import component code (pilot/, mixer/, security/, galley/, proxy/,
// istioctl/) and must not register metrics on a registry it did not create:
// the registry belongs to the caller. NewRegistry returns one preloaded with
// the Go runtime and process collectors, which is what New uses when
// Deps.Registry is nil.
package admin
