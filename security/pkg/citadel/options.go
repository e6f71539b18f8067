package citadel

import (
	"errors"

	"github.com/spf13/pflag"

	"github.com/sailmesh/sail/pkg/admin"
)

// Options configures Citadel.
type Options struct {
	// Admin is the monitoring server: --monitoring-addr, --enable-pprof.
	Admin admin.Options
	// GRPCAddr is the host:port for the CSR-signing gRPC API used by node
	// agents. Accepted but not served yet.
	GRPCAddr string
}

// DefaultOptions returns the standard ports of citadel on loopback:
// monitoring 15014, CSR gRPC 8060.
func DefaultOptions() Options {
	return Options{
		Admin:    admin.DefaultOptions("127.0.0.1:15014"),
		GRPCAddr: "127.0.0.1:8060",
	}
}

// AttachFlags registers the flags of citadel on fs.
func (o *Options) AttachFlags(fs *pflag.FlagSet) {
	o.Admin.AttachFlags(fs, "monitoring-addr")
	fs.StringVar(&o.GRPCAddr, "grpc-addr", o.GRPCAddr,
		"host:port for the CSR-signing gRPC API used by node agents (accepted; not served yet)")
}

// Validate reports all invalid options at once.
func (o *Options) Validate() error {
	return errors.Join(
		o.Admin.Validate(),
		admin.ValidateListenAddr("--grpc-addr", o.GRPCAddr),
	)
}
