package crd

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema"

	"github.com/sailmesh/sail/pkg/config"
)

var update = flag.Bool("update", false, "rewrite install/kubernetes/crds from the registry")

const crdDir = "../../../install/kubernetes/crds"

// TestCommittedCRDsAreCurrent keeps the manifests users install in step
// with the registry: regenerate with `go test ./pkg/config/crd -update`.
func TestCommittedCRDsAreCurrent(t *testing.T) {
	crds, err := Generate(config.BuiltinRegistry())
	if err != nil {
		t.Fatal(err)
	}
	want, err := YAML(crds...)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(crdDir, "crds.yaml")
	if *update {
		if err := os.MkdirAll(crdDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (generate it with: go test ./pkg/config/crd -update)", err)
	}
	if string(got) != string(want) {
		t.Fatalf("%s is stale: regenerate with: go test ./pkg/config/crd -update", file)
	}
}

// TestSchemasAreStructural runs the API server's own structural-schema check
// on every version of every CRD.
func TestSchemasAreStructural(t *testing.T) {
	crds, err := Generate(config.BuiltinRegistry())
	if err != nil {
		t.Fatal(err)
	}
	if len(crds) != len(config.BuiltinRegistry().All()) {
		t.Fatalf("got %d CRDs for %d kinds", len(crds), len(config.BuiltinRegistry().All()))
	}
	for _, c := range crds {
		for _, v := range c.Spec.Versions {
			var internal apiextensions.JSONSchemaProps
			if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(v.Schema.OpenAPIV3Schema, &internal, nil); err != nil {
				t.Fatalf("%s/%s: %v", c.Name, v.Name, err)
			}
			s, err := schema.NewStructural(&internal)
			if err != nil {
				t.Fatalf("%s/%s: %v", c.Name, v.Name, err)
			}
			if errs := schema.ValidateStructural(nil, s); len(errs) > 0 {
				t.Errorf("%s/%s not structural: %v", c.Name, v.Name, errs.ToAggregate())
			}
		}
	}
}
