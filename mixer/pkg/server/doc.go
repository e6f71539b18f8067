// Package server assembles and runs Mixer, the policy and telemetry server
// of the mesh (the mixs binary).
//
// It owns the Options of mixs and the order of its start-up steps. Today
// the only step is the admin server (/metrics, /healthz, /readyz, /version
// on --monitoring-addr); the Mixer gRPC API (--grpc-addr) is not
// implemented yet. Later steps ("config store", "adapters" and "grpc api")
// are added to Server.startup in order.
//
// It must not import other components (pilot/, security/, galley/, proxy/
// or istioctl/) or pkg/cli; it shares only api/ and pkg/.
package server
