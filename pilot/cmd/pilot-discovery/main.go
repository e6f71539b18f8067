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
to connected proxies after a short debounce.

It serves JSON debug pages on --http-addr (8080): /debug/adsz (connected
proxies, versions sent and ACKed, NACKs), /debug/syncz, /debug/configz,
/debug/registryz and /debug/config_dump?proxyID=<node ID>. The admin
endpoints (/metrics, /healthz, /readyz, /version, and /debug/pprof/ with
--enable-pprof) are on --monitoring-addr; /metrics includes xDS pushes,
push duration, NACKs, connected proxies and convergence time. Set it to
:15014 to let Prometheus scrape from other hosts.

Not implemented yet: the Kubernetes registry (--kubeconfig), config from
Galley, and gateways (router proxies).`,
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
