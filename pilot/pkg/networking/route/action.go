package route

//lint:file-ignore SA1019 Istio 1.1 users still write these deprecated fields, so Pilot must translate them.
import (
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	previoushostsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/retry/host/previous_hosts/v3"
	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/wrapperspb"
	networking "istio.io/api/networking/v1alpha3"

	"github.com/sailmesh/sail/pilot/pkg/model"
)

// builder translates the http routes of one VirtualService for one port.
type builder struct {
	in     Inputs
	byHost map[string]*model.Service
	ns     string // the VirtualService's namespace
	port   uint32
	name   string // route name: "<vsName>.<vsNamespace>"
}

// target is one destination cluster of a route.
type target struct {
	host, namespace, subset string
	port                    uint32
}

func (t target) cluster() string { return model.ClusterName(model.Outbound, t.subset, t.host, t.port) }

// target resolves a destination: its host completed in the
// VirtualService's namespace; its port as given, else the service's only
// port, else the port being routed (Istio 1.1's choices).
func (b *builder) target(d *networking.Destination) target {
	host := model.ResolveHost(d.GetHost(), b.ns)
	t := target{host: host, namespace: b.ns, subset: d.GetSubset(), port: d.GetPort().GetNumber()}
	svc := b.byHost[host]
	if svc != nil {
		t.namespace = svc.Namespace
	}
	if t.port == 0 {
		if svc != nil && len(svc.Ports) == 1 {
			t.port = svc.Ports[0].Number
		} else {
			t.port = b.port
		}
	}
	return t
}

// route builds everything of an http route's Envoy route but the match;
// nil when the http route has neither route nor redirect.
func (b *builder) route(h *networking.HTTPRoute) (*routev3.Route, error) {
	r := &routev3.Route{Name: b.name}
	r.RequestHeadersToAdd, r.RequestHeadersToRemove = headerOps(h.GetHeaders().GetRequest())
	r.ResponseHeadersToAdd, r.ResponseHeadersToRemove = headerOps(h.GetHeaders().GetResponse())
	switch {
	case h.GetRedirect() != nil:
		r.Action = &routev3.Route_Redirect{Redirect: redirect(h.GetRedirect())}
	case len(h.GetRoute()) > 0:
		r.Action = &routev3.Route_Route{Route: b.action(h, r)}
	default:
		return nil, nil
	}
	filters := map[string]*anypb.Any{}
	if f := fault(h.GetFault()); f != nil {
		a, err := anypb.New(f)
		if err != nil {
			return nil, err
		}
		filters[FaultFilter] = a
	}
	if c := cors(h.GetCorsPolicy()); c != nil {
		a, err := anypb.New(c)
		if err != nil {
			return nil, err
		}
		filters[CORSFilter] = a
	}
	if len(filters) > 0 {
		r.TypedPerFilterConfig = filters
	}
	return r, nil
}

// action builds the forwarding action; the headers of a single
// destination go to the route r.
func (b *builder) action(h *networking.HTTPRoute, r *routev3.Route) *routev3.RouteAction {
	a := &routev3.RouteAction{}
	var kept []*networking.HTTPRouteDestination
	for _, d := range h.GetRoute() {
		if len(h.GetRoute()) == 1 || d.GetWeight() > 0 {
			kept = append(kept, d)
		}
	}
	if len(kept) == 0 { // every weight 0: validation rejects this; send all to the first
		kept = h.GetRoute()[:1]
	}
	targets := make([]target, len(kept))
	for i, d := range kept {
		targets[i] = b.target(d.GetDestination())
	}
	if len(kept) == 1 {
		a.ClusterSpecifier = &routev3.RouteAction_Cluster{Cluster: targets[0].cluster()}
		add, rm := headerOps(kept[0].GetHeaders().GetRequest())
		r.RequestHeadersToAdd, r.RequestHeadersToRemove = append(r.RequestHeadersToAdd, add...), append(r.RequestHeadersToRemove, rm...)
		add, rm = headerOps(kept[0].GetHeaders().GetResponse())
		r.ResponseHeadersToAdd, r.ResponseHeadersToRemove = append(r.ResponseHeadersToAdd, add...), append(r.ResponseHeadersToRemove, rm...)
	} else {
		wc := &routev3.WeightedCluster{}
		for i, d := range kept {
			c := &routev3.WeightedCluster_ClusterWeight{Name: targets[i].cluster(), Weight: wrapperspb.UInt32(uint32(d.GetWeight()))}
			c.RequestHeadersToAdd, c.RequestHeadersToRemove = headerOps(d.GetHeaders().GetRequest())
			c.ResponseHeadersToAdd, c.ResponseHeadersToRemove = headerOps(d.GetHeaders().GetResponse())
			wc.Clusters = append(wc.Clusters, c)
		}
		a.ClusterSpecifier = &routev3.RouteAction_WeightedClusters{WeightedClusters: wc}
	}
	if rw := h.GetRewrite(); rw != nil {
		a.PrefixRewrite = rw.GetUri()
		if rw.GetAuthority() != "" {
			a.HostRewriteSpecifier = &routev3.RouteAction_HostRewriteLiteral{HostRewriteLiteral: rw.GetAuthority()}
		}
		if rr := rw.GetUriRegexRewrite(); rr != nil && rr.GetMatch() != "" {
			a.PrefixRewrite = ""
			a.RegexRewrite = &matcherv3.RegexMatchAndSubstitute{Pattern: regex(rr.GetMatch()), Substitution: rr.GetRewrite()}
		}
	}
	setTimeout(a, h.GetTimeout())
	a.RetryPolicy = retryPolicy(h.GetRetries())
	a.RequestMirrorPolicies = b.mirrors(h)
	a.HashPolicy = hashPolicies(b.in.DestinationRules, targets)
	return a
}

// setTimeout sets the route timeout and the cap on a gRPC client's
// grpc-timeout to d; nil means 0, which disables both (Istio 1.1 set
// timeout and max_grpc_timeout to 0 when a route named none; Envoy's own
// default is 15s).
func setTimeout(a *routev3.RouteAction, d *durationpb.Duration) {
	if d == nil {
		d = durationpb.New(0)
	}
	a.Timeout = durationpb.New(d.AsDuration())
	a.MaxStreamDuration = &routev3.RouteAction_MaxStreamDuration{GrpcTimeoutHeaderMax: durationpb.New(d.AsDuration())}
}

// The retry defaults of Istio 1.1.
const (
	DefaultRetryOn          = "connect-failure,refused-stream,unavailable,cancelled,resource-exhausted,retriable-status-codes"
	DefaultNumRetries       = 2
	previousHostsPredicate  = "envoy.retry_host_predicates.previous_hosts"
	hostSelectionMaxRetries = 3
)

// defaultRetryPolicy is Istio 1.1's: 2 retries on connect failure,
// refused stream, the gRPC statuses unavailable, cancelled and resource
// exhausted, and 503; each retry prefers a host not tried yet (previous
// hosts predicate, 3 host selection attempts).
func defaultRetryPolicy() *routev3.RetryPolicy {
	pred, _ := anypb.New(&previoushostsv3.PreviousHostsPredicate{})
	return &routev3.RetryPolicy{
		RetryOn:              DefaultRetryOn,
		NumRetries:           wrapperspb.UInt32(DefaultNumRetries),
		RetriableStatusCodes: []uint32{503},
		RetryHostPredicate: []*routev3.RetryPolicy_RetryHostPredicate{{
			Name:       previousHostsPredicate,
			ConfigType: &routev3.RetryPolicy_RetryHostPredicate_TypedConfig{TypedConfig: pred},
		}},
		HostSelectionRetryMaxAttempts: hostSelectionMaxRetries,
	}
}

// retryPolicy translates retries as Istio 1.1's ConvertPolicy: none set
// → the default policy; attempts 0 → no retries; else the default with
// attempts, perTryTimeout and retryOn replaced, numbers in retryOn being
// retriable status codes (adding "retriable-status-codes" when needed).
func retryPolicy(in *networking.HTTPRetry) *routev3.RetryPolicy {
	if in == nil {
		return defaultRetryPolicy()
	}
	if in.GetAttempts() <= 0 {
		return nil
	}
	out := defaultRetryPolicy()
	out.NumRetries = wrapperspb.UInt32(uint32(in.GetAttempts()))
	if in.GetRetryOn() != "" {
		var on []string
		var codes []uint32
		for _, tok := range strings.Split(in.GetRetryOn(), ",") {
			tok = strings.TrimSpace(tok)
			if tok == "" {
				continue
			}
			if n, err := strconv.ParseUint(tok, 10, 32); err == nil {
				codes = append(codes, uint32(n))
			} else if !slices.Contains(on, tok) {
				on = append(on, tok)
			}
		}
		if len(codes) > 0 && !slices.Contains(on, "retriable-status-codes") {
			on = append(on, "retriable-status-codes")
		}
		out.RetryOn, out.RetriableStatusCodes = strings.Join(on, ","), codes
	}
	if d := in.GetPerTryTimeout(); d != nil {
		out.PerTryTimeout = durationpb.New(d.AsDuration())
	}
	return out
}

// mirrors are the request mirror policies: mirror (mirrorPercentage, else
// the older integer mirrorPercent, else 100%), then each of mirrors[]
// (its percentage, else 100%). A mirror at 0% is left out.
func (b *builder) mirrors(h *networking.HTTPRoute) []*routev3.RouteAction_RequestMirrorPolicy {
	var out []*routev3.RouteAction_RequestMirrorPolicy
	add := func(d *networking.Destination, pct *typev3.FractionalPercent) {
		if pct.GetNumerator() == 0 {
			return
		}
		out = append(out, &routev3.RouteAction_RequestMirrorPolicy{
			Cluster:         b.target(d).cluster(),
			RuntimeFraction: &corev3.RuntimeFractionalPercent{DefaultValue: pct},
		})
	}
	if m := h.GetMirror(); m != nil {
		pct := percent(100)
		if p := h.GetMirrorPercentage(); p != nil {
			pct = percent(p.GetValue())
		} else if p := h.GetMirrorPercent(); p != nil {
			pct = percent(float64(p.GetValue()))
		}
		add(m, pct)
	}
	for _, m := range h.GetMirrors() {
		pct := percent(100)
		if p := m.GetPercentage(); p != nil {
			pct = percent(p.GetValue())
		}
		add(m.GetDestination(), pct)
	}
	return out
}

// percent turns an Istio percentage (0-100, fractional) into parts per
// million.
func percent(v float64) *typev3.FractionalPercent {
	n := math.Round(math.Max(0, math.Min(v, 100)) * 10000)
	return &typev3.FractionalPercent{Numerator: uint32(n), Denominator: typev3.FractionalPercent_MILLION}
}

// headerOps translates set (overwrite or add, Istio 1.1's append false),
// add (append, Istio's append true) and remove; keys sorted, set first.
func headerOps(in *networking.Headers_HeaderOperations) ([]*corev3.HeaderValueOption, []string) {
	var add []*corev3.HeaderValueOption
	for _, ops := range []struct {
		m      map[string]string
		action corev3.HeaderValueOption_HeaderAppendAction
	}{
		{in.GetSet(), corev3.HeaderValueOption_OVERWRITE_IF_EXISTS_OR_ADD},
		{in.GetAdd(), corev3.HeaderValueOption_APPEND_IF_EXISTS_OR_ADD},
	} {
		for _, k := range slices.Sorted(maps.Keys(ops.m)) {
			add = append(add, &corev3.HeaderValueOption{
				Header:       &corev3.HeaderValue{Key: k, Value: ops.m[k]},
				AppendAction: ops.action,
			})
		}
	}
	return add, slices.Clone(in.GetRemove())
}

// redirect translates a redirect: uri → path_redirect, authority →
// host_redirect, port, scheme, and redirectCode (301 by default, as in
// Envoy and Istio).
func redirect(in *networking.HTTPRedirect) *routev3.RedirectAction {
	out := &routev3.RedirectAction{HostRedirect: in.GetAuthority(), PortRedirect: in.GetPort()}
	if in.GetUri() != "" {
		out.PathRewriteSpecifier = &routev3.RedirectAction_PathRedirect{PathRedirect: in.GetUri()}
	}
	if in.GetScheme() != "" {
		out.SchemeRewriteSpecifier = &routev3.RedirectAction_SchemeRedirect{SchemeRedirect: in.GetScheme()}
	}
	switch in.GetRedirectCode() {
	case 302:
		out.ResponseCode = routev3.RedirectAction_FOUND
	case 303:
		out.ResponseCode = routev3.RedirectAction_SEE_OTHER
	case 307:
		out.ResponseCode = routev3.RedirectAction_TEMPORARY_REDIRECT
	case 308:
		out.ResponseCode = routev3.RedirectAction_PERMANENT_REDIRECT
	default:
		out.ResponseCode = routev3.RedirectAction_MOVED_PERMANENTLY
	}
	return out
}
