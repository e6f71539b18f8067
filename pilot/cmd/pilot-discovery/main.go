// Command pilot-discovery is Pilot, the mesh's service-discovery and traffic-configuration server.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/sailmesh/sail/pilot/pkg/bootstrap"
	"github.com/sailmesh/sail/pkg/cli"
)

func main() { os.Exit(cli.Main(newCommand())) }

func newCommand() *cobra.Command {
	opts := bootstrap.DefaultOptions()
	return cli.NewRoot(cli.Command{
		Name:  "pilot-discovery",
		Short: "Pilot: service discovery and traffic configuration for Sail proxies",
		Long: `pilot-discovery is Pilot, the server that turns the mesh's services and
routing rules into xDS configuration for every Sail proxy.

This build serves only the admin endpoints (/metrics, /healthz, /readyz,
/version, and /debug/pprof/ with --enable-pprof) on --monitoring-addr.
xDS serving on --grpc-addr (15010) and the HTTP debug endpoints on
--http-addr (8080) are not implemented yet; the flags are accepted so that
deployments can set them now. Set --monitoring-addr to :15014 to let
Prometheus scrape from other hosts.`,
		Options: &opts,
		Run: func(ctx context.Context, logger *slog.Logger) error {
			s, err := bootstrap.New(opts, logger)
			if err != nil {
				return err
			}
			return s.Run(ctx)
		},
	})
}
