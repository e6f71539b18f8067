// Command galley is Galley, the mesh's configuration validation and distribution server.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/sailmesh/sail/galley/pkg/server"
	"github.com/sailmesh/sail/pkg/cli"
)

func main() { os.Exit(cli.Main(newCommand())) }

func newCommand() *cobra.Command {
	opts := server.DefaultOptions()
	return cli.NewRoot(cli.Command{
		Name:  "galley",
		Short: "Galley: validates mesh configuration and distributes it to the control plane",
		Long: `galley validates the mesh's configuration (VirtualServices, DestinationRules
and the rest) and will distribute it to Pilot and Mixer over MCP.

This build serves only the admin endpoints (/metrics, /healthz, /readyz,
/version, and /debug/pprof/ with --enable-pprof) on --monitoring-addr.
MCP serving on --mcp-addr (9901) and the validation webhook (443) are not
implemented yet; the flag is accepted so that deployments can set it now.
Set --monitoring-addr to :15014 to let Prometheus scrape from other hosts.`,
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
