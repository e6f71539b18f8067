// Package bootstrap assembles and runs Pilot, the service-discovery and
// traffic-configuration server of the mesh (the pilot-discovery binary).
//
// It owns the Options of pilot-discovery and the order of its start-up
// steps: the admin server (/metrics, /healthz, /readyz, /version on
// --monitoring-addr), then "mesh config" (--mesh), "config store" (the
// file store on --config-dir, parsed strictly and validated, synced),
// "service registry" (ServiceEntry and WorkloadEntry from that store) and
// "xds" (ADS over plaintext gRPC on --grpc-addr, with its Prometheus
// metrics on the monitoring registry, stopped gracefully when the context
// ends) and "debug server" (the JSON pages of pilot/pkg/debug on
// --http-addr, shut down gracefully). Kubernetes and Galley are not
// implemented yet.
//
// It must not import other components (mixer/, security/, galley/, proxy/
// or istioctl/) or pkg/cli; it shares only api/ and pkg/.
package bootstrap
