package listener

import (
	"cmp"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/sailmesh/sail/pilot/pkg/model"
)

// outListener collects what one outbound listener serves before it is
// rendered: either HTTP (every HTTP service on the port, by RDS) or TCP
// filter chains, one per service.
type outListener struct {
	name    string
	address string
	port    uint32
	// httpFirst is the first HTTP service on the port; nil for a TCP
	// listener.
	httpFirst *model.Service
	chains    []*tcpChain
}

// tcpChain is one outbound TCP/TLS filter chain.
type tcpChain struct {
	// serverName matches SNI (TLS services without a VIP); cidr matches
	// the destination (ServiceEntry addresses that are ranges); both
	// empty match every connection.
	serverName string
	cidr       netip.Prefix
	svc        *model.Service
	port       uint32
}

func (c *tcpChain) key() string {
	if c.cidr.IsValid() {
		return "cidr:" + c.cidr.String()
	}
	return "sni:" + c.serverName
}

func (c *tcpChain) catchAll() bool { return c.serverName == "" && !c.cidr.IsValid() }

// outbound builds the outbound listeners from the services visible to the
// proxy, taken in hostname order so that conflicts resolve the same way
// every time: the first service to claim a listener (or a filter chain of
// it) keeps it and the others are reported.
func (b *builder) outbound() []*listenerv3.Listener {
	services := make([]*model.Service, 0, len(b.in.Services))
	for _, s := range b.in.Services {
		if s.VisibleTo(b.proxy.Namespace) {
			services = append(services, s)
		}
	}
	slices.SortStableFunc(services, func(x, y *model.Service) int { return cmp.Compare(x.Hostname, y.Hostname) })
	byName := map[string]*outListener{}
	var order []*outListener
	get := func(address string, port uint32) (*outListener, bool) {
		name := listenerName(address, port)
		if l, ok := byName[name]; ok {
			return l, true
		}
		l := &outListener{name: name, address: address, port: port}
		byName[name] = l
		order = append(order, l)
		return l, false
	}
	for _, svc := range services {
		for _, port := range svc.Ports {
			switch {
			case port.Protocol == model.UDP:
				continue
			case port.Number == uint32(b.in.Mesh.ProxyListenPort):
				b.warn(VirtualListenerName, svc, port.Number, "the port is the proxy's capture port")
			case port.Protocol.IsHTTP():
				b.addHTTP(get, svc, port.Number)
			default:
				b.addTCP(get, svc, port)
			}
		}
	}
	out := make([]*listenerv3.Listener, 0, len(order))
	for _, l := range order {
		if l.httpFirst != nil {
			out = append(out, b.outboundHTTP(l))
		} else if len(l.chains) > 0 {
			out = append(out, b.outboundTCP(l))
		}
	}
	return out
}

type getListener func(address string, port uint32) (*outListener, bool)

func (b *builder) addHTTP(get getListener, svc *model.Service, port uint32) {
	l, existed := get(WildcardAddress, port)
	switch {
	case !existed:
		l.httpFirst = svc
	case l.httpFirst == nil:
		b.warn(l.name, svc, port, "HTTP port conflicts with TCP service %s on the same port", l.chains[0].svc.Hostname)
	}
}

// addTCP adds a TCP or TLS service port: on its VIP's listener when the
// service has a single address, else on the wildcard listener matched by
// the address range, by SNI (TLS) or not at all (the port's catch-all).
func (b *builder) addTCP(get getListener, svc *model.Service, port model.Port) {
	c := &tcpChain{svc: svc, port: port.Number}
	address := WildcardAddress
	switch {
	case !svc.HasAddress():
		if port.Protocol.IsTLS() {
			c.serverName = svc.Hostname
		}
	case strings.Contains(svc.Address, "/"):
		p, err := netip.ParsePrefix(svc.Address)
		if err != nil {
			b.warn(listenerName(svc.Address, port.Number), svc, port.Number, "address %q is neither an IP nor a CIDR", svc.Address)
			return
		}
		if p = p.Masked(); p.IsSingleIP() {
			address = p.Addr().String()
		} else {
			c.cidr = p
		}
	default:
		a, err := netip.ParseAddr(svc.Address)
		if err != nil {
			b.warn(listenerName(svc.Address, port.Number), svc, port.Number, "address %q is neither an IP nor a CIDR", svc.Address)
			return
		}
		address = a.String()
	}
	l, _ := get(address, port.Number)
	if l.httpFirst != nil {
		b.warn(l.name, svc, port.Number, "TCP port conflicts with HTTP service %s on the same port", l.httpFirst.Hostname)
		return
	}
	for _, other := range l.chains {
		if other.key() == c.key() {
			b.warn(l.name, svc, port.Number, "filter chain already serves %s port %d", other.svc.Hostname, other.port)
			return
		}
	}
	l.chains = append(l.chains, c)
}

// outboundHTTP is "0.0.0.0_<port>": every HTTP service on the port, routed
// by the RDS configuration named after the port.
func (b *builder) outboundHTTP(l *outListener) *listenerv3.Listener {
	hcm := b.httpConnectionManager(&hcmv3.HttpConnectionManager{
		StatPrefix:     l.name,
		RouteSpecifier: rds(strconv.FormatUint(uint64(l.port), 10)),
		HttpFilters:    b.httpFilters(b.outboundPolicyFilters()),
	})
	return &listenerv3.Listener{
		Name:             l.name,
		Address:          socketAddress(l.address, l.port),
		BindToPort:       wrapperspb.Bool(false),
		TrafficDirection: corev3.TrafficDirection_OUTBOUND,
		FilterChains:     []*listenerv3.FilterChain{{Filters: []*listenerv3.Filter{hcm}}},
	}
}

// outboundTCP renders a TCP listener's chains: SNI and CIDR matches in
// key order, then the catch-all. A wildcard listener without a catch-all
// gets one to the outbound policy's cluster, so that other destinations on
// the port behave as if the listener were not there (Istio 1.1 dropped
// them).
func (b *builder) outboundTCP(l *outListener) *listenerv3.Listener {
	chains := slices.Clone(l.chains)
	slices.SortStableFunc(chains, func(x, y *tcpChain) int {
		if x.catchAll() != y.catchAll() {
			if x.catchAll() {
				return 1
			}
			return -1
		}
		return cmp.Compare(x.key(), y.key())
	})
	var out []*listenerv3.FilterChain
	sni := false
	for _, c := range chains {
		fc := &listenerv3.FilterChain{Filters: []*listenerv3.Filter{
			b.tcpProxy(model.ClusterName(model.Outbound, "", c.svc.Hostname, c.port)),
		}}
		switch {
		case c.serverName != "":
			sni = true
			fc.FilterChainMatch = &listenerv3.FilterChainMatch{ServerNames: []string{c.serverName}, TransportProtocol: "tls"}
		case c.cidr.IsValid():
			fc.FilterChainMatch = &listenerv3.FilterChainMatch{PrefixRanges: []*corev3.CidrRange{{
				AddressPrefix: c.cidr.Addr().String(),
				PrefixLen:     wrapperspb.UInt32(uint32(c.cidr.Bits())),
			}}}
		}
		out = append(out, fc)
	}
	if l.address == WildcardAddress && !chains[len(chains)-1].catchAll() {
		out = append(out, &listenerv3.FilterChain{Filters: []*listenerv3.Filter{b.tcpProxy(b.outboundPolicyCluster())}})
	}
	lis := &listenerv3.Listener{
		Name:             l.name,
		Address:          socketAddress(l.address, l.port),
		BindToPort:       wrapperspb.Bool(false),
		TrafficDirection: corev3.TrafficDirection_OUTBOUND,
		FilterChains:     out,
	}
	if sni {
		lis.ListenerFilters = []*listenerv3.ListenerFilter{b.tlsInspector()}
	}
	return lis
}
