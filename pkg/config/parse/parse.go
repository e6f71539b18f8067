package parse

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/sailmesh/sail/pkg/config"
)

// Options configure a Parser.
type Options struct {
	// DefaultNamespace is given to namespaced objects that name none;
	// "default" when empty.
	DefaultNamespace string
}

// Parser decodes configuration objects of the kinds in its registry. It is
// safe for concurrent use.
type Parser struct {
	reg *config.Registry
	ns  string
}

// New returns a parser for the kinds in reg.
func New(reg *config.Registry, opts Options) *Parser {
	ns := opts.DefaultNamespace
	if ns == "" {
		ns = "default"
	}
	return &Parser{reg: reg, ns: ns}
}

var docSeparator = regexp.MustCompile(`^---(\s.*)?$`)

// chunk is one YAML document of a stream and the line it starts on.
type chunk struct {
	text   []byte
	offset int // lines before the chunk
}

// split cuts a YAML stream into documents at "---" lines, so that a syntax
// error in one document does not hide the others.
func split(data []byte) []chunk {
	var out []chunk
	start, startLine := 0, 0
	line := 0
	for pos := 0; pos < len(data); {
		end := bytes.IndexByte(data[pos:], '\n')
		next := len(data)
		if end >= 0 {
			next = pos + end + 1
		}
		if docSeparator.Match(bytes.TrimRight(data[pos:next], "\r\n")) {
			out = append(out, chunk{data[start:pos], startLine})
			start, startLine = next, line+1
		}
		line++
		pos = next
	}
	return append(out, chunk{data[start:], startLine})
}

// Parse decodes every object in a YAML or JSON stream. file names the source
// in errors. Objects that decode cleanly are returned even when others fail;
// callers that need all-or-nothing treat any error as failure of the whole
// input.
func (p *Parser) Parse(file string, data []byte) ([]*config.Object, config.ErrorList) {
	var objs []*config.Object
	var errs config.ErrorList
	seen := map[config.Key]int{}
	for _, ch := range split(data) {
		if len(bytes.TrimSpace(ch.text)) == 0 {
			continue
		}
		var n yaml.Node
		if err := yaml.Unmarshal(ch.text, &n); err != nil {
			errs = append(errs, &config.Error{File: file, Line: yamlErrorLine(err, ch.offset),
				Message: "invalid YAML: " + cleanYAMLError(err)})
			continue
		}
		b := &treeBuilder{offset: ch.offset}
		tree, ln, err := b.build(&n)
		if err != nil {
			errs = append(errs, &config.Error{File: file, Line: yamlErrorLine(err, 0),
				Message: "invalid YAML: " + cleanYAMLError(err)})
			continue
		}
		if tree == nil {
			continue // an empty document, e.g. only comments
		}
		docObjs, docErrs := p.decode(file, tree, ln, "")
		errs = append(errs, docErrs.At(file, 0, "")...)
		for _, o := range docObjs {
			line := ln.at()
			if prev, dup := seen[o.Key()]; dup {
				errs = append(errs, &config.Error{File: file, Line: line, Object: o.Key().String(),
					Message: fmt.Sprintf("duplicate object: already defined at line %d", prev)})
				continue
			}
			seen[o.Key()] = line
			objs = append(objs, o)
		}
	}
	return objs, errs.Sorted()
}

var yamlNoise = regexp.MustCompile(`(yaml: )?(unmarshal errors:\s*)?line \d+: ?`)

// cleanYAMLError drops the parts of a YAML error that the Error's own file
// and line already say.
func cleanYAMLError(err error) string {
	return strings.TrimSpace(yamlNoise.ReplaceAllString(err.Error(), ""))
}

// Decode decodes one object from an already-decoded JSON tree, such as a
// Kubernetes unstructured object. Field errors carry no file or line.
func (p *Parser) Decode(doc map[string]any) (*config.Object, config.ErrorList) {
	objs, errs := p.decode("", deepCopyJSON(doc), nil, "")
	if len(errs) > 0 {
		return nil, errs
	}
	if len(objs) != 1 {
		return nil, config.ErrorList{{Message: fmt.Sprintf("expected one object, got %d", len(objs))}}
	}
	return objs[0], nil
}

var envelopeFields = []string{"apiVersion", "kind", "metadata", "spec", "status"}

// decode turns one document (an object or a v1 List of objects) into
// objects. path prefixes field paths for list items.
func (p *Parser) decode(file string, tree any, ln *lines, path string) ([]*config.Object, config.ErrorList) {
	doc, ok := tree.(map[string]any)
	if !ok {
		return nil, config.ErrorList{{Line: ln.at(), Field: path,
			Message: "a document must be an object with apiVersion, kind, metadata and spec, got " + describe(tree)}}
	}
	apiVersion, _ := doc["apiVersion"].(string)
	kind, _ := doc["kind"].(string)
	if apiVersion == "v1" && kind == "List" {
		return p.decodeList(file, doc, ln, path)
	}
	obj, errs := p.decodeObject(file, doc, ln, path)
	if obj == nil {
		return nil, errs
	}
	return []*config.Object{obj}, errs
}

func (p *Parser) decodeList(file string, doc map[string]any, ln *lines, path string) ([]*config.Object, config.ErrorList) {
	var errs config.ErrorList
	items, ok := doc["items"].([]any)
	if !ok && doc["items"] != nil {
		return nil, config.ErrorList{{Line: ln.child("items").at(), Field: joinPath(path, "items"), Message: "expected a list of objects"}}
	}
	var objs []*config.Object
	for i, item := range items {
		o, e := p.decode(file, item, ln.child("items").item(i), fmt.Sprintf("%s[%d]", joinPath(path, "items"), i))
		objs = append(objs, o...)
		errs = append(errs, e...)
	}
	return objs, errs
}

func (p *Parser) decodeObject(file string, doc map[string]any, ln *lines, path string) (*config.Object, config.ErrorList) {
	c := &checker{}
	if ln != nil {
		c.pos = map[string]int{}
		for _, key := range sortedKeys(doc) {
			c.at(joinPath(path, key), ln.child(key))
		}
	}
	fail := func(field, format string, args ...any) {
		c.fail(joinPath(path, field), ln.child(strings.SplitN(field, ".", 2)[0]), format, args...)
	}
	if doc["apiVersion"] == nil && doc["kind"] == nil {
		c.fail(path, ln, "not a configuration object: apiVersion and kind are missing (is this a mesh config or another file?)")
		return nil, c.errs
	}
	for _, key := range sortedKeys(doc) {
		if !contains(envelopeFields, key) {
			fail(key, "unknown field %q: an object has only apiVersion, kind, metadata, spec and status", key)
		}
	}
	apiVersion, ok1 := doc["apiVersion"].(string)
	kind, ok2 := doc["kind"].(string)
	if !ok1 || apiVersion == "" {
		fail("apiVersion", "apiVersion is required (e.g. networking.istio.io/v1alpha3)")
	}
	if !ok2 || kind == "" {
		fail("kind", "kind is required")
	}
	if len(c.errs) > 0 && (!ok1 || !ok2) {
		return nil, c.errs
	}
	k, gvk, err := p.reg.Resolve(apiVersion, kind)
	if err != nil {
		field := "kind"
		if strings.Contains(err.Error(), "apiVersion") || strings.Contains(err.Error(), "group") || strings.Contains(err.Error(), "version") {
			field = "apiVersion"
		}
		fail(field, "%v", err)
		return nil, c.errs.At("", 0, p.looseKey(kind, doc["metadata"]))
	}
	obj := &config.Object{Meta: config.Meta{GVK: gvk}}
	p.metadata(c, obj, k, doc["metadata"], ln.child("metadata"), joinPath(path, "metadata"))
	key := obj.Key().String()
	spec := k.NewSpec()
	if raw, has := doc["spec"]; has && raw != nil {
		before := len(c.errs)
		norm := c.message(spec.ProtoReflect().Descriptor(), raw, ln.child("spec"), joinPath(path, "spec"))
		if len(c.errs) == before {
			data, err := json.Marshal(norm)
			if err == nil {
				err = protojson.UnmarshalOptions{}.Unmarshal(data, spec)
			}
			if err != nil {
				fail("spec", "%s", strings.TrimPrefix(err.Error(), "proto: "))
			}
		}
	}
	obj.Spec = spec
	if len(c.errs) > 0 {
		return nil, c.errs.At("", 0, key)
	}
	if c.pos != nil {
		// Field paths of list items carry the list's prefix; the origin
		// speaks of the object's own paths.
		fields := make(map[string]int, len(c.pos))
		for f, l := range c.pos {
			fields[strings.TrimPrefix(strings.TrimPrefix(f, path), ".")] = l
		}
		obj.Origin = config.NewOrigin(file, ln.at(), fields)
	}
	return obj, nil
}

// looseKey names an object whose kind did not resolve, as far as its
// document says, so that errors about it still say which object it is.
func (p *Parser) looseKey(kind string, metadata any) string {
	md, _ := metadata.(map[string]any)
	name, _ := md["name"].(string)
	if name == "" {
		return ""
	}
	ns, _ := md["namespace"].(string)
	if ns == "" {
		ns = p.ns
	}
	return config.Key{GroupKind: config.GroupKind{Kind: kind}, Namespace: ns, Name: name}.String()
}

var metadataFields = []string{"name", "namespace", "labels", "annotations", "resourceVersion", "generation", "uid", "creationTimestamp"}

// metadataIgnored are fields Kubernetes writes that Sail does not keep; they
// are accepted so that the output of kubectl get -o yaml applies unchanged.
var metadataIgnored = []string{"managedFields", "ownerReferences", "finalizers", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds"}

func (p *Parser) metadata(c *checker, obj *config.Object, k config.Kind, raw any, ln *lines, path string) {
	md, ok := raw.(map[string]any)
	if !ok {
		c.fail(path, ln, "metadata is required and must be an object with at least a name")
		return
	}
	for _, key := range sortedKeys(md) {
		c.at(joinPath(path, key), ln.child(key))
		if !contains(metadataFields, key) && !contains(metadataIgnored, key) {
			hint := ""
			if key == "generateName" {
				hint = ": give the object a name"
			}
			c.fail(joinPath(path, key), ln.child(key), "unsupported metadata field %q%s", key, hint)
		}
	}
	str := func(key string) string {
		v, has := md[key]
		if !has || v == nil {
			return ""
		}
		s, ok := v.(string)
		if !ok {
			c.fail(joinPath(path, key), ln.child(key), "expected a string, got %s", describe(v))
		}
		return s
	}
	obj.Name = str("name")
	if obj.Name == "" {
		c.fail(joinPath(path, "name"), ln, "name is required")
	}
	obj.Namespace = str("namespace")
	switch {
	case k.ClusterScoped && obj.Namespace != "":
		c.fail(joinPath(path, "namespace"), ln.child("namespace"), "%s is cluster-scoped and takes no namespace", k.Kind)
	case !k.ClusterScoped && obj.Namespace == "":
		obj.Namespace = p.ns
	}
	obj.ResourceVersion = str("resourceVersion")
	obj.UID = str("uid")
	if ts := str("creationTimestamp"); ts != "" {
		t, err := time.Parse(time.RFC3339, ts)
		if err != nil {
			c.fail(joinPath(path, "creationTimestamp"), ln.child("creationTimestamp"), "invalid timestamp %q", ts)
		}
		obj.CreationTimestamp = t
	}
	if g, has := md["generation"]; has && g != nil {
		n, ok := g.(int64)
		if !ok {
			c.fail(joinPath(path, "generation"), ln.child("generation"), "expected a whole number, got %s", describe(g))
		}
		obj.Generation = n
	}
	obj.Labels = stringMap(c, md["labels"], ln.child("labels"), joinPath(path, "labels"))
	obj.Annotations = stringMap(c, md["annotations"], ln.child("annotations"), joinPath(path, "annotations"))
}

func stringMap(c *checker, raw any, ln *lines, path string) map[string]string {
	if raw == nil {
		return nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		c.fail(path, ln, "expected an object of strings, got %s", describe(raw))
		return nil
	}
	out := make(map[string]string, len(m))
	for _, k := range sortedKeys(m) {
		c.at(fmt.Sprintf("%s[%q]", path, k), ln.child(k))
		s, ok := m[k].(string)
		if !ok {
			c.fail(fmt.Sprintf("%s[%q]", path, k), ln.child(k), "expected a string, got %s (quote it)", describe(m[k]))
			continue
		}
		out[k] = s
	}
	return out
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// deepCopyJSON copies a JSON-like tree, since decoding normalises in place.
func deepCopyJSON(v any) map[string]any {
	c, _ := copyJSON(v).(map[string]any)
	return c
}

func copyJSON(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = copyJSON(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = copyJSON(e)
		}
		return out
	case int:
		return int64(t)
	case int32:
		return int64(t)
	case float32:
		return float64(t)
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	}
	return v
}
