// Package cmd is the command tree of istioctl, Sail's command-line tool
// for operators.
//
// It owns the istioctl root command and the list of its subcommands in
// NewRootCommand. Each subcommand lives in its own package under
// istioctl/pkg/ and is added with one line there. It must not import other
// components (pilot/, mixer/, security/, galley/, proxy/); it shares only
// api/ and pkg/.
package cmd
