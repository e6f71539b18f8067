package serviceentry

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/store"
	"github.com/sailmesh/sail/pkg/spiffe"
)

var _ model.Registry = (*Registry)(nil)

// The kinds the registry reads.
func serviceEntryKind() config.GroupKind {
	return config.GroupKind{Group: config.NetworkingGroup, Kind: "ServiceEntry"}
}

func workloadEntryKind() config.GroupKind {
	return config.GroupKind{Group: config.NetworkingGroup, Kind: "WorkloadEntry"}
}

// Options configure a Registry.
type Options struct {
	// TrustDomain names workload identities in Service.ServiceAccounts;
	// spiffe.DefaultTrustDomain when empty.
	TrustDomain string
	// Logger receives rebuild failures and host conflicts; slog.Default()
	// when nil.
	Logger *slog.Logger
}

// Registry is a model.Registry over the ServiceEntry and WorkloadEntry
// objects of a store. Reads are served from an immutable index swapped
// atomically; rebuilds happen in Run, one at a time.
type Registry struct {
	store store.Store
	opts  Options
	cur   atomic.Pointer[index]
	// dirty has room for one signal: changes arriving during a rebuild
	// coalesce into one more rebuild.
	dirty  chan struct{}
	cancel func()

	mu          sync.Mutex
	pendingFull bool // a ServiceEntry changed since the last rebuild
	handlers    []func(model.Event)
}

// New returns a registry over s, which must hold the ServiceEntry and
// WorkloadEntry kinds. It starts watching s and builds the first index
// before it returns, so it can be read at once; later changes are applied
// by Run, which must be called for the registry to follow the store.
func New(s store.Store, opts Options) (*Registry, error) {
	for _, gk := range []config.GroupKind{serviceEntryKind(), workloadEntryKind()} {
		if !slices.ContainsFunc(s.Kinds(), func(k config.Kind) bool { return k.GroupKind() == gk }) {
			return nil, fmt.Errorf("service entry registry: %w: %s", store.ErrUnknownKind, gk)
		}
	}
	if opts.TrustDomain == "" {
		opts.TrustDomain = spiffe.DefaultTrustDomain
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	r := &Registry{store: s, opts: opts, dirty: make(chan struct{}, 1)}
	r.cur.Store(emptyIndex())
	// Watch before the first List, so no change falls between them.
	r.cancel = s.Watch(r.onConfig)
	if err := r.rebuild(false); err != nil {
		r.cancel()
		return nil, fmt.Errorf("service entry registry: %w", err)
	}
	return r, nil
}

// Run applies store changes until ctx is done, then stops watching the
// store. Call it once.
func (r *Registry) Run(ctx context.Context) error {
	defer r.cancel()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-r.dirty:
			if err := r.rebuild(true); err != nil {
				// Keep serving the last good index; the next change
				// retries.
				r.opts.Logger.Error("service entry registry: rebuild failed", "err", err)
			}
		}
	}
}

func (r *Registry) onConfig(e store.Event) {
	gk := e.Object.GVK.GroupKind()
	if gk != serviceEntryKind() && gk != workloadEntryKind() {
		return
	}
	if gk == serviceEntryKind() {
		r.mu.Lock()
		r.pendingFull = true
		r.mu.Unlock()
	}
	select {
	case r.dirty <- struct{}{}:
	default:
	}
}

// rebuild lists both kinds, swaps in a new index and, when notify is set,
// tells the handlers what changed.
func (r *Registry) rebuild(notify bool) error {
	r.mu.Lock()
	full := r.pendingFull
	r.pendingFull = false
	r.mu.Unlock()
	restore := func() {
		r.mu.Lock()
		r.pendingFull = r.pendingFull || full
		r.mu.Unlock()
	}
	ses, err := r.store.List(serviceEntryKind(), "")
	if err != nil {
		restore()
		return fmt.Errorf("list ServiceEntries: %w", err)
	}
	wes, err := r.store.List(workloadEntryKind(), "")
	if err != nil {
		restore()
		return fmt.Errorf("list WorkloadEntries: %w", err)
	}
	next := build(ses, wes, r.opts.TrustDomain)
	for _, c := range next.conflicts {
		r.opts.Logger.Warn("service entry registry: host declared twice", "conflict", c)
	}
	old := r.cur.Swap(next)
	if !notify {
		return nil
	}
	ev, changed := changeEvent(old, next, full)
	if !changed {
		return nil
	}
	r.mu.Lock()
	handlers := slices.Clone(r.handlers)
	r.mu.Unlock()
	for _, h := range handlers {
		h(ev)
	}
	return nil
}

// AppendHandler implements model.Registry. Handlers run on Run's
// goroutine.
func (r *Registry) AppendHandler(h func(model.Event)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.handlers = append(r.handlers, h)
}

// Services implements model.Registry.
func (r *Registry) Services() []*model.Service {
	return slices.Clone(r.cur.Load().services)
}

// Service implements model.Registry.
func (r *Registry) Service(hostname string) *model.Service {
	return r.cur.Load().byHost[hostname]
}

// Instances implements model.Registry.
func (r *Registry) Instances(hostname string, port uint32) []*model.Instance {
	all := r.cur.Load().instances[hostname]
	if port == 0 {
		return slices.Clone(all)
	}
	var out []*model.Instance
	for _, in := range all {
		if in.ServicePort.Number == port {
			out = append(out, in)
		}
	}
	return out
}

// InstancesByIP implements model.Registry.
func (r *Registry) InstancesByIP(ip string) []*model.Instance {
	return slices.Clone(r.cur.Load().byIP[ip])
}
