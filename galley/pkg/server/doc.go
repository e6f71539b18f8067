// Package server assembles and runs Galley, the configuration validation
// and distribution server of the mesh (the galley binary).
//
// It owns the Options of galley and the order of its start-up steps. Today
// the only step is the admin server (/metrics, /healthz, /readyz, /version
// on --monitoring-addr); MCP distribution (--mcp-addr) and the validation
// webhook are not implemented yet. Later steps ("kubernetes sources",
// "validation webhook" and "mcp server") are added to Server.startup in
// order.
//
// It must not import other components (pilot/, mixer/, security/, proxy/ or
// istioctl/) or pkg/cli; it shares only api/ and pkg/.
package server
