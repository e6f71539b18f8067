package listener

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pkg/config/mesh"
)

// VirtualListenerName is the name of the capture listener.
const VirtualListenerName = "virtual"

// WildcardAddress is the address of listeners that are not bound to one
// destination IP.
const WildcardAddress = "0.0.0.0"

// Errors of BuildSidecar (wrapped; test with errors.Is).
var (
	// ErrNotSidecar: the proxy is not a sidecar (gateways get their
	// listeners from Gateway servers, not from here).
	ErrNotSidecar = errors.New("proxy is not a sidecar")
	// ErrUnsupportedInterception: the proxy's interception mode has no
	// sidecar listener layout yet (NONE needs bound listeners on
	// localhost, which Sail does not build yet).
	ErrUnsupportedInterception = errors.New("unsupported interception mode")
	// ErrInvalidMesh: the mesh config cannot yield listeners.
	ErrInvalidMesh = errors.New("invalid mesh config for listeners")
)

// Inputs are everything listener generation reads. They are never
// modified.
type Inputs struct {
	// Services are the services of every registry, in any order; those
	// not visible to the proxy's namespace (exportTo) are left out.
	Services []*model.Service
	// Instances are the proxy's own service instances (the registry's
	// InstancesByIP for each of its IPs), in any order.
	Instances []*model.Instance
	// Mesh is the mesh config: outboundTrafficPolicy, proxyListenPort,
	// accessLogFile and accessLogEncoding.
	Mesh mesh.Config
}

// Warning is a listener Pilot could not build as configured, as Istio 1.1
// logged it. The first claimant (by hostname) keeps the listener or filter
// chain.
type Warning struct {
	// Listener is the listener's name, e.g. "0.0.0.0_9080".
	Listener string
	// Service is the hostname of the service left out.
	Service string
	// Port is the service port left out.
	Port uint32
	// Reason says why, naming the service that was kept when there is one.
	Reason string
}

func (w Warning) String() string {
	return fmt.Sprintf("listener %s: service %s port %d left out: %s", w.Listener, w.Service, w.Port, w.Reason)
}

// BuildSidecar returns the listeners for a sidecar, sorted by name, and the
// conflicts it resolved. Every listener passes its Validate; a failure
// there is a bug in this package and is returned as an error naming the
// listener.
func BuildSidecar(in Inputs, proxy *model.Proxy) ([]*listenerv3.Listener, []Warning, error) {
	if proxy == nil || proxy.Type != model.SidecarProxy {
		return nil, nil, ErrNotSidecar
	}
	switch proxy.InterceptionMode {
	case model.InterceptionRedirect, model.InterceptionTProxy, "":
	default:
		return nil, nil, fmt.Errorf("%w %q for proxy %s", ErrUnsupportedInterception, proxy.InterceptionMode, proxy.ID)
	}
	if p := in.Mesh.ProxyListenPort; p <= 0 || p > 65535 {
		return nil, nil, fmt.Errorf("%w: proxyListenPort %d is not a port", ErrInvalidMesh, p)
	}
	b := &builder{in: in, proxy: proxy}
	var out []*listenerv3.Listener
	out = append(out, b.virtual())
	out = append(out, b.inbound()...)
	out = append(out, b.outbound()...)
	if b.err != nil {
		return nil, nil, b.err
	}
	slices.SortFunc(out, func(x, y *listenerv3.Listener) int { return cmp.Compare(x.GetName(), y.GetName()) })
	for _, l := range out {
		if err := l.ValidateAll(); err != nil {
			return nil, nil, fmt.Errorf("listener %s: %w", l.GetName(), err)
		}
	}
	return out, b.warnings, nil
}

// builder carries one BuildSidecar call: its inputs, the warnings so far
// and the first error from marshalling a typed config.
type builder struct {
	in       Inputs
	proxy    *model.Proxy
	warnings []Warning
	err      error
}

func (b *builder) warn(listener string, svc *model.Service, port uint32, format string, args ...any) {
	b.warnings = append(b.warnings, Warning{Listener: listener, Service: svc.Hostname, Port: port, Reason: fmt.Sprintf(format, args...)})
}

// typed packs m into an Any with deterministic bytes, so equal configs
// marshal equally (the access log format holds a map).
func (b *builder) typed(m proto.Message) *anypb.Any {
	v, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		if b.err == nil {
			b.err = fmt.Errorf("marshal %s: %w", m.ProtoReflect().Descriptor().FullName(), err)
		}
		return nil
	}
	return &anypb.Any{TypeUrl: "type.googleapis.com/" + string(m.ProtoReflect().Descriptor().FullName()), Value: v}
}

// outboundPolicyCluster is where traffic for unknown destinations goes.
func (b *builder) outboundPolicyCluster() string {
	if b.in.Mesh.OutboundTrafficPolicy.Mode == mesh.RegistryOnly {
		return model.BlackHoleCluster
	}
	return model.PassthroughCluster
}

// listenerName is Istio's "<address>_<port>".
func listenerName(address string, port uint32) string {
	return address + "_" + strconv.FormatUint(uint64(port), 10)
}

func socketAddress(address string, port uint32) *corev3.Address {
	return &corev3.Address{Address: &corev3.Address_SocketAddress{SocketAddress: &corev3.SocketAddress{
		Protocol:      corev3.SocketAddress_TCP,
		Address:       address,
		PortSpecifier: &corev3.SocketAddress_PortValue{PortValue: port},
	}}}
}
