// Package aggregate joins several service registries (typically
// Kubernetes and ServiceEntry) into one model.Registry.
//
// Rules:
//   - Services are merged and sorted by hostname. When two registries hold
//     the same hostname, the one passed first to New wins: its Service is
//     returned, and only its instances are served for that hostname, so a
//     service's instances always belong to the Service readers see.
//   - InstancesByIP concatenates the registries' answers, dropping those
//     of shadowed services, and sorts them by hostname and service port.
//   - Events of every registry go to every handler, unchanged (a hostname
//     may name a shadowed service; a spurious push is harmless). Handlers
//     are called one at a time across all registries; events of one
//     registry keep their order.
//
// The aggregate holds no state of its own beyond the registry list: every
// read goes to the registries' snapshots. It must not know about any particular registry or xDS.
package aggregate
