package route

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	networking "istio.io/api/networking/v1alpha3"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/mesh"
	"github.com/sailmesh/sail/pkg/config/parse"
	"github.com/sailmesh/sail/pkg/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

const samples = "../../../../samples/bookinfo/networking"

func fqdn(name string) string { return name + ".default.svc.cluster.local" }

func httpPort(n uint32) model.Port { return model.Port{Name: "http", Number: n, Protocol: model.HTTP} }

func service(name, vip string, ports ...model.Port) *model.Service {
	return &model.Service{Hostname: fqdn(name), Namespace: "default", Address: vip, Ports: ports,
		Attributes: model.Attributes{Name: name, Namespace: "default"}}
}

// bookinfo is the BookInfo services, every one on 9080 "http".
func bookinfo() []*model.Service {
	return []*model.Service{
		service("productpage", "10.0.0.10", httpPort(9080)),
		service("details", "10.0.0.11", httpPort(9080)),
		service("reviews", "10.0.0.12", httpPort(9080)),
		service("ratings", "10.0.0.13", httpPort(9080)),
	}
}

func proxyIn(ns string, labels map[string]string) *model.Proxy {
	return &model.Proxy{Type: model.SidecarProxy, IPAddresses: []string{"10.1.0.1"}, ID: "pod." + ns,
		DNSDomain: ns + ".svc.cluster.local", Namespace: ns, Labels: labels}
}

func productpageProxy() *model.Proxy {
	return proxyIn("default", map[string]string{"app": "productpage", "version": "v1"})
}

// load parses sample files.
func load(t *testing.T, files ...string) []*config.Object {
	t.Helper()
	p := parse.New(config.BuiltinRegistry(), parse.Options{})
	var out []*config.Object
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(samples, f))
		if err != nil {
			t.Fatal(err)
		}
		objs, errs := p.Parse(f, data)
		if err := errs.Err(); err != nil {
			t.Fatal(err)
		}
		out = append(out, objs...)
	}
	return out
}

func vsObj(ns, name string, vs *networking.VirtualService) *config.Object {
	return &config.Object{Meta: config.Meta{Name: name, Namespace: ns}, Spec: vs}
}

func drObj(ns, name string, dr *networking.DestinationRule) *config.Object {
	return &config.Object{Meta: config.Meta{Name: name, Namespace: ns}, Spec: dr}
}

// build builds RDS 9080 and checks it passes Validate.
func build(t *testing.T, in Inputs, proxy *model.Proxy) *routev3.RouteConfiguration {
	t.Helper()
	if in.Services == nil {
		in.Services = bookinfo()
	}
	if in.Mesh.TrustDomain == "" {
		in.Mesh = mesh.Default()
	}
	rc, err := BuildSidecarOutbound(in, proxy, 9080)
	if err != nil {
		t.Fatal(err)
	}
	if err := rc.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	return rc
}

func vhostOf(t *testing.T, rc *routev3.RouteConfiguration, name string) *routev3.VirtualHost {
	t.Helper()
	for _, vh := range rc.GetVirtualHosts() {
		if vh.GetName() == name {
			return vh
		}
	}
	t.Fatalf("no virtual host %q", name)
	return nil
}

// checkGolden compares rc, as indented JSON, with testdata/<name>.json.
func checkGolden(t *testing.T, name string, rc *routev3.RouteConfiguration) {
	t.Helper()
	golden.Compare(t, filepath.Join("testdata", name+".json"), *update, golden.ProtoJSON(t, rc))
}
