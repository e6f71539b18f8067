// Package parse turns Kubernetes-style YAML or JSON into config.Objects and
// back.
//
// Parsing is strict where Istio was lenient: an unknown or misspelled field
// anywhere in an object is an error naming its path (Istio silently dropped
// them, istio/istio#15012), as is a value of the wrong type, an enum value
// that does not exist, two members of one oneof, or the same object twice
// in one input. Every error carries the file, the line, the object and the
// field path. Values Istio users write that protojson alone would refuse are
// accepted as Istio accepts them: Go-style durations ("3m", "100ms") and
// integer-valued strings.
//
// Semantic checks (weights summing to 100, regexes compiling, ...) are not
// done here; see config/validation.
package parse
