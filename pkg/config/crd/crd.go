// Package crd generates Kubernetes CustomResourceDefinitions, with OpenAPI v3
// schemas, from the kind registry and the kinds' protobuf descriptors, so
// that the CRDs and the parser can never disagree about a field.
//
// It owns only the translation; it holds no state and must not import any
// component.
package crd

import (
	"bytes"
	"fmt"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/sailmesh/sail/pkg/config"
)

// Generate returns one CRD per kind in reg, sorted as reg.All.
func Generate(reg *config.Registry) ([]*apiextensionsv1.CustomResourceDefinition, error) {
	var out []*apiextensionsv1.CustomResourceDefinition
	for _, k := range reg.All() {
		c, err := ForKind(k)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// ForKind returns the CRD for one kind: every served version, the first
// one stored, with the spec's schema and a status subresource.
func ForKind(k config.Kind) (*apiextensionsv1.CustomResourceDefinition, error) {
	spec, err := Schema(k.Spec.Descriptor())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", k.GroupKind(), err)
	}
	preserve := true
	root := apiextensionsv1.JSONSchemaProps{
		Type: "object",
		Properties: map[string]apiextensionsv1.JSONSchemaProps{
			"spec":   *spec,
			"status": {Type: "object", XPreserveUnknownFields: &preserve},
		},
	}
	scope := apiextensionsv1.NamespaceScoped
	if k.ClusterScoped {
		scope = apiextensionsv1.ClusterScoped
	}
	c := &apiextensionsv1.CustomResourceDefinition{
		TypeMeta: metav1.TypeMeta{APIVersion: "apiextensions.k8s.io/v1", Kind: "CustomResourceDefinition"},
		ObjectMeta: metav1.ObjectMeta{
			Name:   k.Plural + "." + k.Group,
			Labels: map[string]string{"app.kubernetes.io/part-of": "sail"},
		},
		Spec: apiextensionsv1.CustomResourceDefinitionSpec{
			Group: k.Group,
			Names: apiextensionsv1.CustomResourceDefinitionNames{
				Kind:       k.Kind,
				ListKind:   k.Kind + "List",
				Plural:     k.Plural,
				Singular:   strings.ToLower(k.Kind),
				ShortNames: k.ShortNames,
				Categories: k.Categories,
			},
			Scope: scope,
		},
	}
	for i, v := range k.Versions {
		c.Spec.Versions = append(c.Spec.Versions, apiextensionsv1.CustomResourceDefinitionVersion{
			Name:         v,
			Served:       true,
			Storage:      i == 0,
			Schema:       &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: root.DeepCopy()},
			Subresources: &apiextensionsv1.CustomResourceSubresources{Status: &apiextensionsv1.CustomResourceSubresourceStatus{}},
		})
	}
	return c, nil
}

// YAML renders CRDs as one multi-document YAML stream.
func YAML(crds ...*apiextensionsv1.CustomResourceDefinition) ([]byte, error) {
	var buf bytes.Buffer
	for i, c := range crds {
		data, err := yaml.Marshal(c)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.Name, err)
		}
		// Drop the status and creationTimestamp the API types always carry.
		data = bytes.Replace(data, []byte("  creationTimestamp: null\n"), nil, 1)
		if j := bytes.Index(data, []byte("\nstatus:\n")); j >= 0 {
			data = data[:j+1]
		}
		if i > 0 {
			buf.WriteString("---\n")
		}
		buf.Write(data)
	}
	return buf.Bytes(), nil
}
