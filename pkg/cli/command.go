package cli

import (
	"context"
	"log/slog"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/sailmesh/sail/pkg/log"
	"github.com/sailmesh/sail/pkg/version"
)

// Options is the contract every component's options follow. AttachFlags
// registers flags that write into the value, defaulting to its current
// fields; Validate runs after flag parsing and before Run, and its error
// is reported as a usage error (exit code 2).
type Options interface {
	AttachFlags(fs *pflag.FlagSet)
	Validate() error
}

// RunFunc does a command's work. ctx is cancelled on SIGINT or SIGTERM; a
// server returns nil once it has shut down after that. logger is built
// from --log-level and --log-format. A returned error exits with code 1,
// unless it was wrapped with UsageError.
type RunFunc func(ctx context.Context, logger *slog.Logger) error

// Command describes a binary or one of its subcommands.
type Command struct {
	// Name is the binary or subcommand name, as typed.
	Name string
	// Short is the one-line summary; Long the --help text, which should
	// say honestly what works in this build and what does not yet.
	Short, Long string
	// Example is optional usage examples.
	Example string
	// Options, if not nil, has its flags attached and is validated
	// before Run.
	Options Options
	// Run, if nil, makes the command a group that prints its help (like
	// istioctl with no subcommand).
	Run RunFunc
}

// NewRoot returns the root command of a binary. On top of c it has
// --version, the version subcommand, and the persistent --log-level and
// --log-format flags. A root with Run takes no positional arguments. Add
// subcommands with AddCommand and run the tree with Main.
func NewRoot(c Command) *cobra.Command {
	root := newCommand(c)
	root.Version = version.Get().String()
	root.SilenceErrors = true // Execute prints errors itself,
	root.SilenceUsage = true  // with a pointer to --help instead of the full usage.
	root.CompletionOptions.DisableDefaultCmd = true
	if c.Run != nil {
		root.Args = cobra.NoArgs
	}

	logOpts := log.DefaultOptions()
	logOpts.AttachFlags(root.PersistentFlags())
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		logger, err := log.New(logOpts, cmd.ErrOrStderr())
		if err != nil {
			return err
		}
		cmd.SetContext(withLogger(cmd.Context(), logger))
		return nil
	}

	root.AddCommand(newVersionCommand())
	return root
}

// NewSubcommand returns a subcommand built like a root command's body:
// c.Options flags, Validate before Run, and Run given the root's logger.
// It accepts no positional arguments.
func NewSubcommand(c Command) *cobra.Command {
	cmd := newCommand(c)
	if c.Run != nil {
		cmd.Args = cobra.NoArgs
	}
	return cmd
}

func newCommand(c Command) *cobra.Command {
	cmd := &cobra.Command{
		Use:     c.Name,
		Short:   c.Short,
		Long:    c.Long,
		Example: c.Example,
	}
	if c.Options != nil {
		c.Options.AttachFlags(cmd.Flags())
		cmd.PreRunE = func(*cobra.Command, []string) error {
			return c.Options.Validate()
		}
	}
	if c.Run != nil {
		run := c.Run
		cmd.RunE = func(cmd *cobra.Command, _ []string) error {
			return run(cmd.Context(), LoggerFrom(cmd.Context()))
		}
	}
	return cmd
}
