package injector

import (
	"github.com/spf13/pflag"

	"github.com/sailmesh/sail/pkg/admin"
)

// Options configures the sidecar injector.
type Options struct {
	// Admin is the monitoring server: --monitoring-addr, --enable-pprof.
	Admin admin.Options
}

// DefaultOptions returns the standard ports of sidecar-injector on loopback:
// monitoring 15014.
func DefaultOptions() Options {
	return Options{
		Admin: admin.DefaultOptions("127.0.0.1:15014"),
	}
}

// AttachFlags registers the flags of sidecar-injector on fs.
func (o *Options) AttachFlags(fs *pflag.FlagSet) {
	o.Admin.AttachFlags(fs, "monitoring-addr")
}

// Validate reports whether the options are usable.
func (o *Options) Validate() error {
	return o.Admin.Validate()
}
