// Command node-agent is the node agent, which delivers workload certificates to proxies.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/sailmesh/sail/pkg/cli"
	"github.com/sailmesh/sail/security/pkg/nodeagent"
)

func main() { os.Exit(cli.Main(newCommand())) }

func newCommand() *cobra.Command {
	opts := nodeagent.DefaultOptions()
	return cli.NewRoot(cli.Command{
		Name:  "node-agent",
		Short: "Node agent: delivers workload certificates to proxies over SDS",
		Long: `node-agent runs on every node. It will create keys for the workloads on the
node, have Citadel sign their certificates, and hand them to the proxies
over SDS (Envoy's secret discovery service) on a Unix domain socket.

This build serves only the admin endpoints (/metrics, /healthz, /readyz,
/version, and /debug/pprof/ with --enable-pprof) on --monitoring-addr
(default 127.0.0.1:15014, the control-plane monitoring port; the agent runs
in its own pod, so it does not clash with other components). It creates no
keys and serves no SDS yet.`,
		Options: &opts,
		Run: func(ctx context.Context, logger *slog.Logger) error {
			s, err := nodeagent.New(opts, logger)
			if err != nil {
				return err
			}
			return s.Run(ctx)
		},
	})
}
