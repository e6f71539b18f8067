// Package sidecar assembles and runs the Sail proxy, the data plane that
// runs beside each workload (the sail-proxy binary).
//
// It owns the Options of sail-proxy and the order of its start-up steps.
// Today the only step is the admin server (/metrics, /healthz, /readyz,
// /version on --admin-addr); proxying, the xDS client, the agent status
// port (15020) and the Prometheus stats port (15090) are not implemented
// yet. Later steps ("bootstrap config", "xds client", "listeners", "agent
// status" and "prometheus stats") are added to Server.startup in order.
//
// It must not import other components (pilot/, mixer/, security/, galley/
// or istioctl/) or pkg/cli; it shares only api/ and pkg/.
package sidecar
