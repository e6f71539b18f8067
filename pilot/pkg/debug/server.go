package debug

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/sailmesh/sail/pilot/pkg/model"
	"github.com/sailmesh/sail/pilot/pkg/xds"
	"github.com/sailmesh/sail/pkg/config"
)

// gracePeriod is how long Serve waits for requests in flight on stop.
const gracePeriod = 5 * time.Second

// XDS is what the pages read from the ADS server. *xds.Server satisfies
// it; both methods may be called concurrently and return values the
// caller owns.
type XDS interface {
	Proxies() []xds.ProxyStatus
	ConfigDump(nodeID string) (xds.Dump, bool)
}

// ConfigStore is what /debug/configz reads. store.Store satisfies it.
type ConfigStore interface {
	Kinds() []config.Kind
	List(gk config.GroupKind, namespace string) ([]*config.Object, error)
}

// Deps are the debug server's sources; all are required.
type Deps struct {
	XDS      XDS
	Configs  ConfigStore
	Registry model.Registry
	// Logger receives write failures; nil discards them.
	Logger *slog.Logger
}

// Server serves the debug pages.
type Server struct {
	deps Deps
	mux  *http.ServeMux
}

// New returns a server over deps.
func New(deps Deps) (*Server, error) {
	if deps.XDS == nil || deps.Configs == nil || deps.Registry == nil {
		return nil, errors.New("debug server: XDS, Configs and Registry are required")
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{deps: deps, mux: http.NewServeMux()}
	s.mux.HandleFunc("GET /debug/adsz", s.adsz)
	s.mux.HandleFunc("GET /debug/syncz", s.syncz)
	s.mux.HandleFunc("GET /debug/configz", s.configz)
	s.mux.HandleFunc("GET /debug/registryz", s.registryz)
	s.mux.HandleFunc("GET /debug/config_dump", s.configDump)
	return s, nil
}

// ServeHTTP serves the pages.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Serve serves the pages on lis until ctx is done, then shuts down
// gracefully (gracePeriod at most) and returns nil; otherwise it returns
// the HTTP server's error. Call it once.
func (s *Server) Serve(ctx context.Context, lis net.Listener) error {
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(lis) }()
	select {
	case err := <-errc:
		return fmt.Errorf("debug server: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), gracePeriod)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		hs.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("debug server: %w", err)
	}
	return nil
}
