package cmd

import (
	"github.com/spf13/cobra"

	"github.com/sailmesh/sail/istioctl/pkg/validate"
	"github.com/sailmesh/sail/pkg/cli"
)

// NewRootCommand returns istioctl with all its subcommands.
func NewRootCommand() *cobra.Command {
	root := cli.NewRoot(cli.Command{
		Name:  "istioctl",
		Short: "Command-line tool for operating a Sail mesh",
		Long: `istioctl is the command-line tool for operating a Sail mesh: checking
configuration before it is applied and inspecting what the mesh does.

This build has validate (offline, strict checks of Istio and Mixer
configuration) and version; the local mesh, kube-inject and debug commands
come in later releases.`,
	})
	root.AddCommand(validate.NewCommand(validate.Deps{}))
	return root
}
