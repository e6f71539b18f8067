package parse

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"sigs.k8s.io/yaml"

	"github.com/sailmesh/sail/pkg/config"
)

// ToMap returns obj as a Kubernetes-style JSON tree: apiVersion, kind,
// metadata and spec, the spec in protojson's form (lowerCamelCase names).
func ToMap(obj *config.Object) (map[string]any, error) {
	meta := map[string]any{"name": obj.Name}
	if obj.Namespace != "" {
		meta["namespace"] = obj.Namespace
	}
	if len(obj.Labels) > 0 {
		meta["labels"] = stringsToAny(obj.Labels)
	}
	if len(obj.Annotations) > 0 {
		meta["annotations"] = stringsToAny(obj.Annotations)
	}
	if obj.ResourceVersion != "" {
		meta["resourceVersion"] = obj.ResourceVersion
	}
	if obj.Generation != 0 {
		meta["generation"] = obj.Generation
	}
	if obj.UID != "" {
		meta["uid"] = obj.UID
	}
	if !obj.CreationTimestamp.IsZero() {
		meta["creationTimestamp"] = obj.CreationTimestamp.UTC().Format(time.RFC3339)
	}
	out := map[string]any{
		"apiVersion": obj.GVK.APIVersion(),
		"kind":       obj.GVK.Kind,
		"metadata":   meta,
	}
	if obj.Spec != nil {
		data, err := protojson.Marshal(obj.Spec)
		if err != nil {
			return nil, fmt.Errorf("%s: encoding spec: %w", obj.Key(), err)
		}
		var spec map[string]any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&spec); err != nil {
			return nil, fmt.Errorf("%s: encoding spec: %w", obj.Key(), err)
		}
		out["spec"] = copyJSON(spec)
	}
	return out, nil
}

// Marshal encodes objects as a multi-document YAML stream.
func Marshal(objs ...*config.Object) ([]byte, error) {
	var buf bytes.Buffer
	for i, o := range objs {
		m, err := ToMap(o)
		if err != nil {
			return nil, err
		}
		data, err := yaml.Marshal(m)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", o.Key(), err)
		}
		if i > 0 {
			buf.WriteString("---\n")
		}
		buf.Write(data)
	}
	return buf.Bytes(), nil
}

func stringsToAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
