package server

import (
	"context"
	"log/slog"

	"github.com/sailmesh/sail/pkg/lifecycle"
)

// Server is one galley process.
type Server struct {
	opts Options
	proc *lifecycle.Process
}

// New validates opts and builds a Server without binding any port. A nil
// logger discards records.
func New(opts Options, logger *slog.Logger) (*Server, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	proc, err := lifecycle.New("galley", opts.Admin, logger)
	if err != nil {
		return nil, err
	}
	return &Server{opts: opts, proc: proc}, nil
}

// startup lists what Run does, in order, once the admin server is up.
// Later issues add "kubernetes sources", "validation webhook" and "mcp server" here.
func (s *Server) startup() []lifecycle.Step {
	return nil
}

// Run serves the admin endpoints, runs the start-up steps, reports ready
// and serves until ctx is done; see lifecycle.Process.Run.
func (s *Server) Run(ctx context.Context) error {
	return s.proc.Run(ctx, s.startup(), "galley started; serving admin endpoints only; MCP and the validation webhook are not implemented yet")
}

// AdminAddr returns the admin server's address, with the real port once
// Run has bound it.
func (s *Server) AdminAddr() string {
	return s.proc.AdminAddr()
}
