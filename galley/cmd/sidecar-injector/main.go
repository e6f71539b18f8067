// Command sidecar-injector is the sidecar injector, a Kubernetes mutating admission webhook.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/sailmesh/sail/galley/pkg/injector"
	"github.com/sailmesh/sail/pkg/cli"
)

func main() { os.Exit(cli.Main(newCommand())) }

func newCommand() *cobra.Command {
	opts := injector.DefaultOptions()
	return cli.NewRoot(cli.Command{
		Name:  "sidecar-injector",
		Short: "Sidecar injector: the admission webhook that adds a Sail proxy to pods",
		Long: `sidecar-injector is a Kubernetes mutating admission webhook that will add the
Sail proxy container and its traffic-capture init container to new pods in
namespaces labelled for injection.

This build serves only the admin endpoints (/metrics, /healthz, /readyz,
/version, and /debug/pprof/ with --enable-pprof) on --monitoring-addr.
It will serve the webhook on 443 in a later release; it injects nothing yet.
Set --monitoring-addr to :15014 to let Prometheus scrape from other hosts.`,
		Options: &opts,
		Run: func(ctx context.Context, logger *slog.Logger) error {
			s, err := injector.New(opts, logger)
			if err != nil {
				return err
			}
			return s.Run(ctx)
		},
	})
}
