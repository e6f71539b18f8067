package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/sailmesh/sail/pkg/version"
)

const (
	// shutdownTimeout bounds how long Run waits for in-flight requests
	// (a pprof profile, a slow scrape) once its context is done.
	shutdownTimeout = 5 * time.Second
	// readHeaderTimeout protects the admin port from slow clients.
	readHeaderTimeout = 10 * time.Second
)

// Errors for calling Listen or Run more than once.
var (
	ErrAlreadyListening = errors.New("admin server already listening")
	ErrAlreadyRun       = errors.New("admin server already run")
)

// Deps are the collaborators of a Server.
type Deps struct {
	// Logger receives the server's own records. Nil discards them.
	Logger *slog.Logger
	// Registry is served at /metrics. The caller owns it and registers
	// its metrics on it; New registers nothing. Nil means a fresh
	// NewRegistry(), holding only the Go runtime and process collectors.
	Registry *prometheus.Registry
	// Ready reports whether the process is ready for traffic; the error
	// text is shown by /readyz. It is called concurrently from request
	// goroutines and must be cheap. Nil means always ready.
	Ready func() error
}

// NewRegistry returns a registry with the Go runtime and process
// collectors registered, the baseline every Sail binary exports.
// Components create one, register their own metrics on it, and pass it in
// Deps.Registry.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return reg
}

// Server is the admin HTTP server of one process. Its methods are safe
// for concurrent use.
type Server struct {
	opts   Options
	logger *slog.Logger
	mux    *http.ServeMux

	mu  sync.Mutex
	ln  net.Listener // set by Listen
	ran bool         // set by Run
}

// New returns a server for opts that is not yet listening. It validates
// opts.
func New(opts Options, deps Deps) (*Server, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	logger := deps.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	reg := deps.Registry
	if reg == nil {
		reg = NewRegistry()
	}
	ready := deps.Ready
	if ready == nil {
		ready = func() error { return nil }
	}
	s := &Server{opts: opts, logger: logger, mux: http.NewServeMux()}

	s.mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		ErrorHandling: promhttp.ContinueOnError,
	}))
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeText(w, http.StatusOK, "ok")
	})
	s.mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if err := ready(); err != nil {
			writeText(w, http.StatusServiceUnavailable, "not ready: "+err.Error())
			return
		}
		writeText(w, http.StatusOK, "ok")
	})
	info := version.Get()
	s.mux.HandleFunc("GET /version", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(info) // Info always encodes; a write error means the client left.
	})
	if opts.EnablePprof {
		s.mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		s.mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
		s.mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		s.mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
		s.mux.HandleFunc("POST /debug/pprof/symbol", pprof.Symbol)
		s.mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	}
	return s, nil
}

// Handle adds a page, such as a component's /debug/ view, with the
// pattern syntax of http.ServeMux. Like ServeMux.Handle it panics if
// pattern conflicts with one already registered; that is a programming
// error, caught by the first test that builds the component.
func (s *Server) Handle(pattern string, handler http.Handler) {
	s.mux.Handle(pattern, handler)
}

// Listen binds the admin address. Call it as a start-up step so that a
// busy port fails start-up early, and to learn Addr before Run. Run calls
// it if it has not been called. Once Listen succeeds, Run must be called to
// release the listener.
func (s *Server) Listen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return ErrAlreadyListening
	}
	return s.listenLocked()
}

func (s *Server) listenLocked() error {
	ln, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return err
	}
	s.ln = ln
	return nil
}

// Addr returns the bound address once Listen has succeeded (with the
// real port when Options.Addr asked for port 0), else Options.Addr.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return s.ln.Addr().String()
	}
	return s.opts.Addr
}

// Run serves until ctx is done, then shuts down gracefully: it stops
// accepting, waits up to a few seconds for in-flight requests, and
// returns nil. It returns an error if the address cannot be bound or
// serving fails. A Server runs at most once.
func (s *Server) Run(ctx context.Context) error {
	ln, err := s.startRun()
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           s.mux,
		ReadHeaderTimeout: readHeaderTimeout,
		ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
		// Requests see ctx, so long pprof profiles end on shutdown.
		BaseContext: func(net.Listener) context.Context { return ctx },
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	s.logger.Info("admin server listening", "addr", ln.Addr().String(), "pprof", s.opts.EnablePprof)

	select {
	case err := <-served:
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		_ = srv.Close()
		<-served
		return fmt.Errorf("shut down %s: %w", ln.Addr(), err)
	}
	<-served // http.ErrServerClosed
	s.logger.Info("admin server stopped")
	return nil
}

// startRun marks the server as run and returns its listener, binding it
// if Listen was not called.
func (s *Server) startRun() (net.Listener, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ran {
		return nil, ErrAlreadyRun
	}
	s.ran = true
	if s.ln == nil {
		if err := s.listenLocked(); err != nil {
			return nil, err
		}
	}
	return s.ln, nil
}

func writeText(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_, _ = fmt.Fprintln(w, body)
}
