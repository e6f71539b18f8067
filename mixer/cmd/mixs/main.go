// Command mixs is the Mixer server, the mesh's policy and telemetry hub.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/sailmesh/sail/mixer/pkg/server"
	"github.com/sailmesh/sail/pkg/cli"
)

func main() { os.Exit(cli.Main(newCommand())) }

func newCommand() *cobra.Command {
	opts := server.DefaultOptions()
	return cli.NewRoot(cli.Command{
		Name:  "mixs",
		Short: "Mixer server: policy checks and telemetry reports for Sail proxies",
		Long: `mixs is the Mixer server. Proxies will ask it whether a request is allowed
(Check) and tell it what happened (Report); adapters turn those into policy
decisions, metrics and logs.

This build serves only the admin endpoints (/metrics, /healthz, /readyz,
/version, and /debug/pprof/ with --enable-pprof) on --monitoring-addr.
The Mixer gRPC API on --grpc-addr (9091) and the adapters (such as the
Prometheus adapter on 42422) are not implemented yet; the flag is accepted
so that deployments can set it now. Set --monitoring-addr to :15014 to let
Prometheus scrape from other hosts.`,
		Options: &opts,
		Run: func(ctx context.Context, logger *slog.Logger) error {
			s, err := server.New(opts, logger)
			if err != nil {
				return err
			}
			return s.Run(ctx)
		},
	})
}
