package config

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// Component names a Sail component that consumes configuration.
type Component string

// The components that consume configuration kinds.
const (
	Pilot   Component = "pilot"
	Mixer   Component = "mixer"
	Citadel Component = "citadel"
	Galley  Component = "galley"
)

// GroupKind names a kind independently of its version.
type GroupKind struct {
	Group string
	Kind  string
}

func (gk GroupKind) String() string { return gk.Kind + "." + gk.Group }

// GroupVersionKind names a kind at one version, as written in an object's
// apiVersion and kind fields.
type GroupVersionKind struct {
	Group   string
	Version string
	Kind    string
}

// APIVersion returns the apiVersion field value: "group/version".
func (gvk GroupVersionKind) APIVersion() string { return gvk.Group + "/" + gvk.Version }

// GroupKind drops the version.
func (gvk GroupVersionKind) GroupKind() GroupKind { return GroupKind{gvk.Group, gvk.Kind} }

func (gvk GroupVersionKind) String() string { return gvk.APIVersion() + ", Kind=" + gvk.Kind }

// ParseAPIVersion splits an apiVersion ("group/version") into its parts.
func ParseAPIVersion(apiVersion string) (group, version string, err error) {
	group, version, ok := strings.Cut(apiVersion, "/")
	if !ok || group == "" || version == "" || strings.Contains(version, "/") {
		return "", "", fmt.Errorf("apiVersion %q is not of the form group/version", apiVersion)
	}
	return group, version, nil
}

// Kind describes one configuration kind: its names, the versions served, its
// scope, the protobuf message that holds its spec and who consumes it.
//
// All served versions share one spec message: Istio's v1alpha3, v1beta1 and
// v1 networking types are the same schema under different versions.
type Kind struct {
	Group string
	// Kind is the kind's name as written in objects, e.g. "VirtualService".
	Kind string
	// Plural is the lower-case resource name, e.g. "virtualservices".
	Plural string
	// Versions are the served versions, the preferred (storage) one first.
	Versions []string
	// ClusterScoped kinds have no namespace.
	ClusterScoped bool
	// Spec is the type of the spec message.
	Spec protoreflect.MessageType
	// Consumers are the components that read objects of this kind.
	Consumers []Component
	// ShortNames are kubectl's short names for the kind.
	ShortNames []string
	// Categories are kubectl's categories (e.g. "istio-io").
	Categories []string
}

// GroupKind returns the kind's version-independent name.
func (k Kind) GroupKind() GroupKind { return GroupKind{k.Group, k.Kind} }

// PreferredGVK is the kind at its preferred version.
func (k Kind) PreferredGVK() GroupVersionKind {
	return GroupVersionKind{Group: k.Group, Version: k.Versions[0], Kind: k.Kind}
}

// Serves reports whether the kind is served at version v.
func (k Kind) Serves(v string) bool { return slices.Contains(k.Versions, v) }

// NewSpec returns a new, empty spec message of the kind.
func (k Kind) NewSpec() protoreflect.ProtoMessage { return k.Spec.New().Interface() }

// ConsumedBy reports whether component c reads this kind.
func (k Kind) ConsumedBy(c Component) bool { return slices.Contains(k.Consumers, c) }

// Registry is an immutable set of kinds. It is safe for concurrent use.
type Registry struct {
	kinds    []Kind
	byGK     map[GroupKind]int
	byPlural map[string]int // "plural.group"
}

// NewRegistry builds a registry and checks that the kinds are well formed and
// distinct.
func NewRegistry(kinds ...Kind) (*Registry, error) {
	r := &Registry{byGK: map[GroupKind]int{}, byPlural: map[string]int{}}
	var errs []error
	for _, k := range kinds {
		switch {
		case k.Group == "" || k.Kind == "" || k.Plural == "":
			errs = append(errs, fmt.Errorf("kind %+v: group, kind and plural are required", k.GroupKind()))
			continue
		case len(k.Versions) == 0:
			errs = append(errs, fmt.Errorf("kind %s: no versions", k.GroupKind()))
			continue
		case k.Spec == nil:
			errs = append(errs, fmt.Errorf("kind %s: no spec message", k.GroupKind()))
			continue
		}
		if _, dup := r.byGK[k.GroupKind()]; dup {
			errs = append(errs, fmt.Errorf("kind %s registered twice", k.GroupKind()))
			continue
		}
		pk := k.Plural + "." + k.Group
		if _, dup := r.byPlural[pk]; dup {
			errs = append(errs, fmt.Errorf("resource %s registered twice", pk))
			continue
		}
		k.Versions = slices.Clone(k.Versions)
		k.Consumers = slices.Clone(k.Consumers)
		r.byGK[k.GroupKind()] = len(r.kinds)
		r.byPlural[pk] = len(r.kinds)
		r.kinds = append(r.kinds, k)
	}
	if len(errs) > 0 {
		return nil, joinErrors(errs)
	}
	return r, nil
}

// All returns the kinds sorted by group then kind.
func (r *Registry) All() []Kind {
	out := slices.Clone(r.kinds)
	slices.SortFunc(out, func(a, b Kind) int {
		return cmp.Or(cmp.Compare(a.Group, b.Group), cmp.Compare(a.Kind, b.Kind))
	})
	return out
}

// ConsumedBy returns the kinds component c reads, sorted as All.
func (r *Registry) ConsumedBy(c Component) []Kind {
	var out []Kind
	for _, k := range r.All() {
		if k.ConsumedBy(c) {
			out = append(out, k)
		}
	}
	return out
}

// ByGroupKind finds a kind by group and kind name.
func (r *Registry) ByGroupKind(gk GroupKind) (Kind, bool) {
	i, ok := r.byGK[gk]
	if !ok {
		return Kind{}, false
	}
	return r.kinds[i], true
}

// ByPlural finds a kind by group and plural resource name.
func (r *Registry) ByPlural(group, plural string) (Kind, bool) {
	i, ok := r.byPlural[plural+"."+group]
	if !ok {
		return Kind{}, false
	}
	return r.kinds[i], true
}

// Resolve finds the kind for an apiVersion and kind as written in an object
// and explains precisely what is wrong when there is none.
func (r *Registry) Resolve(apiVersion, kind string) (Kind, GroupVersionKind, error) {
	group, version, err := ParseAPIVersion(apiVersion)
	if err != nil {
		return Kind{}, GroupVersionKind{}, err
	}
	gvk := GroupVersionKind{Group: group, Version: version, Kind: kind}
	k, ok := r.ByGroupKind(gvk.GroupKind())
	if !ok {
		var known []string
		for _, k := range r.All() {
			if k.Group == group {
				known = append(known, k.Kind)
			}
		}
		if len(known) == 0 {
			return Kind{}, gvk, fmt.Errorf("unknown API group %q", group)
		}
		return Kind{}, gvk, fmt.Errorf("unknown kind %q in %s (known: %s)", kind, group, strings.Join(known, ", "))
	}
	if !k.Serves(version) {
		return Kind{}, gvk, fmt.Errorf("%s is not served at version %q (served: %s)", k.GroupKind(), version, strings.Join(k.Versions, ", "))
	}
	return k, gvk, nil
}
