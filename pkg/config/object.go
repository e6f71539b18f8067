package config

import (
	"cmp"
	"fmt"
	"maps"
	"time"

	"google.golang.org/protobuf/proto"
)

// Meta is the part of a Kubernetes-style object envelope Sail keeps.
type Meta struct {
	// GVK is the kind and the version the object was written in.
	GVK             GroupVersionKind
	Name            string
	Namespace       string
	Labels          map[string]string
	Annotations     map[string]string
	ResourceVersion string
	Generation      int64
	UID             string
	// CreationTimestamp is zero when unknown.
	CreationTimestamp time.Time
}

// Object is one configuration object: its envelope and its typed spec.
//
// Objects handed out by parsers and stores are owned by the receiver but may
// be shared with other readers of the same store: treat them as immutable
// and DeepCopy before changing anything.
type Object struct {
	Meta
	Spec proto.Message
	// Origin is where the object was read from; nil when unknown (e.g. an
	// object from the Kubernetes API). It does not take part in equality.
	Origin *Origin
}

// Key identifies an object independently of its version.
type Key struct {
	GroupKind
	Namespace string
	Name      string
}

// String formats a key as "Kind/namespace/name" ("Kind/name" when cluster
// scoped), the form used in every error message.
func (k Key) String() string {
	if k.Namespace == "" {
		return k.Kind + "/" + k.Name
	}
	return k.Kind + "/" + k.Namespace + "/" + k.Name
}

// Compare orders keys by group, kind, namespace and name.
func (k Key) Compare(o Key) int {
	return cmp.Or(cmp.Compare(k.Group, o.Group), cmp.Compare(k.Kind, o.Kind),
		cmp.Compare(k.Namespace, o.Namespace), cmp.Compare(k.Name, o.Name))
}

// Key returns the object's key.
func (o *Object) Key() Key {
	return Key{GroupKind: o.GVK.GroupKind(), Namespace: o.Namespace, Name: o.Name}
}

// DeepCopy returns a copy sharing no memory with o.
func (o *Object) DeepCopy() *Object {
	if o == nil {
		return nil
	}
	c := *o
	c.Labels = maps.Clone(o.Labels)
	c.Annotations = maps.Clone(o.Annotations)
	if o.Spec != nil {
		c.Spec = proto.Clone(o.Spec)
	}
	return &c
}

// SameContent reports whether two objects have equal labels, annotations and
// spec; versions, resource versions and timestamps are ignored.
func SameContent(a, b *Object) bool {
	return a.Key() == b.Key() && maps.Equal(a.Labels, b.Labels) &&
		maps.Equal(a.Annotations, b.Annotations) && proto.Equal(a.Spec, b.Spec)
}

func (o *Object) String() string {
	return fmt.Sprintf("%s (%s, rv %q)", o.Key(), o.GVK.APIVersion(), o.ResourceVersion)
}
