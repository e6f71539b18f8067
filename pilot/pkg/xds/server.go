package xds

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	discoveryv3 "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"github.com/envoyproxy/go-control-plane/pkg/cache/v3"
	gcplog "github.com/envoyproxy/go-control-plane/pkg/log"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	serverv3 "github.com/envoyproxy/go-control-plane/pkg/server/v3"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pkg/config/mesh"
	"github.com/sailmesh/sail/pkg/config/store"
)

// Push timing defaults (Options).
const (
	// DefaultDebounce is how long changes must be quiet before a push.
	DefaultDebounce = 100 * time.Millisecond
	// DefaultMaxDelay is the longest a push waits for changes to stop.
	DefaultMaxDelay = 10 * time.Second
	// gracePeriod is how long Serve waits for a graceful stop.
	gracePeriod = 5 * time.Second
)

// Options configure a Server.
type Options struct {
	// Debounce is the quiet time after the last change before a push;
	// DefaultDebounce when zero.
	Debounce time.Duration
	// MaxDelay bounds how long changes that keep coming delay a push;
	// DefaultMaxDelay when zero.
	MaxDelay time.Duration
	// Logger receives connections, NACKs, listener warnings and
	// generation failures; nil discards them.
	Logger *slog.Logger
	// Metrics receive pushes, push durations, NACKs, connected proxies
	// and convergence times; nil keeps them unregistered.
	Metrics *Metrics
}

// Server serves ADS to proxies from a registry and a config source.
type Server struct {
	reg     model.Registry
	configs ConfigSource
	mesh    mesh.Config
	opts    Options
	log     *slog.Logger
	metrics *Metrics
	cache   cache.SnapshotCache
	nacks   nackTable
	// versions counts the Inputs taken; an Input's Version is its value.
	versions    atomic.Uint64
	changed     chan struct{} // room for one signal: changes coalesce
	cancelWatch func()

	changeMu sync.Mutex
	// firstChange is when the oldest change not yet taken into an Input
	// arrived (zero when none): the trigger time of the next push.
	firstChange time.Time

	// genMu serializes taking Inputs and generating and setting
	// snapshots, so that an older Input never overwrites a newer one's
	// snapshot. It is taken before mu.
	genMu sync.Mutex
	input *Input // the latest Input; guarded by genMu

	mu      sync.Mutex
	streams map[int64]string // stream ID → node ID, once the node is known
	nodes   map[string]*node // by node ID
	// sent is, per stream, the version of each response by nonce, to
	// name the version a NACK rejects.
	sent map[int64]map[string]sentResponse
}

// sentResponse is the last response of one type on a stream.
type sentResponse struct{ nonce, version string }

// node is one known proxy.
type node struct {
	proxy   *model.Proxy
	streams int
	since   time.Time
	// types are the versions sent and ACKed, by type URL.
	types map[string]*TypeStatus
	// pending is the push whose convergence is not observed yet: its
	// version and the time of the change that triggered it.
	pending struct {
		version string
		trigger time.Time
	}
}

// New returns a server over reg and configs. It starts following their
// changes and takes the first Input before it returns; Serve serves
// proxies and pushes.
func New(reg model.Registry, configs ConfigSource, meshCfg mesh.Config, opts Options) (*Server, error) {
	if opts.Debounce <= 0 {
		opts.Debounce = DefaultDebounce
	}
	if opts.MaxDelay <= 0 {
		opts.MaxDelay = DefaultMaxDelay
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	metrics := opts.Metrics
	if metrics == nil {
		var err error
		if metrics, err = NewMetrics(prometheus.NewRegistry()); err != nil {
			return nil, err
		}
	}
	s := &Server{
		reg:     reg,
		configs: configs,
		mesh:    meshCfg,
		opts:    opts,
		log:     log.With("component", "xds"),
		metrics: metrics,
		changed: make(chan struct{}, 1),
		streams: map[int64]string{},
		nodes:   map[string]*node{},
		sent:    map[int64]map[string]sentResponse{},
	}
	s.cache = cache.NewSnapshotCache(true, cache.IDHash{}, cacheLogger(s.log))
	// Follow changes before taking the first Input, so none falls between.
	reg.AppendHandler(func(model.Event) { s.notify() })
	s.cancelWatch = configs.Watch(func(e store.Event) {
		if gk := e.Object.GVK.GroupKind(); gk == virtualServiceKind() || gk == destinationRuleKind() {
			s.notify()
		}
	})
	in, err := NewInput(s.versions.Add(1), reg, configs, meshCfg)
	if err != nil {
		s.cancelWatch()
		return nil, fmt.Errorf("xds: %w", err)
	}
	s.input = in
	return s, nil
}

func (s *Server) notify() {
	s.changeMu.Lock()
	if s.firstChange.IsZero() {
		s.firstChange = time.Now()
	}
	s.changeMu.Unlock()
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// Serve serves ADS on lis and pushes changes until ctx is done, then stops
// gracefully (open streams end with ctx) and stops following changes. It
// returns nil after a stop caused by ctx, or the gRPC server's error.
// Call it once.
func (s *Server) Serve(ctx context.Context, lis net.Listener) error {
	defer s.cancelWatch()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ads := serverv3.NewServer(ctx, s.cache, serverv3.CallbackFuncs{
		StreamRequestFunc: s.onStreamRequest,
		StreamClosedFunc:  s.onStreamClosed,
		StreamResponseFunc: func(_ context.Context, streamID int64, _ *discoveryv3.DiscoveryRequest, resp *discoveryv3.DiscoveryResponse) {
			s.onStreamResponse(streamID, resp)
		},
	})
	g := grpc.NewServer()
	discoveryv3.RegisterAggregatedDiscoveryServiceServer(g, ads)

	var wg sync.WaitGroup
	wg.Go(func() { s.pushLoop(ctx) })
	wg.Go(func() {
		<-ctx.Done()
		done := make(chan struct{})
		go func() { g.GracefulStop(); close(done) }()
		select {
		case <-done:
		case <-time.After(gracePeriod):
			g.Stop()
			<-done
		}
	})
	err := g.Serve(lis)
	cancel()
	wg.Wait()
	if errors.Is(err, grpc.ErrServerStopped) {
		err = nil
	}
	return err
}

// Nacks returns the NACKs recorded so far, by node ID. The map is the
// caller's own.
func (s *Server) Nacks() map[string]Nack { return s.nacks.snapshot() }

// Version returns the snapshot version set for nodeID, or "" when the node
// has none.
func (s *Server) Version(nodeID string) string {
	snap, err := s.cache.GetSnapshot(nodeID)
	if err != nil {
		return ""
	}
	return snap.GetVersion(resource.ClusterType)
}

// onStreamRequest learns the stream's node on its first request and
// generates the node's snapshot on first contact, and records NACKs.
func (s *Server) onStreamRequest(streamID int64, req *discoveryv3.DiscoveryRequest) error {
	nodeID := req.GetNode().GetId()
	if req.GetErrorDetail() != nil {
		s.onNack(streamID, nodeID, req)
	} else if req.GetResponseNonce() != "" {
		s.onAck(streamID, req)
	}
	s.mu.Lock()
	known, ok := s.streams[streamID]
	s.mu.Unlock()
	if ok {
		if known != nodeID {
			return status.Errorf(codes.InvalidArgument, "node ID changed on the stream from %q to %q", known, nodeID)
		}
		return nil
	}
	proxy, err := model.ProxyFromNode(nodeID, req.GetNode().GetMetadata())
	if err != nil {
		s.log.Warn("rejected proxy", "node", nodeID, "err", err)
		return status.Errorf(codes.InvalidArgument, "%v", err)
	}
	if proxy.Type != model.SidecarProxy {
		s.log.Warn("rejected proxy", "node", nodeID, "err", "gateways are not supported yet")
		return status.Errorf(codes.Unimplemented, "node %q: %s proxies are not supported yet; only sidecars are", nodeID, proxy.Type)
	}

	s.genMu.Lock()
	defer s.genMu.Unlock()
	s.mu.Lock()
	n := s.nodes[nodeID]
	s.mu.Unlock()
	if n == nil {
		if err := s.setSnapshot(nodeID, proxy, s.input, time.Time{}); err != nil {
			s.log.Error("cannot generate config for proxy", "node", nodeID, "err", err)
			return status.Errorf(codes.Internal, "generating config for node %q: %v", nodeID, err)
		}
		n = &node{proxy: proxy, since: time.Now(), types: map[string]*TypeStatus{}}
		s.log.Info("proxy connected", "node", nodeID, "version", s.input.Version)
	}
	s.mu.Lock()
	n.streams++
	s.nodes[nodeID] = n
	s.streams[streamID] = nodeID
	s.metrics.connected.Set(float64(len(s.nodes)))
	s.mu.Unlock()
	return nil
}

// onStreamResponse remembers the version sent with each nonce on the
// stream. Only the latest response of each type can be answered (older
// nonces are stale), so one entry per type is kept.
func (s *Server) onStreamResponse(streamID int64, resp *discoveryv3.DiscoveryResponse) {
	s.mu.Lock()
	defer s.mu.Unlock()
	byType := s.sent[streamID]
	if byType == nil {
		byType = map[string]sentResponse{}
		s.sent[streamID] = byType
	}
	byType[resp.GetTypeUrl()] = sentResponse{nonce: resp.GetNonce(), version: resp.GetVersionInfo()}
	if n := s.nodes[s.streams[streamID]]; n != nil {
		n.typeStatus(resp.GetTypeUrl()).Sent = resp.GetVersionInfo()
	}
}

func (n *node) typeStatus(typeURL string) *TypeStatus {
	ts := n.types[typeURL]
	if ts == nil {
		ts = &TypeStatus{}
		n.types[typeURL] = ts
	}
	return ts
}

// onAck records the version a request without error detail ACKs: the
// one sent with its nonce. Once the proxy has ACKed every type at its
// pending push's version, the push's convergence time is observed.
func (s *Server) onAck(streamID int64, req *discoveryv3.DiscoveryRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	last, ok := s.sent[streamID][req.GetTypeUrl()]
	if !ok || last.nonce != req.GetResponseNonce() {
		return // stale nonce
	}
	n := s.nodes[s.streams[streamID]]
	if n == nil {
		return
	}
	n.typeStatus(req.GetTypeUrl()).Acked = last.version
	if n.pending.version == "" {
		return
	}
	for _, ts := range n.types {
		if ts.Acked != n.pending.version {
			return
		}
	}
	s.metrics.convergence.Observe(time.Since(n.pending.trigger).Seconds())
	n.pending.version = ""
}

// onNack records a NACK and marks the rejected version as seen, so that
// the cache waits for a newer version instead of sending the rejected one
// again at once (which the proxy would reject again, in a loop).
func (s *Server) onNack(streamID int64, nodeID string, req *discoveryv3.DiscoveryRequest) {
	s.mu.Lock()
	last, ok := s.sent[streamID][req.GetTypeUrl()]
	s.mu.Unlock()
	rejected := ""
	if ok && last.nonce == req.GetResponseNonce() {
		rejected = last.version
		req.VersionInfo = last.version
	}
	msg := req.GetErrorDetail().GetMessage()
	s.metrics.nacks.WithLabelValues(TypeName(req.GetTypeUrl())).Inc()
	s.nacks.record(nodeID, req.GetTypeUrl(), rejected, msg, time.Now())
	s.log.Warn("proxy rejected config", "node", nodeID, "type", req.GetTypeUrl(), "version", rejected, "err", msg)
}

// onStreamClosed forgets the node when its last stream closes.
func (s *Server) onStreamClosed(streamID int64, _ *corev3.Node) {
	s.genMu.Lock()
	defer s.genMu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sent, streamID)
	nodeID, ok := s.streams[streamID]
	if !ok {
		return
	}
	delete(s.streams, streamID)
	n := s.nodes[nodeID]
	n.streams--
	if n.streams == 0 {
		delete(s.nodes, nodeID)
		s.metrics.connected.Set(float64(len(s.nodes)))
		s.cache.ClearSnapshot(nodeID)
		s.log.Info("proxy disconnected", "node", nodeID)
	}
}

// pushLoop waits for changes, debounces them and pushes, until ctx is
// done.
func (s *Server) pushLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.changed:
		}
		if !s.debounce(ctx) {
			return
		}
		s.push()
	}
}

// debounce waits until changes have been quiet for Debounce, or MaxDelay
// has passed; false when ctx ended first.
func (s *Server) debounce(ctx context.Context) bool {
	quiet := time.NewTimer(s.opts.Debounce)
	defer quiet.Stop()
	limit := time.NewTimer(s.opts.MaxDelay)
	defer limit.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-s.changed:
			quiet.Reset(s.opts.Debounce)
		case <-quiet.C:
			return true
		case <-limit.C:
			return true
		}
	}
}

// push takes a new Input and regenerates every known node's snapshot.
// Nodes whose snapshot changed wait for their ACKs to observe the
// convergence time from the change that triggered the push; a newer push
// replaces an unconverged one.
func (s *Server) push() {
	s.genMu.Lock()
	defer s.genMu.Unlock()
	start := time.Now()
	s.changeMu.Lock()
	trigger := s.firstChange
	s.firstChange = time.Time{}
	s.changeMu.Unlock()
	if trigger.IsZero() {
		trigger = start
	}
	in, err := NewInput(s.versions.Add(1), s.reg, s.configs, s.mesh)
	if err != nil {
		// Keep the last Input; the next change retries.
		s.log.Error("push skipped: cannot read inputs", "err", err)
		return
	}
	s.input = in
	s.mu.Lock()
	nodes := make(map[string]*model.Proxy, len(s.nodes))
	for id, n := range s.nodes {
		nodes[id] = n.proxy
	}
	s.mu.Unlock()
	for id, proxy := range nodes {
		if err := s.setSnapshot(id, proxy, in, trigger); err != nil {
			s.log.Error("proxy keeps its last config: cannot generate config", "node", id, "version", in.Version, "err", err)
		}
	}
	s.metrics.pushDuration.Observe(time.Since(start).Seconds())
	s.log.Debug("pushed", "version", in.Version, "proxies", len(nodes), "took", time.Since(start))
}

// setSnapshot generates node's resources from in and sets them as its
// snapshot, unless they equal the snapshot it has, and counts the pushes
// of the types that changed. With a trigger time, a known node awaits its
// ACKs of the new version to observe the convergence time; it is recorded
// before the snapshot is set, as the proxy may ACK at once. Callers hold
// genMu.
func (s *Server) setSnapshot(nodeID string, proxy *model.Proxy, in *Input, trigger time.Time) error {
	res, warnings, err := Generate(in, proxy)
	if err != nil {
		return err
	}
	for _, w := range warnings {
		s.log.Warn("listener conflict", "node", nodeID, "warning", w.String())
	}
	var cur cache.ResourceSnapshot
	if c, err := s.cache.GetSnapshot(nodeID); err == nil {
		cur = c
	}
	changed := res.changedTypes(cur)
	if len(changed) == 0 {
		return nil
	}
	version := strconv.FormatUint(in.Version, 10)
	snap, err := res.Snapshot(version)
	if err != nil {
		return err
	}
	if !trigger.IsZero() {
		s.mu.Lock()
		if n := s.nodes[nodeID]; n != nil {
			n.pending.version, n.pending.trigger = version, trigger
		}
		s.mu.Unlock()
	}
	if err := s.cache.SetSnapshot(context.Background(), nodeID, snap); err != nil {
		return err
	}
	for _, typ := range changed {
		s.metrics.pushes.WithLabelValues(TypeName(typ)).Inc()
	}
	return nil
}

// cacheLogger sends go-control-plane's logs to logger.
func cacheLogger(logger *slog.Logger) gcplog.Logger {
	return gcplog.LoggerFuncs{
		DebugFunc: func(f string, args ...any) { logger.Debug(fmt.Sprintf(f, args...)) },
		InfoFunc:  func(f string, args ...any) { logger.Debug(fmt.Sprintf(f, args...)) },
		WarnFunc:  func(f string, args ...any) { logger.Warn(fmt.Sprintf(f, args...)) },
		ErrorFunc: func(f string, args ...any) { logger.Error(fmt.Sprintf(f, args...)) },
	}
}
