package bootstrap

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"

	"github.com/sailmesh/sail/pilot/pkg/debug"
	"github.com/sailmesh/sail/pilot/pkg/serviceregistry/serviceentry"
	"github.com/sailmesh/sail/pilot/pkg/xds"
	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/mesh"
	"github.com/sailmesh/sail/pkg/config/parse"
	"github.com/sailmesh/sail/pkg/config/store"
	"github.com/sailmesh/sail/pkg/config/store/file"
	"github.com/sailmesh/sail/pkg/config/validation"
	"github.com/sailmesh/sail/pkg/lifecycle"
)

// Server is one pilot-discovery process.
type Server struct {
	opts   Options
	logger *slog.Logger
	proc   *lifecycle.Process

	// Set by the start-up steps, in order; read after Run has run them.
	mesh     mesh.Config
	store    *file.Store
	registry *serviceentry.Registry
	xds      *xds.Server

	mu       sync.Mutex
	grpcAddr string
	httpAddr string
	// background are the goroutines the steps start; Run waits for them.
	background sync.WaitGroup
}

// New validates opts and builds a Server without binding any port. A nil
// logger discards records.
func New(opts Options, logger *slog.Logger) (*Server, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	proc, err := lifecycle.New("pilot-discovery", opts.Admin, logger)
	if err != nil {
		return nil, err
	}
	return &Server{opts: opts, logger: logger, proc: proc, grpcAddr: opts.GRPCAddr, httpAddr: opts.HTTPAddr}, nil
}

// startup lists what Run does, in order, once the admin server is up.
func (s *Server) startup() []lifecycle.Step {
	return []lifecycle.Step{
		{Name: "mesh config", Run: s.loadMesh},
		{Name: "config store", Run: s.startStore},
		{Name: "service registry", Run: s.startRegistry},
		{Name: "xds", Run: s.startXDS},
		{Name: "debug server", Run: s.startDebug},
	}
}

// Run serves the admin endpoints, runs the start-up steps, reports ready
// and serves until ctx is done; see lifecycle.Process.Run. It returns once
// everything the steps started has stopped.
func (s *Server) Run(ctx context.Context) error {
	err := s.proc.Run(ctx, s.startup(), "pilot-discovery started; serving xDS (ADS) on --grpc-addr and debug pages on --http-addr")
	s.background.Wait()
	return err
}

// AdminAddr returns the admin server's address, with the real port once
// Run has bound it.
func (s *Server) AdminAddr() string {
	return s.proc.AdminAddr()
}

// GRPCAddr returns the xDS server's address, with the real port once the
// "xds" step has bound it.
func (s *Server) GRPCAddr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.grpcAddr
}

// HTTPAddr returns the debug server's address, with the real port once
// the "debug server" step has bound it.
func (s *Server) HTTPAddr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.httpAddr
}

// XDS returns the xDS server once the "xds" step has run, else nil.
func (s *Server) XDS() *xds.Server {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.xds
}

// goBackground runs f until it returns, logging an error unless ctx ended.
func (s *Server) goBackground(ctx context.Context, what string, f func(context.Context) error) {
	s.background.Go(func() {
		if err := f(ctx); err != nil && ctx.Err() == nil {
			s.logger.Error(what+" stopped", "err", err)
		}
	})
}

func (s *Server) loadMesh(context.Context) error {
	cfg, err := mesh.Load(s.opts.MeshFile)
	if err != nil {
		return err
	}
	s.mesh = cfg
	return nil
}

func (s *Server) startStore(ctx context.Context) error {
	reg := config.BuiltinRegistry()
	st, err := file.New(s.opts.ConfigDir, newDecoder(reg), file.Options{
		Logger: s.logger,
		Kinds:  reg.ConsumedBy(config.Pilot),
	})
	if err != nil {
		return err
	}
	s.store = st
	s.goBackground(ctx, "config store", st.Run)
	return store.WaitForSync(ctx, st)
}

// newDecoder parses a file strictly and validates each object; any error
// fails the whole file.
func newDecoder(reg *config.Registry) file.DecodeFunc {
	p := parse.New(reg, parse.Options{})
	v := validation.New(validation.Options{})
	return func(name string, data []byte) ([]*config.Object, error) {
		objs, errs := p.Parse(name, data)
		for _, o := range objs {
			errs = append(errs, v.Object(o).Locate(o)...)
		}
		if len(errs) > 0 {
			return nil, errs.Sorted()
		}
		return objs, nil
	}
}

func (s *Server) startRegistry(ctx context.Context) error {
	r, err := serviceentry.New(s.store, serviceentry.Options{Logger: s.logger})
	if err != nil {
		return err
	}
	s.registry = r
	s.goBackground(ctx, "service registry", r.Run)
	return nil
}

func (s *Server) startXDS(ctx context.Context) error {
	metrics, err := xds.NewMetrics(s.proc.Registry())
	if err != nil {
		return err
	}
	x, err := xds.New(s.registry, s.store, s.mesh, xds.Options{Logger: s.logger, Metrics: metrics})
	if err != nil {
		return err
	}
	lis, err := net.Listen("tcp", s.opts.GRPCAddr)
	if err != nil {
		return fmt.Errorf("--grpc-addr: %w", err)
	}
	s.mu.Lock()
	s.xds = x
	s.grpcAddr = lis.Addr().String()
	s.mu.Unlock()
	s.logger.Info("serving xDS (ADS)", "grpc", lis.Addr().String())
	s.goBackground(ctx, "xds server", func(ctx context.Context) error {
		err := x.Serve(ctx, lis)
		if errors.Is(err, net.ErrClosed) {
			return nil
		}
		return err
	})
	return nil
}

func (s *Server) startDebug(ctx context.Context) error {
	d, err := debug.New(debug.Deps{XDS: s.XDS(), Configs: s.store, Registry: s.registry, Logger: s.logger})
	if err != nil {
		return err
	}
	lis, err := net.Listen("tcp", s.opts.HTTPAddr)
	if err != nil {
		return fmt.Errorf("--http-addr: %w", err)
	}
	s.mu.Lock()
	s.httpAddr = lis.Addr().String()
	s.mu.Unlock()
	s.logger.Info("serving debug pages", "http", lis.Addr().String())
	s.goBackground(ctx, "debug server", func(ctx context.Context) error { return d.Serve(ctx, lis) })
	return nil
}
