// Package listener builds the Envoy listeners (LDS) Pilot sends a sidecar,
// as Istio 1.1 laid them out:
//
//   - "virtual" on 0.0.0.0:<proxyListenPort> (15001), where iptables sends
//     every captured connection. It hands each connection over, by its
//     original destination, to the listener bound (bind_to_port false) to
//     that address; what matches none goes to PassthroughCluster
//     (outboundTrafficPolicy ALLOW_ANY) or BlackHoleCluster (REGISTRY_ONLY).
//   - inbound "<podIP>_<port>" per port of the proxy's own service
//     instances: HTTP through a connection manager with an inline route to
//     "inbound|<port>|<portName>|<host>", anything else through tcp_proxy.
//   - outbound HTTP "0.0.0.0_<port>" per HTTP service port, routed by RDS
//     named after the port ("9080").
//   - outbound TCP and TLS "<VIP>_<port>" per service with a VIP; services
//     without one share "0.0.0.0_<port>", matched by SNI (TLS) or by
//     destination CIDR (ServiceEntry addresses).
//
// Listener generation is a pure function of its Inputs: it does no I/O,
// keeps no state and never modifies what it is given. It owns listener
// layout and the network and HTTP filter chains; routes (RDS), clusters
// (CDS) and endpoints (EDS) belong to the route, cluster and endpoint
// packages, which it names only through model.ClusterName and the RDS
// naming rule.
package listener
