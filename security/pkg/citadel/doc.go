// Package citadel assembles and runs Citadel, the certificate authority of
// the mesh (the citadel binary).
//
// It owns the Options of citadel and the order of its start-up steps. Today
// the only step is the admin server (/metrics, /healthz, /readyz, /version
// on --monitoring-addr); the CSR-signing gRPC API (--grpc-addr) is not
// implemented yet. Later steps ("ca keys", "workload secrets" and "csr
// api") are added to Server.startup in order.
//
// It must not import other components (pilot/, mixer/, galley/, proxy/ or
// istioctl/) or pkg/cli; it shares only api/ and pkg/.
package citadel
