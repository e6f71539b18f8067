// Package nodeagent assembles and runs the node agent, which will deliver
// workload certificates over SDS (the node-agent binary).
//
// It owns the Options of node-agent and the order of its start-up steps.
// Today the only step is the admin server (/metrics, /healthz, /readyz,
// /version on --monitoring-addr); SDS serving is not implemented yet. Later
// steps ("citadel client" and "sds server") are added to Server.startup in
// order.
//
// It must not import other components (pilot/, mixer/, galley/, proxy/ or
// istioctl/) or pkg/cli; it shares only api/ and pkg/.
package nodeagent
