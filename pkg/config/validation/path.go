package validation

import (
	"fmt"
	"maps"
	"slices"

	"github.com/sailmesh/sail/pkg/config"
)

// path is a field path in the style of Sail's error messages:
// spec.http[0].route[1].weight, metadata.labels["app"].
type path string

func (p path) field(name string) path {
	if p == "" {
		return path(name)
	}
	return p + "." + path(name)
}

func (p path) index(i int) path { return path(fmt.Sprintf("%s[%d]", p, i)) }

func (p path) key(k string) path { return path(fmt.Sprintf("%s[%q]", p, k)) }

// errs collects the problems found in one object.
type errs struct {
	list config.ErrorList
}

func (e *errs) add(p path, format string, args ...any) {
	e.list = append(e.list, config.FieldError(string(p), format, args...))
}

// addIf adds msg at p when msg is not empty; helpers that return a reason
// rather than an error compose with it.
func (e *errs) addIf(p path, msg string) {
	if msg != "" {
		e.add(p, "%s", msg)
	}
}

// sortedKeys returns a map's keys in order, so that errors come out in a
// stable order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
