package route

import (
	"slices"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/mesh"
)

func TestGoldenBookInfo(t *testing.T) {
	tests := []struct {
		name  string
		files []string
	}{
		{"no-virtual-service", nil},
		{"virtual-service-all-v1", []string{"virtual-service-all-v1.yaml"}},
		{"reviews-test-v2", []string{"virtual-service-reviews-test-v2.yaml"}},
		{"reviews-50-v3", []string{"virtual-service-reviews-50-v3.yaml"}},
		{"ratings-test-delay", []string{"virtual-service-ratings-test-delay.yaml"}},
		{"ratings-test-abort", []string{"virtual-service-ratings-test-abort.yaml"}},
		{"reviews-timeout", []string{"virtual-service-reviews-timeout.yaml"}},
		{"ratings-retries", []string{"virtual-service-ratings-retries.yaml"}},
		{"productpage-headers", []string{"virtual-service-productpage-headers.yaml"}},
	}
	// The reviews DestinationRule hashes v3 on the end-user header.
	rules := load(t, "destination-rule-reviews-lb.yaml")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var vss []*config.Object
			if tt.files != nil {
				vss = load(t, tt.files...)
			}
			rc := build(t, Inputs{VirtualServices: vss, DestinationRules: rules}, productpageProxy())
			checkGolden(t, tt.name, rc)
		})
	}
}

func TestNameAndOrder(t *testing.T) {
	rc := build(t, Inputs{}, productpageProxy())
	if rc.GetName() != "9080" {
		t.Errorf("name = %q, want 9080", rc.GetName())
	}
	var names []string
	for _, vh := range rc.GetVirtualHosts() {
		names = append(names, vh.GetName())
	}
	want := []string{fqdn("details") + ":9080", fqdn("productpage") + ":9080", fqdn("ratings") + ":9080",
		fqdn("reviews") + ":9080", AllowAnyVirtualHost}
	if !slices.Equal(names, want) {
		t.Errorf("virtual hosts = %v, want %v", names, want)
	}
	// REGISTRY_ONLY has no allow_any virtual host.
	m := mesh.Default()
	m.OutboundTrafficPolicy.Mode = mesh.RegistryOnly
	rc = build(t, Inputs{Mesh: m}, productpageProxy())
	if last := rc.GetVirtualHosts()[len(rc.GetVirtualHosts())-1]; last.GetName() == AllowAnyVirtualHost {
		t.Error("REGISTRY_ONLY got the allow_any virtual host")
	}
}

func TestOnlyHTTPServicesOnThePortVisibleToTheProxy(t *testing.T) {
	svcs := []*model.Service{
		service("reviews", "10.0.0.12", httpPort(9080)),
		service("mongo", "10.0.0.20", model.Port{Name: "tcp", Number: 9080, Protocol: model.TCP}),
		service("other", "10.0.0.21", httpPort(8080)),
		{Hostname: "secret.team.svc.cluster.local", Namespace: "team", Ports: []model.Port{httpPort(9080)}, ExportTo: []string{"team"}},
	}
	rc := build(t, Inputs{Services: svcs}, productpageProxy())
	if n := len(rc.GetVirtualHosts()); n != 2 { // reviews + allow_any
		t.Errorf("got %d virtual hosts, want reviews and allow_any: %v", n, rc.GetVirtualHosts())
	}
}

func TestDomains(t *testing.T) {
	tests := []struct {
		name  string
		proxy *model.Proxy
		want  []string
	}{
		{"same namespace", productpageProxy(), []string{
			"reviews.default.svc.cluster.local", "reviews.default.svc.cluster.local:9080",
			"reviews", "reviews:9080", "reviews.default", "reviews.default:9080",
			"reviews.default.svc", "reviews.default.svc:9080", "10.0.0.12", "10.0.0.12:9080"}},
		{"other namespace", proxyIn("team", nil), []string{
			"reviews.default.svc.cluster.local", "reviews.default.svc.cluster.local:9080",
			"reviews.default", "reviews.default:9080",
			"reviews.default.svc", "reviews.default.svc:9080", "10.0.0.12", "10.0.0.12:9080"}},
		{"no DNS domain in the node ID", &model.Proxy{Namespace: "default", ID: "x"}, []string{
			"reviews.default.svc.cluster.local", "reviews.default.svc.cluster.local:9080",
			"reviews", "reviews:9080", "reviews.default", "reviews.default:9080",
			"reviews.default.svc", "reviews.default.svc:9080", "10.0.0.12", "10.0.0.12:9080"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := build(t, Inputs{}, tt.proxy)
			got := vhostOf(t, rc, fqdn("reviews")+":9080").GetDomains()
			if !slices.Equal(got, tt.want) {
				t.Errorf("domains = %v\nwant      %v", got, tt.want)
			}
		})
	}
}

func TestDuplicateDomains(t *testing.T) {
	svcs := []*model.Service{
		// A ServiceEntry host equal to another service's short form, and
		// two services sharing a VIP.
		{Hostname: "reviews.default", Namespace: "default", Address: "10.0.0.12", Ports: []model.Port{httpPort(9080)}},
		service("reviews", "10.0.0.12", httpPort(9080)),
		{Hostname: "*.example.com", Namespace: "default", Ports: []model.Port{httpPort(9080)}},
		// A duplicate host name from a second registry gets nothing.
		service("reviews", "10.0.0.99", httpPort(9080)),
	}
	rc := build(t, Inputs{Services: svcs}, productpageProxy())
	seen := map[string]string{}
	for _, vh := range rc.GetVirtualHosts() {
		for _, d := range vh.GetDomains() {
			if other, dup := seen[d]; dup {
				t.Errorf("domain %q in %s and %s", d, other, vh.GetName())
			}
			seen[d] = vh.GetName()
		}
	}
	if got := seen["reviews.default"]; got != "reviews.default:9080" {
		t.Errorf("reviews.default went to %q, want the service named so", got)
	}
	if got := seen["10.0.0.12"]; got != "reviews.default:9080" {
		t.Errorf("the shared VIP went to %q, want the first host name", got)
	}
	if got := seen["reviews"]; got != fqdn("reviews")+":9080" {
		t.Errorf("reviews went to %q", got)
	}
	if _, ok := seen["10.0.0.99"]; ok {
		t.Error("the duplicate service got a virtual host")
	}
	if got := seen["*.example.com:9080"]; got != "*.example.com:9080" {
		t.Errorf("wildcard went to %q", got)
	}
	if n := len(rc.GetVirtualHosts()); n != 4 {
		t.Errorf("got %d virtual hosts, want 4", n)
	}
}

func TestDefaultRoute(t *testing.T) {
	rc := build(t, Inputs{}, productpageProxy())
	routes := vhostOf(t, rc, fqdn("ratings")+":9080").GetRoutes()
	if len(routes) != 1 {
		t.Fatalf("got %d routes, want 1", len(routes))
	}
	r := routes[0]
	if r.GetMatch().GetPrefix() != "/" || r.GetRoute().GetCluster() != "outbound|9080||"+fqdn("ratings") {
		t.Errorf("route = %v", r)
	}
	rp := r.GetRoute().GetRetryPolicy()
	if rp.GetRetryOn() != DefaultRetryOn || rp.GetNumRetries().GetValue() != 2 || !slices.Equal(rp.GetRetriableStatusCodes(), []uint32{503}) {
		t.Errorf("retry policy = %v", rp)
	}
	if d := r.GetRoute().GetTimeout(); d == nil || d.AsDuration() != 0 {
		t.Errorf("timeout = %v, want 0s (disabled)", d)
	}
}

func TestInputsUnchangedAndOrderIrrelevant(t *testing.T) {
	vss := load(t, "virtual-service-all-v1.yaml", "virtual-service-ratings-test-delay.yaml")[:4]
	rules := load(t, "destination-rule-reviews-lb.yaml")
	all := append(slices.Clone(vss), rules...)
	before := make([]proto.Message, len(all))
	for i, o := range all {
		before[i] = proto.Clone(o.Spec)
	}
	a := build(t, Inputs{VirtualServices: vss, DestinationRules: rules}, productpageProxy())
	rvss, svcs := slices.Clone(vss), bookinfo()
	slices.Reverse(rvss)
	slices.Reverse(svcs)
	b := build(t, Inputs{Services: svcs, VirtualServices: rvss, DestinationRules: rules}, productpageProxy())
	if !proto.Equal(a, b) {
		t.Error("the result depends on the order of the inputs")
	}
	for i, o := range all {
		if !proto.Equal(before[i], o.Spec) {
			t.Errorf("%s changed", o.Key())
		}
	}
}
