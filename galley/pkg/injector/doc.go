// Package injector assembles and runs the sidecar injector, the admission
// webhook that adds Sail proxies to pods (the sidecar-injector binary).
//
// It owns the Options of sidecar-injector and the order of its start-up
// steps. Today the only step is the admin server (/metrics, /healthz,
// /readyz, /version on --monitoring-addr); the injection webhook (443) is
// not implemented yet. Later steps ("injection template", "webhook
// certificate" and "webhook server") are added to Server.startup in order.
//
// It must not import other components (pilot/, mixer/, security/, proxy/ or
// istioctl/) or pkg/cli; it shares only api/ and pkg/.
package injector
