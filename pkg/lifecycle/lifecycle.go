// Package lifecycle is the skeleton every Sail server process shares: one
// admin server, start-up as a list of named steps, readiness that turns true
// once every step has run, and a graceful stop when the context ends.
//
// Components build a Process in their New and call Run with their own steps;
// this package knows nothing about any component.
package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sailmesh/sail/pkg/admin"
)

// ErrStarting is what /readyz reports until start-up has finished.
var ErrStarting = errors.New("starting")

// Step is one named part of start-up. Run wraps a step's error with its
// name ("config store: ...").
type Step struct {
	Name string
	Run  func(ctx context.Context) error
}

// Process is one server process's admin server and lifecycle.
type Process struct {
	name     string
	logger   *slog.Logger
	registry *prometheus.Registry
	admin    *admin.Server
	ready    atomic.Bool
}

// New builds a process named name (the binary) without binding any port.
// A nil logger discards records.
func New(name string, opts admin.Options, logger *slog.Logger) (*Process, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	p := &Process{name: name, logger: logger, registry: admin.NewRegistry()}
	adm, err := admin.New(opts, admin.Deps{Logger: logger, Registry: p.registry, Ready: p.readiness})
	if err != nil {
		return nil, fmt.Errorf("admin server: %w", err)
	}
	p.admin = adm
	return p, nil
}

// Registry is the process's Prometheus registry, served on /metrics.
func (p *Process) Registry() *prometheus.Registry { return p.registry }

// Handle adds a page to the admin server (e.g. a /debug page).
func (p *Process) Handle(pattern string, h http.Handler) { p.admin.Handle(pattern, h) }

// AdminAddr is the admin server's address, with the real port once Run has
// bound it.
func (p *Process) AdminAddr() string { return p.admin.Addr() }

// Run binds the admin address, serves it while the steps run in order,
// reports ready and logs started, then serves until ctx is done and shuts
// down gracefully, returning nil. It returns an error naming the step if a
// step fails, or the admin server if it cannot bind or stops on its own.
func (p *Process) Run(ctx context.Context, steps []Step, started string) error {
	if err := p.admin.Listen(); err != nil {
		return fmt.Errorf("admin server: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	adminDone := make(chan error, 1)
	go func() { adminDone <- p.admin.Run(ctx) }()

	for _, st := range steps {
		if err := st.Run(ctx); err != nil {
			cancel()
			<-adminDone
			return fmt.Errorf("%s: %w", st.Name, err)
		}
	}
	p.ready.Store(true)
	p.logger.Info(started, "binary", p.name, "admin", p.admin.Addr())

	if err := <-adminDone; err != nil {
		return fmt.Errorf("admin server: %w", err)
	}
	return nil
}

func (p *Process) readiness() error {
	if !p.ready.Load() {
		return fmt.Errorf("%s is %w", p.name, ErrStarting)
	}
	return nil
}
