// Package bootstrap assembles and runs Pilot, the service-discovery and
// traffic-configuration server of the mesh (the pilot-discovery binary).
//
// It owns the Options of pilot-discovery and the order of its start-up
// steps. Today the only step is the admin server (/metrics, /healthz,
// /readyz, /version on --monitoring-addr); the xDS gRPC server
// (--grpc-addr) and the HTTP debug server (--http-addr) are not implemented
// yet. Later steps ("mesh config", "config store", "service registries" and
// "xds server") are added to Server.startup in order.
//
// It must not import other components (mixer/, security/, galley/, proxy/
// or istioctl/) or pkg/cli; it shares only api/ and pkg/.
package bootstrap
