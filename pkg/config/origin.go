package config

import "strings"

// Origin says where an object was read from: the file, the line the object
// starts on, and the line of each of its fields. It is immutable and may be
// shared between copies of an object.
type Origin struct {
	File string
	Line int
	// fields maps field paths, as in Error.Field, to lines.
	fields map[string]int
}

// NewOrigin records an object's source. fields maps field paths to lines
// and is owned by the Origin from then on.
func NewOrigin(file string, line int, fields map[string]int) *Origin {
	return &Origin{File: file, Line: line, fields: fields}
}

// LineOf returns the line of a field path, or of its nearest ancestor that
// was written in the source, or the object's line. A nil Origin knows no
// lines and returns 0.
func (o *Origin) LineOf(field string) int {
	if o == nil {
		return 0
	}
	for field != "" {
		if l, ok := o.fields[field]; ok {
			return l
		}
		field = parentPath(field)
	}
	return o.Line
}

// parentPath drops the last step of a field path: "a.b[0]" → "a.b",
// "a.b" → "a", `a["k"]` → "a".
func parentPath(p string) string {
	if strings.HasSuffix(p, "]") {
		if i := strings.LastIndexByte(p, '['); i >= 0 {
			// A map key may itself contain '[': find the '[' that opens
			// the final quoted key.
			if j := strings.LastIndex(p, `["`); j >= 0 && strings.HasSuffix(p, `"]`) {
				i = j
			}
			return p[:i]
		}
	}
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[:i]
	}
	return ""
}

// Locate fills in, for every error about obj that lacks them, the file,
// the line of the field (from obj's Origin) and the object's key.
func (l ErrorList) Locate(obj *Object) ErrorList {
	for _, e := range l {
		if e.Object == "" {
			e.Object = obj.Key().String()
		}
		if obj.Origin == nil {
			continue
		}
		if e.File == "" {
			e.File = obj.Origin.File
		}
		if e.Line == 0 {
			e.Line = obj.Origin.LineOf(e.Field)
		}
	}
	return l
}
