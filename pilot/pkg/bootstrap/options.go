package bootstrap

import (
	"errors"

	"github.com/spf13/pflag"

	"github.com/sailmesh/sail/pkg/admin"
)

// ErrNoConfigDir is what Validate reports without --config-dir: it is the
// only config and service source for now.
var ErrNoConfigDir = errors.New("--config-dir is required for now: it is the only source of config and services (Kubernetes and Galley come later)")

// Options configure Pilot.
type Options struct {
	// Admin is the monitoring server: --monitoring-addr, --enable-pprof.
	Admin admin.Options
	// HTTPAddr is the host:port for the HTTP debug endpoints (/debug/adsz,
	// /debug/syncz, /debug/configz, /debug/registryz, /debug/config_dump).
	HTTPAddr string
	// GRPCAddr is the host:port for plaintext xDS gRPC (ADS).
	GRPCAddr string
	// ConfigDir is the directory of config files (VirtualService,
	// DestinationRule, ServiceEntry, WorkloadEntry, ...), watched for
	// changes. Required for now.
	ConfigDir string
	// MeshFile is the mesh config file; empty means the defaults.
	MeshFile string
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
		"host:port for the HTTP debug endpoints (/debug/adsz, /debug/syncz, /debug/configz, /debug/registryz, /debug/config_dump)")
	fs.StringVar(&o.GRPCAddr, "grpc-addr", o.GRPCAddr,
		"host:port for plaintext xDS gRPC (ADS)")
	fs.StringVar(&o.ConfigDir, "config-dir", o.ConfigDir,
		"directory of config YAML (ServiceEntry, WorkloadEntry, VirtualService, DestinationRule, ...), watched for changes (required for now)")
	fs.StringVar(&o.MeshFile, "mesh", o.MeshFile,
		"mesh config file (default: built-in defaults)")
}

// Validate reports all invalid options at once.
func (o *Options) Validate() error {
	var noDir error
	if o.ConfigDir == "" {
		noDir = ErrNoConfigDir
	}
	return errors.Join(
		o.Admin.Validate(),
		admin.ValidateListenAddr("--http-addr", o.HTTPAddr),
		admin.ValidateListenAddr("--grpc-addr", o.GRPCAddr),
		noDir,
	)
}
