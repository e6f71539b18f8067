package kube

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/tools/cache"

	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/store"
)

// observe takes in an object an informer added or updated. Each informer
// calls it from one goroutine, in resource version order.
func (s *Store) observe(ks *kindState, obj any) {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		s.log.Error("informer returned an unexpected type", "kind", ks.kind.GroupKind().String(), "type", fmt.Sprintf("%T", obj))
		return
	}
	key := config.Key{GroupKind: ks.kind.GroupKind(), Namespace: u.GetNamespace(), Name: u.GetName()}
	rv := u.GetResourceVersion()
	decoded, err := s.decodeObject(ks, u)

	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.notifyLocked()
	if n, err := strconv.ParseUint(rv, 10, 64); err == nil {
		ks.present[key] = n
		ks.maxSeen = max(ks.maxSeen, n)
	}
	old := ks.objects[key]
	if err != nil {
		if old != nil {
			s.log.Error("object does not decode; serving its previous version", "object", key.String(),
				"resourceVersion", rv, "servedVersion", old.ResourceVersion, "err", err)
		} else {
			s.log.Error("object does not decode; skipping it", "object", key.String(), "resourceVersion", rv, "err", err)
		}
		return
	}
	if old != nil && old.ResourceVersion == rv {
		return // a resync
	}
	ks.objects[key] = decoded
	if old == nil {
		s.fanout.Publish(store.Event{Type: store.Added, Object: decoded.DeepCopy()})
	} else {
		// old left the map, so the event may have it without a copy.
		s.fanout.Publish(store.Event{Type: store.Updated, Object: decoded.DeepCopy(), Old: old})
	}
}

// observeDelete takes in an object an informer deleted.
func (s *Store) observeDelete(ks *kindState, obj any) {
	if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = tomb.Obj
	}
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		s.log.Error("informer deleted an unexpected type", "kind", ks.kind.GroupKind().String(), "type", fmt.Sprintf("%T", obj))
		return
	}
	key := config.Key{GroupKind: ks.kind.GroupKind(), Namespace: u.GetNamespace(), Name: u.GetName()}

	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.notifyLocked()
	if n, err := strconv.ParseUint(u.GetResourceVersion(), 10, 64); err == nil {
		ks.maxSeen = max(ks.maxSeen, n)
	}
	delete(ks.present, key)
	if old, ok := ks.objects[key]; ok {
		delete(ks.objects, key)
		s.fanout.Publish(store.Event{Type: store.Deleted, Object: old})
	}
}

// decodeObject decodes u and checks it is what the informer serves.
func (s *Store) decodeObject(ks *kindState, u *unstructured.Unstructured) (*config.Object, error) {
	obj, err := s.decode(u.Object)
	if err != nil {
		return nil, err
	}
	if obj.GVK.GroupKind() != ks.kind.GroupKind() {
		return nil, fmt.Errorf("decoded as %s, want %s", obj.GVK.GroupKind(), ks.kind.GroupKind())
	}
	if obj.ResourceVersion == "" {
		obj.ResourceVersion = u.GetResourceVersion()
	}
	return obj, nil
}

func (s *Store) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// awaitObserved waits until the informer of ks has observed what done
// checks for, so that reads after a write see it. It gives up, logging,
// after WriteWait: the write itself has succeeded.
func (s *Store) awaitObserved(ctx context.Context, ks *kindState, what string, done func() bool) {
	if !s.running.Load() {
		return // no informer to wait for
	}
	timer := time.NewTimer(s.writeWait)
	defer timer.Stop()
	for {
		s.mu.RLock()
		ok, changed := done(), s.changed
		s.mu.RUnlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return
		case <-timer.C:
			s.log.Warn("informer has not observed a write; reads may not show it yet", "kind", ks.kind.GroupKind().String(), "write", what, "waited", s.writeWait)
			return
		}
	}
}

// awaitVersion waits until ks's informer has observed resource version rv
// or a later one: its view of the kind is then at least that recent.
func (s *Store) awaitVersion(ctx context.Context, ks *kindState, what, rv string) {
	n, err := strconv.ParseUint(rv, 10, 64)
	if err != nil {
		s.log.Debug("resource version is not a number; not waiting for the informer", "version", rv)
		return
	}
	s.awaitObserved(ctx, ks, what, func() bool { return ks.maxSeen >= n })
}

// awaitGone waits until ks's informer no longer has the version rv of key:
// it saw the delete, or a newer object of that name.
func (s *Store) awaitGone(ctx context.Context, ks *kindState, key config.Key, rv string) {
	n, err := strconv.ParseUint(rv, 10, 64)
	if err != nil {
		return
	}
	s.awaitObserved(ctx, ks, "delete "+key.String(), func() bool {
		have, ok := ks.present[key]
		return !ok || have > n
	})
}
