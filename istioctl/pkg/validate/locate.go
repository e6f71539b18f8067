package validate

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// region is the part of a file that holds one object (one YAML document,
// or one item of a v1 List): where it starts and ends, what it says it is,
// and its YAML tree for finding the line of a field.
type region struct {
	start, end int // 1-based lines, inclusive
	// key is "Kind/namespace/name" as far as the document says; empty when
	// it cannot be read.
	key   string
	node  *yaml.Node // the object's mapping; nil when the YAML is broken
	line0 int        // offset of the document's lines within the file
}

var docSeparator = regexp.MustCompile(`^---(\s.*)?$`)

// locate cuts a file into regions, one per object, the way the parser cuts
// it into documents, so that errors can be matched to the object they are
// about and fields to their lines. defaultNS is the namespace objects that
// name none are given.
func locate(data []byte, defaultNS string) []region {
	var out []region
	lines := bytes.SplitAfter(data, []byte("\n"))
	start := 0
	flush := func(end int) { // lines[start:end] is one document
		if start >= end {
			return
		}
		out = append(out, documentRegions(bytes.Join(lines[start:end], nil), start, end, defaultNS)...)
	}
	for i, l := range lines {
		if docSeparator.Match(bytes.TrimRight(l, "\r\n")) {
			flush(i)
			start = i + 1
		}
	}
	flush(len(lines))
	return out
}

func documentRegions(doc []byte, offset, end int, defaultNS string) []region {
	if len(bytes.TrimSpace(doc)) == 0 {
		return nil
	}
	var n yaml.Node
	whole := region{start: offset + 1, end: end, line0: offset}
	if err := yaml.Unmarshal(doc, &n); err != nil || len(n.Content) == 0 {
		if err == nil { // only comments
			return nil
		}
		return []region{whole}
	}
	root := n.Content[0]
	if root.Kind != yaml.MappingNode {
		whole.start = root.Line + offset
		return []region{whole}
	}
	if scalarOf(child(root, "apiVersion")) == "v1" && scalarOf(child(root, "kind")) == "List" {
		items := child(root, "items")
		if items == nil || items.Kind != yaml.SequenceNode {
			whole.start = root.Line + offset
			return []region{whole}
		}
		var out []region
		for i, it := range items.Content {
			r := objectRegion(it, offset, defaultNS)
			if i+1 < len(items.Content) {
				r.end = items.Content[i+1].Line + offset - 1
			} else {
				r.end = end
			}
			out = append(out, r)
		}
		return out
	}
	r := objectRegion(root, offset, defaultNS)
	r.end = end
	return []region{r}
}

func objectRegion(n *yaml.Node, offset int, defaultNS string) region {
	r := region{start: n.Line + offset, node: n, line0: offset}
	if n.Kind != yaml.MappingNode {
		return r
	}
	kind := scalarOf(child(n, "kind"))
	md := child(n, "metadata")
	name := scalarOf(child(md, "name"))
	ns := scalarOf(child(md, "namespace"))
	if ns == "" {
		ns = defaultNS
	}
	if kind != "" && name != "" {
		r.key = kind + "/" + ns + "/" + name
	}
	return r
}

func child(n *yaml.Node, key string) *yaml.Node {
	k, v := entry(n, key)
	if k == nil {
		return nil
	}
	return v
}

// entry finds key in a mapping, returning its key and value nodes.
func entry(n *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}

func scalarOf(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// lineOf finds the line of a field path ("spec.http[0].route[1].weight",
// `metadata.labels["app"]`) in the region. When the path goes further than
// the YAML (a field reported missing), the line of the deepest part that
// exists is returned.
func (r region) lineOf(field string) int {
	if r.node == nil {
		return r.start
	}
	n, line := r.node, r.start
	for _, seg := range splitPath(field) {
		var next, at *yaml.Node
		switch {
		case n.Kind == yaml.SequenceNode && seg.index >= 0:
			if seg.index < len(n.Content) {
				next = n.Content[seg.index]
				at = next
			}
		case n.Kind == yaml.MappingNode:
			key := seg.name
			if seg.index >= 0 {
				key = strconv.Itoa(seg.index)
			}
			at, next = entry(n, key)
			if at == nil && seg.index < 0 {
				at, next = entry(n, snakeCase(key))
			}
		}
		if next == nil {
			break
		}
		if next.Kind == yaml.AliasNode {
			next = next.Alias
		}
		n, line = next, at.Line+r.line0
	}
	return line
}

type segment struct {
	name  string
	index int // -1 unless the segment is [N]
}

// splitPath splits a field path into names, [N] indexes and ["key"] keys.
func splitPath(p string) []segment {
	var out []segment
	for len(p) > 0 {
		switch p[0] {
		case '.':
			p = p[1:]
		case '[':
			if strings.HasPrefix(p, `["`) {
				q, err := strconv.QuotedPrefix(p[1:])
				if err != nil {
					return out
				}
				key, _ := strconv.Unquote(q)
				out = append(out, segment{name: key, index: -1})
				p = strings.TrimPrefix(p[1+len(q):], "]")
				continue
			}
			end := strings.IndexByte(p, ']')
			if end < 0 {
				return out
			}
			i, err := strconv.Atoi(p[1:end])
			if err != nil {
				out = append(out, segment{name: p[1:end], index: -1})
			} else {
				out = append(out, segment{index: i})
			}
			p = p[end+1:]
		default:
			end := strings.IndexAny(p, ".[")
			if end < 0 {
				end = len(p)
			}
			out = append(out, segment{name: p[:end], index: -1})
			p = p[end:]
		}
	}
	return out
}

// snakeCase turns a JSON field name into its proto name (perTryTimeout →
// per_try_timeout), which protobuf-based parsers also accept.
func snakeCase(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
