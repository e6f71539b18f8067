package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit codes of Sail binaries.
const (
	ExitOK    = 0 // success, including --help and --version
	ExitError = 1 // the command ran and failed
	ExitUsage = 2 // bad flags, arguments or options; the command did not run
)

// Main runs root with the process arguments and standard streams, under a
// context cancelled by the first SIGINT or SIGTERM (a second one kills
// the process the default way), and returns the exit code:
//
//	func main() { os.Exit(cli.Main(newCommand())) }
func Main(root *cobra.Command) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // restore default handling so a second signal is not swallowed
	}()
	return Execute(ctx, root, os.Args[1:], os.Stdout, os.Stderr)
}

// Execute runs root with args and the given streams under ctx, prints any
// error to stderr, and returns the exit code:
//
//   - An error with an ExitCode() int method (istioctl validate's
//     ExitError, for one) sets the code itself, and Execute prints
//     nothing: such a command has reported the problem already.
//   - Errors returned by a command's RunE exit ExitError, unless wrapped
//     with UsageError.
//   - Everything that fails before RunE (flag parsing, arguments,
//     Options.Validate, unknown commands) exits ExitUsage.
//
// To tell RunE errors apart it wraps the RunE of every command in the
// tree; running Execute again on the same tree is fine.
func Execute(ctx context.Context, root *cobra.Command, args []string, stdout, stderr io.Writer) int {
	if args == nil {
		args = []string{} // nil makes cobra read os.Args
	}
	markRunErrors(root)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)

	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	var coded interface{ ExitCode() int }
	if errors.As(err, &coded) {
		return coded.ExitCode()
	}
	var usage *usageError
	var run *runError
	if errors.As(err, &run) && !errors.As(err, &usage) {
		fmt.Fprintf(stderr, "Error: %v\n", run.err)
		return ExitError
	}
	if cmd == nil {
		cmd = root
	}
	fmt.Fprintf(stderr, "Error: %v\nRun '%s --help' for usage.\n", err, cmd.CommandPath())
	return ExitUsage
}

// UsageError marks err, returned from a command's run, as a usage mistake
// (exit code 2) rather than a failure (exit code 1).
func UsageError(err error) error {
	if err == nil {
		return nil
	}
	return &usageError{err: err}
}

type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// runError marks an error returned from a command's RunE.
type runError struct{ err error }

func (e *runError) Error() string { return e.err.Error() }
func (e *runError) Unwrap() error { return e.err }

// markRunErrors wraps the RunE of cmd and its descendants so that their
// errors are recognisable as run failures.
func markRunErrors(cmd *cobra.Command) {
	if run := cmd.RunE; run != nil {
		cmd.RunE = func(c *cobra.Command, args []string) error {
			err := run(c, args)
			var marked *runError
			if err == nil || errors.As(err, &marked) {
				return err
			}
			return &runError{err: err}
		}
	}
	for _, sub := range cmd.Commands() {
		markRunErrors(sub)
	}
}
