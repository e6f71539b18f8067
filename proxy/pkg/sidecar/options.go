package sidecar

import (
	"github.com/spf13/pflag"

	"github.com/sailmesh/sail/pkg/admin"
)

// Options configures the Sail proxy.
type Options struct {
	// Admin is the proxy admin server (localhost only by default): --admin-addr, --enable-pprof.
	Admin admin.Options
}

// DefaultOptions returns the standard ports of sail-proxy on loopback:
// admin 15000 on loopback.
func DefaultOptions() Options {
	return Options{
		Admin: admin.DefaultOptions("127.0.0.1:15000"),
	}
}

// AttachFlags registers the flags of sail-proxy on fs.
func (o *Options) AttachFlags(fs *pflag.FlagSet) {
	o.Admin.AttachFlags(fs, "admin-addr")
}

// Validate reports whether the options are usable.
func (o *Options) Validate() error {
	return o.Admin.Validate()
}
