// Package cli turns a component's options and run function into a Sail
// binary, so that every main.go is a few lines.
//
// It owns what all Sail commands share: the cobra root command with
// --version, the version subcommand, --log-level and --log-format; the
// Options contract (AttachFlags, Validate); a context cancelled on SIGINT
// or SIGTERM; and the exit codes (ExitOK 0, ExitError 1, ExitUsage 2).
//
// It must not import component code (pilot/, mixer/, security/, galley/,
// proxy/, istioctl/), and component libraries must not import it: it is
// for cmd/ packages and command trees (such as istioctl's) only. Nothing in
// it calls os.Exit; Main returns the code for main to pass to os.Exit.
package cli
