package server

import (
	"errors"

	"github.com/spf13/pflag"

	"github.com/sailmesh/sail/pkg/admin"
)

// Options configures Mixer.
type Options struct {
	// Admin is the monitoring server: --monitoring-addr, --enable-pprof.
	Admin admin.Options
	// GRPCAddr is the host:port for the plaintext Mixer gRPC API (Check,
	// Report). Accepted but not served yet.
	GRPCAddr string
}

// DefaultOptions returns the standard ports of mixs on loopback:
// monitoring 15014, gRPC 9091.
func DefaultOptions() Options {
	return Options{
		Admin:    admin.DefaultOptions("127.0.0.1:15014"),
		GRPCAddr: "127.0.0.1:9091",
	}
}

// AttachFlags registers the flags of mixs on fs.
func (o *Options) AttachFlags(fs *pflag.FlagSet) {
	o.Admin.AttachFlags(fs, "monitoring-addr")
	fs.StringVar(&o.GRPCAddr, "grpc-addr", o.GRPCAddr,
		"host:port for the plaintext Mixer gRPC API (Check, Report) (accepted; not served yet)")
}

// Validate reports all invalid options at once.
func (o *Options) Validate() error {
	return errors.Join(
		o.Admin.Validate(),
		admin.ValidateListenAddr("--grpc-addr", o.GRPCAddr),
	)
}
