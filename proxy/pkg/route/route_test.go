package route

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/fault/v3" // Any in the fixture
	"google.golang.org/protobuf/encoding/protojson"
	"sigs.k8s.io/yaml"
)

func loadConfig(tb testing.TB, name string) *routev3.RouteConfiguration {
	tb.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	return parseConfig(tb, string(b))
}

func parseConfig(tb testing.TB, y string) *routev3.RouteConfiguration {
	tb.Helper()
	j, err := yaml.YAMLToJSON([]byte(y))
	if err != nil {
		tb.Fatal(err)
	}
	rc := &routev3.RouteConfiguration{}
	if err := protojson.Unmarshal(j, rc); err != nil {
		tb.Fatal(err)
	}
	return rc
}

func bookinfo(tb testing.TB) *Table {
	tb.Helper()
	t, err := Compile(loadConfig(tb, "bookinfo.yaml"))
	if err != nil {
		tb.Fatalf("Compile: %v", err)
	}
	return t
}

// fixed returns a random source that always yields v.
func fixed(v uint64) func() uint64 { return func() uint64 { return v } }

func TestVirtualHostSelection(t *testing.T) {
	tbl := bookinfo(t)
	tests := []struct{ authority, want string }{
		{"reviews.default.svc.cluster.local", "reviews.default.svc.cluster.local:9080"},
		{"reviews.default.svc.cluster.local:9080", "reviews.default.svc.cluster.local:9080"},
		{"reviews", "reviews.default.svc.cluster.local:9080"},
		{"reviews:9080", "reviews.default.svc.cluster.local:9080"},
		{"REVIEWS:9080", "reviews.default.svc.cluster.local:9080"},
		{"reviews.default", "reviews.default.svc.cluster.local:9080"},
		{"10.96.0.12", "reviews.default.svc.cluster.local:9080"},
		{"10.96.0.12:9080", "reviews.default.svc.cluster.local:9080"},
		{"ratings:9080", "ratings.default.svc.cluster.local:9080"},
		{"details", "details.default.svc.cluster.local:9080"},
		{"10.96.0.11:9080", "details.default.svc.cluster.local:9080"},
		{"10.96.0.11", "catch-all"},   // only the port form is listed
		{"reviews:9081", "catch-all"}, // ports are not stripped
		{"x.api.bookinfo.com", "suffix-long"},
		{"a.b.api.bookinfo.com", "suffix-long"},
		{"api.bookinfo.com", "suffix-short"}, // "*." needs at least one character
		{"www.bookinfo.com", "suffix-short"},
		{"bookinfo.com", "prefix"}, // prefix wildcards come after suffix ones
		{"bookinfo", "catch-all"},
		{"bookinfo.net", "prefix"},
		{"bookinfo.", "catch-all"},
		{"", "catch-all"},
	}
	for _, tt := range tests {
		if vh := tbl.VirtualHostFor(tt.authority); vh == nil || vh.Name != tt.want {
			t.Errorf("VirtualHostFor(%q) = %v, want %s", tt.authority, vh, tt.want)
		}
	}
}

func TestIgnorePortAndNoDefault(t *testing.T) {
	tbl, err := Compile(parseConfig(t, `
ignore_port_in_host_matching: true
virtual_hosts:
  - name: a
    domains: [a.example.com]
    routes: [{match: {prefix: /}, route: {cluster: a}}]
`))
	if err != nil {
		t.Fatal(err)
	}
	if vh := tbl.VirtualHostFor("A.example.com:8080"); vh == nil || vh.Name != "a" {
		t.Errorf("port not ignored: %v", vh)
	}
	if rt, vh := tbl.Match(Request{Authority: "b", Path: "/"}, fixed(0)); rt != nil || vh != nil {
		t.Errorf("Match without a default virtual host = %v, %v; want nil, nil", rt, vh)
	}
}

func TestMatch(t *testing.T) {
	tbl := bookinfo(t)
	const pp = "productpage:9080"
	hdr := func(kv ...string) http.Header {
		h := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			h.Add(kv[i], kv[i+1])
		}
		return h
	}
	tests := []struct {
		name string
		req  Request
		rnd  uint64
		want string // route name; "" = no route
	}{
		{"jason to v2", Request{Authority: "reviews:9080", Path: "/reviews/0", Headers: hdr("End-User", "jason")}, 0, "jason"},
		{"header value is exact", Request{Authority: "reviews:9080", Path: "/reviews/0", Headers: hdr("End-User", "jasonx")}, 0, "split"},
		{"multiple values are joined", Request{Authority: "reviews", Path: "/", Headers: hdr("End-User", "jason", "End-User", "bob")}, 0, "split"},
		{"no header", Request{Authority: "reviews", Path: "/"}, 0, "split"},
		{"ratings jason", Request{Authority: "ratings", Path: "/ratings/0", Headers: hdr("End-User", "jason")}, 0, "ratings-fault"},
		{"exact path", Request{Authority: pp, Path: "/productpage?u=normal"}, 99, "productpage-exact"},
		{"exact path is not a prefix", Request{Authority: pp, Path: "/productpage/x"}, 99, "default"},
		{"redirect prefix", Request{Authority: pp, Path: "/old/page"}, 99, "old-redirect"},
		{"rewrite", Request{Authority: pp, Path: "/v1/products"}, 99, "v1-rewrite"},
		{"regex full match", Request{Authority: pp, Path: "/api/v1/products/42/reviews?x=1"}, 99, "product-reviews-regex"},
		{"regex must match whole path", Request{Authority: pp, Path: "/api/v1/products/42/reviews/extra", Headers: hdr("User-Agent", "Chrome")}, 99, "default"},
		{"method POST", Request{Method: "POST", Authority: pp, Path: "/login"}, 99, "post-only"},
		{"method GET", Request{Method: "GET", Authority: pp, Path: "/login"}, 99, "default"},
		{"query parameter", Request{Authority: pp, Path: "/api/ratings?debug=true&x=1", Headers: hdr("User-Agent", "chrome")}, 99, "query-debug"},
		{"query parameter value", Request{Authority: pp, Path: "/api/ratings?debug=false", Headers: hdr("User-Agent", "chrome")}, 99, "default"},
		{"query parameter decoded", Request{Authority: pp, Path: "/api/ratings?de%62ug=tru%65", Headers: hdr("User-Agent", "chrome")}, 99, "query-debug"},
		{"invert match: other agent", Request{Authority: pp, Path: "/api/ratings", Headers: hdr("User-Agent", "curl/8")}, 99, "not-chrome"},
		{"invert match: chrome", Request{Authority: pp, Path: "/api/ratings", Headers: hdr("User-Agent", "Mozilla Chrome/120")}, 99, "default"},
		{"invert match: missing header does not match", Request{Authority: pp, Path: "/api/ratings"}, 99, "default"},
		{"case-insensitive prefix", Request{Authority: pp, Path: "/static/app.css"}, 99, "case-insensitive"},
		{"direct response", Request{Authority: pp, Path: "/healthz"}, 99, "health"},
		{"runtime fraction hit", Request{Authority: pp, Path: "/x"}, 109, "canary"},
		{"runtime fraction miss", Request{Authority: pp, Path: "/x"}, 110, "default"},
		{"catch-all vhost", Request{Authority: "unknown:80", Path: "/"}, 0, "passthrough"},
		{"no route", Request{Authority: "details", Path: "details"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt, vh := tbl.Match(tt.req, fixed(tt.rnd))
			if vh == nil {
				t.Fatal("no virtual host")
			}
			got := ""
			if rt != nil {
				got = rt.Name
			}
			if got != tt.want {
				t.Errorf("route = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHeaderMatcherSemantics(t *testing.T) {
	tbl, err := Compile(parseConfig(t, `
virtual_hosts:
  - name: h
    domains: ["*"]
    routes:
      - name: absent
        match: {prefix: /absent, headers: [{name: x-a, present_match: false}]}
        route: {cluster: c}
      - name: inverted-present
        match: {prefix: /inv, headers: [{name: x-a, present_match: true, invert_match: true}]}
        route: {cluster: c}
      - name: missing-as-empty
        match: {prefix: /empty, headers: [{name: x-a, exact_match: "", treat_missing_header_as_empty: true}]}
        route: {cluster: c}
      - name: range
        match: {prefix: /range, headers: [{name: x-n, range_match: {start: 10, end: 20}}]}
        route: {cluster: c}
      - name: authority
        match: {prefix: /auth, headers: [{name: ":authority", string_match: {suffix: ".local"}}]}
        route: {cluster: c}
      - name: scheme
        match: {prefix: /scheme, headers: [{name: ":scheme", string_match: {exact: https}}]}
        route: {cluster: c}
      - name: regex
        match: {prefix: /re, headers: [{name: x-v, safe_regex_match: {regex: "v[0-9]+"}}]}
        route: {cluster: c}
`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path, authority, scheme string
		h                       http.Header
		want                    string
	}{
		{"/absent", "", "", nil, "absent"},
		{"/absent", "", "", http.Header{"X-A": {"1"}}, ""},
		{"/inv", "", "", nil, "inverted-present"},
		{"/inv", "", "", http.Header{"X-A": {""}}, ""},
		{"/empty", "", "", nil, "missing-as-empty"},
		{"/range", "", "", http.Header{"X-N": {"15"}}, "range"},
		{"/range", "", "", http.Header{"X-N": {"20"}}, ""},
		{"/range", "", "", http.Header{"X-N": {"x"}}, ""},
		{"/auth", "svc.local", "", nil, "authority"},
		{"/auth", "svc.remote", "", nil, ""},
		{"/scheme", "", "https", nil, "scheme"},
		{"/scheme", "", "http", nil, ""},
		{"/re", "", "", http.Header{"X-V": {"v12"}}, "regex"},
		{"/re", "", "", http.Header{"X-V": {"v12x"}}, ""},
	}
	for _, tt := range tests {
		rt, _ := tbl.Match(Request{Path: tt.path, Authority: tt.authority, Scheme: tt.scheme, Headers: tt.h}, fixed(0))
		got := ""
		if rt != nil {
			got = rt.Name
		}
		if got != tt.want {
			t.Errorf("%s %v: route = %q, want %q", tt.path, tt.h, got, tt.want)
		}
	}
}

func TestWeightedClusters(t *testing.T) {
	tbl := bookinfo(t)
	rt, _ := tbl.Match(Request{Authority: "reviews", Path: "/"}, fixed(0))
	if rt == nil || rt.Name != "split" {
		t.Fatalf("route = %v", rt)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	counts := map[string]int{}
	const n = 10_000
	for range n {
		counts[rt.PickCluster(rnd.Uint64).Cluster]++
	}
	for _, c := range []string{"outbound|9080|v1|reviews.default.svc.cluster.local", "outbound|9080|v3|reviews.default.svc.cluster.local"} {
		if got := counts[c]; got < n/2-300 || got > n/2+300 {
			t.Errorf("%s picked %d of %d times, want about %d", c, got, n, n/2)
		}
	}
	if v1 := rt.PickCluster(fixed(49)); !strings.Contains(v1.Cluster, "|v1|") {
		t.Errorf("random 49 picked %s, want v1", v1.Cluster)
	}
	if v3 := rt.PickCluster(fixed(150)); !strings.Contains(v3.Cluster, "|v3|") {
		t.Errorf("random 150 picked %s, want v3", v3.Cluster)
	}
	h := http.Header{}
	ApplyHeaderOps(h, rt.PickCluster(fixed(0)).ResponseHeaders)
	if h.Get("X-Version") != "v1" {
		t.Errorf("cluster-level response header = %q, want v1", h.Get("X-Version"))
	}
}

func TestTotalWeightAndZeroWeights(t *testing.T) {
	tbl, err := Compile(parseConfig(t, `
virtual_hosts:
  - name: w
    domains: ["*"]
    routes:
      - match: {prefix: /}
        route:
          weighted_clusters:
            total_weight: 100
            clusters:
              - {name: zero, weight: 0}
              - {name: all, weight: 100}
`))
	if err != nil {
		t.Fatal(err)
	}
	rt, _ := tbl.Match(Request{Path: "/"}, fixed(0))
	for i := range uint64(200) {
		if c := rt.PickCluster(fixed(i)).Cluster; c != "all" {
			t.Fatalf("picked %s", c)
		}
	}
}

func TestActions(t *testing.T) {
	tbl := bookinfo(t)
	get := func(authority, path string, h http.Header) *Route {
		t.Helper()
		rt, _ := tbl.Match(Request{Authority: authority, Path: path, Headers: h, Method: "GET"}, fixed(99))
		if rt == nil {
			t.Fatalf("no route for %s%s", authority, path)
		}
		return rt
	}

	jason := get("reviews", "/", http.Header{"End-User": {"jason"}})
	if jason.Timeout != 0 {
		t.Errorf("timeout 0s = %v, want 0 (disabled)", jason.Timeout)
	}
	if jason.Operation != "reviews.default.svc.cluster.local:9080/*" {
		t.Errorf("operation = %q", jason.Operation)
	}
	rp := jason.Retry
	want := RetryConnectFailure | RetryRefusedStream | RetryGrpcUnavailable | RetryGrpcCancelled | RetryGrpcResourceExhausted | RetryRetriableStatusCodes
	if rp == nil || rp.RetryOn != want || rp.NumRetries != 2 || !rp.AvoidPreviousHosts || rp.HostSelectionMaxAttempts != 5 || len(rp.RetriableStatusCodes) != 1 {
		t.Errorf("retry = %+v", rp)
	}
	// Envoy's default order: route, then virtual host, then route config,
	// so the least specific level's overwrite wins.
	h := http.Header{}
	ApplyHeaderOps(h, jason.PickCluster(fixed(0)).RequestHeaders)
	if got := h.Get("X-Sail-Global"); got != "global" {
		t.Errorf("x-sail-global = %q, want global", got)
	}

	split := get("reviews", "/", nil)
	if split.Timeout != 10*time.Second || split.Retry.NumRetries != 1 || split.Retry.PerTryTimeout != 2*time.Second || !split.Retry.RetryOn.Has(Retry5xx|RetryGatewayError) {
		t.Errorf("split: timeout %v retry %+v", split.Timeout, split.Retry)
	}
	resp := http.Header{"X-Powered-By": {"x"}}
	ApplyHeaderOps(resp, split.PickCluster(fixed(0)).ResponseHeaders)
	if resp.Get("X-Powered-By") != "" {
		t.Error("route config response_headers_to_remove not applied")
	}

	def := get("ratings", "/", nil)
	if def.Timeout != DefaultTimeout || def.Retry != nil {
		t.Errorf("defaults: timeout %v retry %v", def.Timeout, def.Retry)
	}
	if def.PerFilterConfig("envoy.filters.http.fault") != nil {
		t.Error("fault config leaked to another route")
	}
	fault := get("ratings", "/", http.Header{"End-User": {"jason"}})
	if a := fault.PerFilterConfig("envoy.filters.http.fault"); a == nil || !strings.HasSuffix(a.GetTypeUrl(), "HTTPFault") {
		t.Errorf("fault per-filter config = %v", a)
	}

	const pp = "productpage"
	pe := get(pp, "/productpage", nil)
	if pe.Retry == nil || pe.Retry.NumRetries != 2 {
		t.Errorf("virtual host retry policy not inherited: %+v", pe.Retry)
	}
	if pe.Cors == nil || !pe.Cors.AllowsOrigin("https://bookinfo.example.com") || !pe.Cors.AllowsOrigin("https://www.bookinfo.com") ||
		pe.Cors.AllowsOrigin("https://evil.com") || pe.Cors.AllowMethods != "GET,POST" || pe.Cors.AllowCredentials == nil || !*pe.Cors.AllowCredentials {
		t.Errorf("cors = %+v", pe.Cors)
	}

	rw := get(pp, "/v1/products?id=1", nil)
	if got := rw.Rewrite("/v1/products?id=1"); got != "/api/v1/products?id=1" {
		t.Errorf("Rewrite = %q", got)
	}
	if rw.HostRewrite != "productpage.internal" {
		t.Errorf("host rewrite = %q", rw.HostRewrite)
	}
	re := get(pp, "/api/v1/products/7/reviews?a=b", nil)
	if got := re.Rewrite("/api/v1/products/7/reviews?a=b"); got != "/reviews?a=b" {
		t.Errorf("regex Rewrite = %q", got)
	}
	if got := pe.Rewrite("/productpage"); got != "/productpage" {
		t.Errorf("Rewrite without prefix_rewrite = %q", got)
	}

	old := get(pp, "/old/x", nil)
	if old.Action != ActionRedirect || old.Redirect.PrefixRewrite != "/new/" || old.Redirect.Code != 302 || old.PickCluster(fixed(0)) != nil {
		t.Errorf("redirect = %+v", old.Redirect)
	}
	sec := get(pp, "/secure", nil)
	if r := sec.Redirect; r.Scheme != "https" || r.Host != "secure.bookinfo.com" || r.Port != 8443 || r.Code != 301 {
		t.Errorf("https redirect = %+v", r)
	}
	httpsOnly, _ := tbl.Match(Request{Authority: pp, Path: "/tls"}, fixed(99))
	for _, tt := range []struct {
		rt   *Route
		req  Request
		want string
	}{
		{old, Request{Scheme: "http", Authority: "productpage:9080", Path: "/old/page?q=1"}, "http://productpage:9080/new/page?q=1"},
		{sec, Request{Scheme: "http", Authority: "productpage:80", Path: "/secure?a"}, "https://secure.bookinfo.com:8443/secure?a"},
		{pe, Request{Path: "/"}, ""},
		{httpsOnly, Request{Scheme: "http", Authority: "Bookinfo.com:80", Path: "/a?b"}, "https://Bookinfo.com/a?b"},
		{httpsOnly, Request{Scheme: "http", Authority: "bookinfo.com:8080", Path: "/a"}, "https://bookinfo.com:8080/a"},
	} {
		if got := tt.rt.RedirectURL(tt.req); got != tt.want {
			t.Errorf("RedirectURL(%+v) = %q, want %q", tt.req, got, tt.want)
		}
	}
	hz := get(pp, "/healthz", nil)
	if hz.Action != ActionDirectResponse || hz.DirectResponse.Status != 200 || string(hz.DirectResponse.Body) != "ok" {
		t.Errorf("direct response = %+v", hz.DirectResponse)
	}

	canary, _ := tbl.Match(Request{Authority: pp, Path: "/x"}, fixed(3))
	if canary.Name != "canary" || len(canary.Mirrors) != 1 || !canary.Mirrors[0].Fraction.Hit(49) || canary.Mirrors[0].Fraction.Hit(50) {
		t.Errorf("mirrors = %+v", canary.Mirrors)
	}
	dflt := get(pp, "/x", nil)
	if len(dflt.HashPolicies) != 2 || dflt.HashPolicies[0].Name != "X-User" || dflt.HashPolicies[1].Kind != HashSourceIP {
		t.Errorf("hash policies = %+v", dflt.HashPolicies)
	}
	if len(dflt.Upgrades) != 1 || dflt.Upgrades[0] != (UpgradeConfig{Type: "websocket", Enabled: true}) {
		t.Errorf("upgrades = %+v", dflt.Upgrades)
	}

	cl := tbl.Clusters()
	for _, c := range []string{"outbound|9080|shadow|productpage.default.svc.cluster.local", "PassthroughCluster", "outbound|9080|v3|reviews.default.svc.cluster.local"} {
		found := false
		for _, x := range cl {
			found = found || x == c
		}
		if !found {
			t.Errorf("Clusters() misses %s", c)
		}
	}
}

func TestMostSpecificHeaderMutationsWins(t *testing.T) {
	tbl, err := Compile(parseConfig(t, `
most_specific_header_mutations_wins: true
request_headers_to_add: [{header: {key: x-l, value: global}, append_action: OVERWRITE_IF_EXISTS_OR_ADD}]
virtual_hosts:
  - name: h
    domains: ["*"]
    request_headers_to_add: [{header: {key: x-l, value: vhost}, append_action: OVERWRITE_IF_EXISTS_OR_ADD}]
    routes:
      - match: {prefix: /}
        request_headers_to_add: [{header: {key: x-l, value: route}, append: false}, {header: {key: x-a, value: "1"}}, {header: {key: x-a, value: "2"}}]
        request_headers_to_remove: [x-drop]
        route: {cluster: c}
`))
	if err != nil {
		t.Fatal(err)
	}
	rt, _ := tbl.Match(Request{Path: "/"}, fixed(0))
	h := http.Header{"X-Drop": {"1"}, "X-A": {"0"}}
	ApplyHeaderOps(h, rt.PickCluster(fixed(0)).RequestHeaders)
	if h.Get("X-L") != "route" || len(h["X-A"]) != 3 || h.Get("X-Drop") != "" {
		t.Errorf("headers = %v", h)
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name        string
		config      string
		wants       []string // substrings of the error
		unsupported bool
	}{
		{"grpc match", `
virtual_hosts:
  - {name: a, domains: [a], routes: [{match: {prefix: /}, route: {cluster: c}}]}
  - {name: b, domains: [b], routes: [{match: {prefix: /}, route: {cluster: c}}]}
  - name: reviews
    domains: [reviews]
    routes: [{match: {prefix: /, grpc: {}}, route: {cluster: c}}]
`, []string{`virtual_hosts[2].routes[0].match.grpc: not supported (virtual host "reviews")`}, true},
		{"bad regex", `
virtual_hosts:
  - name: r
    domains: [r]
    routes: [{match: {safe_regex: {regex: "(unclosed"}}, route: {cluster: c}}]
`, []string{"virtual_hosts[0].routes[0].match.safe_regex.regex: error parsing regexp"}, false},
		{"bad header regex and several errors", `
vhds: {config_source: {ads: {}}}
virtual_hosts:
  - name: r
    domains: [r]
    require_tls: ALL
    routes:
      - match: {prefix: /, headers: [{name: x, safe_regex_match: {regex: "a**"}}], tls_context: {presented: true}}
        route: {cluster: c, idle_timeout: 1s}
      - match: {prefix: /}
        route: {cluster_header: x}
`, []string{
			"vhds: not supported",
			"virtual_hosts[0].require_tls: not supported",
			"virtual_hosts[0].routes[0].match.headers[0].safe_regex_match.regex: error parsing regexp",
			"virtual_hosts[0].routes[0].match.tls_context: not supported",
			"virtual_hosts[0].routes[0].route.idle_timeout: not supported",
			"virtual_hosts[0].routes[1].route.cluster_header: not supported",
		}, true},
		{"duplicate domain", `
virtual_hosts:
  - {name: a, domains: [a, "*"], routes: []}
  - {name: b, domains: [A], routes: []}
`, []string{`virtual_hosts[1].domains[0]: duplicate domain "a" (also in virtual host "a")`}, false},
		{"duplicate vhost and no domains", `
virtual_hosts:
  - {name: a, domains: [x]}
  - {name: a}
`, []string{"virtual_hosts[1].name: duplicate", "virtual_hosts[1].domains: at least one domain"}, false},
		{"weights", `
virtual_hosts:
  - name: w
    domains: [w]
    routes:
      - match: {prefix: /}
        route: {weighted_clusters: {clusters: [{name: a, weight: 0}]}}
      - match: {prefix: /}
        route: {weighted_clusters: {total_weight: 10, clusters: [{name: a, weight: 5}]}}
      - match: {prefix: /}
        route: {weighted_clusters: {runtime_key_prefix: x, clusters: [{name: a, weight: 5}]}}
`, []string{
			"routes[0].route.weighted_clusters.clusters: total weight must be greater than zero",
			"routes[1].route.weighted_clusters.total_weight: 10 is not the sum",
			"routes[2].route.weighted_clusters.runtime_key_prefix: not supported",
		}, true},
		{"retry", `
virtual_hosts:
  - name: r
    domains: [r]
    retry_policy: {retry_on: "5xx,bogus", retry_priority: {name: x}}
    routes: [{match: {prefix: /}, route: {cluster: c, retry_policy: {retry_on: retriable-headers}}}]
`, []string{
			`virtual_hosts[0].retry_policy.retry_on: retry condition "bogus": not supported`,
			"virtual_hosts[0].retry_policy.retry_priority: not supported",
			`routes[0].route.retry_policy.retry_on: retry condition "retriable-headers"`,
		}, true},
		{"missing parts", `
virtual_hosts:
  - name: m
    domains: [m]
    routes:
      - route: {cluster: c}
      - match: {}
        redirect: {}
      - match: {prefix: /}
      - match: {prefix: /}
        route: {}
      - match: {prefix: /}
        direct_response: {status: 99, body: {filename: /etc/passwd}}
`, []string{
			"routes[0].match: required",
			"routes[1].match: one of prefix, path",
			"routes[2].action: one of route, redirect or direct_response is required",
			"routes[3].route: one of cluster or weighted_clusters is required",
			"routes[4].direct_response.status: 99 is not in",
			"routes[4].direct_response.body.filename: not supported",
		}, true},
		{"headers", `
request_headers_to_add: [{header: {key: ":path", value: /x}}]
virtual_hosts:
  - name: h
    domains: [h]
    response_headers_to_add: [{header: {key: x-ip, value: "%DOWNSTREAM_REMOTE_ADDRESS%"}}]
    routes:
      - match: {prefix: /, headers: [{name: ":protocol", exact_match: x}], query_parameters: [{string_match: {exact: x}}]}
        route: {cluster: c}
        request_headers_to_remove: [host]
`, []string{
			`request_headers_to_add[0].header.key: ":path" may not be modified`,
			"virtual_hosts[0].response_headers_to_add[0].header.value: substitution format operators: not supported",
			`virtual_hosts[0].routes[0].match.headers[0].name: pseudo-header ":protocol": not supported`,
			"virtual_hosts[0].routes[0].match.query_parameters[0].name: required",
			`virtual_hosts[0].routes[0].request_headers_to_remove[0]: "host" may not be modified`,
		}, true},
		{"body too large", `
max_direct_response_body_size_bytes: 2
virtual_hosts:
  - name: b
    domains: [b]
    routes: [{match: {prefix: /}, direct_response: {status: 200, body: {inline_string: abc}}}]
`, []string{"routes[0].direct_response.body: 3 bytes is more than the maximum 2"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tbl, err := Compile(parseConfig(t, tt.config))
			if err == nil {
				t.Fatalf("Compile succeeded: %+v", tbl)
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not contain %q:\n%v", w, err)
				}
			}
			if got := strings.Count(err.Error(), "\n") + 1; got != len(tt.wants) {
				t.Errorf("%d errors, want %d:\n%v", got, len(tt.wants), err)
			}
			if errors.Is(err, ErrUnsupported) != tt.unsupported {
				t.Errorf("errors.Is(err, ErrUnsupported) = %v", !tt.unsupported)
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Errorf("no FieldError in %v", err)
			}
		})
	}
	if _, err := Compile(nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("Compile(nil) = %v", err)
	}
}
