package validate

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/sailmesh/sail/pkg/config"
	"github.com/sailmesh/sail/pkg/config/parse"
	"github.com/sailmesh/sail/pkg/config/validation"
)

// Exit statuses of the command.
const (
	ExitInvalid = 1 // some input is invalid or could not be read
	ExitUsage   = 2 // the command line is wrong
)

// ExitError carries the status the process should exit with. The command
// prints its own output and messages, so callers only need the code:
//
//	var ee interface{ ExitCode() int }
//	if errors.As(err, &ee) { os.Exit(ee.ExitCode()) }
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// ExitCode is the process exit status.
func (e *ExitError) ExitCode() int { return e.Code }

// ErrInvalid is wrapped by the ExitError returned when some input is
// invalid.
var ErrInvalid = errors.New("configuration is invalid")

// Deps are what the command needs from its environment. Zero values use
// the defaults noted.
type Deps struct {
	// Stdin is read for "-f -"; nil means the command's input (os.Stdin).
	Stdin io.Reader
	// Stdout receives the report, Stderr usage errors; nil means the
	// command's outputs.
	Stdout, Stderr io.Writer
	// Registry lists the kinds accepted; nil means config.BuiltinRegistry().
	Registry *config.Registry
	// CheckExpression validates Mixer expressions (see validation.Options);
	// nil means a syntax check.
	CheckExpression func(string) error
}

// Options are the command's flags.
type Options struct {
	Files  []string
	Output string
	// Namespace is given to objects that name none.
	Namespace string
}

// Validate checks the flags.
func (o Options) Validate() error {
	if len(o.Files) == 0 {
		return errors.New("no input: give files or directories with -f (-f - reads stdin)")
	}
	if o.Output != "text" && o.Output != "json" {
		return fmt.Errorf("unknown output format %q: use text or json", o.Output)
	}
	return nil
}

// NewCommand returns "validate": istioctl validate -f FILE|DIR [-f ...] [-o text|json].
func NewCommand(deps Deps) *cobra.Command {
	opts := Options{Output: "text", Namespace: "default"}
	cmd := &cobra.Command{
		Use:   "validate -f FILE|DIR [-f ...]",
		Short: "Validate Istio and Mixer configuration files offline",
		Long: `Validate parses and checks configuration files without a cluster: unknown or
misspelled fields, values of the wrong type, and semantic mistakes such as
route weights that do not add up to 100, invalid regular expressions, TLS
settings that cannot work, or Mixer rules naming handlers that do not exist.

Directories are searched recursively for .yaml, .yml and .json files; "-"
reads standard input. Each valid object is listed as OK, each problem as
file:line: Kind/namespace/name: field: message. The exit status is 0 when
everything is valid, 1 when something is invalid, 2 for usage errors.`,
		Example: `  istioctl validate -f samples/bookinfo/networking/virtual-service-all-v1.yaml
  istioctl validate -f samples/ -o json
  kubectl get virtualservices -A -o yaml | istioctl validate -f -`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError(cmd, deps, fmt.Errorf("unexpected arguments %q: give inputs with -f", args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.Validate(); err != nil {
				return usageError(cmd, deps, err)
			}
			return run(cmd, deps, opts)
		},
	}
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError(c, deps, err) })
	fs := cmd.Flags()
	fs.StringSliceVarP(&opts.Files, "filename", "f", nil, "file or directory to validate (repeatable; - for stdin)")
	fs.StringVarP(&opts.Output, "output", "o", opts.Output, "output format: text or json")
	fs.StringVarP(&opts.Namespace, "namespace", "n", opts.Namespace, "namespace for objects that name none")
	return cmd
}

func usageError(cmd *cobra.Command, deps Deps, err error) error {
	w := deps.Stderr
	if w == nil {
		w = cmd.ErrOrStderr()
	}
	fmt.Fprintf(w, "Error: %v\nRun '%s --help' for usage.\n", err, cmd.CommandPath())
	return &ExitError{Code: ExitUsage, Err: err}
}

func run(cmd *cobra.Command, deps Deps, opts Options) error {
	stdin, stdout := deps.Stdin, deps.Stdout
	if stdin == nil {
		stdin = cmd.InOrStdin()
	}
	if stdout == nil {
		stdout = cmd.OutOrStdout()
	}
	reg := deps.Registry
	if reg == nil {
		reg = config.BuiltinRegistry()
	}
	c := &checker{
		parser:    parse.New(reg, parse.Options{DefaultNamespace: opts.Namespace}),
		validator: validation.New(validation.Options{CheckExpression: deps.CheckExpression}),
		defaultNS: opts.Namespace,
	}
	report := c.check(fetch(opts.Files, stdin))
	render := renderText
	if opts.Output == "json" {
		render = renderJSON
	}
	if err := render(stdout, report); err != nil {
		return &ExitError{Code: ExitInvalid, Err: fmt.Errorf("writing the report: %w", err)}
	}
	if !report.OK() {
		return &ExitError{Code: ExitInvalid, Err: fmt.Errorf("%w: %s", ErrInvalid, summary(report))}
	}
	return nil
}
