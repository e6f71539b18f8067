package bootstrap

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	endpointv3 "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	discoveryv3 "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	"google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"
)

const productpageNode = "sidecar~10.10.0.1~productpage-v1-1.default~default.svc.cluster.local"

// bookinfoEntries are the BookInfo services as ServiceEntries (VIPs
// auto-allocated) and their workloads as WorkloadEntries.
func bookinfoEntries() string {
	var b strings.Builder
	workloads := []struct {
		app, version string
		ip           int
	}{
		{"productpage", "v1", 1}, {"details", "v1", 2}, {"reviews", "v1", 3},
		{"reviews", "v2", 4}, {"reviews", "v3", 5}, {"ratings", "v1", 6},
	}
	for _, app := range []string{"productpage", "details", "reviews", "ratings"} {
		fmt.Fprintf(&b, `apiVersion: networking.istio.io/v1alpha3
kind: ServiceEntry
metadata:
  name: %[1]s
  namespace: default
spec:
  hosts: [%[1]s.default.svc.cluster.local]
  location: MESH_INTERNAL
  resolution: STATIC
  ports:
  - {number: 9080, name: http, protocol: HTTP}
  workloadSelector:
    labels: {app: %[1]s}
---
`, app)
	}
	for _, w := range workloads {
		fmt.Fprintf(&b, `apiVersion: networking.istio.io/v1alpha3
kind: WorkloadEntry
metadata:
  name: %[1]s-%[2]s
  namespace: default
spec:
  address: 10.10.0.%[3]d
  labels: {app: %[1]s, version: %[2]s}
  serviceAccount: bookinfo-%[1]s
---
`, w.app, w.version, w.ip)
	}
	return b.String()
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// startPilot runs pilot-discovery on loopback over dir until the test ends
// and returns it once ready.
func startPilot(t *testing.T, dir string) *Server {
	t.Helper()
	opts := DefaultOptions()
	opts.Admin.Addr, opts.HTTPAddr, opts.GRPCAddr = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0"
	opts.ConfigDir = dir
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	s, err := New(opts, logger)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run() = %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after cancel")
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		if addr := s.AdminAddr(); !strings.HasSuffix(addr, ":0") {
			resp, err := http.Get("http://" + addr + "/readyz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return s
				}
			}
		}
		select {
		case err := <-done:
			t.Fatalf("Run() returned before ready: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("pilot-discovery not ready after 10s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// testWriter sends log lines to t.Log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// adsClient is a real ADS client that remembers the last response of each
// type.
type adsClient struct {
	t      *testing.T
	stream discoveryv3.AggregatedDiscoveryService_StreamAggregatedResourcesClient
	resps  chan *discoveryv3.DiscoveryResponse
	errs   chan error
	last   map[string]*discoveryv3.DiscoveryResponse
	names  map[string][]string
	cancel func()
	node   *corev3.Node // sent with the next request, then nil
}

func dialADS(t *testing.T, addr, nodeID string) *adsClient {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stream, err := discoveryv3.NewAggregatedDiscoveryServiceClient(conn).StreamAggregatedResources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c := &adsClient{
		t: t, stream: stream, resps: make(chan *discoveryv3.DiscoveryResponse, 16), errs: make(chan error, 1),
		last: map[string]*discoveryv3.DiscoveryResponse{}, names: map[string][]string{},
	}
	c.cancel = func() { cancel(); conn.Close() }
	t.Cleanup(c.cancel)
	go func() {
		for {
			r, err := stream.Recv()
			if err != nil {
				c.errs <- err
				return
			}
			c.resps <- r
		}
	}()
	// The node goes with the first request only.
	c.node = &corev3.Node{Id: nodeID}
	return c
}

func (c *adsClient) send(req *discoveryv3.DiscoveryRequest) {
	c.t.Helper()
	if c.node != nil {
		req.Node, c.node = c.node, nil
	}
	if err := c.stream.Send(req); err != nil {
		c.t.Fatalf("send %s: %v", req.GetTypeUrl(), err)
	}
}

// request asks for typeURL resources (names nil for all) and returns the
// response, ACKing it.
func (c *adsClient) request(typeURL string, names []string) *discoveryv3.DiscoveryResponse {
	c.t.Helper()
	c.names[typeURL] = names
	prev := c.last[typeURL]
	c.send(&discoveryv3.DiscoveryRequest{TypeUrl: typeURL, ResourceNames: names, VersionInfo: prev.GetVersionInfo(), ResponseNonce: prev.GetNonce()})
	return c.await(10*time.Second, func(r *discoveryv3.DiscoveryResponse) bool { return r.GetTypeUrl() == typeURL })
}

// await receives and ACKs responses until one satisfies ok.
func (c *adsClient) await(d time.Duration, ok func(*discoveryv3.DiscoveryResponse) bool) *discoveryv3.DiscoveryResponse {
	c.t.Helper()
	timeout := time.After(d)
	for {
		select {
		case r := <-c.resps:
			c.last[r.GetTypeUrl()] = r
			c.send(&discoveryv3.DiscoveryRequest{TypeUrl: r.GetTypeUrl(), ResourceNames: c.names[r.GetTypeUrl()], VersionInfo: r.GetVersionInfo(), ResponseNonce: r.GetNonce()})
			if ok(r) {
				return r
			}
		case err := <-c.errs:
			c.t.Fatalf("stream ended: %v", err)
		case <-timeout:
			c.t.Fatalf("no matching response within %v", d)
		}
	}
}

func unpack[T proto.Message](t *testing.T, r *discoveryv3.DiscoveryResponse, newT func() T) []T {
	t.Helper()
	out := make([]T, 0, len(r.GetResources()))
	for _, a := range r.GetResources() {
		m := newT()
		if err := a.UnmarshalTo(m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// reviewsClusters returns the clusters the reviews virtual host of route
// configuration "9080" sends traffic to.
func reviewsClusters(t *testing.T, r *discoveryv3.DiscoveryResponse) []string {
	t.Helper()
	var out []string
	for _, rc := range unpack(t, r, func() *routev3.RouteConfiguration { return &routev3.RouteConfiguration{} }) {
		if rc.GetName() != "9080" {
			continue
		}
		for _, vh := range rc.GetVirtualHosts() {
			if !slices.Contains(vh.GetDomains(), "reviews.default.svc.cluster.local") {
				continue
			}
			for _, rt := range vh.GetRoutes() {
				if c := rt.GetRoute().GetCluster(); c != "" {
					out = append(out, c)
				}
				for _, wc := range rt.GetRoute().GetWeightedClusters().GetClusters() {
					out = append(out, wc.GetName())
				}
			}
		}
	}
	return out
}

func TestADS(t *testing.T) {
	dir := t.TempDir()
	samples := filepath.Join("..", "..", "..", "samples", "bookinfo", "networking")
	if err := os.WriteFile(filepath.Join(dir, "bookinfo-entries.yaml"), []byte(bookinfoEntries()), 0o644); err != nil {
		t.Fatal(err)
	}
	copyFile(t, filepath.Join(samples, "destination-rule-all.yaml"), filepath.Join(dir, "destination-rules.yaml"))
	vsFile := filepath.Join(dir, "virtual-services.yaml")
	copyFile(t, filepath.Join(samples, "virtual-service-all-v1.yaml"), vsFile)

	start := time.Now()
	s := startPilot(t, dir)
	t.Logf("ready after %v", time.Since(start))
	c := dialADS(t, s.GRPCAddr(), productpageNode)

	cds := c.request(resource.ClusterType, nil)
	clusters := unpack(t, cds, func() *clusterv3.Cluster { return &clusterv3.Cluster{} })
	var names, edsNames []string
	for _, cl := range clusters {
		names = append(names, cl.GetName())
		if cl.GetType() == clusterv3.Cluster_EDS {
			edsNames = append(edsNames, cl.GetName())
		}
	}
	if !slices.Contains(names, "outbound|9080|v1|reviews.default.svc.cluster.local") {
		t.Fatalf("clusters lack reviews v1: %v", names)
	}
	eds := c.request(resource.EndpointType, edsNames)
	for _, cla := range unpack(t, eds, func() *endpointv3.ClusterLoadAssignment { return &endpointv3.ClusterLoadAssignment{} }) {
		if cla.GetClusterName() == "outbound|9080|v3|reviews.default.svc.cluster.local" {
			got := cla.GetEndpoints()[0].GetLbEndpoints()[0].GetEndpoint().GetAddress().GetSocketAddress().GetAddress()
			if got != "10.10.0.5" {
				t.Errorf("reviews v3 endpoint = %s, want 10.10.0.5", got)
			}
		}
	}
	if n := len(eds.GetResources()); n != len(edsNames) {
		t.Errorf("EDS has %d assignments, want %d", n, len(edsNames))
	}
	lds := c.request(resource.ListenerType, nil)
	if len(unpack(t, lds, func() *listenerv3.Listener { return &listenerv3.Listener{} })) == 0 {
		t.Fatal("no listeners")
	}
	rds := c.request(resource.RouteType, []string{"9080"})
	if got, want := reviewsClusters(t, rds), []string{"outbound|9080|v1|reviews.default.svc.cluster.local"}; !slices.Equal(got, want) {
		t.Fatalf("reviews routes to %v, want %v", got, want)
	}
	t.Logf("first full config after %v (version %s)", time.Since(start), rds.GetVersionInfo())

	// A VirtualService change is pushed.
	changed := time.Now()
	copyFile(t, filepath.Join(samples, "virtual-service-reviews-v3.yaml"), vsFile)
	v3 := []string{"outbound|9080|v3|reviews.default.svc.cluster.local"}
	pushed := c.await(10*time.Second, func(r *discoveryv3.DiscoveryResponse) bool {
		return r.GetTypeUrl() == resource.RouteType && slices.Equal(reviewsClusters(t, r), v3)
	})
	t.Logf("VirtualService change pushed after %v", time.Since(changed))
	if pushed.GetVersionInfo() == rds.GetVersionInfo() {
		t.Errorf("new routes kept version %s", pushed.GetVersionInfo())
	}

	// Every type is sent again with the new version; once all are ACKed
	// the debug pages and metrics show it.
	for _, typ := range allTypes {
		if c.last[typ].GetVersionInfo() != pushed.GetVersionInfo() {
			c.await(10*time.Second, func(r *discoveryv3.DiscoveryResponse) bool {
				return r.GetTypeUrl() == typ && r.GetVersionInfo() == pushed.GetVersionInfo()
			})
		}
	}
	awaitSynced(t, s, productpageNode, pushed.GetVersionInfo())
	checkDebugPages(t, s, pushed.GetVersionInfo())
	checkMetrics(t, s)

	// A NACK is recorded for the node: NACK the listeners of the new
	// version.
	lastLDS := c.last[resource.ListenerType]
	c.send(&discoveryv3.DiscoveryRequest{
		TypeUrl: resource.ListenerType, VersionInfo: lastLDS.GetVersionInfo(), ResponseNonce: lastLDS.GetNonce(),
		ErrorDetail: &status.Status{Code: 3, Message: "listener rejected by test"},
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := s.XDS().Nacks()[productpageNode]
		if n.Count == 1 && n.Error == "listener rejected by test" && n.TypeURL == resource.ListenerType && n.Version == lastLDS.GetVersionInfo() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("NACK not recorded: %+v", s.XDS().Nacks())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := scrape(t, s)[`pilot_xds_nacks_total{type="LDS"}`]; got != 1 {
		t.Errorf(`pilot_xds_nacks_total{type="LDS"} = %v, want 1`, got)
	}

	// A proxy reconnecting gets the current config.
	c.cancel()
	c2 := dialADS(t, s.GRPCAddr(), productpageNode)
	c2.request(resource.ClusterType, nil)
	if got := reviewsClusters(t, c2.request(resource.RouteType, []string{"9080"})); !slices.Equal(got, v3) {
		t.Errorf("after reconnect reviews routes to %v, want %v", got, v3)
	}
}

func TestADSRejectsBadNodeID(t *testing.T) {
	s := startPilot(t, t.TempDir())
	c := dialADS(t, s.GRPCAddr(), "not-a-node-id")
	c.send(&discoveryv3.DiscoveryRequest{TypeUrl: resource.ClusterType})
	select {
	case err := <-c.errs:
		if !strings.Contains(err.Error(), "invalid node ID") {
			t.Errorf("stream error = %v, want one naming the invalid node ID", err)
		}
	case r := <-c.resps:
		t.Fatalf("got a response for a bad node ID: %v", r)
	case <-time.After(10 * time.Second):
		t.Fatal("stream not ended for a bad node ID")
	}
}
