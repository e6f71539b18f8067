package debug

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pilot/pkg/xds"
	"github.com/sailmesh/sail/pkg/config"
)

type fakeXDS struct{ proxies []xds.ProxyStatus }

func (f fakeXDS) Proxies() []xds.ProxyStatus { return f.proxies }

func (f fakeXDS) ConfigDump(nodeID string) (xds.Dump, bool) {
	if nodeID != "a" {
		return xds.Dump{}, false
	}
	return xds.Dump{Version: "7", Resources: xds.Resources{
		resource.ClusterType: {&clusterv3.Cluster{Name: "c1"}, &clusterv3.Cluster{Name: "c2"}},
	}}, true
}

type fakeStore struct{}

func (fakeStore) Kinds() []config.Kind { return nil }

func (fakeStore) List(config.GroupKind, string) ([]*config.Object, error) { return nil, nil }

type fakeRegistry struct{ model.Registry }

func (fakeRegistry) Services() []*model.Service {
	return []*model.Service{{Hostname: "b.ns"}, {Hostname: "a.ns", Ports: []model.Port{{Name: "http", Number: 80, Protocol: "HTTP"}}}}
}

func (fakeRegistry) Instances(string, uint32) []*model.Instance { return nil }

func TestPages(t *testing.T) {
	proxy := &model.Proxy{Type: model.SidecarProxy, IPAddresses: []string{"10.0.0.1"}, Namespace: "ns"}
	x := fakeXDS{proxies: []xds.ProxyStatus{{
		NodeID: "a", Proxy: proxy, ConnectedSince: time.Unix(0, 0),
		Types: map[string]xds.TypeStatus{resource.RouteType: {Sent: "7", Acked: "7"}, resource.ClusterType: {Sent: "7", Acked: "6"}},
	}}}
	s, err := New(Deps{XDS: x, Configs: fakeStore{}, Registry: fakeRegistry{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path     string
		code     int
		contains []string // in this order
	}{
		{"/debug/adsz", 200, []string{`"nodeID": "a"`, `"proxyType": "sidecar"`, `"namespace": "ns"`}},
		{"/debug/syncz", 200, []string{`"inSync": false`, `"type": "CDS"`, `"acked": "6"`, `"type": "RDS"`, `"inSync": true`}},
		{"/debug/registryz", 200, []string{`"hostname": "a.ns"`, `"protocol": "HTTP"`, `"hostname": "b.ns"`}},
		{"/debug/configz", 200, []string{"[]"}},
		{"/debug/config_dump?proxyID=a", 200, []string{`"version": "7"`, `"name": "c1"`, `"name": "c2"`, `"endpoints": []`}},
		{"/debug/config_dump?proxyID=b", 404, []string{`"error": "proxy \"b\" is not connected`}},
		{"/debug/config_dump", 400, []string{`"error": "proxyID is required`}},
	} {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.path, nil))
		body := rec.Body.String()
		if rec.Code != tc.code || rec.Header().Get("Content-Type") != "application/json" {
			t.Errorf("%s: status %d, Content-Type %q; want %d, application/json", tc.path, rec.Code, rec.Header().Get("Content-Type"), tc.code)
		}
		rest := body
		for _, want := range tc.contains {
			i := strings.Index(rest, want)
			if i < 0 {
				t.Errorf("%s: lacks %s (in order) in\n%s", tc.path, want, body)
				break
			}
			rest = rest[i+len(want):]
		}
	}
}
