package mixc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/sailmesh/sail/pkg/cli"
)

// ErrNotImplemented is returned by check and report in this release.
var ErrNotImplemented = errors.New("not implemented yet: Mixer lands in a later release")

// Options are shared by check and report.
type Options struct {
	// MixerAddr is the host:port of the Mixer gRPC API.
	MixerAddr string
}

// DefaultOptions targets a Mixer on this host's standard port.
func DefaultOptions() Options {
	return Options{MixerAddr: "127.0.0.1:9091"}
}

// AttachFlags registers --mixer-addr on fs.
func (o *Options) AttachFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.MixerAddr, "mixer-addr", o.MixerAddr, "host:port of the Mixer gRPC API")
}

// Validate checks that --mixer-addr is a host:port to dial.
func (o *Options) Validate() error {
	host, port, err := net.SplitHostPort(o.MixerAddr)
	if err != nil {
		return fmt.Errorf("--mixer-addr %q: %v; want host:port, for example 127.0.0.1:9091", o.MixerAddr, err)
	}
	if n, err := strconv.ParseUint(port, 10, 16); host == "" || err != nil || n == 0 {
		return fmt.Errorf("--mixer-addr %q: want host:port with a host and a port from 1 to 65535", o.MixerAddr)
	}
	return nil
}

// NewCommand returns the mixc root command with check and report.
func NewCommand() *cobra.Command {
	root := cli.NewRoot(cli.Command{
		Name:  "mixc",
		Short: "Mixer client: send Check and Report calls to a Mixer server by hand",
		Long: `mixc sends Check and Report calls to a Mixer server (mixs), for testing
policy and telemetry configuration without a proxy.

In this build check and report are placeholders: they exit 1 with
"not implemented yet" because the Mixer API lands in a later release.`,
	})
	root.AddCommand(
		newCallCommand("check", "Ask Mixer whether a request with the given attributes is allowed"),
		newCallCommand("report", "Send Mixer a report of a request with the given attributes"),
	)
	return root
}

func newCallCommand(name, short string) *cobra.Command {
	opts := DefaultOptions()
	return cli.NewSubcommand(cli.Command{
		Name:    name,
		Short:   short + " (not implemented yet)",
		Long:    short + ".\n\nNot implemented yet: it exits 1 until the Mixer API lands in a later release.",
		Options: &opts,
		Run: func(context.Context, *slog.Logger) error {
			return ErrNotImplemented
		},
	})
}
