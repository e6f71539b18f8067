package validation

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	networking "istio.io/api/networking/v1alpha3"

	clientpb "github.com/sailmesh/sail/api/mixer/v1/config/client"
	policypb "github.com/sailmesh/sail/api/policy/v1beta1"
	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/parse"
)

func TestSet(t *testing.T) {
	obj := func(kind, ns, name string, spec proto.Message, js string) *config.Object {
		o := newObject(t, kind, spec, js)
		o.Namespace, o.Name = ns, name
		return o
	}
	objs := []*config.Object{
		obj("handler", "istio-system", "quotahandler", &policypb.Handler{}, `{"compiledAdapter":"memquota"}`),
		obj("instance", "istio-system", "requestcount", &policypb.Instance{}, `{"compiledTemplate":"quota"}`),
		obj("handler", "default", "denier", &policypb.Handler{}, `{"compiledAdapter":"denier"}`),
		obj("instance", "default", "nothing", &policypb.Instance{}, `{"compiledTemplate":"checknothing"}`),
		obj("QuotaSpec", "istio-system", "request-count", &clientpb.QuotaSpec{}, `{"rules":[{"quotas":[{"quota":"requestcount","charge":1}]}]}`),
		obj("DestinationRule", "default", "reviews", &networking.DestinationRule{}, `{"host":"reviews","subsets":[{"name":"v1","labels":{"version":"v1"}}]}`),
		obj("DestinationRule", "default", "reviews", &networking.DestinationRule{}, `{"host":"reviews.default.svc.cluster.local","subsets":[{"name":"v2","labels":{"version":"v2"}}]}`),

		// Resolvable references: every form.
		obj("rule", "istio-system", "quota", &policypb.Rule{}, `{"actions":[{"handler":"quotahandler","instances":["requestcount","requestcount.istio-system","requestcount.instance.istio-system"]}]}`),
		obj("rule", "default", "deny", &policypb.Rule{}, `{"actions":[{"handler":"quotahandler.handler.istio-system","instances":["nothing"]}]}`),
		obj("QuotaSpecBinding", "istio-system", "bind", &clientpb.QuotaSpecBinding{}, `{"services":[{"name":"productpage"}],"quotaSpecs":[{"name":"request-count"}]}`),
		obj("VirtualService", "default", "reviews", &networking.VirtualService{}, `{"hosts":["reviews"],"http":[{"route":[
			{"destination":{"host":"reviews","subset":"v1"},"weight":50},{"destination":{"host":"reviews.default.svc.cluster.local","subset":"v2"},"weight":50}]}]}`),
		obj("VirtualService", "default", "ratings", &networking.VirtualService{}, `{"hosts":["ratings"],"http":[{"route":[{"destination":{"host":"ratings","subset":"v9"}}]}]}`),

		// Broken references.
		obj("rule", "default", "broken", &policypb.Rule{}, `{"actions":[{"handler":"missing","instances":["nothing","quotahandler.handler.istio-system","requestcount","a.b.c.d"]}]}`),
		obj("QuotaSpecBinding", "default", "broken", &clientpb.QuotaSpecBinding{}, `{"services":[{"name":"productpage"}],"quotaSpecs":[{"name":"request-count"}]}`),
		obj("VirtualService", "default", "broken", &networking.VirtualService{}, `{"hosts":["reviews"],"http":[{"route":[{"destination":{"host":"reviews","subset":"v3"}}],"mirror":{"host":"reviews","subset":"v4"}}]}`),
	}
	v := New(Options{})
	byObject := v.SetByObject(objs)
	if len(byObject) != len(objs) {
		t.Fatalf("SetByObject returned %d lists for %d objects", len(byObject), len(objs))
	}
	for i, o := range objs[:12] {
		for _, e := range byObject[i] {
			t.Errorf("%s: unexpected error %v", o.Key(), e)
		}
	}
	checkErrors(t, byObject[12], "rule/default/broken", []string{
		`spec.actions[0].handler: handler "missing" not found: no handler missing in namespace default`,
		`spec.actions[0].instances[1]: "quotahandler.handler.istio-system" names a handler, not an instance`,
		`spec.actions[0].instances[2]: instance "requestcount" not found: no instance requestcount in namespace default`,
		`spec.actions[0].instances[3]: "a.b.c.d" is not an instance reference`,
	})
	checkErrors(t, byObject[13], "QuotaSpecBinding/default/broken", []string{
		`spec.quotaSpecs[0].name: QuotaSpec "request-count" not found: no QuotaSpec request-count in namespace default`,
	})
	checkErrors(t, byObject[14], "VirtualService/default/broken", []string{
		`spec.http[0].route[0].destination.subset: subset "v3" is not defined by the DestinationRule for host reviews in this input (it defines v1, v2)`,
		`spec.http[0].mirror.subset: subset "v4" is not defined`,
	})
	if n := len(v.Set(objs)); n != 7 {
		t.Errorf("Set returned %d errors, want 7", n)
	}
}

// TestSamples checks that every configuration object under samples/ parses
// and validates clean, alone and together.
func TestSamples(t *testing.T) {
	root := filepath.Join("..", "..", "..", "samples")
	p := parse.New(config.BuiltinRegistry(), parse.Options{})
	v := New(Options{})
	var all []*config.Object
	files := 0
	err := filepath.WalkDir(root, func(f string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(f, ".yaml") || strings.HasSuffix(f, ".yml")) {
			return err
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if !strings.Contains(string(data), "apiVersion:") {
			return nil // not configuration objects (e.g. samples/mesh/mesh.yaml)
		}
		files++
		objs, perrs := p.Parse(f, data)
		for _, e := range perrs {
			t.Errorf("parse: %v", e)
		}
		for _, o := range objs {
			for _, e := range v.Object(o) {
				t.Errorf("%s: %v", f, e)
			}
		}
		all = append(all, objs...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range v.Set(all) {
		t.Errorf("set: %v", e)
	}
	if files == 0 || len(all) == 0 {
		t.Fatalf("no samples found under %s", root)
	}
	t.Logf("%d files, %d objects", files, len(all))
}
