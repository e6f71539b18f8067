package kube

import (
	"context"
	"errors"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"

	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/parse"
	"github.com/sailmesh/sail/pkg/config/store"
	"github.com/sailmesh/sail/pkg/config/store/internal/storeutil"
)

// unconditionalAttempts bounds the read-then-write retries of an
// unconditional Update or Delete that keeps losing races.
const unconditionalAttempts = 10

// Create implements store.Store.
func (s *Store) Create(ctx context.Context, obj *config.Object) (*config.Object, error) {
	ks, u, err := s.prepare(obj, "")
	if err != nil {
		return nil, err
	}
	key := obj.Key()
	res, err := s.resource(ks, key.Namespace).Create(ctx, u, metav1.CreateOptions{})
	if err != nil {
		if apierrors.IsNotFound(err) { // no such namespace or resource: not ErrNotFound
			return nil, fmt.Errorf("create %s: %w", key, err)
		}
		return nil, apiError("create", key, err)
	}
	s.awaitVersion(ctx, ks, "create "+key.String(), res.GetResourceVersion())
	return s.written(ks, "create", res)
}

// Update implements store.Store. The API server stores custom resources
// only with a resource version, so an unconditional update reads the
// current one from the server first, and retries if it loses a race.
// An update that changes nothing is a no-op for the API server: the
// resource version stays and no event follows.
func (s *Store) Update(ctx context.Context, obj *config.Object) (*config.Object, error) {
	ks, u, err := s.prepare(obj, obj.ResourceVersion)
	if err != nil {
		return nil, err
	}
	key := obj.Key()
	for attempt := 1; ; attempt++ {
		if obj.ResourceVersion == "" {
			cur, err := s.fetch(ctx, key)
			if err != nil {
				return nil, apiError("update", key, err)
			}
			u.SetResourceVersion(cur.GetResourceVersion())
		}
		res, err := s.resource(ks, key.Namespace).Update(ctx, u, metav1.UpdateOptions{})
		if err == nil {
			s.awaitVersion(ctx, ks, "update "+key.String(), res.GetResourceVersion())
			return s.written(ks, "update", res)
		}
		if obj.ResourceVersion != "" || !apierrors.IsConflict(err) || attempt == unconditionalAttempts {
			return nil, apiError("update", key, err)
		}
	}
}

// Delete implements store.Store. An unconditional delete reads the current
// version first, so that it can wait for the informer to see that version
// go; it retries if it loses a race.
func (s *Store) Delete(ctx context.Context, key config.Key, resourceVersion string) error {
	ks, err := s.kindState(key.GroupKind)
	if err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		pre := &metav1.Preconditions{}
		rv := resourceVersion
		if rv == "" {
			cur, err := s.fetch(ctx, key)
			if err != nil {
				return apiError("delete", key, err)
			}
			rv = cur.GetResourceVersion()
			uid := cur.GetUID()
			pre.UID = &uid
		}
		pre.ResourceVersion = &rv
		err := s.resource(ks, key.Namespace).Delete(ctx, key.Name, metav1.DeleteOptions{Preconditions: pre})
		if err == nil {
			s.awaitGone(ctx, ks, key, rv)
			return nil
		}
		if resourceVersion != "" || !apierrors.IsConflict(err) || attempt == unconditionalAttempts {
			return apiError("delete", key, err)
		}
	}
}

// fetch reads an object from the API server, bypassing the informer.
func (s *Store) fetch(ctx context.Context, key config.Key) (*unstructured.Unstructured, error) {
	ks, err := s.kindState(key.GroupKind)
	if err != nil {
		return nil, err
	}
	return s.resource(ks, key.Namespace).Get(ctx, key.Name, metav1.GetOptions{})
}

func (s *Store) resource(ks *kindState, namespace string) dynamic.ResourceInterface {
	if ks.kind.ClusterScoped {
		return s.client.Resource(ks.gvr)
	}
	return s.client.Resource(ks.gvr).Namespace(namespace)
}

// prepare checks obj and encodes it at the kind's preferred version, with
// resource version rv and without the metadata the server assigns.
func (s *Store) prepare(obj *config.Object, rv string) (*kindState, *unstructured.Unstructured, error) {
	ks, err := s.kindState(obj.GVK.GroupKind())
	if err != nil {
		return nil, nil, err
	}
	if err := storeutil.CheckObject(ks.kind, obj); err != nil {
		return nil, nil, err
	}
	if s.namespace != "" && obj.Namespace != s.namespace && !ks.kind.ClusterScoped {
		return nil, nil, fmt.Errorf("%s: %w: this store serves namespace %s only", obj.Key(), store.ErrInvalid, s.namespace)
	}
	c := obj.DeepCopy()
	c.GVK = ks.kind.PreferredGVK()
	c.ResourceVersion, c.UID, c.Generation, c.CreationTimestamp = rv, "", 0, time.Time{}
	if c.Spec == nil {
		c.Spec = ks.kind.NewSpec()
	}
	m, err := parse.ToMap(c)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w: %w", obj.Key(), store.ErrInvalid, err)
	}
	return ks, &unstructured.Unstructured{Object: m}, nil
}

// written decodes the object a write returned.
func (s *Store) written(ks *kindState, op string, res *unstructured.Unstructured) (*config.Object, error) {
	obj, err := s.decodeObject(ks, res)
	if err != nil {
		// The write happened; only its result is unreadable.
		return nil, fmt.Errorf("%s %s/%s succeeded at version %s, but the stored object does not decode: %w",
			op, res.GetNamespace(), res.GetName(), res.GetResourceVersion(), err)
	}
	return obj, nil
}

// apiError maps an API server error to the store's sentinel errors, keeping
// the server's error (and its message) in the chain.
func apiError(op string, key config.Key, err error) error {
	var sentinel error
	switch {
	case apierrors.IsNotFound(err):
		sentinel = store.ErrNotFound
	case apierrors.IsAlreadyExists(err):
		sentinel = store.ErrAlreadyExists
	case apierrors.IsConflict(err):
		sentinel = store.ErrConflict
	case apierrors.IsInvalid(err), apierrors.IsBadRequest(err):
		sentinel = store.ErrInvalid
	case errors.Is(err, store.ErrUnknownKind):
		return err
	default:
		return fmt.Errorf("%s %s: %w", op, key, err)
	}
	return fmt.Errorf("%s %s: %w: %w", op, key, sentinel, err)
}
