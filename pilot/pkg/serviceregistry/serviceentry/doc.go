// Package serviceentry is the service registry built from ServiceEntry and
// WorkloadEntry objects (networking.istio.io) held in a config store: how
// Pilot learns about services outside Kubernetes, and about non-Kubernetes
// workloads inside the mesh.
//
// The registry watches the store and, on every change, rebuilds an
// immutable index of services and instances from a fresh List of both
// kinds (level-based: it never applies events incrementally), swaps it in
// atomically and tells its handlers what changed. Readers never block on
// a rebuild.
//
// Conversion follows Istio:
//   - Each host of a ServiceEntry is one model.Service, named as written
//     (short names are not expanded). When several ServiceEntries declare
//     the same host, the oldest (creation time, then namespace/name) wins.
//   - location MESH_EXTERNAL (the default) sets MeshExternal; resolution
//     NONE, STATIC, DNS map to Passthrough, ClientSideLB, DNSLB.
//   - The VIP is the first of addresses, a CIDR kept as written; entries
//     without addresses and with resolution other than NONE get one from
//     240.240.0.0/16 (see allocateVIPs for the rule).
//   - Instances come from inline endpoints and from the WorkloadEntries in
//     the ServiceEntry's namespace whose labels match workloadSelector. An
//     endpoint's ports map, keyed by port name, gives the target port;
//     else the port's targetPort, else its number. A DNS entry without
//     endpoints gets one endpoint per port at the host name itself.
//   - A WorkloadEntry's UID is "kubernetes://<name>.<namespace>", the form
//     Istio 1.1 sidecars send for pods, so Mixer attributes derived from it
//     (source.uid, destination.uid) look as in the classic mesh. Inline
//     endpoints have no workload object and no UID.
//
// The package must not know about xDS or any other registry.
package serviceentry
