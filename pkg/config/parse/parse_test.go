package parse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	networking "istio.io/api/networking/v1alpha3"

	"github.com/sailmesh/sail/pkg/config"
)

func newParser(t testing.TB) *Parser {
	t.Helper()
	reg, err := config.NewRegistry(config.IstioKinds()...)
	if err != nil {
		t.Fatal(err)
	}
	return New(reg, Options{})
}

const vsHeader = "apiVersion: networking.istio.io/v1alpha3\nkind: VirtualService\nmetadata:\n  name: reviews\n"

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // each a substring of one error, in order
	}{
		{"misspelled field", vsHeader + "spec:\n  hostz: [reviews]\n",
			[]string{`f.yaml:6: VirtualService/default/reviews: spec.hostz: unknown field "hostz" (did you mean "hosts"?)`}},
		{"unknown envelope field", vsHeader + "specs: {}\n", []string{`f.yaml:5: VirtualService/default/reviews: specs: unknown field "specs"`}},
		{"nested unknown field", vsHeader + "spec:\n  http:\n  - route:\n    - destination: {host: r, subsett: v1}\n",
			[]string{`spec.http[0].route[0].destination.subsett: unknown field "subsett" (did you mean "subset"?)`}},
		{"wrong scalar type", vsHeader + "spec:\n  hosts: reviews\n", []string{"spec.hosts: expected a list, got the string \"reviews\""}},
		{"number for string", vsHeader + "spec:\n  hosts: [1]\n", []string{"spec.hosts[0]: expected a string, got the number 1 (quote it)"}},
		{"duration without unit", vsHeader + "spec:\n  http:\n  - timeout: 5\n", []string{"spec.http[0].timeout: expected a duration string"}},
		{"bad duration", vsHeader + "spec:\n  http:\n  - timeout: abc\n", []string{`spec.http[0].timeout: invalid duration "abc"`}},
		{"bad enum", "apiVersion: networking.istio.io/v1alpha3\nkind: DestinationRule\nmetadata: {name: r}\nspec:\n  host: r\n  trafficPolicy: {tls: {mode: MUTUALS}}\n",
			[]string{`spec.trafficPolicy.tls.mode: invalid value "MUTUALS": must be one of DISABLE, SIMPLE, MUTUAL, ISTIO_MUTUAL`}},
		{"oneof twice", vsHeader + "spec:\n  http:\n  - match:\n    - uri: {exact: /a, prefix: /b}\n",
			[]string{`spec.http[0].match[0].uri.prefix: "exact" and "prefix" are alternatives: set only one`}},
		{"integer out of range", vsHeader + "spec:\n  http:\n  - route:\n    - destination: {host: r}\n      weight: 3000000000\n",
			[]string{"spec.http[0].route[0].weight: 3000000000 is out of range for a int32"}},
		{"unknown kind", "apiVersion: networking.istio.io/v1alpha3\nkind: VirtualServise\nmetadata: {name: a}\n", []string{`kind: unknown kind "VirtualServise" in networking.istio.io`}},
		{"unknown version", "apiVersion: networking.istio.io/v2\nkind: VirtualService\nmetadata: {name: a}\n", []string{`apiVersion: VirtualService.networking.istio.io is not served at version "v2"`}},
		{"unknown group", "apiVersion: example.com/v1\nkind: Thing\nmetadata: {name: a}\n", []string{`apiVersion: unknown API group "example.com"`}},
		{"missing name", "apiVersion: networking.istio.io/v1alpha3\nkind: VirtualService\nmetadata: {namespace: x}\n", []string{"metadata.name: name is required"}},
		{"label not a string", vsHeader + "  labels: {version: 1}\n", []string{`metadata.labels["version"]: expected a string, got the number 1 (quote it)`}},
		{"not an object", "- a\n- b\n", []string{"f.yaml:1: a document must be an object"}},
		{"not config", "trustDomain: cluster.local\n", []string{"not a configuration object"}},
		{"yaml syntax", "a: [\n", []string{"f.yaml:1: invalid YAML"}},
		{"duplicate key", vsHeader + "spec:\n  hosts: [a]\n  hosts: [b]\n", []string{`f.yaml:7: invalid YAML: duplicate key "hosts"`}},
		{"duplicate object", vsHeader + "spec: {hosts: [a]}\n---\n" + vsHeader + "spec: {hosts: [b]}\n",
			[]string{"f.yaml:7: VirtualService/default/reviews: duplicate object: already defined at line 1"}},
		{"bad doc among good", vsHeader + "spec: {hosts: [a]}\n---\n: x: [\n---\n" + strings.Replace(vsHeader, "reviews", "ratings", 1) + "spec: {hosts: [b]}\n",
			[]string{"f.yaml:7: invalid YAML"}},
		{"json input", `{"apiVersion": "networking.istio.io/v1alpha3", "kind": "Gateway", "metadata": {"name": "g"}, "spec": {"servers": [{"port": {"number": "x"}}]}}`,
			[]string{`spec.servers[0].port.number: expected a whole number, got the string "x"`}},
	}
	p := newParser(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := p.Parse("f.yaml", []byte(tt.in))
			if len(errs) != len(tt.want) {
				t.Fatalf("got %d errors, want %d:\n%v", len(errs), len(tt.want), errs)
			}
			for i, w := range tt.want {
				if !strings.Contains(errs[i].Error(), w) {
					t.Errorf("error %d:\n got %s\nwant %s", i, errs[i], w)
				}
			}
		})
	}
}

func TestParseValues(t *testing.T) {
	in := vsHeader + `  namespace: bookinfo
  labels: {app: reviews}
spec:
  hosts: [reviews]
  http:
  - match:
    - headers:
        end-user: {exact: jason}
    route:
    - destination: {host: reviews, subset: v2}
      weight: 75
    - destination: {host: reviews, subset: v1}
      weight: 25
    timeout: 1.5m
    retries: {attempts: 3, perTryTimeout: 100ms}
    fault:
      delay: {fixedDelay: 7s, percentage: {value: 12.5}}
`
	p := newParser(t)
	objs, errs := p.Parse("f.yaml", []byte(in))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(objs) != 1 {
		t.Fatalf("got %d objects", len(objs))
	}
	o := objs[0]
	if o.Key().String() != "VirtualService/bookinfo/reviews" || o.Labels["app"] != "reviews" {
		t.Errorf("meta: %+v", o.Meta)
	}
	vs := o.Spec.(*networking.VirtualService)
	h := vs.Http[0]
	if h.Timeout.AsDuration().Seconds() != 90 || h.Retries.PerTryTimeout.AsDuration().Milliseconds() != 100 {
		t.Errorf("durations: %v %v", h.Timeout, h.Retries.PerTryTimeout)
	}
	if h.Route[0].Weight != 75 || h.Match[0].Headers["end-user"].GetExact() != "jason" {
		t.Errorf("route: %v", h)
	}
	if h.Fault.Delay.Percentage.Value != 12.5 || h.Fault.Delay.GetFixedDelay().AsDuration().Seconds() != 7 {
		t.Errorf("fault: %v", h.Fault)
	}
}

func TestDefaultNamespace(t *testing.T) {
	reg, _ := config.NewRegistry(config.IstioKinds()...)
	objs, errs := New(reg, Options{DefaultNamespace: "team-a"}).Parse("f", []byte(vsHeader+"spec: {hosts: [a]}\n"))
	if len(errs) > 0 || objs[0].Namespace != "team-a" {
		t.Fatalf("%v %v", objs, errs)
	}
}

func TestListKind(t *testing.T) {
	in := "apiVersion: v1\nkind: List\nitems:\n- " + strings.ReplaceAll(vsHeader, "\n", "\n  ") + "spec: {hosts: [a]}\n- {apiVersion: networking.istio.io/v1, kind: Gateway, metadata: {name: g}, spec: {selektor: {}}}\n"
	objs, errs := newParser(t).Parse("f", []byte(in))
	if len(objs) != 1 || len(errs) != 1 || !strings.Contains(errs[0].Error(), `items[1].spec.selektor: unknown field`) {
		t.Fatalf("objs %v errs %v", objs, errs)
	}
}

// TestRoundTrip parses every sample, marshals it and parses it again: the
// objects must come back equal.
func TestRoundTrip(t *testing.T) {
	p := newParser(t)
	files, _ := filepath.Glob("../../../samples/*/networking/*.yaml")
	more, _ := filepath.Glob("../../../samples/*/*.yaml")
	files = append(files, more...)
	n := 0
	for _, f := range files {
		if strings.Contains(f, "/mesh/") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		objs, errs := p.Parse(f, data)
		if len(errs) > 0 {
			t.Errorf("%s: %v", f, errs)
			continue
		}
		out, err := Marshal(objs...)
		if err != nil {
			t.Fatal(err)
		}
		again, errs := p.Parse(f+" (re-encoded)", out)
		if len(errs) > 0 || len(again) != len(objs) {
			t.Fatalf("%s: re-parse: %v\n%s", f, errs, out)
		}
		for i := range objs {
			if !config.SameContent(objs[i], again[i]) {
				t.Errorf("%s: %s changed in a round trip", f, objs[i].Key())
			}
			n++
		}
	}
	if n < 20 {
		t.Errorf("only %d sample objects found; samples missing?", n)
	}
}

func TestDecode(t *testing.T) {
	p := newParser(t)
	doc := map[string]any{"apiVersion": "networking.istio.io/v1beta1", "kind": "DestinationRule",
		"metadata": map[string]any{"name": "r", "namespace": "ns", "resourceVersion": "42"},
		"spec":     map[string]any{"host": "r", "subsets": []any{map[string]any{"name": "v1", "labels": map[string]any{"version": "v1"}}}}}
	o, errs := p.Decode(doc)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if o.ResourceVersion != "42" || o.GVK.Version != "v1beta1" {
		t.Errorf("meta %+v", o.Meta)
	}
	// Decode must not change its input.
	if doc["spec"].(map[string]any)["host"] != "r" {
		t.Error("input modified")
	}
	m, err := ToMap(o)
	if err != nil {
		t.Fatal(err)
	}
	back, errs := p.Decode(m)
	if len(errs) > 0 || !proto.Equal(back.Spec, o.Spec) || back.ResourceVersion != "42" {
		t.Fatalf("round trip: %v %v", back, errs)
	}
}

func TestOrigin(t *testing.T) {
	in := "# comment\n" + vsHeader + "  labels: {app: r}\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n    - destination: {host: reviews}\n      weight: 100\n---\n" +
		"apiVersion: v1\nkind: List\nitems:\n- apiVersion: networking.istio.io/v1\n  kind: Gateway\n  metadata: {name: g}\n  spec:\n    servers: []\n"
	objs, errs := newParser(t).Parse("f.yaml", []byte(in))
	if len(errs) > 0 || len(objs) != 2 {
		t.Fatalf("%v %v", objs, errs)
	}
	o := objs[0].Origin
	tests := map[string]int{
		"":                                  2,
		`metadata.labels["app"]`:            6,
		"spec.hosts[0]":                     8,
		"spec.http[0].route[0].weight":      12,
		"spec.http[0].route[0].destination": 11,
		"spec.http[0].timeout":              10, // not written: the http[0] item
	}
	for field, want := range tests {
		if got := o.LineOf(field); got != want {
			t.Errorf("LineOf(%q) = %d, want %d", field, got, want)
		}
	}
	if o.File != "f.yaml" {
		t.Errorf("file %q", o.File)
	}
	if g := objs[1].Origin; g.Line != 17 || g.LineOf("spec.servers") != 21 {
		t.Errorf("list item origin: line %d, spec.servers %d", g.Line, g.LineOf("spec.servers"))
	}
	d, _ := newParser(t).Decode(map[string]any{"apiVersion": "networking.istio.io/v1", "kind": "Gateway", "metadata": map[string]any{"name": "g"}})
	if d.Origin != nil {
		t.Error("a decoded map has no origin")
	}
}
