// Package validation checks the meaning of configuration objects: what a
// strict parser cannot see. It knows every kind Sail serves (the Istio
// networking and security kinds and the Mixer policy kinds) and reports
// every problem it finds, never only the first, each with the field path
// where it was found ("spec.http[0].route[1].weight") and a message that says
// what is wrong and what is expected.
//
// Object checks one object on its own; Set checks references between the
// objects of one input (Mixer rules naming handlers and instances,
// QuotaSpecBindings naming QuotaSpecs, routes naming DestinationRule
// subsets). The rules follow Istio's own validation, so that configuration
// Istio accepts is accepted here; where Sail is stricter the rule says so.
//
// This package owns the rules only. It reads objects, never changes them,
// holds no state between calls and must not import parsers, stores or any
// component; file names and line numbers are the caller's to add
// (config.ErrorList.At).
package validation
