package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/store"
	"github.com/sailmesh/sail/pkg/config/store/internal/storeutil"
)

var _ store.Store = (*Store)(nil)

// Store keeps objects in memory. Resource versions come from one counter
// per store, so a later write always has a larger version.
//
// Objects are copied on the way in and on the way out: nothing a caller
// holds aliases the store. The objects in events are copies shared by all
// handlers of that event; handlers must not modify them.
type Store struct {
	kinds  []config.Kind
	byGK   map[config.GroupKind]config.Kind
	fanout storeutil.Fanout
	now    func() time.Time

	mu      sync.RWMutex
	objects map[config.GroupKind]map[config.Key]*config.Object // never mutated in place
	rv      uint64
}

// New returns an empty store holding kinds. A kind listed twice is held
// once.
func New(kinds []config.Kind) *Store {
	s := &Store{
		byGK:    map[config.GroupKind]config.Kind{},
		objects: map[config.GroupKind]map[config.Key]*config.Object{},
		now:     time.Now,
	}
	for _, k := range kinds {
		if _, dup := s.byGK[k.GroupKind()]; dup {
			continue
		}
		s.byGK[k.GroupKind()] = k
		s.kinds = append(s.kinds, k)
		s.objects[k.GroupKind()] = map[config.Key]*config.Object{}
	}
	return s
}

// Kinds implements store.Store.
func (s *Store) Kinds() []config.Kind { return slices.Clone(s.kinds) }

// Kind returns the held kind gk, or an error wrapping store.ErrUnknownKind.
func (s *Store) Kind(gk config.GroupKind) (config.Kind, error) {
	k, ok := s.byGK[gk]
	if !ok {
		return config.Kind{}, fmt.Errorf("%w: %s", store.ErrUnknownKind, gk)
	}
	return k, nil
}

// Get implements store.Store.
func (s *Store) Get(gk config.GroupKind, namespace, name string) (*config.Object, error) {
	if _, err := s.Kind(gk); err != nil {
		return nil, err
	}
	key := config.Key{GroupKind: gk, Namespace: namespace, Name: name}
	s.mu.RLock()
	obj, ok := s.objects[gk][key]
	s.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%s: %w", key, store.ErrNotFound)
	}
	return obj.DeepCopy(), nil
}

// List implements store.Store.
func (s *Store) List(gk config.GroupKind, namespace string) ([]*config.Object, error) {
	if _, err := s.Kind(gk); err != nil {
		return nil, err
	}
	s.mu.RLock()
	var out []*config.Object
	for _, obj := range s.objects[gk] {
		if namespace == "" || obj.Namespace == namespace {
			out = append(out, obj)
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(out, func(a, b *config.Object) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	for i, obj := range out {
		out[i] = obj.DeepCopy()
	}
	return out, nil
}

// Create implements store.Store. The resource version, generation and
// creation time of obj are ignored and set by the store; a nil spec is
// stored as an empty one; an empty version becomes the preferred one.
func (s *Store) Create(ctx context.Context, obj *config.Object) (*config.Object, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c, err := s.prepare(obj)
	if err != nil {
		return nil, err
	}
	key := c.Key()
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.objects[key.GroupKind][key]; ok {
		return nil, fmt.Errorf("%s: %w", key, store.ErrAlreadyExists)
	}
	s.rv++
	c.ResourceVersion = strconv.FormatUint(s.rv, 10)
	c.Generation = 1
	c.CreationTimestamp = s.now().UTC().Truncate(time.Second)
	s.objects[key.GroupKind][key] = c
	s.fanout.Publish(store.Event{Type: store.Added, Object: c.DeepCopy()})
	return c.DeepCopy(), nil
}

// Update implements store.Store. An update whose content equals the
// stored object's (config.SameContent) changes nothing: it returns the
// stored object with its resource version unchanged and sends no event, as
// the Kubernetes API server does. Generation grows when the spec changes.
func (s *Store) Update(ctx context.Context, obj *config.Object) (*config.Object, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c, err := s.prepare(obj)
	if err != nil {
		return nil, err
	}
	key := c.Key()
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.objects[key.GroupKind][key]
	if !ok {
		return nil, fmt.Errorf("%s: %w", key, store.ErrNotFound)
	}
	if obj.ResourceVersion != "" && obj.ResourceVersion != cur.ResourceVersion {
		return nil, fmt.Errorf("%s: %w: have version %s, update is for %s", key, store.ErrConflict, cur.ResourceVersion, obj.ResourceVersion)
	}
	if config.SameContent(cur, c) {
		return cur.DeepCopy(), nil
	}
	s.rv++
	c.ResourceVersion = strconv.FormatUint(s.rv, 10)
	c.UID = cur.UID
	c.CreationTimestamp = cur.CreationTimestamp
	c.Generation = cur.Generation
	if !proto.Equal(cur.Spec, c.Spec) {
		c.Generation++
	}
	s.objects[key.GroupKind][key] = c
	// cur left the store, so the event may have it without a copy.
	s.fanout.Publish(store.Event{Type: store.Updated, Object: c.DeepCopy(), Old: cur})
	return c.DeepCopy(), nil
}

// Delete implements store.Store.
func (s *Store) Delete(ctx context.Context, key config.Key, resourceVersion string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := s.Kind(key.GroupKind); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.objects[key.GroupKind][key]
	if !ok {
		return fmt.Errorf("%s: %w", key, store.ErrNotFound)
	}
	if resourceVersion != "" && resourceVersion != cur.ResourceVersion {
		return fmt.Errorf("%s: %w: have version %s, delete is for %s", key, store.ErrConflict, cur.ResourceVersion, resourceVersion)
	}
	delete(s.objects[key.GroupKind], key)
	s.fanout.Publish(store.Event{Type: store.Deleted, Object: cur})
	return nil
}

// Watch implements store.Store.
func (s *Store) Watch(h store.Handler) (cancel func()) { return s.fanout.Watch(h) }

// Run implements store.Store: a memory store needs no background work, so
// Run only waits for ctx. Events are delivered whether or not Run is called.
func (s *Store) Run(ctx context.Context) error {
	<-ctx.Done()
	return nil
}

// HasSynced implements store.Store; a memory store is always synced.
func (s *Store) HasSynced() bool { return true }

// Len returns the number of objects held.
func (s *Store) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := 0
	for _, m := range s.objects {
		n += len(m)
	}
	return n
}

// prepare checks obj and returns the copy to store.
func (s *Store) prepare(obj *config.Object) (*config.Object, error) {
	k, err := s.Kind(obj.GVK.GroupKind())
	if err != nil {
		return nil, err
	}
	if err := storeutil.CheckObject(k, obj); err != nil {
		return nil, err
	}
	c := obj.DeepCopy()
	if c.GVK.Version == "" {
		c.GVK.Version = k.Versions[0]
	}
	if c.Spec == nil {
		c.Spec = k.NewSpec()
	}
	return c, nil
}
