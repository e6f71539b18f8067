package route

import (
	"slices"
	"testing"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	corsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/cors/v3"
	faultv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/fault/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/wrapperspb"
	networking "istio.io/api/networking/v1alpha3"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pkg/config"
)

func dest(host, subset string) *networking.HTTPRouteDestination {
	return &networking.HTTPRouteDestination{Destination: &networking.Destination{Host: host, Subset: subset}}
}

func exact(s string) *networking.StringMatch {
	return &networking.StringMatch{MatchType: &networking.StringMatch_Exact{Exact: s}}
}

func prefix(s string) *networking.StringMatch {
	return &networking.StringMatch{MatchType: &networking.StringMatch_Prefix{Prefix: s}}
}

func regexMatch(s string) *networking.StringMatch {
	return &networking.StringMatch{MatchType: &networking.StringMatch_Regex{Regex: s}}
}

// reviewsRoutes builds RDS with one VirtualService for reviews and returns
// the reviews virtual host's routes.
func reviewsRoutes(t *testing.T, proxy *model.Proxy, rules []*config.Object, vs *networking.VirtualService) []*routev3.Route {
	t.Helper()
	if vs.Hosts == nil {
		vs.Hosts = []string{"reviews"}
	}
	rc := build(t, Inputs{VirtualServices: []*config.Object{vsObj("default", "reviews", vs)}, DestinationRules: rules}, proxy)
	return vhostOf(t, rc, fqdn("reviews")+":9080").GetRoutes()
}

func clusters(routes []*routev3.Route) []string {
	var out []string
	for _, r := range routes {
		out = append(out, r.GetRoute().GetCluster())
	}
	return out
}

func TestSourceLabels(t *testing.T) {
	vs := &networking.VirtualService{Http: []*networking.HTTPRoute{
		{Match: []*networking.HTTPMatchRequest{{SourceLabels: map[string]string{"app": "productpage"}}},
			Route: []*networking.HTTPRouteDestination{dest("reviews", "v2")}},
		{Match: []*networking.HTTPMatchRequest{{SourceLabels: map[string]string{"app": "ratings"}}},
			Route: []*networking.HTTPRouteDestination{dest("reviews", "v3")}},
		{Route: []*networking.HTTPRouteDestination{dest("reviews", "v1")}},
	}}
	tests := []struct {
		labels map[string]string
		want   []string
	}{
		{map[string]string{"app": "productpage", "version": "v1"}, []string{"outbound|9080|v2|" + fqdn("reviews")}},
		// A block whose only condition is sourceLabels is a catch-all
		// once the labels match: nothing follows it.
		{map[string]string{"app": "ratings"}, []string{"outbound|9080|v3|" + fqdn("reviews")}},
		{nil, []string{"outbound|9080|v1|" + fqdn("reviews")}},
	}
	for _, tt := range tests {
		got := clusters(reviewsRoutes(t, proxyIn("default", tt.labels), nil, proto.Clone(vs).(*networking.VirtualService)))
		if !slices.Equal(got, tt.want) {
			t.Errorf("labels %v: clusters = %v, want %v", tt.labels, got, tt.want)
		}
	}
}

func TestGateways(t *testing.T) {
	// Bound only to a gateway: sidecars keep the default route.
	routes := reviewsRoutes(t, productpageProxy(), nil, &networking.VirtualService{
		Gateways: []string{"bookinfo-gateway"},
		Http:     []*networking.HTTPRoute{{Route: []*networking.HTTPRouteDestination{dest("reviews", "v2")}}},
	})
	if len(routes) != 1 || routes[0].GetName() != DefaultRouteName {
		t.Errorf("gateway-only VirtualService applied to a sidecar: %v", routes)
	}
	// Bound to both: match blocks for the gateway alone are dropped.
	routes = reviewsRoutes(t, productpageProxy(), nil, &networking.VirtualService{
		Gateways: []string{"bookinfo-gateway", "mesh"},
		Http: []*networking.HTTPRoute{
			{Match: []*networking.HTTPMatchRequest{{Gateways: []string{"bookinfo-gateway"}}}, Route: []*networking.HTTPRouteDestination{dest("reviews", "v2")}},
			{Match: []*networking.HTTPMatchRequest{{Gateways: []string{"mesh"}, Uri: prefix("/x")}}, Route: []*networking.HTTPRouteDestination{dest("reviews", "v3")}},
			{Route: []*networking.HTTPRouteDestination{dest("reviews", "v1")}},
		},
	})
	want := []string{"outbound|9080|v3|" + fqdn("reviews"), "outbound|9080|v1|" + fqdn("reviews")}
	if got := clusters(routes); !slices.Equal(got, want) {
		t.Errorf("clusters = %v, want %v", got, want)
	}
}

func TestCatchAllStopsGeneration(t *testing.T) {
	routes := reviewsRoutes(t, productpageProxy(), nil, &networking.VirtualService{Http: []*networking.HTTPRoute{
		{Match: []*networking.HTTPMatchRequest{{Uri: prefix("/a")}, {Uri: prefix("/")}, {Uri: prefix("/b")}},
			Route: []*networking.HTTPRouteDestination{dest("reviews", "v2")}},
		{Route: []*networking.HTTPRouteDestination{dest("reviews", "v1")}},
	}})
	if len(routes) != 2 || routes[1].GetMatch().GetPrefix() != "/" {
		t.Errorf("routes = %v, want /a and / only", routes)
	}
}

func TestMatches(t *testing.T) {
	routes := reviewsRoutes(t, productpageProxy(), nil, &networking.VirtualService{Http: []*networking.HTTPRoute{{
		Match: []*networking.HTTPMatchRequest{
			{Uri: exact("/exact"), IgnoreUriCase: true},
			{Uri: regexMatch("/r/[0-9]+"), Method: exact("GET"), Authority: prefix("reviews"), Scheme: exact("http")},
			{Headers: map[string]*networking.StringMatch{"b": regexMatch("x.*"), "a": prefix("p"), "c": prefix("")},
				QueryParams: map[string]*networking.StringMatch{"q": exact("1"), "p": regexMatch("[a-z]+")}},
		},
		Route: []*networking.HTTPRouteDestination{dest("reviews", "")},
	}}})
	if len(routes) != 3 {
		t.Fatalf("got %d routes, want 3", len(routes))
	}
	m0 := routes[0].GetMatch()
	if m0.GetPath() != "/exact" || m0.GetCaseSensitive().GetValue() || m0.GetCaseSensitive() == nil {
		t.Errorf("match 0 = %v", m0)
	}
	m1 := routes[1].GetMatch()
	if m1.GetSafeRegex().GetRegex() != "/r/[0-9]+" {
		t.Errorf("match 1 path = %v", m1)
	}
	var names []string
	for _, h := range m1.GetHeaders() {
		names = append(names, h.GetName())
	}
	if !slices.Equal(names, []string{":method", ":authority", ":scheme"}) || m1.GetHeaders()[1].GetStringMatch().GetPrefix() != "reviews" {
		t.Errorf("match 1 headers = %v", m1.GetHeaders())
	}
	m2 := routes[2].GetMatch()
	h := m2.GetHeaders()
	if len(h) != 3 || h[0].GetName() != "a" || h[0].GetStringMatch().GetPrefix() != "p" ||
		h[1].GetStringMatch().GetSafeRegex().GetRegex() != "x.*" || !h[2].GetPresentMatch() {
		t.Errorf("match 2 headers = %v", h)
	}
	q := m2.GetQueryParameters()
	if len(q) != 2 || q[0].GetName() != "p" || q[0].GetStringMatch().GetSafeRegex() == nil || q[1].GetStringMatch().GetExact() != "1" {
		t.Errorf("match 2 query = %v", q)
	}
	if m2.GetPrefix() != "/" {
		t.Errorf("match 2 path = %v, want prefix /", m2)
	}
}

func TestDestinations(t *testing.T) {
	svcs := append(bookinfo(), &model.Service{Hostname: "multi.default.svc.cluster.local", Namespace: "default",
		Ports: []model.Port{httpPort(8080), httpPort(9080)}}, service("single", "", httpPort(7000)))
	vs := &networking.VirtualService{Hosts: []string{"reviews"}, Http: []*networking.HTTPRoute{
		{Match: []*networking.HTTPMatchRequest{{Uri: prefix("/w")}}, Route: []*networking.HTTPRouteDestination{
			{Destination: &networking.Destination{Host: "reviews", Subset: "v1"}, Weight: 0},
			{Destination: &networking.Destination{Host: "reviews", Subset: "v2"}, Weight: 25,
				Headers: &networking.Headers{Request: &networking.Headers_HeaderOperations{Set: map[string]string{"x": "1"}}}},
			{Destination: &networking.Destination{Host: "reviews", Subset: "v3"}, Weight: 75},
		}},
		{Match: []*networking.HTTPMatchRequest{{Uri: prefix("/one")}}, Route: []*networking.HTTPRouteDestination{
			{Destination: &networking.Destination{Host: "reviews", Subset: "v1"}, Weight: 100},
			{Destination: &networking.Destination{Host: "reviews", Subset: "v2"}, Weight: 0},
		}},
		{Match: []*networking.HTTPMatchRequest{{Uri: prefix("/single")}}, Route: []*networking.HTTPRouteDestination{dest("single", "")}},
		{Match: []*networking.HTTPMatchRequest{{Uri: prefix("/multi")}}, Route: []*networking.HTTPRouteDestination{dest("multi", "")}},
		{Match: []*networking.HTTPMatchRequest{{Uri: prefix("/port")}}, Route: []*networking.HTTPRouteDestination{
			{Destination: &networking.Destination{Host: "multi", Port: &networking.PortSelector{Number: 8080}}}}},
	}}
	rc := build(t, Inputs{Services: svcs, VirtualServices: []*config.Object{vsObj("default", "reviews", vs)}}, productpageProxy())
	routes := vhostOf(t, rc, fqdn("reviews")+":9080").GetRoutes()
	wc := routes[0].GetRoute().GetWeightedClusters().GetClusters()
	if len(wc) != 2 || wc[0].GetName() != "outbound|9080|v2|"+fqdn("reviews") || wc[0].GetWeight().GetValue() != 25 ||
		wc[1].GetWeight().GetValue() != 75 || len(wc[0].GetRequestHeadersToAdd()) != 1 {
		t.Errorf("weighted clusters = %v", wc)
	}
	want := []string{"", "outbound|9080|v1|" + fqdn("reviews"), "outbound|7000||" + fqdn("single"),
		"outbound|9080||multi.default.svc.cluster.local", "outbound|8080||multi.default.svc.cluster.local"}
	if got := clusters(routes); !slices.Equal(got, want) {
		t.Errorf("clusters = %v\nwant       %v", got, want)
	}
}

func TestShortHostsResolveInTheVirtualServiceNamespace(t *testing.T) {
	svcs := append(bookinfo(), &model.Service{Hostname: "reviews.team.svc.cluster.local", Namespace: "team", Ports: []model.Port{httpPort(9080)}})
	vs := &networking.VirtualService{Hosts: []string{"reviews"}, Http: []*networking.HTTPRoute{{Route: []*networking.HTTPRouteDestination{dest("reviews", "v9")}}}}
	rc := build(t, Inputs{Services: svcs, VirtualServices: []*config.Object{vsObj("team", "reviews", vs)}}, productpageProxy())
	if got := vhostOf(t, rc, fqdn("reviews")+":9080").GetRoutes()[0].GetName(); got != DefaultRouteName {
		t.Errorf("default/reviews got route %q from team's VirtualService", got)
	}
	r := vhostOf(t, rc, "reviews.team.svc.cluster.local:9080").GetRoutes()[0]
	if r.GetName() != "reviews.team" || r.GetRoute().GetCluster() != "outbound|9080|v9|reviews.team.svc.cluster.local" {
		t.Errorf("team route = %v", r)
	}
}

func TestWildcardAndExactHosts(t *testing.T) {
	wild := &networking.VirtualService{Hosts: []string{"*.default.svc.cluster.local"}, Http: []*networking.HTTPRoute{{Route: []*networking.HTTPRouteDestination{dest("details", "")}}}}
	ex := &networking.VirtualService{Hosts: []string{"reviews"}, Http: []*networking.HTTPRoute{{Route: []*networking.HTTPRouteDestination{dest("reviews", "v1")}}}}
	rc := build(t, Inputs{VirtualServices: []*config.Object{vsObj("default", "all", wild), vsObj("default", "reviews", ex)}}, productpageProxy())
	if got := vhostOf(t, rc, fqdn("ratings")+":9080").GetRoutes()[0].GetName(); got != "all.default" {
		t.Errorf("ratings route = %q, want the wildcard's", got)
	}
	if got := vhostOf(t, rc, fqdn("reviews")+":9080").GetRoutes()[0].GetName(); got != "reviews.default" {
		t.Errorf("reviews route = %q, want the exact host's", got)
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name    string
		in      *networking.HTTPRetry
		want    string
		codes   []uint32
		retries uint32
		none    bool
	}{
		{"attempts 0 disables", &networking.HTTPRetry{Attempts: 0}, "", nil, 0, true},
		{"default retryOn", &networking.HTTPRetry{Attempts: 5}, DefaultRetryOn, []uint32{503}, 5, false},
		{"status codes", &networking.HTTPRetry{Attempts: 1, RetryOn: "gateway-error, 502,504"}, "gateway-error,retriable-status-codes", []uint32{502, 504}, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rp := reviewsRoutes(t, productpageProxy(), nil, &networking.VirtualService{Http: []*networking.HTTPRoute{{
				Route: []*networking.HTTPRouteDestination{dest("reviews", "")}, Retries: tt.in}}})[0].GetRoute().GetRetryPolicy()
			if tt.none {
				if rp != nil {
					t.Errorf("retry policy = %v, want none", rp)
				}
				return
			}
			if rp.GetRetryOn() != tt.want || !slices.Equal(rp.GetRetriableStatusCodes(), tt.codes) || rp.GetNumRetries().GetValue() != tt.retries {
				t.Errorf("retry policy = %v", rp)
			}
		})
	}
}

func TestActions(t *testing.T) {
	mirror := &networking.Destination{Host: "reviews", Subset: "v2"}
	tests := []struct {
		name  string
		route *networking.HTTPRoute
		check func(t *testing.T, r *routev3.Route)
	}{
		{"redirect", &networking.HTTPRoute{Redirect: &networking.HTTPRedirect{Uri: "/new", Authority: "new.example.com", RedirectCode: 302}},
			func(t *testing.T, r *routev3.Route) {
				rd := r.GetRedirect()
				if rd.GetPathRedirect() != "/new" || rd.GetHostRedirect() != "new.example.com" || rd.GetResponseCode() != routev3.RedirectAction_FOUND {
					t.Errorf("redirect = %v", rd)
				}
			}},
		{"redirect default code", &networking.HTTPRoute{Redirect: &networking.HTTPRedirect{Uri: "/new"}},
			func(t *testing.T, r *routev3.Route) {
				if r.GetRedirect().GetResponseCode() != routev3.RedirectAction_MOVED_PERMANENTLY {
					t.Errorf("redirect = %v", r.GetRedirect())
				}
			}},
		{"rewrite", &networking.HTTPRoute{Route: []*networking.HTTPRouteDestination{dest("reviews", "")},
			Rewrite: &networking.HTTPRewrite{Uri: "/v1/", Authority: "backend"}},
			func(t *testing.T, r *routev3.Route) {
				a := r.GetRoute()
				if a.GetPrefixRewrite() != "/v1/" || a.GetHostRewriteLiteral() != "backend" {
					t.Errorf("action = %v", a)
				}
			}},
		{"mirror default 100%", &networking.HTTPRoute{Route: []*networking.HTTPRouteDestination{dest("reviews", "v1")}, Mirror: mirror},
			func(t *testing.T, r *routev3.Route) {
				m := r.GetRoute().GetRequestMirrorPolicies()
				if len(m) != 1 || m[0].GetCluster() != "outbound|9080|v2|"+fqdn("reviews") || m[0].GetRuntimeFraction().GetDefaultValue().GetNumerator() != 1000000 {
					t.Errorf("mirrors = %v", m)
				}
			}},
		{"mirror percentage", &networking.HTTPRoute{Route: []*networking.HTTPRouteDestination{dest("reviews", "v1")}, Mirror: mirror,
			MirrorPercentage: &networking.Percent{Value: 12.5}},
			func(t *testing.T, r *routev3.Route) {
				m := r.GetRoute().GetRequestMirrorPolicies()
				if len(m) != 1 || m[0].GetRuntimeFraction().GetDefaultValue().GetNumerator() != 125000 {
					t.Errorf("mirrors = %v", m)
				}
			}},
		{"cors", &networking.HTTPRoute{Route: []*networking.HTTPRouteDestination{dest("reviews", "")}, CorsPolicy: &networking.CorsPolicy{
			AllowOrigins: []*networking.StringMatch{exact("https://a.example"), regexMatch(`https://.*\.b\.example`)},
			AllowMethods: []string{"GET", "POST"}, AllowHeaders: []string{"x-a"}, ExposeHeaders: []string{"x-b"},
			MaxAge: durationpb.New(24 * time.Hour), AllowCredentials: wrapperspb.Bool(true)}},
			func(t *testing.T, r *routev3.Route) {
				var c corsv3.CorsPolicy
				if err := r.GetTypedPerFilterConfig()[CORSFilter].UnmarshalTo(&c); err != nil {
					t.Fatal(err)
				}
				if len(c.GetAllowOriginStringMatch()) != 2 || c.GetAllowMethods() != "GET,POST" || c.GetMaxAge() != "86400" ||
					!c.GetAllowCredentials().GetValue() || c.GetExposeHeaders() != "x-b" {
					t.Errorf("cors = %v", &c)
				}
			}},
		{"grpc abort", &networking.HTTPRoute{Route: []*networking.HTTPRouteDestination{dest("reviews", "")}, Fault: &networking.HTTPFaultInjection{
			Abort: &networking.HTTPFaultInjection_Abort{ErrorType: &networking.HTTPFaultInjection_Abort_GrpcStatus{GrpcStatus: "UNAVAILABLE"},
				Percentage: &networking.Percent{Value: 0.1}}}},
			func(t *testing.T, r *routev3.Route) {
				var f faultv3.HTTPFault
				if err := r.GetTypedPerFilterConfig()[FaultFilter].UnmarshalTo(&f); err != nil {
					t.Fatal(err)
				}
				if f.GetAbort().GetGrpcStatus() != 14 || f.GetAbort().GetPercentage().GetNumerator() != 1000 {
					t.Errorf("fault = %v", &f)
				}
			}},
		{"headers", &networking.HTTPRoute{Route: []*networking.HTTPRouteDestination{dest("reviews", "")}, Headers: &networking.Headers{
			Request: &networking.Headers_HeaderOperations{Set: map[string]string{"b": "1", "a": "2"}, Add: map[string]string{"c": "3"}, Remove: []string{"d"}}}},
			func(t *testing.T, r *routev3.Route) {
				h := r.GetRequestHeadersToAdd()
				if len(h) != 3 || h[0].GetHeader().GetKey() != "a" || h[0].GetAppendAction() != corev3.HeaderValueOption_OVERWRITE_IF_EXISTS_OR_ADD ||
					h[2].GetHeader().GetKey() != "c" || h[2].GetAppendAction() != corev3.HeaderValueOption_APPEND_IF_EXISTS_OR_ADD ||
					!slices.Equal(r.GetRequestHeadersToRemove(), []string{"d"}) {
					t.Errorf("headers = %v", h)
				}
			}},
		{"timeout", &networking.HTTPRoute{Route: []*networking.HTTPRouteDestination{dest("reviews", "")}, Timeout: durationpb.New(1500 * time.Millisecond)},
			func(t *testing.T, r *routev3.Route) {
				if r.GetRoute().GetTimeout().AsDuration() != 1500*time.Millisecond {
					t.Errorf("timeout = %v", r.GetRoute().GetTimeout())
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			routes := reviewsRoutes(t, productpageProxy(), nil, &networking.VirtualService{Http: []*networking.HTTPRoute{tt.route}})
			if len(routes) != 1 {
				t.Fatalf("got %d routes", len(routes))
			}
			tt.check(t, routes[0])
		})
	}
}

func TestHashPolicies(t *testing.T) {
	ch := func(c *networking.LoadBalancerSettings_ConsistentHashLB) *networking.TrafficPolicy {
		return &networking.TrafficPolicy{LoadBalancer: &networking.LoadBalancerSettings{
			LbPolicy: &networking.LoadBalancerSettings_ConsistentHash{ConsistentHash: c}}}
	}
	dr := &networking.DestinationRule{
		Host:          "reviews",
		TrafficPolicy: ch(&networking.LoadBalancerSettings_ConsistentHashLB{HashKey: &networking.LoadBalancerSettings_ConsistentHashLB_UseSourceIp{UseSourceIp: true}}),
		Subsets: []*networking.Subset{
			{Name: "cookie", TrafficPolicy: ch(&networking.LoadBalancerSettings_ConsistentHashLB{HashKey: &networking.LoadBalancerSettings_ConsistentHashLB_HttpCookie{
				HttpCookie: &networking.LoadBalancerSettings_ConsistentHashLB_HTTPCookie{Name: "session", Path: "/", Ttl: durationpb.New(time.Hour)}}})},
			{Name: "query", TrafficPolicy: ch(&networking.LoadBalancerSettings_ConsistentHashLB{HashKey: &networking.LoadBalancerSettings_ConsistentHashLB_HttpQueryParameterName{HttpQueryParameterName: "user"}})},
		},
	}
	rules := []*config.Object{drObj("default", "reviews", dr)}
	tests := []struct {
		subset string
		check  func(hp *routev3.RouteAction_HashPolicy) bool
	}{
		{"", func(hp *routev3.RouteAction_HashPolicy) bool { return hp.GetConnectionProperties().GetSourceIp() }},
		{"cookie", func(hp *routev3.RouteAction_HashPolicy) bool {
			c := hp.GetCookie()
			return c.GetName() == "session" && c.GetPath() == "/" && c.GetTtl().AsDuration() == time.Hour
		}},
		{"query", func(hp *routev3.RouteAction_HashPolicy) bool { return hp.GetQueryParameter().GetName() == "user" }},
	}
	for _, tt := range tests {
		routes := reviewsRoutes(t, productpageProxy(), rules, &networking.VirtualService{Http: []*networking.HTTPRoute{{
			Route: []*networking.HTTPRouteDestination{dest("reviews", tt.subset)}}}})
		hps := routes[0].GetRoute().GetHashPolicy()
		if len(hps) != 1 || !tt.check(hps[0]) {
			t.Errorf("subset %q: hash policy = %v", tt.subset, hps)
		}
	}
	// The default route of a service gets its rule's key too.
	rc := build(t, Inputs{DestinationRules: rules}, productpageProxy())
	if hps := vhostOf(t, rc, fqdn("reviews")+":9080").GetRoutes()[0].GetRoute().GetHashPolicy(); len(hps) != 1 {
		t.Errorf("default route hash policy = %v", hps)
	}
}

func TestNoApplicableRoute(t *testing.T) {
	// A VirtualService is authoritative for its hosts: a client none of
	// whose blocks apply gets no route (Envoy answers 404), as in Istio.
	routes := reviewsRoutes(t, productpageProxy(), nil, &networking.VirtualService{Http: []*networking.HTTPRoute{{
		Match: []*networking.HTTPMatchRequest{{SourceLabels: map[string]string{"app": "ratings"}}},
		Route: []*networking.HTTPRouteDestination{dest("reviews", "v2")}}}})
	if len(routes) != 0 {
		t.Errorf("routes = %v, want none", routes)
	}
	// Without http routes the service keeps its default route.
	routes = reviewsRoutes(t, productpageProxy(), nil, &networking.VirtualService{Tcp: []*networking.TCPRoute{{}}})
	if len(routes) != 1 || routes[0].GetName() != DefaultRouteName {
		t.Errorf("routes = %v, want the default", routes)
	}
}
