package cluster

//lint:file-ignore SA1019 Istio 1.1 users still write these deprecated fields, so Pilot must translate them.
import (
	"cmp"
	"flag"
	"path/filepath"
	"slices"
	"testing"
	"time"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	upstreamhttp "github.com/envoyproxy/go-control-plane/envoy/extensions/upstreams/http/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"
	networking "istio.io/api/networking/v1alpha3"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/mesh"
	"github.com/sailmesh/sail/pkg/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// checkGolden compares clusters, as sorted and indented JSON, with
// testdata/<name>.json.
func checkGolden(t *testing.T, name string, clusters []*clusterv3.Cluster) {
	t.Helper()
	golden.Compare(t, filepath.Join("testdata", name+".json"), *update, golden.ProtoJSONList(t, clusters))
}

func build(t *testing.T, rules []*config.Object, proxy *model.Proxy) []*clusterv3.Cluster {
	t.Helper()
	cs, err := Build(Inputs{Registry: testRegistry(), DestinationRules: rules, Mesh: mesh.Default()}, proxy)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if err := c.Validate(); err != nil {
			t.Errorf("%s: Validate: %v", c.GetName(), err)
		}
		for _, a := range c.GetTypedExtensionProtocolOptions() {
			var o upstreamhttp.HttpProtocolOptions
			if err := a.UnmarshalTo(&o); err != nil {
				t.Errorf("%s: %v", c.GetName(), err)
			} else if err := o.Validate(); err != nil {
				t.Errorf("%s: HttpProtocolOptions.Validate: %v", c.GetName(), err)
			}
		}
	}
	if !slices.IsSortedFunc(cs, func(a, b *clusterv3.Cluster) int { return cmp.Compare(a.GetName(), b.GetName()) }) {
		t.Error("clusters are not sorted by name")
	}
	return cs
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name  string
		rules []*config.Object
	}{
		{"no-rules", nil},
		{"destination-rule-all", destinationRuleAll()},
		{"every-field", everyField()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkGolden(t, tc.name, build(t, tc.rules, productpageProxy()))
		})
	}
}

func names(cs []*clusterv3.Cluster) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.GetName())
	}
	return out
}

func find(t *testing.T, cs []*clusterv3.Cluster, name string) *clusterv3.Cluster {
	t.Helper()
	for _, c := range cs {
		if c.GetName() == name {
			return c
		}
	}
	t.Fatalf("no cluster %s in %v", name, names(cs))
	return nil
}

func TestNames(t *testing.T) {
	got := names(build(t, destinationRuleAll(), productpageProxy()))
	for _, want := range []string{
		"BlackHoleCluster", "PassthroughCluster",
		"inbound|9080|http|productpage.default.svc.cluster.local",
		"outbound|9080||reviews.default.svc.cluster.local",
		"outbound|9080|v1|reviews.default.svc.cluster.local",
		"outbound|9080|v2|reviews.default.svc.cluster.local",
		"outbound|9080|v3|reviews.default.svc.cluster.local",
		"outbound|9080|v2-mysql-vm|ratings.default.svc.cluster.local",
		"outbound|443||api.example.com",
		"outbound|80||*.wikipedia.org",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("missing %s", want)
		}
	}
	if slices.Contains(got, "inbound|9080|http|reviews.default.svc.cluster.local") {
		t.Error("productpage's sidecar got an inbound cluster for reviews")
	}
}

func TestExportTo(t *testing.T) {
	const hidden = "outbound|80||secret.secret.svc.cluster.local"
	if slices.Contains(names(build(t, nil, productpageProxy())), hidden) {
		t.Errorf("a proxy in default sees %s, exported only to secret", hidden)
	}
	p := productpageProxy()
	p.Namespace = "secret"
	if !slices.Contains(names(build(t, nil, p)), hidden) {
		t.Errorf("a proxy in secret does not see %s", hidden)
	}
}

func TestInterceptionNoneHasNoInbound(t *testing.T) {
	p := productpageProxy()
	p.InterceptionMode = model.InterceptionNone
	for _, n := range names(build(t, nil, p)) {
		if dir, _, _, _, err := model.ParseClusterName(n); err == nil && dir == model.Inbound {
			t.Errorf("inbound cluster %s in interception mode NONE", n)
		}
	}
}

func TestDiscoveryTypes(t *testing.T) {
	cs := build(t, nil, productpageProxy())
	for name, want := range map[string]clusterv3.Cluster_DiscoveryType{
		"outbound|9080||reviews.default.svc.cluster.local":        clusterv3.Cluster_EDS,
		"outbound|443||api.example.com":                           clusterv3.Cluster_STRICT_DNS,
		"outbound|80||*.wikipedia.org":                            clusterv3.Cluster_ORIGINAL_DST,
		"inbound|9080|http|productpage.default.svc.cluster.local": clusterv3.Cluster_STATIC,
		model.BlackHoleCluster:                                    clusterv3.Cluster_STATIC,
		model.PassthroughCluster:                                  clusterv3.Cluster_ORIGINAL_DST,
	} {
		c := find(t, cs, name)
		if got := c.GetType(); got != want {
			t.Errorf("%s: type %v, want %v", name, got, want)
		}
		if want == clusterv3.Cluster_ORIGINAL_DST && c.GetLbPolicy() != clusterv3.Cluster_CLUSTER_PROVIDED {
			t.Errorf("%s: lb %v, want CLUSTER_PROVIDED", name, c.GetLbPolicy())
		}
	}
}

func TestConnectTimeout(t *testing.T) {
	for _, tc := range []struct {
		name       string
		mesh, prox time.Duration
		want       time.Duration
	}{
		{"default", 0, 0, 10 * time.Second},
		{"mesh", 2 * time.Second, 0, 2 * time.Second},
		{"proxy default overrides mesh", 2 * time.Second, time.Second, time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := mesh.Default()
			m.ConnectTimeout.Duration, m.DefaultConfig.ConnectTimeout.Duration = tc.mesh, tc.prox
			cs, err := Build(Inputs{Registry: testRegistry(), Mesh: m}, productpageProxy())
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				if got := c.GetConnectTimeout().AsDuration(); got != tc.want {
					t.Errorf("%s: connect timeout %v, want %v", c.GetName(), got, tc.want)
				}
			}
		})
	}
}

func simple(lb networking.LoadBalancerSettings_SimpleLB) *networking.TrafficPolicy {
	return &networking.TrafficPolicy{LoadBalancer: &networking.LoadBalancerSettings{
		LbPolicy: &networking.LoadBalancerSettings_Simple{Simple: lb},
	}}
}

func TestLoadBalancer(t *testing.T) {
	for _, tc := range []struct {
		lb       networking.LoadBalancerSettings_SimpleLB
		want     clusterv3.Cluster_LbPolicy
		wantType clusterv3.Cluster_DiscoveryType
	}{
		{networking.LoadBalancerSettings_UNSPECIFIED, clusterv3.Cluster_ROUND_ROBIN, clusterv3.Cluster_EDS},
		{networking.LoadBalancerSettings_ROUND_ROBIN, clusterv3.Cluster_ROUND_ROBIN, clusterv3.Cluster_EDS},
		{networking.LoadBalancerSettings_LEAST_CONN, clusterv3.Cluster_LEAST_REQUEST, clusterv3.Cluster_EDS},
		{networking.LoadBalancerSettings_LEAST_REQUEST, clusterv3.Cluster_LEAST_REQUEST, clusterv3.Cluster_EDS},
		{networking.LoadBalancerSettings_RANDOM, clusterv3.Cluster_RANDOM, clusterv3.Cluster_EDS},
		{networking.LoadBalancerSettings_PASSTHROUGH, clusterv3.Cluster_CLUSTER_PROVIDED, clusterv3.Cluster_ORIGINAL_DST},
	} {
		t.Run(tc.lb.String(), func(t *testing.T) {
			rules := []*config.Object{drObj("default", "reviews", &networking.DestinationRule{
				Host: "reviews", TrafficPolicy: simple(tc.lb), Subsets: versions("v1"),
			})}
			cs := build(t, rules, productpageProxy())
			for _, name := range []string{"outbound|9080||reviews.default.svc.cluster.local", "outbound|9080|v1|reviews.default.svc.cluster.local"} {
				c := find(t, cs, name)
				if c.GetLbPolicy() != tc.want || c.GetType() != tc.wantType {
					t.Errorf("%s: %v/%v, want %v/%v", name, c.GetType(), c.GetLbPolicy(), tc.wantType, tc.want)
				}
				if tc.wantType == clusterv3.Cluster_ORIGINAL_DST && c.GetEdsClusterConfig() != nil {
					t.Errorf("%s: ORIGINAL_DST cluster keeps its EDS config", name)
				}
			}
		})
	}
}

func TestLayering(t *testing.T) {
	pool := func(n int32) *networking.ConnectionPoolSettings {
		return &networking.ConnectionPoolSettings{Tcp: &networking.ConnectionPoolSettings_TCPSettings{MaxConnections: n}}
	}
	rule := &networking.TrafficPolicy{
		ConnectionPool: pool(1),
		PortLevelSettings: []*networking.TrafficPolicy_PortTrafficPolicy{
			{Port: &networking.PortSelector{Number: 7070}, ConnectionPool: pool(2)},
		},
	}
	subset := &networking.TrafficPolicy{
		PortLevelSettings: []*networking.TrafficPolicy_PortTrafficPolicy{
			{Port: &networking.PortSelector{Number: 8080}, ConnectionPool: pool(4)},
		},
	}
	for _, tc := range []struct {
		name         string
		port         uint32
		rule, subset *networking.TrafficPolicy
		want         int32
	}{
		{"rule", 8080, rule, nil, 1},
		{"rule port level", 7070, rule, nil, 2},
		{"subset without pool keeps rule's", 7070, rule, &networking.TrafficPolicy{}, 2},
		{"subset top level over rule port level", 7070, rule, &networking.TrafficPolicy{ConnectionPool: pool(3)}, 3},
		{"subset port level", 8080, rule, subset, 4},
		{"subset port level for another port", 7070, rule, subset, 2},
		{"nothing", 8080, nil, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := effective(tc.port, tc.rule, tc.subset).pool.GetTcp().GetMaxConnections(); got != tc.want {
				t.Errorf("max connections %d, want %d", got, tc.want)
			}
		})
	}
}

func TestOutlierDetection(t *testing.T) {
	for _, tc := range []struct {
		name           string
		od             *networking.OutlierDetection
		want5xx        *wrapperspb.UInt32Value
		wantEnforce5xx *wrapperspb.UInt32Value
		wantGateway    *wrapperspb.UInt32Value
	}{
		{"deprecated consecutiveErrors", &networking.OutlierDetection{ConsecutiveErrors: 4}, wrapperspb.UInt32(4), nil, nil},
		{"consecutive5xxErrors wins", &networking.OutlierDetection{ConsecutiveErrors: 4, Consecutive_5XxErrors: wrapperspb.UInt32(6)}, wrapperspb.UInt32(6), nil, nil},
		{"consecutive5xxErrors 0 disables", &networking.OutlierDetection{Consecutive_5XxErrors: wrapperspb.UInt32(0)}, nil, wrapperspb.UInt32(0), nil},
		{"gateway", &networking.OutlierDetection{ConsecutiveGatewayErrors: wrapperspb.UInt32(2)}, nil, nil, wrapperspb.UInt32(2)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &clusterv3.Cluster{}
			applyOutlier(c, tc.od)
			od := c.GetOutlierDetection()
			if od.GetConsecutive_5Xx().GetValue() != tc.want5xx.GetValue() || (od.GetConsecutive_5Xx() == nil) != (tc.want5xx == nil) {
				t.Errorf("consecutive_5xx %v, want %v", od.GetConsecutive_5Xx(), tc.want5xx)
			}
			if (od.GetEnforcingConsecutive_5Xx() == nil) != (tc.wantEnforce5xx == nil) {
				t.Errorf("enforcing_consecutive_5xx %v, want %v", od.GetEnforcingConsecutive_5Xx(), tc.wantEnforce5xx)
			}
			if od.GetConsecutiveGatewayFailure().GetValue() != tc.wantGateway.GetValue() {
				t.Errorf("consecutive_gateway_failure %v, want %v", od.GetConsecutiveGatewayFailure(), tc.wantGateway)
			}
			if tc.wantGateway != nil && od.GetEnforcingConsecutiveGatewayFailure().GetValue() != 100 {
				t.Errorf("gateway failures not enforced: %v", od.GetEnforcingConsecutiveGatewayFailure())
			}
			if c.GetCommonLbConfig().GetHealthyPanicThreshold() == nil {
				t.Error("no healthy_panic_threshold")
			}
		})
	}
}

func TestRuleDoesNotChangeWhenBuilt(t *testing.T) {
	rules := everyField()
	before := make([]*networking.DestinationRule, len(rules))
	for i, r := range rules {
		before[i] = proto.Clone(r.Spec).(*networking.DestinationRule)
	}
	build(t, rules, productpageProxy())
	for i, r := range rules {
		if !proto.Equal(before[i], r.Spec) {
			t.Errorf("rule %s was modified", r.Name)
		}
	}
}

func TestDuplicateSubsetKeepsFirst(t *testing.T) {
	rules := []*config.Object{drObj("default", "reviews", &networking.DestinationRule{
		Host: "reviews", Subsets: append(versions("v1"), &networking.Subset{Name: "v1", TrafficPolicy: simple(networking.LoadBalancerSettings_RANDOM)}),
	})}
	cs := build(t, rules, productpageProxy())
	n := 0
	for _, c := range cs {
		if c.GetName() == "outbound|9080|v1|reviews.default.svc.cluster.local" {
			n++
			if c.GetLbPolicy() != clusterv3.Cluster_ROUND_ROBIN {
				t.Errorf("kept the second v1 (lb %v)", c.GetLbPolicy())
			}
		}
	}
	if n != 1 {
		t.Errorf("%d clusters for subset v1, want 1", n)
	}
}
