// Command istioctl is the command-line tool for operating a Sail mesh.
package main

import (
	"os"

	"github.com/sailmesh/sail/istioctl/pkg/cmd"
	"github.com/sailmesh/sail/pkg/cli"
)

func main() { os.Exit(cli.Main(cmd.NewRootCommand())) }
