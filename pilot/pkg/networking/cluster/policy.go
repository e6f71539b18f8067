package cluster

//lint:file-ignore SA1019 Istio 1.1 users still write these deprecated fields, so Pilot must translate them.
import (
	"fmt"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	upstreamhttp "github.com/envoyproxy/go-control-plane/envoy/extensions/upstreams/http/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/wrapperspb"
	networking "istio.io/api/networking/v1alpha3"

	"github.com/sailmesh/sail/pilot/pkg/model"
)

// Defaults Sail uses where a DestinationRule says nothing. They are Istio
// 1.1's: outbound clusters raise Envoy's max_retries circuit breaker from 3
// to 1024 (3 concurrent retries caused 503s during rolling updates, before
// Pilot's new endpoints arrived) and keep Envoy's other thresholds (1024
// connections, pending requests and requests); HTTP/2 upstreams allow
// 2^30 concurrent streams instead of Envoy's old 100.
const (
	DefaultMaxRetries           = 1024
	DefaultMaxConcurrentStreams = 1 << 30
)

// HTTPProtocolOptionsName is the typed_extension_protocol_options key of
// upstream HTTP settings.
const HTTPProtocolOptionsName = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions"

// built is a cluster under construction with its upstream HTTP options,
// packed into the cluster by finish.
type built struct {
	c    *clusterv3.Cluster
	http *upstreamhttp.HttpProtocolOptions
}

func (b *built) httpOptions() *upstreamhttp.HttpProtocolOptions {
	if b.http == nil {
		b.http = &upstreamhttp.HttpProtocolOptions{}
	}
	return b.http
}

func (b *built) commonHTTP() *corev3.HttpProtocolOptions {
	o := b.httpOptions()
	if o.CommonHttpProtocolOptions == nil {
		o.CommonHttpProtocolOptions = &corev3.HttpProtocolOptions{}
	}
	return o.CommonHttpProtocolOptions
}

// finish packs the HTTP options (HTTP/1.1 upstream unless HTTP/2 was set)
// and validates the cluster.
func (b *built) finish() (*clusterv3.Cluster, error) {
	if b.http != nil {
		if b.http.UpstreamProtocolOptions == nil {
			b.http.UpstreamProtocolOptions = &upstreamhttp.HttpProtocolOptions_ExplicitHttpConfig_{
				ExplicitHttpConfig: &upstreamhttp.HttpProtocolOptions_ExplicitHttpConfig{
					ProtocolConfig: &upstreamhttp.HttpProtocolOptions_ExplicitHttpConfig_HttpProtocolOptions{
						HttpProtocolOptions: &corev3.Http1ProtocolOptions{},
					},
				},
			}
		}
		if err := b.http.Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", HTTPProtocolOptionsName, err)
		}
		a, err := anypb.New(b.http)
		if err != nil {
			return nil, err
		}
		b.c.TypedExtensionProtocolOptions = map[string]*anypb.Any{HTTPProtocolOptionsName: a}
	}
	if err := b.c.Validate(); err != nil {
		return nil, err
	}
	return b.c, nil
}

func http2Upstream() *upstreamhttp.HttpProtocolOptions_ExplicitHttpConfig_ {
	return &upstreamhttp.HttpProtocolOptions_ExplicitHttpConfig_{
		ExplicitHttpConfig: &upstreamhttp.HttpProtocolOptions_ExplicitHttpConfig{
			ProtocolConfig: &upstreamhttp.HttpProtocolOptions_ExplicitHttpConfig_Http2ProtocolOptions{
				Http2ProtocolOptions: &corev3.Http2ProtocolOptions{
					MaxConcurrentStreams: wrapperspb.UInt32(DefaultMaxConcurrentStreams),
				},
			},
		},
	}
}

func defaultThresholds() *clusterv3.CircuitBreakers_Thresholds {
	return &clusterv3.CircuitBreakers_Thresholds{
		Priority:   corev3.RoutingPriority_DEFAULT,
		MaxRetries: wrapperspb.UInt32(DefaultMaxRetries),
	}
}

// policy is the effective traffic policy of one cluster.
type policy struct {
	lb      *networking.LoadBalancerSettings
	pool    *networking.ConnectionPoolSettings
	outlier *networking.OutlierDetection
}

// effective layers the policies of a cluster on port: for each part (load
// balancer, connection pool, outlier detection) the first set among the
// subset's port-level settings for the port number, the subset's policy,
// the rule's port-level settings and the rule's policy. A part is taken
// whole, never merged field by field.
func effective(port uint32, rule, subset *networking.TrafficPolicy) policy {
	var p policy
	for _, tp := range []*networking.TrafficPolicy{subset, rule} {
		if tp == nil {
			continue
		}
		for _, pl := range tp.GetPortLevelSettings() {
			if pl.GetPort().GetNumber() != port {
				continue
			}
			p.lb = first(p.lb, pl.GetLoadBalancer())
			p.pool = first(p.pool, pl.GetConnectionPool())
			p.outlier = first(p.outlier, pl.GetOutlierDetection())
		}
		p.lb = first(p.lb, tp.GetLoadBalancer())
		p.pool = first(p.pool, tp.GetConnectionPool())
		p.outlier = first(p.outlier, tp.GetOutlierDetection())
	}
	return p
}

func first[T any](have, next *T) *T {
	if have != nil {
		return have
	}
	return next
}

// applyPolicy applies a DestinationRule's policy (rule, and subset for a
// subset cluster; either may be nil) to an outbound cluster:
//
//   - loadBalancer.simple: ROUND_ROBIN (and unset) → ROUND_ROBIN,
//     LEAST_CONN and LEAST_REQUEST → LEAST_REQUEST, RANDOM → RANDOM,
//     PASSTHROUGH → an ORIGINAL_DST cluster with the CLUSTER_PROVIDED
//     policy (Istio 1.1's ORIGINAL_DST_LB, which Envoy v3 replaced):
//     connections go to the address the client dialled, and a subset's
//     endpoints are not enforced;
//   - loadBalancer.consistentHash → RING_HASH with minimum_ring_size from
//     ringHash.minimumRingSize or the deprecated minimumRingSize (unset:
//     Envoy's 1024), or MAGLEV with maglev.tableSize. The hash key is set
//     on routes (route generation's job);
//   - connectionPool → the DEFAULT priority circuit-breaker thresholds
//     (tcp.maxConnections → max_connections, http.http1MaxPendingRequests
//     → max_pending_requests, http.http2MaxRequests → max_requests,
//     http.maxRetries → max_retries), tcp.connectTimeout → connect_timeout,
//     tcp.tcpKeepalive → upstream_connection_options.tcp_keepalive, and on
//     HTTP ports http.maxRequestsPerConnection and http.idleTimeout →
//     the upstream HttpProtocolOptions' common_http_protocol_options;
//   - outlierDetection → outlier_detection (see applyOutlier).
//
// An ORIGINAL_DST cluster (passthrough service) always keeps
// CLUSTER_PROVIDED, whatever the rule says. Not applied yet: tls (mTLS
// comes with the security work), localityLbSetting, warmup, tunnel,
// proxyProtocol, tcp.maxConnectionDuration/idleTimeout,
// http.h2UpgradePolicy and useClientProtocol.
func applyPolicy(b *built, port model.Port, rule, subset *networking.TrafficPolicy) {
	p := effective(port.Number, rule, subset)
	applyLB(b.c, p.lb)
	applyPool(b, port, p.pool)
	applyOutlier(b.c, p.outlier)
	if b.c.GetType() == clusterv3.Cluster_ORIGINAL_DST {
		setOriginalDst(b.c)
	}
}

func applyLB(c *clusterv3.Cluster, lb *networking.LoadBalancerSettings) {
	if lb == nil {
		return
	}
	if ch := lb.GetConsistentHash(); ch != nil {
		if mg := ch.GetMaglev(); mg != nil {
			c.LbPolicy = clusterv3.Cluster_MAGLEV
			cfg := &clusterv3.Cluster_MaglevLbConfig{}
			if mg.GetTableSize() > 0 {
				cfg.TableSize = wrapperspb.UInt64(mg.GetTableSize())
			}
			c.LbConfig = &clusterv3.Cluster_MaglevLbConfig_{MaglevLbConfig: cfg}
			return
		}
		c.LbPolicy = clusterv3.Cluster_RING_HASH
		cfg := &clusterv3.Cluster_RingHashLbConfig{}
		if n := max(ch.GetRingHash().GetMinimumRingSize(), ch.GetMinimumRingSize()); n > 0 {
			cfg.MinimumRingSize = wrapperspb.UInt64(n)
		}
		c.LbConfig = &clusterv3.Cluster_RingHashLbConfig_{RingHashLbConfig: cfg}
		return
	}
	switch lb.GetSimple() {
	case networking.LoadBalancerSettings_LEAST_CONN, networking.LoadBalancerSettings_LEAST_REQUEST:
		c.LbPolicy = clusterv3.Cluster_LEAST_REQUEST
	case networking.LoadBalancerSettings_RANDOM:
		c.LbPolicy = clusterv3.Cluster_RANDOM
	case networking.LoadBalancerSettings_PASSTHROUGH:
		setOriginalDst(c)
	default:
		c.LbPolicy = clusterv3.Cluster_ROUND_ROBIN
	}
}

func applyPool(b *built, port model.Port, pool *networking.ConnectionPoolSettings) {
	if pool == nil {
		return
	}
	c := b.c
	t := c.GetCircuitBreakers().GetThresholds()[0]
	tcp, h := pool.GetTcp(), pool.GetHttp()
	setU32(&t.MaxConnections, tcp.GetMaxConnections())
	setU32(&t.MaxPendingRequests, h.GetHttp1MaxPendingRequests())
	setU32(&t.MaxRequests, h.GetHttp2MaxRequests())
	setU32(&t.MaxRetries, h.GetMaxRetries())
	if d := tcp.GetConnectTimeout(); d.AsDuration() > 0 {
		c.ConnectTimeout = durationpb.New(d.AsDuration())
	}
	if ka := tcp.GetTcpKeepalive(); ka != nil {
		k := &corev3.TcpKeepalive{}
		if ka.GetProbes() > 0 {
			k.KeepaliveProbes = wrapperspb.UInt32(ka.GetProbes())
		}
		if s := uint32(ka.GetTime().AsDuration().Seconds()); s > 0 {
			k.KeepaliveTime = wrapperspb.UInt32(s)
		}
		if s := uint32(ka.GetInterval().AsDuration().Seconds()); s > 0 {
			k.KeepaliveInterval = wrapperspb.UInt32(s)
		}
		c.UpstreamConnectionOptions = &clusterv3.UpstreamConnectionOptions{TcpKeepalive: k}
	}
	if !port.Protocol.IsHTTP() {
		return
	}
	if n := h.GetMaxRequestsPerConnection(); n > 0 {
		b.commonHTTP().MaxRequestsPerConnection = wrapperspb.UInt32(uint32(n))
	}
	if d := h.GetIdleTimeout(); d != nil {
		b.commonHTTP().IdleTimeout = copyDuration(d)
	}
}

// copyDuration copies d, so that generated config never shares messages
// with its inputs.
func copyDuration(d *durationpb.Duration) *durationpb.Duration {
	if d == nil {
		return nil
	}
	return durationpb.New(d.AsDuration())
}

// setU32 sets *dst to n when n is positive (0 means "unset" in the
// DestinationRule API).
func setU32(dst **wrapperspb.UInt32Value, n int32) {
	if n > 0 {
		*dst = wrapperspb.UInt32(uint32(n))
	}
}

// applyOutlier maps outlierDetection: consecutive5xxErrors, else the
// deprecated consecutiveErrors, → consecutive_5xx (an explicit
// consecutive5xxErrors of 0 turns 5xx ejection off);
// consecutiveGatewayErrors → consecutive_gateway_failure, enforced at
// 100%; interval, baseEjectionTime, maxEjectionPercent as they are; and,
// as in Istio 1.1, minHealthPercent → common_lb_config
// .healthy_panic_threshold whenever outlier detection is set, so its
// default 0 turns Envoy's panic mode off.
func applyOutlier(c *clusterv3.Cluster, od *networking.OutlierDetection) {
	if od == nil {
		return
	}
	out := &clusterv3.OutlierDetection{
		Interval:         copyDuration(od.GetInterval()),
		BaseEjectionTime: copyDuration(od.GetBaseEjectionTime()),
	}
	if v := od.GetConsecutive_5XxErrors(); v != nil {
		if v.GetValue() > 0 {
			out.Consecutive_5Xx = wrapperspb.UInt32(v.GetValue())
		} else {
			out.EnforcingConsecutive_5Xx = wrapperspb.UInt32(0)
		}
	} else if n := od.GetConsecutiveErrors(); n > 0 {
		out.Consecutive_5Xx = wrapperspb.UInt32(uint32(n))
	}
	if v := od.GetConsecutiveGatewayErrors(); v.GetValue() > 0 {
		out.ConsecutiveGatewayFailure = wrapperspb.UInt32(v.GetValue())
		out.EnforcingConsecutiveGatewayFailure = wrapperspb.UInt32(100)
	}
	if n := od.GetMaxEjectionPercent(); n > 0 {
		out.MaxEjectionPercent = wrapperspb.UInt32(uint32(min(n, 100)))
	}
	c.OutlierDetection = out
	if c.CommonLbConfig == nil {
		c.CommonLbConfig = &clusterv3.Cluster_CommonLbConfig{}
	}
	c.CommonLbConfig.HealthyPanicThreshold = &typev3.Percent{Value: float64(max(0, min(od.GetMinHealthPercent(), 100)))}
}
