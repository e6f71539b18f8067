// Package kube is the service registry built from a Kubernetes cluster:
// Services, EndpointSlices (discovery.k8s.io/v1), Pods, Namespaces and
// Nodes, read through client-go shared informers.
//
// The registry is a level-based controller. Every informer event only
// enqueues the keys (namespace/name) of the Services it may affect on a
// rate-limited work queue; one worker takes a key, rebuilds that Service's
// model.Service and instances from the listers (never from the event
// payload), swaps in a new immutable index and tells its handlers what
// changed. A resync, or any event that changes nothing the model holds,
// rebuilds to the same state and sends no event. Readers never block on a
// rebuild.
//
// Conversion follows Istio 1.1:
//   - A Service is one model.Service named "<name>.<namespace>.svc.<suffix>".
//     Its VIP is spec.clusterIP; a headless Service (clusterIP None) has
//     model.UnspecifiedIP. Resolution is ClientSideLB.
//   - An ExternalName Service resolves by DNS (DNSLB) to its external name,
//     one instance per port at the name itself; it is MeshExternal, as in
//     Istio 1.1, since no sidecar runs at the other end.
//   - A port's protocol is its appProtocol when set, else derived from its
//     name (model.ProtocolFromPortName); a UDP port is UDP.
//   - exportTo comes from the annotation networking.istio.io/exportTo, a
//     comma-separated list.
//   - Instances are the ready endpoints of the EndpointSlices labelled
//     kubernetes.io/service-name, one per address and service port whose
//     name the slice lists (its number is the target port). Labels and
//     the service account come from the endpoint's Pod (targetRef), the
//     locality "region/zone" from the labels topology.kubernetes.io/region
//     and /zone of its Node, and the UID is "kubernetes://<pod>.<namespace>".
//   - ServiceAccounts are the SPIFFE IDs of the Pods behind the instances.
//
// Events: a Service added, removed or changed (ports, VIP, selector,
// labels, accounts, ...) is a FullChange for its hostname, as is any
// change to the instances of a DNS-resolved (ExternalName) service; a
// change of instances alone (EndpointSlices, Pod labels, Node locality) is
// an EndpointsChange.
//
// The package must not know about xDS or any other registry, and never
// writes to the cluster.
package kube
