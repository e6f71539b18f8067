package bootstrap

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
)

var allTypes = []string{resource.ClusterType, resource.EndpointType, resource.ListenerType, resource.RouteType}

// getJSON GETs url, checks its content type and decodes the body into v
// (unless nil), returning the status code.
func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("GET %s: Content-Type %q, want application/json", url, ct)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("GET %s: %v in %s", url, err, body)
		}
	}
	return resp.StatusCode
}

type syncPage []struct {
	NodeID string
	InSync bool
	Types  []struct {
		Type, Sent, Acked string
		InSync            bool
	}
}

// awaitSynced waits until the proxy's every type is ACKed at version on
// /debug/syncz.
func awaitSynced(t *testing.T, s *Server, nodeID, version string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var page syncPage
		getJSON(t, "http://"+s.HTTPAddr()+"/debug/syncz", &page)
		if len(page) == 1 && page[0].NodeID == nodeID && page[0].InSync && len(page[0].Types) == 4 {
			synced := true
			for _, ty := range page[0].Types {
				synced = synced && ty.Acked == version && ty.InSync
			}
			if synced {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("syncz not in sync at version %s after 10s: %+v", version, page)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// checkDebugPages checks every debug page once productpage's sidecar has
// ACKed version after the change to reviews v3.
func checkDebugPages(t *testing.T, s *Server, version string) {
	base := "http://" + s.HTTPAddr()

	var adsz []struct {
		NodeID, ProxyType, Namespace string
		IPAddresses                  []string
		ConnectedSince               time.Time
		Versions                     map[string]struct{ Type, Sent, Acked string }
		Nacks                        int
	}
	if code := getJSON(t, base+"/debug/adsz", &adsz); code != http.StatusOK {
		t.Fatalf("adsz: status %d", code)
	}
	if len(adsz) != 1 || adsz[0].NodeID != productpageNode {
		t.Fatalf("adsz = %+v, want productpage's sidecar only", adsz)
	}
	p := adsz[0]
	if p.ProxyType != "sidecar" || p.Namespace != "default" || len(p.IPAddresses) != 1 || p.IPAddresses[0] != "10.10.0.1" || p.ConnectedSince.IsZero() || p.Nacks != 0 {
		t.Errorf("adsz proxy = %+v", p)
	}
	for _, typ := range allTypes {
		if v := p.Versions[typ]; v.Sent != version || v.Acked != version {
			t.Errorf("adsz %s: sent %q acked %q, want both %q", typ, v.Sent, v.Acked, version)
		}
	}

	var configz []struct{ Kind, Namespace, Name, ResourceVersion string }
	getJSON(t, base+"/debug/configz", &configz)
	found := false
	for _, o := range configz {
		if o.Kind == "VirtualService" && o.Namespace == "default" && o.Name == "reviews" {
			found = o.ResourceVersion != ""
		}
	}
	if !found {
		t.Errorf("configz lacks VirtualService default/reviews with a resourceVersion: %+v", configz)
	}

	var registryz []struct {
		Hostname, Address string
		Ports             []struct {
			Number   uint32
			Protocol string
		}
		Instances int
	}
	getJSON(t, base+"/debug/registryz", &registryz)
	found = false
	for _, svc := range registryz {
		if svc.Hostname == "reviews.default.svc.cluster.local" {
			found = true
			if !strings.HasPrefix(svc.Address, "240.240.") || svc.Instances != 3 || len(svc.Ports) != 1 || svc.Ports[0].Number != 9080 || svc.Ports[0].Protocol != "HTTP" {
				t.Errorf("registryz reviews = %+v, want an auto-allocated VIP, port 9080 HTTP and 3 instances", svc)
			}
		}
	}
	if !found {
		t.Errorf("registryz lacks reviews: %+v", registryz)
	}

	var dump struct {
		Version                                string
		Clusters, Endpoints, Listeners, Routes []struct{ Name, ClusterName string }
	}
	if code := getJSON(t, base+"/debug/config_dump?proxyID="+productpageNode, &dump); code != http.StatusOK {
		t.Fatalf("config_dump: status %d", code)
	}
	found = false
	for _, c := range dump.Clusters {
		found = found || c.Name == "outbound|9080|v1|reviews.default.svc.cluster.local"
	}
	if !found || dump.Version != version || len(dump.Endpoints) == 0 || len(dump.Listeners) == 0 || len(dump.Routes) == 0 {
		t.Errorf("config_dump: version %s, %d clusters (reviews v1: %v), %d endpoints, %d listeners, %d routes",
			dump.Version, len(dump.Clusters), found, len(dump.Endpoints), len(dump.Listeners), len(dump.Routes))
	}
	var errBody struct{ Error string }
	if code := getJSON(t, base+"/debug/config_dump?proxyID=sidecar~10.0.0.9~nobody.default~default.svc.cluster.local", &errBody); code != http.StatusNotFound || errBody.Error == "" {
		t.Errorf("config_dump of an unknown node: status %d, error %q; want 404 with an error", code, errBody.Error)
	}
	if code := getJSON(t, base+"/debug/config_dump", &errBody); code != http.StatusBadRequest {
		t.Errorf("config_dump without proxyID: status %d, want 400", code)
	}
}

// scrape returns the samples of the admin server's /metrics by their
// name and labels as written.
func scrape(t *testing.T, s *Server) map[string]float64 {
	t.Helper()
	resp, err := http.Get("http://" + s.AdminAddr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func checkMetrics(t *testing.T, s *Server) {
	m := scrape(t, s)
	for _, typ := range []string{"CDS", "EDS", "LDS", "RDS"} {
		if m[`pilot_xds_pushes_total{type="`+typ+`"}`] < 1 {
			t.Errorf("pilot_xds_pushes_total{type=%q} = %v, want ≥ 1", typ, m[`pilot_xds_pushes_total{type="`+typ+`"}`])
		}
	}
	if got := m["pilot_xds_connected_proxies"]; got != 1 {
		t.Errorf("pilot_xds_connected_proxies = %v, want 1", got)
	}
	if got := m["pilot_proxy_convergence_time_seconds_count"]; got < 1 {
		t.Errorf("pilot_proxy_convergence_time_seconds_count = %v, want ≥ 1", got)
	}
	if got := m["pilot_xds_push_duration_seconds_count"]; got < 1 {
		t.Errorf("pilot_xds_push_duration_seconds_count = %v, want ≥ 1", got)
	}
}
