// Command sail-proxy is the Sail proxy, the sidecar that runs beside every workload.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/sailmesh/sail/pkg/cli"
	"github.com/sailmesh/sail/proxy/pkg/sidecar"
)

func main() { os.Exit(cli.Main(newCommand())) }

func newCommand() *cobra.Command {
	opts := sidecar.DefaultOptions()
	root := cli.NewRoot(cli.Command{
		Name:  "sail-proxy",
		Short: "Sail proxy: the sidecar that carries and secures workload traffic",
		Long: `sail-proxy is the sidecar that runs beside every workload. It will take its
configuration from Pilot over xDS, capture the workload's traffic
(15001), apply routing, mTLS and policy, and report telemetry.

This build serves only the admin endpoints (/metrics, /healthz, /readyz,
/version, and /debug/pprof/ with --enable-pprof) on --admin-addr
(default 127.0.0.1:15000, loopback only like the classic sidecar admin).
It proxies no traffic yet. The agent status port (15020) and the Prometheus
stats port (15090, /stats/prometheus) come in later releases; until then
scrape /metrics on the admin port.`,
		Options: &opts,
		Run: func(ctx context.Context, logger *slog.Logger) error {
			s, err := sidecar.New(opts, logger)
			if err != nil {
				return err
			}
			return s.Run(ctx)
		},
	})
	root.AddCommand(newIptablesCommand())
	return root
}
