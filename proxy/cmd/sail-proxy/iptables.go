package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/sailmesh/sail/pkg/cli"
	"github.com/sailmesh/sail/proxy/pkg/iptables"
)

// iptablesOptions are the flags of `sail-proxy iptables`: istio-iptables'
// flags plus what to do with them.
type iptablesOptions struct {
	Capture iptables.Config
	Cleanup bool
	DryRun  bool
}

func (o *iptablesOptions) AttachFlags(fs *pflag.FlagSet) {
	o.Capture.AttachFlags(fs)
	fs.BoolVar(&o.Cleanup, "cleanup", o.Cleanup, "remove Sail's capture rules instead of installing them")
	fs.BoolVar(&o.DryRun, "dry-run", o.DryRun, "print the rules instead of installing them")
}

func (o *iptablesOptions) Validate() error {
	if o.Cleanup && o.DryRun {
		return errors.New("--cleanup and --dry-run cannot be combined")
	}
	return o.Capture.Validate()
}

func newIptablesCommand() *cobra.Command {
	opts := iptablesOptions{Capture: iptables.DefaultConfig()}
	var cmd *cobra.Command
	cmd = cli.NewSubcommand(cli.Command{
		Name:  "iptables",
		Short: "Capture the pod's TCP traffic for the proxy (istio-iptables)",
		Long: `iptables installs the rules that send the pod's TCP traffic to sail-proxy,
as Istio's istio-iptables does and with its flags: outbound connections go
to the proxy port (-p, 15001), inbound ones to the inbound capture port (-z,
default the proxy port), except the proxy's own traffic (uid/gid 1337),
localhost, port 22, 15020 and whatever -d and -x exclude.

It writes the nat table (and the mangle table and a policy route with
-m TPROXY) of the current network namespace with iptables-restore
--noflush, replacing Sail's earlier chains, so running it again is safe.
Run it as root (or with CAP_NET_ADMIN) in the pod's network namespace, as
the injected init container does. --cleanup removes the rules; --dry-run
prints them. IPv4 only.`,
		Example: `  sail-proxy iptables -p 15001 -u 1337 -m REDIRECT -i '*' -x '' -b 9080 -d 15020
  sail-proxy iptables --dry-run -i '*' -b '*'
  sail-proxy iptables --cleanup`,
		Options: &opts,
		Run: func(ctx context.Context, logger *slog.Logger) error {
			return runIptables(ctx, logger, cmd.OutOrStdout(), opts, iptables.Exec{})
		},
	})
	return cmd
}

func runIptables(ctx context.Context, logger *slog.Logger, out io.Writer, opts iptablesOptions, r iptables.Runner) error {
	if opts.Cleanup {
		if err := iptables.Cleanup(ctx, r); err != nil {
			return err
		}
		logger.Info("traffic capture removed")
		return nil
	}
	plan, err := iptables.Rules(opts.Capture)
	if err != nil {
		return cli.UsageError(err)
	}
	if opts.DryRun {
		_, err := fmt.Fprint(out, plan)
		return err
	}
	if err := iptables.Apply(ctx, r, plan); err != nil {
		return err
	}
	logger.Info("traffic capture installed", "proxy_port", opts.Capture.ProxyPort,
		"mode", opts.Capture.Mode, "inbound_ports", opts.Capture.InboundPorts.String(),
		"outbound_ip_ranges", opts.Capture.OutboundIPRanges.String())
	return nil
}
