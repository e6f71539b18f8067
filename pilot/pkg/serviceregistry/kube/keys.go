package kube

import (
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/tools/cache"
)

// The functions below map an informer event's object to the keys of the
// Services whose state it may change. They may over-approximate: a key
// whose rebuild changes nothing sends no event.

func everything() labels.Selector { return labels.Everything() }

// unwrap returns the object inside a deletion tombstone.
func unwrap(obj any) any {
	if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		return t.Obj
	}
	return obj
}

func (r *Registry) serviceKeys(obj any) []key {
	m, err := meta.Accessor(unwrap(obj))
	if err != nil {
		return nil
	}
	return []key{{m.GetNamespace(), m.GetName()}}
}

func (r *Registry) sliceKeys(obj any) []key {
	s, ok := unwrap(obj).(*discoveryv1.EndpointSlice)
	if !ok {
		return nil
	}
	name := s.Labels[discoveryv1.LabelServiceName]
	if name == "" {
		return nil
	}
	return []key{{s.Namespace, name}}
}

// podKeys are the Services in the Pod's namespace whose selector matches
// its labels, and those with an instance on the Pod.
func (r *Registry) podKeys(obj any) []key {
	p, ok := unwrap(obj).(*corev1.Pod)
	if !ok {
		return nil
	}
	svcs, err := r.services.Services(p.Namespace).List(everything())
	if err != nil {
		return nil
	}
	idx := r.cur.Load()
	var keys []key
	for _, svc := range svcs {
		k := key{svc.Namespace, svc.Name}
		sel := svc.Spec.Selector
		if len(sel) > 0 && labels.SelectorFromSet(sel).Matches(labels.Set(p.Labels)) {
			keys = append(keys, k)
		} else if e := idx.entries[r.hostname(k)]; e != nil && e.pods[p.Name] {
			keys = append(keys, k)
		}
	}
	return keys
}

// nodeKeys are the Services with an instance on the Node.
func (r *Registry) nodeKeys(obj any) []key {
	n, ok := unwrap(obj).(*corev1.Node)
	if !ok {
		return nil
	}
	var keys []key
	for _, e := range r.cur.Load().entries {
		if e.nodes[n.Name] {
			keys = append(keys, e.key)
		}
	}
	return keys
}

// namespaceKeys are every Service in the namespace.
func (r *Registry) namespaceKeys(obj any) []key {
	m, err := meta.Accessor(unwrap(obj))
	if err != nil {
		return nil
	}
	svcs, err := r.services.Services(m.GetName()).List(everything())
	if err != nil {
		return nil
	}
	keys := make([]key, 0, len(svcs))
	for _, svc := range svcs {
		keys = append(keys, key{svc.Namespace, svc.Name})
	}
	return keys
}
