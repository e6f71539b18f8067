// Command mixc is the Mixer client CLI.
package main

import (
	"os"

	"github.com/sailmesh/sail/mixer/pkg/mixc"
	"github.com/sailmesh/sail/pkg/cli"
)

func main() { os.Exit(cli.Main(mixc.NewCommand())) }
