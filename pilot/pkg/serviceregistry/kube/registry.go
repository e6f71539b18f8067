package kube

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	discoverylisters "k8s.io/client-go/listers/discovery/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/klog/v2"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pkg/spiffe"
)

var _ model.Registry = (*Registry)(nil)

// DefaultDomainSuffix is the cluster's DNS domain when Options leave it
// empty.
const DefaultDomainSuffix = "cluster.local"

// Options configure a Registry.
type Options struct {
	// DomainSuffix ends every hostname, "<name>.<ns>.svc.<suffix>";
	// DefaultDomainSuffix when empty.
	DomainSuffix string
	// TrustDomain names workload identities in Service.ServiceAccounts;
	// spiffe.DefaultTrustDomain when empty.
	TrustDomain string
	// Logger receives sync progress, reconcile failures and the informers'
	// own logs; slog.Default() when nil.
	Logger *slog.Logger
	// Resync is the informers' resync period; 0 disables resyncs.
	Resync time.Duration
}

// key names a Service; the queue holds keys, never objects.
type key struct{ namespace, name string }

// Registry is a model.Registry over one Kubernetes cluster. Reads are
// served from an immutable index swapped atomically; the index is rebuilt
// by Run's one worker, one Service at a time.
type Registry struct {
	opts    Options
	factory informers.SharedInformerFactory
	queue   workqueue.TypedRateLimitingInterface[key]

	services   corelisters.ServiceLister
	pods       corelisters.PodLister
	nodes      corelisters.NodeLister
	slices     discoverylisters.EndpointSliceLister
	hasSynced  []cache.InformerSynced
	cur        atomic.Pointer[index]
	synced     atomic.Bool
	started    atomic.Bool
	reconciles atomic.Uint64 // keys processed, for tests and debugging

	mu       sync.Mutex
	handlers []func(model.Event)
}

// New returns a registry over client. It reads nothing until Run; until
// then, and until HasSynced, it is empty.
func New(client kubernetes.Interface, opts Options) *Registry {
	if opts.DomainSuffix == "" {
		opts.DomainSuffix = DefaultDomainSuffix
	}
	if opts.TrustDomain == "" {
		opts.TrustDomain = spiffe.DefaultTrustDomain
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	f := informers.NewSharedInformerFactory(client, opts.Resync)
	r := &Registry{
		opts:    opts,
		factory: f,
		queue: workqueue.NewTypedRateLimitingQueueWithConfig(
			workqueue.DefaultTypedControllerRateLimiter[key](),
			workqueue.TypedRateLimitingQueueConfig[key]{Name: "kube-registry"}),
	}
	r.cur.Store(emptyIndex())

	svcs := f.Core().V1().Services()
	pods := f.Core().V1().Pods()
	nodes := f.Core().V1().Nodes()
	nss := f.Core().V1().Namespaces()
	eps := f.Discovery().V1().EndpointSlices()
	r.services, r.pods, r.nodes, r.slices = svcs.Lister(), pods.Lister(), nodes.Lister(), eps.Lister()

	r.watch(svcs.Informer(), r.serviceKeys)
	r.watch(eps.Informer(), r.sliceKeys)
	r.watch(pods.Informer(), r.podKeys)
	r.watch(nodes.Informer(), r.nodeKeys)
	r.watch(nss.Informer(), r.namespaceKeys)
	return r
}

// watch enqueues the keys affected by every event of inf; keysOf gets the
// object (or a deletion tombstone).
func (r *Registry) watch(inf cache.SharedIndexInformer, keysOf func(obj any) []key) {
	enqueue := func(obj any) {
		for _, k := range keysOf(obj) {
			r.queue.Add(k)
		}
	}
	// AddEventHandler fails only once the informer has stopped.
	reg, _ := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: enqueue,
		UpdateFunc: func(oldObj, newObj any) {
			enqueue(oldObj)
			enqueue(newObj)
		},
		DeleteFunc: enqueue,
	})
	if reg != nil {
		r.hasSynced = append(r.hasSynced, reg.HasSynced)
	}
}

// Run runs the informers and the worker until ctx is done, and returns once
// they have stopped. The first index is built in one pass once the
// informers have synced, without events; every later change is notified.
// Call it once.
func (r *Registry) Run(ctx context.Context) error {
	if r.started.Swap(true) {
		return errors.New("kube registry: Run called twice")
	}
	ctx = klog.NewContext(ctx, logr.FromSlogHandler(r.opts.Logger.Handler()))
	defer r.queue.ShutDown()
	r.factory.StartWithContext(ctx)
	defer r.factory.Shutdown()
	if !cache.WaitForCacheSync(ctx.Done(), r.hasSynced...) {
		return nil
	}
	if err := r.buildAll(); err != nil {
		// Listers read only memory; a failure here is a bug, but keep going
		// key by key.
		r.opts.Logger.Error("kube registry: initial build failed", "err", err)
	}
	r.synced.Store(true)
	r.opts.Logger.Info("kube registry: synced", "services", len(r.cur.Load().services))

	var wg sync.WaitGroup
	wg.Go(func() {
		for r.processNext() {
		}
	})
	<-ctx.Done()
	r.queue.ShutDown()
	wg.Wait()
	return nil
}

// HasSynced reports whether the informers have synced and the first index
// is built.
func (r *Registry) HasSynced() bool { return r.synced.Load() }

// processNext reconciles one key; it returns false once the queue is shut
// down.
func (r *Registry) processNext() bool {
	k, quit := r.queue.Get()
	if quit {
		return false
	}
	defer r.queue.Done(k)
	if err := r.reconcile(k); err != nil {
		r.opts.Logger.Error("kube registry: reconcile failed, will retry", "service", k.namespace+"/"+k.name, "err", err)
		r.queue.AddRateLimited(k)
		return true
	}
	r.queue.Forget(k)
	return true
}

// reconcile rebuilds the Service k from the listers, swaps in the new index
// and notifies the handlers of any change.
func (r *Registry) reconcile(k key) error {
	defer r.reconciles.Add(1)
	old := r.cur.Load()
	host := r.hostname(k)
	prev := old.entries[host]
	next, err := r.build(k, prev)
	if err != nil {
		return err
	}
	ev, store, notify := changeEvent(host, prev, next)
	if store {
		r.cur.Store(old.with(host, next))
	}
	if notify {
		r.notify(ev)
	}
	return nil
}

// buildAll builds the index from every Service in the listers.
func (r *Registry) buildAll() error {
	svcs, err := r.services.List(everything())
	if err != nil {
		return err
	}
	entries := map[string]*entry{}
	for _, svc := range svcs {
		k := key{svc.Namespace, svc.Name}
		e, err := r.build(k, nil)
		if err != nil {
			return err
		}
		if e != nil {
			entries[r.hostname(k)] = e
		}
	}
	r.cur.Store(newIndex(entries))
	return nil
}

func (r *Registry) notify(ev model.Event) {
	r.mu.Lock()
	handlers := slices.Clone(r.handlers)
	r.mu.Unlock()
	for _, h := range handlers {
		h(ev)
	}
}

// AppendHandler implements model.Registry. Handlers run on Run's worker
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
	if e := r.cur.Load().entries[hostname]; e != nil {
		return e.svc
	}
	return nil
}

// Instances implements model.Registry.
func (r *Registry) Instances(hostname string, port uint32) []*model.Instance {
	e := r.cur.Load().entries[hostname]
	if e == nil {
		return nil
	}
	if port == 0 {
		return slices.Clone(e.instances)
	}
	var out []*model.Instance
	for _, in := range e.instances {
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
