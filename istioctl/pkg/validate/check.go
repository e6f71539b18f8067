package validate

import (
	"cmp"
	"slices"

	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/parse"
	"github.com/sailmesh/sail/pkg/config/validation"
)

// Report is the outcome of validating a set of inputs.
type Report struct {
	// Entries are the objects found, in input order, each with its
	// problems; documents that could not be decoded far enough to name an
	// object are entries without an Object, and problems with a whole file
	// (unreadable, no objects) are entries with Line 0.
	Entries []Entry
}

// Entry is one object (or one undecodable document) and its problems.
type Entry struct {
	File string
	Line int
	// Object is "Kind/namespace/name", empty when unknown.
	Object string
	Errors config.ErrorList
}

// Valid reports whether the entry has no problems.
func (e Entry) Valid() bool { return len(e.Errors) == 0 }

// IsObject reports whether the entry is an object or a document, rather
// than a problem with a whole file.
func (e Entry) IsObject() bool { return e.Line > 0 || e.Object != "" }

// Objects counts the entries that are objects or documents.
func (r Report) Objects() int {
	n := 0
	for _, e := range r.Entries {
		if e.IsObject() {
			n++
		}
	}
	return n
}

// Invalid counts the object entries with problems.
func (r Report) Invalid() int {
	n := 0
	for _, e := range r.Entries {
		if e.IsObject() && !e.Valid() {
			n++
		}
	}
	return n
}

// FileErrors counts the file-level problems.
func (r Report) FileErrors() int { return len(r.Entries) - r.Objects() }

// OK reports whether every input was read and every object is valid.
func (r Report) OK() bool {
	for _, e := range r.Entries {
		if !e.Valid() {
			return false
		}
	}
	return true
}

// checker parses and validates inputs; it does no I/O.
type checker struct {
	parser    *parse.Parser
	validator *validation.Validator
	defaultNS string
}

// fileEntries collects one input's entries.
type fileEntries struct {
	entries []*Entry
	failed  map[string]*Entry // objects that failed to parse, by key
}

func (f *fileEntries) add(e *Entry) *Entry {
	f.entries = append(f.entries, e)
	return e
}

// parseError files a parse error under its object's entry, or as an entry
// of its own when the parser could not tell which object it is.
func (f *fileEntries) parseError(file string, e *config.Error) {
	if e.Object == "" {
		f.add(&Entry{File: file, Line: e.Line, Errors: config.ErrorList{e}})
		return
	}
	en, ok := f.failed[e.Object]
	if !ok {
		en = f.add(&Entry{File: file, Line: e.Line, Object: e.Object})
		f.failed[e.Object] = en
	}
	en.Line = min(en.Line, e.Line)
	en.Errors = append(en.Errors, e)
}

func (c *checker) check(srcs []source) Report {
	var files []*fileEntries
	var objs []*config.Object
	var objEntries []*Entry // parallel to objs

	for _, src := range srcs {
		f := &fileEntries{failed: map[string]*Entry{}}
		files = append(files, f)
		if src.err != nil {
			f.add(&Entry{File: src.name, Errors: config.ErrorList{{File: src.name, Message: src.err.Error()}}})
			continue
		}
		parsed, perrs := c.parser.Parse(src.name, src.data)
		for _, e := range perrs {
			f.parseError(src.name, e)
		}
		if len(parsed) == 0 && len(perrs) == 0 {
			f.add(&Entry{File: src.name, Errors: config.ErrorList{{File: src.name,
				Message: "no configuration objects found (expected YAML or JSON objects with apiVersion, kind, metadata and spec)"}}})
		}
		for _, o := range parsed {
			en := f.add(&Entry{File: src.name, Line: o.Origin.LineOf(""), Object: o.Key().String()})
			en.Errors = append(en.Errors, c.validator.Object(o).Locate(o)...)
			objs = append(objs, o)
			objEntries = append(objEntries, en)
		}
	}

	for j, errs := range c.validator.SetByObject(objs) {
		objEntries[j].Errors = append(objEntries[j].Errors, errs.Locate(objs[j])...)
	}

	var r Report
	for _, f := range files {
		// Entries in the order they appear in the file; file-level
		// problems (line 0) first.
		slices.SortStableFunc(f.entries, func(a, b *Entry) int { return cmp.Compare(a.Line, b.Line) })
		for _, e := range f.entries {
			slices.SortStableFunc(e.Errors, func(a, b *config.Error) int { return cmp.Compare(a.Line, b.Line) })
			r.Entries = append(r.Entries, *e)
		}
	}
	return r
}
