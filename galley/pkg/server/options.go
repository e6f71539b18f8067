package server

import (
	"errors"

	"github.com/spf13/pflag"

	"github.com/sailmesh/sail/pkg/admin"
)

// Options configures Galley.
type Options struct {
	// Admin is the monitoring server: --monitoring-addr, --enable-pprof.
	Admin admin.Options
	// MCPAddr is the host:port for configuration distribution over MCP.
	// Accepted but not served yet.
	MCPAddr string
}

// DefaultOptions returns the standard ports of galley on loopback:
// monitoring 15014, MCP 9901.
func DefaultOptions() Options {
	return Options{
		Admin:   admin.DefaultOptions("127.0.0.1:15014"),
		MCPAddr: "127.0.0.1:9901",
	}
}

// AttachFlags registers the flags of galley on fs.
func (o *Options) AttachFlags(fs *pflag.FlagSet) {
	o.Admin.AttachFlags(fs, "monitoring-addr")
	fs.StringVar(&o.MCPAddr, "mcp-addr", o.MCPAddr,
		"host:port for configuration distribution over MCP (accepted; not served yet)")
}

// Validate reports all invalid options at once.
func (o *Options) Validate() error {
	return errors.Join(
		o.Admin.Validate(),
		admin.ValidateListenAddr("--mcp-addr", o.MCPAddr),
	)
}
