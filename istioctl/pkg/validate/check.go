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

// fileState tracks one input while its objects are checked.
type fileState struct {
	src     source
	regions []region
	entries []*Entry // parallel to regions, nil until something is known
	extra   []*Entry // problems outside any region
}

func (c *checker) check(srcs []source) Report {
	var files []*fileState
	var objs []*config.Object
	type origin struct {
		file   *fileState
		region int
	}
	var origins []origin

	for _, src := range srcs {
		f := &fileState{src: src}
		files = append(files, f)
		if src.err != nil {
			f.extra = append(f.extra, &Entry{File: src.name, Errors: config.ErrorList{{File: src.name, Message: src.err.Error()}}})
			continue
		}
		f.regions = locate(src.data, c.defaultNS)
		f.entries = make([]*Entry, len(f.regions))
		parsed, perrs := c.parser.Parse(src.name, src.data)

		// Regions with a parse error produced no object.
		failed := make([]bool, len(f.regions))
		for _, e := range perrs {
			i := f.regionAt(e.Line)
			if i < 0 {
				f.extra = append(f.extra, &Entry{File: src.name, Line: e.Line, Object: e.Object, Errors: config.ErrorList{e}})
				continue
			}
			failed[i] = true
			if e.Object == "" {
				// The parser could not resolve the object's kind; name it
				// as the document does.
				e.Object = f.regions[i].key
			}
			en := f.entry(i)
			if en.Object == "" {
				en.Object = e.Object
			}
			en.Errors = append(en.Errors, e)
		}
		if len(parsed) == 0 && len(perrs) == 0 {
			f.extra = append(f.extra, &Entry{File: src.name, Errors: config.ErrorList{{File: src.name,
				Message: "no configuration objects found (expected YAML or JSON objects with apiVersion, kind, metadata and spec)"}}})
		}

		claimed := slices.Clone(failed)
		for _, o := range parsed {
			key := o.Key().String()
			i := f.claim(claimed, key)
			objs = append(objs, o)
			origins = append(origins, origin{f, i})
			en := &Entry{File: src.name, Object: key}
			if i >= 0 {
				en = f.entry(i)
				en.Object = key
			} else {
				f.extra = append(f.extra, en)
			}
			for _, e := range c.validator.Object(o) {
				e.File, e.Line = src.name, lineIn(f, i, e.Field)
				en.Errors = append(en.Errors, e)
			}
		}
	}

	for j, errs := range c.validator.SetByObject(objs) {
		or := origins[j]
		for _, e := range errs {
			e.File, e.Line = or.file.src.name, lineIn(or.file, or.region, e.Field)
			if or.region >= 0 {
				en := or.file.entry(or.region)
				en.Errors = append(en.Errors, e)
			} else {
				or.file.extra = append(or.file.extra, &Entry{File: e.File, Object: e.Object, Errors: config.ErrorList{e}})
			}
		}
	}

	var r Report
	for _, f := range files {
		for _, e := range f.extra {
			r.Entries = append(r.Entries, *e)
		}
		for _, e := range f.entries {
			if e == nil {
				continue
			}
			slices.SortStableFunc(e.Errors, func(a, b *config.Error) int { return cmp.Compare(a.Line, b.Line) })
			r.Entries = append(r.Entries, *e)
		}
	}
	return r
}

// lineIn is the line of field in region i of f, 0 when the object's region is
// unknown.
func lineIn(f *fileState, i int, field string) int {
	if i < 0 {
		return 0
	}
	return f.regions[i].lineOf(field)
}

// regionAt returns the region holding a line, or -1.
func (f *fileState) regionAt(line int) int {
	if line <= 0 {
		return -1
	}
	for i, r := range f.regions {
		if r.start <= line && line <= r.end {
			return i
		}
	}
	// A YAML error can be reported on the line after the last one.
	if n := len(f.regions); n > 0 && line == f.regions[n-1].end+1 {
		return n - 1
	}
	return -1
}

// claim finds the first unclaimed region that holds key.
func (f *fileState) claim(claimed []bool, key string) int {
	for i, r := range f.regions {
		if !claimed[i] && r.key == key {
			claimed[i] = true
			return i
		}
	}
	return -1
}

func (f *fileState) entry(i int) *Entry {
	if f.entries[i] == nil {
		f.entries[i] = &Entry{File: f.src.name, Line: f.regions[i].start}
	}
	return f.entries[i]
}
