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

This build serves Envoy xDS v3 (ADS) to sidecars on --grpc-addr (15010):
clusters, endpoints, listeners and routes built from the ServiceEntry,
WorkloadEntry, VirtualService and DestinationRule files in --config-dir,
which is watched for changes and is required for now. Changes are pushed
to connected proxies after a short debounce. It also serves the admin
endpoints (/metrics, /healthz, /readyz, /version, and /debug/pprof/ with
--enable-pprof) on --monitoring-addr; set it to :15014 to let Prometheus
scrape from other hosts.

Not implemented yet: the Kubernetes registry (--kubeconfig), config from
Galley, gateways (router proxies), the HTTP debug endpoints on --http-addr
(8080; the flag is accepted), and xDS metrics beyond the process's own
/metrics.`,
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
