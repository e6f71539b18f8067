package bootstrap

import (
	"errors"

	"github.com/spf13/pflag"

	"github.com/sailmesh/sail/pkg/admin"
)

// Options configures Pilot.
type Options struct {
	// Admin is the monitoring server: --monitoring-addr, --enable-pprof.
	Admin admin.Options
	// HTTPAddr is the host:port for the HTTP debug endpoints (/debug/adsz,
	// /debug/configz, ...). Accepted but not served yet.
	HTTPAddr string
	// GRPCAddr is the host:port for plaintext xDS gRPC. Accepted but not
	// served yet.
	GRPCAddr string
}

// DefaultOptions returns the standard ports of pilot-discovery on loopback:
// monitoring 15014, HTTP debug 8080, xDS 15010.
func DefaultOptions() Options {
	return Options{
		Admin:    admin.DefaultOptions("127.0.0.1:15014"),
		HTTPAddr: "127.0.0.1:8080",
		GRPCAddr: "127.0.0.1:15010",
	}
}

// AttachFlags registers the flags of pilot-discovery on fs.
func (o *Options) AttachFlags(fs *pflag.FlagSet) {
	o.Admin.AttachFlags(fs, "monitoring-addr")
	fs.StringVar(&o.HTTPAddr, "http-addr", o.HTTPAddr,
		"host:port for the HTTP debug endpoints (/debug/adsz, /debug/configz, ...) (accepted; not served yet)")
	fs.StringVar(&o.GRPCAddr, "grpc-addr", o.GRPCAddr,
		"host:port for plaintext xDS gRPC (accepted; not served yet)")
}

// Validate reports all invalid options at once.
func (o *Options) Validate() error {
	return errors.Join(
		o.Admin.Validate(),
		admin.ValidateListenAddr("--http-addr", o.HTTPAddr),
		admin.ValidateListenAddr("--grpc-addr", o.GRPCAddr),
	)
}
