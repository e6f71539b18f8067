package parse

import (
	"fmt"
	"regexp"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// lines records where each part of a decoded YAML tree came from, mirroring
// the tree's shape. A nil *lines is valid and knows nothing.
type lines struct {
	line     int
	children map[string]*lines
	items    []*lines
}

func (l *lines) at() int {
	if l == nil {
		return 0
	}
	return l.line
}

func (l *lines) child(key string) *lines {
	if l == nil || l.children[key] == nil {
		return l.parentOnly()
	}
	return l.children[key]
}

func (l *lines) item(i int) *lines {
	if l == nil || i >= len(l.items) || l.items[i] == nil {
		return l.parentOnly()
	}
	return l.items[i]
}

// parentOnly is used where the tree has no record: errors there point at the
// nearest ancestor's line.
func (l *lines) parentOnly() *lines {
	if l == nil {
		return nil
	}
	return &lines{line: l.line}
}

// maxNodes bounds the size of a decoded document, aliases included, so that
// a small input cannot expand into an enormous tree ("billion laughs").
const maxNodes = 200000

type treeBuilder struct {
	offset int // line offset of the chunk within its file
	nodes  int
	depth  int
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// yamlErrorLine extracts the line from a yaml.v3 error, adjusted by offset.
func yamlErrorLine(err error, offset int) int {
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n + offset
	}
	return offset + 1
}

// build converts a YAML node into a JSON-like tree (map[string]any, []any,
// string, int64, uint64, float64, bool, nil) and records lines.
func (b *treeBuilder) build(n *yaml.Node) (any, *lines, error) {
	b.nodes++
	if b.nodes > maxNodes {
		return nil, nil, fmt.Errorf("document is too large (more than %d values after expanding aliases)", maxNodes)
	}
	b.depth++
	defer func() { b.depth-- }()
	if b.depth > 200 {
		return nil, nil, fmt.Errorf("document is nested too deeply")
	}
	ln := &lines{line: n.Line + b.offset}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, ln, nil
		}
		return b.build(n.Content[0])
	case yaml.AliasNode:
		v, _, err := b.build(n.Alias)
		return v, ln, err
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, cl, err := b.build(c)
			if err != nil {
				return nil, nil, err
			}
			out = append(out, v)
			ln.items = append(ln.items, cl)
		}
		return out, ln, nil
	case yaml.MappingNode:
		return b.mapping(n, ln)
	case yaml.ScalarNode:
		v, err := scalar(n)
		if err != nil {
			return nil, nil, fmt.Errorf("line %d: %w", n.Line+b.offset, err)
		}
		return v, ln, nil
	}
	return nil, nil, fmt.Errorf("line %d: unsupported YAML node", n.Line+b.offset)
}

func (b *treeBuilder) mapping(n *yaml.Node, ln *lines) (any, *lines, error) {
	out := make(map[string]any, len(n.Content)/2)
	ln.children = make(map[string]*lines, len(n.Content)/2)
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, nil, fmt.Errorf("line %d: mapping keys must be plain values", k.Line+b.offset)
		}
		if k.Tag == "!!merge" {
			merges = append(merges, v)
			continue
		}
		if _, dup := out[k.Value]; dup {
			return nil, nil, fmt.Errorf("line %d: duplicate key %q", k.Line+b.offset, k.Value)
		}
		val, cl, err := b.build(v)
		if err != nil {
			return nil, nil, err
		}
		out[k.Value] = val
		// A field is where its key is written; a nested value may start on
		// the next line.
		cl.line = k.Line + b.offset
		ln.children[k.Value] = cl
	}
	// Merge keys ("<<: *base") add the keys the mapping does not set itself.
	for _, m := range merges {
		srcs := []*yaml.Node{m}
		if m.Kind == yaml.SequenceNode {
			srcs = m.Content
		}
		for _, s := range srcs {
			v, cl, err := b.build(s)
			if err != nil {
				return nil, nil, err
			}
			mv, ok := v.(map[string]any)
			if !ok {
				return nil, nil, fmt.Errorf("line %d: a merge key (<<) must name a mapping", s.Line+b.offset)
			}
			for key, val := range mv {
				if _, set := out[key]; !set {
					out[key] = val
					ln.children[key] = cl.child(key)
				}
			}
		}
	}
	return out, ln, nil
}

func scalar(n *yaml.Node) (any, error) {
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!str", "!!timestamp", "!!binary":
		return n.Value, nil
	case "!!bool":
		var v bool
		err := n.Decode(&v)
		return v, err
	case "!!int":
		var i int64
		if err := n.Decode(&i); err == nil {
			return i, nil
		}
		var u uint64
		if err := n.Decode(&u); err == nil {
			return u, nil
		}
		return nil, fmt.Errorf("integer %s is out of range", n.Value)
	case "!!float":
		var f float64
		err := n.Decode(&f)
		return f, err
	}
	return nil, fmt.Errorf("unsupported YAML tag %s", n.Tag)
}
