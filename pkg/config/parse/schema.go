package parse

import (
	"encoding/base64"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/sailmesh/sail/pkg/config"
)

// checker walks a decoded JSON-like tree against a protobuf message
// descriptor. It reports every unknown field, type mismatch and bad enum
// with its path and line, and returns the tree normalised to what protojson
// accepts (Go-style durations rewritten to seconds, NaN/Inf as strings).
type checker struct {
	errs config.ErrorList
	// pos records the line of every field path walked; nil when the input
	// has no lines (Decode).
	pos map[string]int
}

func (c *checker) at(path string, ln *lines) {
	if c.pos != nil && ln != nil {
		c.pos[path] = ln.at()
	}
}

func (c *checker) fail(path string, ln *lines, format string, args ...any) {
	c.errs = append(c.errs, &config.Error{Line: ln.at(), Field: path, Message: fmt.Sprintf(format, args...)})
}

func describe(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case string:
		return fmt.Sprintf("the string %q", t)
	case bool:
		return fmt.Sprintf("the boolean %t", t)
	default:
		return fmt.Sprintf("the number %v", t)
	}
}

// wellKnown handles the google.protobuf types whose JSON form is not an
// object of their fields. ok is false for ordinary messages.
func (c *checker) wellKnown(md protoreflect.MessageDescriptor, v any, ln *lines, path string) (out any, ok bool) {
	switch md.FullName() {
	case "google.protobuf.Duration":
		return c.duration(v, ln, path), true
	case "google.protobuf.Timestamp":
		s, isStr := v.(string)
		if !isStr {
			c.fail(path, ln, "expected a timestamp string (RFC 3339, e.g. \"2019-05-01T10:00:00Z\"), got %s", describe(v))
			return v, true
		}
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			c.fail(path, ln, "invalid timestamp %q: use RFC 3339, e.g. \"2019-05-01T10:00:00Z\"", s)
		}
		return v, true
	case "google.protobuf.Struct":
		if _, isMap := v.(map[string]any); !isMap {
			c.fail(path, ln, "expected an object, got %s", describe(v))
		}
		return c.jsonValue(v, ln, path), true
	case "google.protobuf.Value":
		return c.jsonValue(v, ln, path), true
	case "google.protobuf.ListValue":
		if _, isList := v.([]any); !isList {
			c.fail(path, ln, "expected a list, got %s", describe(v))
		}
		return c.jsonValue(v, ln, path), true
	case "google.protobuf.FieldMask":
		if _, isStr := v.(string); !isStr {
			c.fail(path, ln, "expected a field mask string, got %s", describe(v))
		}
		return v, true
	case "google.protobuf.Any":
		m, isMap := v.(map[string]any)
		if !isMap {
			c.fail(path, ln, "expected an object with \"@type\", got %s", describe(v))
		} else if _, has := m["@type"]; !has {
			c.fail(path, ln, "an Any value needs \"@type\"")
		}
		return v, true
	case "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value",
		"google.protobuf.UInt64Value", "google.protobuf.Int32Value", "google.protobuf.UInt32Value",
		"google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue":
		return c.scalar(md.Fields().ByName("value"), v, ln, path), true
	}
	return nil, false
}

// jsonValue accepts any JSON value, rewriting NaN and infinities, which JSON
// cannot carry.
func (c *checker) jsonValue(v any, ln *lines, path string) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = c.jsonValue(e, ln.child(k), path+"."+k)
		}
	case []any:
		for i, e := range t {
			t[i] = c.jsonValue(e, ln.item(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			c.fail(path, ln, "NaN and infinite numbers are not allowed here")
		}
	case uint64:
		return float64(t)
	}
	return v
}

func (c *checker) duration(v any, ln *lines, path string) any {
	s, isStr := v.(string)
	if !isStr {
		c.fail(path, ln, "expected a duration string with a unit, such as \"5s\" or \"100ms\", got %s", describe(v))
		return v
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		c.fail(path, ln, "invalid duration %q: use a number with a unit, such as \"5s\", \"1.5m\" or \"100ms\"", s)
		return v
	}
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "s"
}

func (c *checker) message(md protoreflect.MessageDescriptor, v any, ln *lines, path string) any {
	if out, ok := c.wellKnown(md, v, ln, path); ok {
		return out
	}
	obj, isMap := v.(map[string]any)
	if !isMap {
		c.fail(path, ln, "expected an object, got %s", describe(v))
		return v
	}
	fields := md.Fields()
	oneofSet := map[protoreflect.FullName]string{}
	for _, key := range sortedKeys(obj) {
		val := obj[key]
		fpath := joinPath(path, key)
		c.at(fpath, ln.child(key))
		fd := fields.ByJSONName(key)
		if fd == nil {
			fd = fields.ByTextName(key)
		}
		if fd == nil {
			c.fail(fpath, ln.child(key), "unknown field %q%s", key, suggest(key, fields))
			continue
		}
		if key != fd.JSONName() {
			// Written under its proto name: later checks name the field
			// by its JSON name.
			fpath = joinPath(path, fd.JSONName())
			c.at(fpath, ln.child(key))
		}
		if val == nil {
			continue
		}
		if od := fd.ContainingOneof(); od != nil && !od.IsSynthetic() {
			if other, dup := oneofSet[od.FullName()]; dup {
				c.fail(fpath, ln.child(key), "%q and %q are alternatives: set only one", other, key)
			}
			oneofSet[od.FullName()] = key
		}
		obj[key] = c.field(fd, val, ln.child(key), fpath)
	}
	return obj
}

func (c *checker) field(fd protoreflect.FieldDescriptor, v any, ln *lines, path string) any {
	switch {
	case fd.IsList():
		list, isList := v.([]any)
		if !isList {
			c.fail(path, ln, "expected a list, got %s", describe(v))
			return v
		}
		for i, e := range list {
			ipath := fmt.Sprintf("%s[%d]", path, i)
			c.at(ipath, ln.item(i))
			list[i] = c.single(fd, e, ln.item(i), ipath)
		}
		return list
	case fd.IsMap():
		m, isMap := v.(map[string]any)
		if !isMap {
			c.fail(path, ln, "expected an object (a map), got %s", describe(v))
			return v
		}
		for _, k := range sortedKeys(m) {
			kpath := mapKeyPath(path, fd.MapKey().Kind(), k)
			c.at(kpath, ln.child(k))
			c.mapKey(fd.MapKey(), k, ln.child(k), kpath)
			m[k] = c.single(fd.MapValue(), m[k], ln.child(k), kpath)
		}
		return m
	}
	return c.single(fd, v, ln, path)
}

func (c *checker) mapKey(fd protoreflect.FieldDescriptor, k string, ln *lines, path string) {
	var err error
	switch fd.Kind() {
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		_, err = strconv.ParseInt(k, 10, 32)
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		_, err = strconv.ParseInt(k, 10, 64)
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		_, err = strconv.ParseUint(k, 10, 32)
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		_, err = strconv.ParseUint(k, 10, 64)
	case protoreflect.BoolKind:
		_, err = strconv.ParseBool(k)
	}
	if err != nil {
		c.fail(path, ln, "map key %q must be a %s", k, fd.Kind())
	}
}

// single checks one value (not a list or map) of field fd.
func (c *checker) single(fd protoreflect.FieldDescriptor, v any, ln *lines, path string) any {
	if v == nil {
		if fd.Kind() == protoreflect.MessageKind && fd.Message().FullName() == "google.protobuf.Value" {
			return v
		}
		if fd.IsList() || fd.IsMap() {
			c.fail(path, ln, "null is not allowed in a list or map")
		}
		return v
	}
	if fd.Kind() == protoreflect.MessageKind || fd.Kind() == protoreflect.GroupKind {
		return c.message(fd.Message(), v, ln, path)
	}
	return c.scalar(fd, v, ln, path)
}

func (c *checker) scalar(fd protoreflect.FieldDescriptor, v any, ln *lines, path string) any {
	switch fd.Kind() {
	case protoreflect.BoolKind:
		if _, ok := v.(bool); !ok {
			c.fail(path, ln, "expected true or false, got %s", describe(v))
		}
	case protoreflect.StringKind:
		if _, ok := v.(string); !ok {
			c.fail(path, ln, "expected a string, got %s (quote it)", describe(v))
		}
	case protoreflect.BytesKind:
		s, ok := v.(string)
		if !ok {
			c.fail(path, ln, "expected base64-encoded bytes, got %s", describe(v))
		} else if _, err := base64.StdEncoding.DecodeString(s); err != nil {
			if _, err := base64.URLEncoding.DecodeString(s); err != nil {
				c.fail(path, ln, "invalid base64 data")
			}
		}
	case protoreflect.EnumKind:
		return c.enum(fd.Enum(), v, ln, path)
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		return c.float(v, ln, path)
	default:
		c.integer(fd.Kind(), v, ln, path)
	}
	return v
}

func (c *checker) enum(ed protoreflect.EnumDescriptor, v any, ln *lines, path string) any {
	values := ed.Values()
	switch t := v.(type) {
	case string:
		if values.ByName(protoreflect.Name(t)) != nil {
			return v
		}
		names := make([]string, values.Len())
		for i := range names {
			names[i] = string(values.Get(i).Name())
		}
		c.fail(path, ln, "invalid value %q: must be one of %s", t, strings.Join(names, ", "))
	case int64:
		if values.ByNumber(protoreflect.EnumNumber(t)) == nil || t != int64(int32(t)) {
			c.fail(path, ln, "invalid value %d for %s", t, ed.Name())
		}
	default:
		c.fail(path, ln, "expected one of the names of %s, got %s", ed.Name(), describe(v))
	}
	return v
}

func (c *checker) float(v any, ln *lines, path string) any {
	switch t := v.(type) {
	case float64:
		switch {
		case math.IsNaN(t):
			return "NaN"
		case math.IsInf(t, 1):
			return "Infinity"
		case math.IsInf(t, -1):
			return "-Infinity"
		}
	case int64, uint64:
	case string:
		if _, err := strconv.ParseFloat(t, 64); err != nil && t != "NaN" && t != "Infinity" && t != "-Infinity" {
			c.fail(path, ln, "expected a number, got %s", describe(v))
		}
	default:
		c.fail(path, ln, "expected a number, got %s", describe(v))
	}
	return v
}

func (c *checker) integer(kind protoreflect.Kind, v any, ln *lines, path string) {
	var lo, hi float64
	switch kind {
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		lo, hi = math.MinInt32, math.MaxInt32
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		lo, hi = 0, math.MaxUint32
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		lo, hi = math.MinInt64, math.MaxInt64
	default: // 64-bit unsigned
		lo, hi = 0, math.MaxUint64
	}
	var f float64
	switch t := v.(type) {
	case int64:
		f = float64(t)
	case uint64:
		f = float64(t)
	case float64:
		if t != math.Trunc(t) {
			c.fail(path, ln, "expected a whole number, got %v", t)
			return
		}
		f = t
	case string:
		n, err := strconv.ParseFloat(t, 64)
		if err != nil || n != math.Trunc(n) {
			c.fail(path, ln, "expected a whole number, got %s", describe(v))
			return
		}
		f = n
	default:
		c.fail(path, ln, "expected a whole number, got %s", describe(v))
		return
	}
	if f < lo || f > hi {
		c.fail(path, ln, "%v is out of range for a %s (%v to %v)", v, kind, lo, hi)
	}
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// suggest names the known field closest to a misspelled one, if any is close.
func suggest(key string, fields protoreflect.FieldDescriptors) string {
	best, bestDist := "", len(key)/3+2
	for i := range fields.Len() {
		name := fields.Get(i).JSONName()
		if d := distance(strings.ToLower(key), strings.ToLower(name)); d < bestDist {
			best, bestDist = name, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// distance is the Levenshtein edit distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// mapKeyPath formats a map entry's path: string keys quoted (`labels["app"]`),
// numeric and boolean keys bare (`portLevelMtls[8080]`).
func mapKeyPath(path string, kind protoreflect.Kind, key string) string {
	if kind == protoreflect.StringKind {
		return fmt.Sprintf("%s[%q]", path, key)
	}
	return fmt.Sprintf("%s[%s]", path, key)
}
