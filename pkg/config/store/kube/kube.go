package kube

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/klog/v2"

	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/store"
	"github.com/sailmesh/sail/pkg/config/store/internal/storeutil"
)

var _ store.Store = (*Store)(nil)

// DefaultWriteWait bounds how long a write waits for the store's informer
// to observe it.
const DefaultWriteWait = 30 * time.Second

// DecodeFunc decodes one object from its Kubernetes JSON tree, which it
// must not modify. Typically it wraps parse.Parser.Decode.
type DecodeFunc func(obj map[string]any) (*config.Object, error)

// Options configure a Store.
type Options struct {
	// Logger receives objects that fail to decode and informer problems;
	// nil discards them.
	Logger *slog.Logger
	// Namespace limits the store to one namespace; "" means all.
	Namespace string
	// Resync is the informers' resync period; zero disables resyncs.
	Resync time.Duration
	// WriteWait bounds how long a write waits to be observed by the
	// informer (see Store); DefaultWriteWait when zero.
	WriteWait time.Duration
}

// Store serves objects held as Kubernetes custom resources, through one
// dynamic informer per kind at the kind's preferred version.
//
// Reads come from the informers' view, decoded once per resource version.
// Writes go to the API server and return once the informer has observed
// them (or WriteWait passes, which is logged), so a Get right after a write
// sees it or something newer. Resource versions are the API server's.
//
// An object that does not decode is logged and skipped: a new object is
// not served, an updated one keeps its last good version until it is fixed
// or deleted.
type Store struct {
	client    dynamic.Interface
	decode    DecodeFunc
	log       *slog.Logger
	namespace string
	writeWait time.Duration
	kinds     []config.Kind
	byGK      map[config.GroupKind]*kindState
	fanout    storeutil.Fanout
	started   atomic.Bool
	running   atomic.Bool // informers run; writes wait for them

	mu      sync.RWMutex
	changed chan struct{} // closed and replaced whenever an informer event is handled
}

// kindState is one kind's informer and what it has observed.
type kindState struct {
	kind     config.Kind
	gvr      schema.GroupVersionResource
	informer cache.SharedIndexInformer
	handler  cache.ResourceEventHandlerRegistration

	// Guarded by Store.mu.
	objects map[config.Key]*config.Object // last good decoded version
	present map[config.Key]uint64         // resource version of every object, decoded or not
	maxSeen uint64                        // largest resource version observed
}

// New returns a store for kinds in the cluster cfg reaches. Informers start
// with Run.
func New(cfg *rest.Config, kinds []config.Kind, decode DecodeFunc, opts Options) (*Store, error) {
	if decode == nil {
		return nil, errors.New("kube store: no decode function")
	}
	if len(kinds) == 0 {
		return nil, errors.New("kube store: no kinds")
	}
	client, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("kube store: client: %w", err)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Store{
		client:    client,
		decode:    decode,
		log:       log.With("store", "kube"),
		namespace: opts.Namespace,
		writeWait: cmp.Or(opts.WriteWait, DefaultWriteWait),
		byGK:      map[config.GroupKind]*kindState{},
		changed:   make(chan struct{}),
	}
	for _, k := range kinds {
		if _, dup := s.byGK[k.GroupKind()]; dup {
			continue
		}
		ks, err := s.newKindState(k, opts.Resync)
		if err != nil {
			return nil, err
		}
		s.kinds = append(s.kinds, k)
		s.byGK[k.GroupKind()] = ks
	}
	return s, nil
}

func (s *Store) newKindState(k config.Kind, resync time.Duration) (*kindState, error) {
	gvr := schema.GroupVersionResource{Group: k.Group, Version: k.Versions[0], Resource: k.Plural}
	ks := &kindState{
		kind:     k,
		gvr:      gvr,
		informer: dynamicinformer.NewFilteredDynamicInformer(s.client, gvr, s.namespace, resync, cache.Indexers{}, nil).Informer(),
		objects:  map[config.Key]*config.Object{},
		present:  map[config.Key]uint64{},
	}
	// managedFields are large and unused: drop them before caching.
	if err := ks.informer.SetTransform(func(obj any) (any, error) {
		if u, ok := obj.(*unstructured.Unstructured); ok {
			u.SetManagedFields(nil)
		}
		return obj, nil
	}); err != nil {
		return nil, fmt.Errorf("kube store: %s informer: %w", k.GroupKind(), err)
	}
	if err := ks.informer.SetWatchErrorHandler(func(_ *cache.Reflector, err error) {
		s.log.Warn("watch failed; retrying", "kind", k.GroupKind().String(), "err", err)
	}); err != nil {
		return nil, fmt.Errorf("kube store: %s informer: %w", k.GroupKind(), err)
	}
	reg, err := ks.informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { s.observe(ks, obj) },
		UpdateFunc: func(_, obj any) { s.observe(ks, obj) },
		DeleteFunc: func(obj any) { s.observeDelete(ks, obj) },
	})
	if err != nil {
		return nil, fmt.Errorf("kube store: %s informer: %w", k.GroupKind(), err)
	}
	ks.handler = reg
	return ks, nil
}

// Kinds implements store.Store.
func (s *Store) Kinds() []config.Kind { return slices.Clone(s.kinds) }

func (s *Store) kindState(gk config.GroupKind) (*kindState, error) {
	ks, ok := s.byGK[gk]
	if !ok {
		return nil, fmt.Errorf("%w: %s", store.ErrUnknownKind, gk)
	}
	return ks, nil
}

// Get implements store.Store.
func (s *Store) Get(gk config.GroupKind, namespace, name string) (*config.Object, error) {
	ks, err := s.kindState(gk)
	if err != nil {
		return nil, err
	}
	key := config.Key{GroupKind: gk, Namespace: namespace, Name: name}
	s.mu.RLock()
	obj, ok := ks.objects[key]
	s.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%s: %w", key, store.ErrNotFound)
	}
	return obj.DeepCopy(), nil
}

// List implements store.Store.
func (s *Store) List(gk config.GroupKind, namespace string) ([]*config.Object, error) {
	ks, err := s.kindState(gk)
	if err != nil {
		return nil, err
	}
	var out []*config.Object
	s.mu.RLock()
	for _, obj := range ks.objects {
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

// Watch implements store.Store. Events of one kind arrive in resource
// version order; events of different kinds come from different informers
// and are ordered only as their informers delivered them.
func (s *Store) Watch(h store.Handler) (cancel func()) { return s.fanout.Watch(h) }

// HasSynced implements store.Store: true once every informer has listed
// its kind and the store has taken in what it listed.
func (s *Store) HasSynced() bool {
	if !s.started.Load() {
		return false
	}
	for _, ks := range s.byGK {
		if !ks.handler.HasSynced() {
			return false
		}
	}
	return true
}

// Run implements store.Store: it runs the informers until ctx is done and
// returns once they have stopped. Informer logs go to the store's logger.
func (s *Store) Run(ctx context.Context) error {
	if s.started.Swap(true) {
		return errors.New("kube store: Run called twice")
	}
	ctx = klog.NewContext(ctx, logr.FromSlogHandler(s.log.Handler()))
	var wg sync.WaitGroup
	for _, ks := range s.byGK {
		wg.Go(func() { ks.informer.RunWithContext(ctx) })
	}
	s.running.Store(true)
	if cache.WaitForCacheSync(ctx.Done(), s.HasSynced) {
		s.log.Info("synced", "kinds", len(s.kinds), "namespace", cmp.Or(s.namespace, "(all)"))
	}
	<-ctx.Done()
	s.running.Store(false)
	wg.Wait()
	return nil
}
