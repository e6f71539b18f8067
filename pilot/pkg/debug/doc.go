// Package debug is Pilot's HTTP debug server (--http-addr, 8080): read-only
// JSON pages about what Pilot holds and what it sent.
//
//   - /debug/adsz: connected proxies, versions sent and ACKed per type,
//     NACKs
//   - /debug/syncz: per proxy and type, sent vs ACKed and whether in sync
//   - /debug/configz: the config objects of the config store
//   - /debug/registryz: the services of the registry and their instance
//     counts
//   - /debug/config_dump?proxyID=: the xDS set for one proxy
//
// Every page is application/json with a stable order (sorted by node ID,
// kind, namespace, name, hostname or resource name). The package reads
// the ADS server, the config store and the registry through the small
// interfaces in Deps; it must not change them, and must not import other
// components or the stores' and registries' implementations.
package debug
