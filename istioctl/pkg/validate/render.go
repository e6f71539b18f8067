package validate

import (
	"encoding/json"
	"fmt"
	"io"
)

// renderText prints one line per valid object, one line per problem
// (file:line: Kind/namespace/name: field: message) and a summary.
func renderText(w io.Writer, r Report) error {
	for _, e := range r.Entries {
		if e.Valid() {
			fmt.Fprintf(w, "OK    %s (%s:%d)\n", e.Object, e.File, e.Line)
			continue
		}
		for _, err := range e.Errors {
			fmt.Fprintln(w, err.Error())
		}
	}
	_, err := fmt.Fprintln(w, summary(r))
	return err
}

func summary(r Report) string {
	s := fmt.Sprintf("%d %s, %d invalid", r.Objects(), plural(r.Objects(), "object", "objects"), r.Invalid())
	if n := r.FileErrors(); n > 0 {
		s += fmt.Sprintf(", %d %s not read", n, plural(n, "input", "inputs"))
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

type jsonReport struct {
	Objects []jsonEntry `json:"objects"`
	Summary jsonSummary `json:"summary"`
}

type jsonEntry struct {
	Object string      `json:"object,omitempty"`
	File   string      `json:"file"`
	Line   int         `json:"line,omitempty"`
	Valid  bool        `json:"valid"`
	Errors []jsonError `json:"errors,omitempty"`
}

type jsonError struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Object  string `json:"object,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

type jsonSummary struct {
	Objects    int `json:"objects"`
	Invalid    int `json:"invalid"`
	FileErrors int `json:"fileErrors,omitempty"`
}

// renderJSON prints the report as one JSON document.
func renderJSON(w io.Writer, r Report) error {
	out := jsonReport{Objects: []jsonEntry{}, Summary: jsonSummary{Objects: r.Objects(), Invalid: r.Invalid(), FileErrors: r.FileErrors()}}
	for _, e := range r.Entries {
		je := jsonEntry{Object: e.Object, File: e.File, Line: e.Line, Valid: e.Valid()}
		for _, err := range e.Errors {
			je.Errors = append(je.Errors, jsonError{File: err.File, Line: err.Line, Object: err.Object, Field: err.Field, Message: err.Message})
		}
		out.Objects = append(out.Objects, je)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
