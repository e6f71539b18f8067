package nodeagent

import (
	"github.com/spf13/pflag"

	"github.com/sailmesh/sail/pkg/admin"
)

// Options configures the node agent.
type Options struct {
	// Admin is the monitoring server: --monitoring-addr, --enable-pprof.
	Admin admin.Options
}

// DefaultOptions returns the standard ports of node-agent on loopback:
// monitoring 15014 (the control-plane monitoring port; the agent runs in its own pod, so it does not clash with Pilot or Citadel).
func DefaultOptions() Options {
	return Options{
		Admin: admin.DefaultOptions("127.0.0.1:15014"),
	}
}

// AttachFlags registers the flags of node-agent on fs.
func (o *Options) AttachFlags(fs *pflag.FlagSet) {
	o.Admin.AttachFlags(fs, "monitoring-addr")
}

// Validate reports whether the options are usable.
func (o *Options) Validate() error {
	return o.Admin.Validate()
}
