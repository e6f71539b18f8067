// Command citadel is Citadel, the mesh's certificate authority.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/sailmesh/sail/pkg/cli"
	"github.com/sailmesh/sail/security/pkg/citadel"
)

func main() { os.Exit(cli.Main(newCommand())) }

func newCommand() *cobra.Command {
	opts := citadel.DefaultOptions()
	return cli.NewRoot(cli.Command{
		Name:  "citadel",
		Short: "Citadel: the certificate authority that issues workload identities",
		Long: `citadel is the mesh's certificate authority. It will issue each workload an
X.509 certificate for its SPIFFE identity,
spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>, and sign
certificate requests from node agents.

This build serves only the admin endpoints (/metrics, /healthz, /readyz,
/version, and /debug/pprof/ with --enable-pprof) on --monitoring-addr.
It holds no CA key and signs nothing: the CSR gRPC API on --grpc-addr (8060)
is not implemented yet; the flag is accepted so that deployments can set it
now. Set --monitoring-addr to :15014 to let Prometheus scrape from other
hosts.`,
		Options: &opts,
		Run: func(ctx context.Context, logger *slog.Logger) error {
			s, err := citadel.New(opts, logger)
			if err != nil {
				return err
			}
			return s.Run(ctx)
		},
	})
}
